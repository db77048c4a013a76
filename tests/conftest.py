import pytest

from tests import factories


@pytest.fixture
def article(db):
    return factories.make_article()


@pytest.fixture
def rules(db):
    """Discussion settings with the clock-based limits lifted (tests post at once)."""
    from comments.models import DiscussionSettings

    settings_row = DiscussionSettings.load()
    settings_row.min_seconds_to_post = 0
    settings_row.flood_interval = 0
    settings_row.save()
    return settings_row


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1, for the worker to deliver to."""
    from tests.mailserver import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()
