import pytest

from tests import factories


@pytest.fixture(autouse=True)
def site_url(settings):
    """
    Absolute addresses (canonical links, mail, provider callbacks) come from
    SITE_URL: the test client's host, as the worker's (tests/mailserver.py).
    """
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def article(db):
    return factories.make_article()


@pytest.fixture
def editor(db):
    """A member of the Editors group, with a name to sign the replies they write."""
    return factories.make_staff("Editors", first_name="Eddie", last_name="Editor")


@pytest.fixture
def editor_client(client, editor):
    """The test's `client`, signed in as the editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, db):
    """The test's `client`, signed in as a member of the Moderators group."""
    client.force_login(factories.make_staff("Moderators"))
    return client


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
def one_page(rules):
    """
    The rules with every comment on one page ("Break comments into pages" off):
    the longest page a discussion makes, which tests of what a page costs measure.
    """
    rules.page_comments = False
    rules.save()
    return rules


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1, for the worker to deliver to."""
    from tests.mailserver import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """
    A hasher that takes microseconds, as Django's testing docs advise. The real one
    is slow on purpose and was most of the time of every test that makes a user
    with a password or signs in (test_sign_in_to_comment: 97 s, now 42 s). No test
    is about the hasher; processes the tests start keep the production settings.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
