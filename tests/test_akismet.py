"""
Akismet as an option (comments.akismet_service), against a local fake of its HTTP
API (tests/fake_akismet.py): asked before a comment is judged when
AKISMET_API_KEY is set, told of moderators' corrections, and never the reason a
post is lost or refused.
"""

import akismet._common
import pytest
from django_tasks_db.models import DBTaskResult

from comments import akismet_service
from comments.models import Comment
from tests import factories
from tests.fake_akismet import FakeAkismet


@pytest.fixture
def fake_akismet(settings, monkeypatch):
    """The fake, where the client library sends its requests, and the site's key."""
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_TIMEOUT_MS = 300
    with FakeAkismet() as fake:
        # The library's address of Akismet is a constant of its own.
        monkeypatch.setattr(akismet._common, "_API_URL", fake.url)
        yield fake


def test_what_akismet_calls_spam_goes_to_spam_and_says_so(
    client, article, rules, fake_akismet
):
    factories.post_comment(client, article, body="Cheap viagra here", url="")

    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (
        "spam",
        "spam: Akismet says spam",
    )
    [(path, sent)] = fake_akismet.requests
    assert path == "/1.1/comment-check"
    assert sent["comment_content"] == "Cheap viagra here"
    assert sent["comment_author"] == "Grace Guest"
    assert sent["blog"] == "http://testserver"
    assert sent["permalink"] == f"http://testserver{article.get_absolute_url()}"


def test_what_akismet_passes_is_judged_by_the_sites_rules(
    client, article, rules, fake_akismet
):
    factories.post_comment(client, article, body="A fair point.")

    comment = Comment.objects.get()
    assert comment.moderation_reason == "held: first comment from this author"
    assert fake_akismet.paths() == ["/1.1/comment-check"]


def test_without_a_key_nothing_is_sent(client, article, rules, fake_akismet, settings):
    settings.AKISMET_API_KEY = ""

    factories.post_comment(client, article, body="Cheap viagra here")

    assert Comment.objects.get().status == "pending"
    assert fake_akismet.requests == []


@pytest.mark.parametrize("failure", ["slow", "error", "refused key"])
def test_a_failing_akismet_loses_no_post(
    client, article, rules, fake_akismet, settings, failure
):
    if failure == "slow":
        fake_akismet.delay = 1.0
    elif failure == "error":
        fake_akismet.status = 500
    else:
        settings.AKISMET_API_KEY = "wrong-key"

    response = factories.post_comment(client, article, body="Cheap viagra here")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: first comment from this author",
    )


def test_staff_are_not_sent(editor_client, article, rules, fake_akismet):
    factories.post_comment(editor_client, article, body="Cheap viagra here")

    assert Comment.objects.get().status == "approved"
    assert fake_akismet.requests == []


@pytest.mark.parametrize(
    ("action", "status", "endpoint"),
    [("mark_spam", "approved", "submit-spam"), ("mark_not_spam", "spam", "submit-ham")],
)
def test_moderators_corrections_are_reported_back(
    moderator_client, article, fake_akismet, action, status, endpoint
):
    comment = factories.make_comment(
        article, status=status, body="Was it spam?", ip_address="203.0.113.5"
    )

    factories.bulk_action(moderator_client, action, comment)
    queued = DBTaskResult.objects.get(task_path="comments.akismet_service.report")
    reported = akismet_service.report.call(*queued.args_kwargs["args"])

    assert reported == 1
    [(path, sent)] = fake_akismet.requests
    assert path == f"/1.1/{endpoint}"
    assert (sent["comment_content"], sent["user_ip"]) == ("Was it spam?", "203.0.113.5")


def test_a_report_akismet_refuses_is_logged_not_raised(
    moderator_client, article, fake_akismet
):
    comment = factories.make_comment(article, status="approved", body="x")
    fake_akismet.status = 500

    assert akismet_service.report.call([comment.pk], "spam") == 0
