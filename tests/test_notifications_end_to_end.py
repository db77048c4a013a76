"""
The whole story, through real parts: the comment form, PostgreSQL, the task worker
in its own process (`manage.py db_worker`) and a real SMTP server on 127.0.0.1.

Each received message is also kept under test-artifacts/mail/ as the server got it.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from articles.models import Article
from comments.models import Comment, OutboundMail, Subscription
from tests import factories
from tests.factories import bulk_action, post_comment
from tests.mailserver import run_worker

pytestmark = [
    pytest.mark.slow,  # the worker runs six times, each in a process of its own
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules"),
]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link(message, kind: str) -> str:
    """The path of the first /comments/KIND/ link in the plain-text part."""
    url = re.search(rf"http://testserver(/comments/{kind}/[^\s/]+/)", text_of(message))
    return url.group(1)


def approve(editor_client, *comments):
    assert bulk_action(editor_client, "approve", *comments).status_code == 302


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"  # as the worker's (tests/mailserver.py)


def test_subscribe_confirm_notify_unsubscribe(smtp_server):
    article = factories.make_article(title="Harbour reopens")
    factories.make_user(is_staff=True, groups=("Moderators",), email="mod@example.com")
    editor = factories.make_user(
        is_staff=True, is_superuser=True, email="", username="chief"
    )
    editor_client = Client()
    editor_client.force_login(editor)

    # Grace comments for the first time, ticking both boxes: held, and subscribed
    # pending confirmation. Nothing is sent in the request.
    grace = Client()
    response = post_comment(
        grace,
        article,
        body="Will the ferry run on Sundays?",
        notify_comments="on",
        notify_posts="on",
    )
    assert response.status_code == 302
    grace_comment = Comment.objects.get(author_email="grace@example.com")
    assert grace_comment.status == "pending"
    assert smtp_server.received == []

    run_worker(EMAIL_URL=smtp_server.url)

    [confirmation] = smtp_server.messages(to="grace@example.com")
    smtp_server.keep_sample(confirmation, "1-confirm-subscription")
    assert confirmation["Subject"] == "Please confirm your subscription to Newsroom"
    assert confirmation["To"] == "grace@example.com"
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert 'new comments on "Harbour reopens"' in text_of(confirmation)
    [held_alert] = smtp_server.messages(to="mod@example.com")
    smtp_server.keep_sample(held_alert, "2-held-for-moderation")
    assert "waiting for moderation" in held_alert["Subject"]
    assert (
        f"http://testserver/admin/comments/comment/{grace_comment.pk}/change/"
        in text_of(held_alert)
    )

    # Before confirming, another reader's approved comment sends Grace nothing.
    factories.make_comment(article, author_email="early@example.com", status="pending")
    approve(editor_client, Comment.objects.get(author_email="early@example.com"))
    run_worker(EMAIL_URL=smtp_server.url)
    assert len(smtp_server.messages(to="grace@example.com")) == 1

    # Following the link shows a button; pressing it confirms.
    page = grace.get(link(confirmation, "confirm"))
    assert page.status_code == 200
    assert "Yes, subscribe me" in page.content.decode()
    page = grace.post(link(confirmation, "confirm"))
    assert "You’re subscribed" in page.content.decode()
    assert set(
        Subscription.objects.filter(email="grace@example.com").values_list(
            "status", flat=True
        )
    ) == {"confirmed"}

    # An editor approves Grace's comment and Ann's: Grace hears of Ann's only.
    ann = Client()
    post_comment(
        ann, article, body="Only in summer, I heard.", name="Ann", email="ann@ex.org"
    )
    ann_comment = Comment.objects.get(author_email="ann@ex.org")
    approve(editor_client, grace_comment, ann_comment)
    run_worker(EMAIL_URL=smtp_server.url)

    mails = smtp_server.messages(to="grace@example.com")
    assert len(mails) == 2
    new_comment = mails[1]
    smtp_server.keep_sample(new_comment, "3-new-comment")
    assert new_comment["Subject"] == "Ann commented on “Harbour reopens”"
    assert "Only in summer, I heard." in text_of(new_comment)
    assert "Will the ferry" not in text_of(new_comment)
    assert new_comment["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = new_comment["List-Unsubscribe"].strip("<>")
    # On the wire as a plain URL: an RFC 2047-encoded one is useless to mail programs.
    raw = smtp_server.received[-1]["raw"]
    assert f"\r\nList-Unsubscribe: <{unsubscribe_url}>\r\n".encode() in raw
    assert unsubscribe_url.startswith("http://testserver/comments/unsubscribe/")
    assert unsubscribe_url in text_of(new_comment)
    assert unsubscribe_url in html_of(new_comment)
    assert "ann@ex.org" not in new_comment.as_string()
    assert "<img" not in html_of(new_comment)

    # Ann replies to Grace: Grace is told it is a reply to her.
    post_comment(
        ann,
        article,
        body="Sundays from June, says the timetable.",
        parent=str(grace_comment.pk),
        name="Ann",
        email="ann@ex.org",
    )
    run_worker(EMAIL_URL=smtp_server.url)
    reply = smtp_server.messages(to="grace@example.com")[-1]
    smtp_server.keep_sample(reply, "4-reply-to-your-comment")
    assert reply["Subject"] == "Ann replied to your comment on “Harbour reopens”"

    # An editor publishes a new article: "new posts" subscribers hear of it.
    draft = factories.make_article(title="Ferry timetable", status="draft")
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert Article.objects.get(pk=draft.pk).status == "published"
    run_worker(EMAIL_URL=smtp_server.url)
    new_post = smtp_server.messages(to="grace@example.com")[-1]
    smtp_server.keep_sample(new_post, "5-new-post")
    assert new_post["Subject"] == "New on Newsroom: Ferry timetable"
    assert len(smtp_server.messages(to="grace@example.com")) == 4

    # One-click unsubscribe, as a mail program does it (RFC 8058): a POST without
    # cookies or CSRF token. Twice, as a retrying client might.
    mail_program = Client(enforce_csrf_checks=True)
    path = urlsplit(unsubscribe_url).path
    for _ in range(2):
        response = mail_program.post(
            path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You’re unsubscribed" in response.content.decode()
    comments_subscription = Subscription.objects.get(
        email="grace@example.com", topic="comments"
    )
    assert comments_subscription.status == "unsubscribed"

    # No further mail about this article.
    post_comment(ann, article, body="And on holidays.", name="Ann", email="ann@ex.org")
    assert Comment.objects.latest("pk").status == "approved"
    run_worker(EMAIL_URL=smtp_server.url)
    assert len(smtp_server.messages(to="grace@example.com")) == 4
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {"sent"}
    # Every message went to one recipient only.
    assert all(len(item["rcpt_tos"]) == 1 for item in smtp_server.received)
