"""
Delivery through the task worker: outages, retries, concurrent workers, batching,
and the comments that must not notify anyone. Real SMTP server, real worker process.
"""

import datetime
import time

import pytest
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from comments import notifications, tasks
from comments.models import Comment, OutboundMail
from privacy.tasks import clear_old_comment_ips
from tests import factories
from tests.factories import post_comment
from tests.mailserver import run_worker, running_workers, wait_for

# Every test runs the mail worker in processes of its own.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules"),
]


def subscriber(article, email="sub@example.com"):
    notifications.subscribe(email=email, article=article, verified=True)


def approved_comment(article, **fields):
    comment = factories.make_comment(article, status="pending", **fields)
    comment.status = Comment.Status.APPROVED
    comment.save()
    notifications.comment_approved(comment)
    return comment


def test_mail_server_down_then_back_the_mail_arrives_once(smtp_server):
    article = factories.make_article()
    subscriber(article)
    smtp_server.stop()
    approved_comment(article, body="Written during the outage.")
    worker_env = {"EMAIL_URL": smtp_server.url, "MAIL_RETRY_DELAY": "5"}

    run_worker(**worker_env)

    mail = OutboundMail.objects.get()
    assert (mail.status, mail.attempts) == ("queued", 1)
    assert "Connection refused" in mail.last_error
    assert mail.next_attempt_at > timezone.now()

    smtp_server.start()
    run_worker(**worker_env)  # the retry is not due yet (5 s backoff)
    assert smtp_server.received == []
    time.sleep(max(0, (mail.next_attempt_at - timezone.now()).total_seconds()) + 0.2)
    run_worker(**worker_env)
    run_worker(**worker_env)

    [message] = smtp_server.messages()
    assert "Written during the outage." in message.get_body(("plain",)).get_content()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")


def test_two_workers_never_send_the_same_mail_twice(smtp_server):
    article = factories.make_article()
    addresses = [f"subscriber{n}@example.com" for n in range(40)]
    for address in addresses:
        subscriber(article, address)

    with running_workers(3, EMAIL_URL=smtp_server.url):
        approved_comment(article)
        wait_for(lambda: len(smtp_server.received) >= 40)
        time.sleep(1)  # time for any duplicate to arrive

    recipients = sorted(r for item in smtp_server.received for r in item["rcpt_tos"])
    assert recipients == sorted(addresses)
    assert OutboundMail.objects.filter(status="sent").count() == 40
    # The work really was shared.
    workers = {w for row in DBTaskResult.objects.all() for w in row.worker_ids}
    assert len(workers) >= 2


def test_no_mail_for_held_spam_or_the_subscribers_own_comments(
    client, smtp_server, rules
):
    article = factories.make_article()
    subscriber(article, "sub@example.com")
    rules.disallowed_words = "casino"
    rules.save()
    # A first-time guest is held; a spammer goes to spam.
    post_comment(client, article, email="new@example.com")
    post_comment(client, article, body="casino!", email="spam@example.com")
    # The subscriber's own comment, approved.
    factories.make_comment(
        article, author_name="Grace Guest", author_email="sub@example.com"
    )
    post_comment(client, article, email="sub@example.com")
    assert sorted(Comment.objects.values_list("status", flat=True)) == [
        "approved",
        "approved",
        "pending",
        "spam",
    ]

    run_worker(EMAIL_URL=smtp_server.url)

    assert smtp_server.received == []


def test_comments_within_the_interval_are_gathered_into_one_mail(smtp_server):
    article = factories.make_article(title="Budget vote")
    subscriber(article)
    approved_comment(article, author_name="Ann", body="First.")
    run_worker(EMAIL_URL=smtp_server.url, NOTIFICATION_INTERVAL="3600")
    assert len(smtp_server.received) == 1

    approved_comment(article, author_name="Bob", body="Second.")
    approved_comment(article, author_name="Cy", body="Third.")
    run_worker(EMAIL_URL=smtp_server.url, NOTIFICATION_INTERVAL="3600")
    assert len(smtp_server.received) == 1  # the next one waits for the interval

    # An hour passes for the waiting digest.
    waiting = DBTaskResult.objects.ready().count()
    assert waiting == 0
    DBTaskResult.objects.filter(
        task_path="comments.tasks.send_digest", status="READY"
    ).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_worker(EMAIL_URL=smtp_server.url, NOTIFICATION_INTERVAL="3600")

    first, digest = smtp_server.messages()
    smtp_server.keep_sample(digest, "6-digest-of-new-comments")
    assert digest["Subject"] == "2 new comments on “Budget vote”"
    text = digest.get_body(("plain",)).get_content()
    assert "Second." in text and "Third." in text and "First." not in text


def test_a_permanent_refusal_is_not_retried(smtp_server):
    article = factories.make_article()
    subscriber(article, "gone@example.com")
    smtp_server.refused.add("gone@example.com")
    approved_comment(article)

    run_worker(EMAIL_URL=smtp_server.url)

    mail = OutboundMail.objects.get()
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert "550" in mail.last_error
    # Nothing waits but the worker's own hourly round (comments.tasks.keep_scheduled).
    assert not DBTaskResult.objects.filter(status="READY").exclude(
        task_path=clear_old_comment_ips.module_path
    )


def test_a_send_interrupted_after_claiming_is_not_repeated(client, smtp_server):
    """A worker died between claiming a mail and marking it sent: the server may
    have accepted it, so no worker sends it again on its own."""
    mail = OutboundMail.objects.create(
        to=["x@example.com"], subject="Hello", body="Hi", status="sending"
    )
    tasks.deliver_mail.enqueue(str(mail.pk))

    run_worker(EMAIL_URL=smtp_server.url)

    assert smtp_server.received == []
    mail.refresh_from_db()
    assert mail.status == "sending"

    # An editor who checked with the recipient sends it again from the admin.
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    client.post(
        "/admin/comments/outboundmail/",
        {"action": "send_again", "_selected_action": [str(mail.pk)]},
    )
    run_worker(EMAIL_URL=smtp_server.url)
    assert len(smtp_server.received) == 1
    mail.refresh_from_db()
    assert mail.status == "sent"


def test_the_admin_shows_the_message_id_the_mail_server_received(
    client, smtp_server, settings
):
    """Before sending an interrupted mail again, an editor looks for its
    Message-ID in the mail server's log: the admin shows the one the server got."""
    settings.DEFAULT_FROM_EMAIL = "Newsroom <news@newsroom.test>"  # as the worker's
    article = factories.make_article()
    subscriber(article)
    approved_comment(article)
    run_worker(EMAIL_URL=smtp_server.url)
    [message] = smtp_server.messages()
    mail = OutboundMail.objects.get()

    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/comments/outboundmail/{mail.pk}/change/")

    assert message["Message-ID"] == mail.message_id == f"<{mail.pk}@newsroom.test>"
    assert escape(mail.message_id) in page.content.decode()


def test_other_code_can_enqueue_any_message(smtp_server):
    tasks.send_message(
        subject="Confirm your email address",
        body="Open this link.",
        html="<p>Open this link.</p>",
        to=["new.reader@example.com"],
        headers={"X-Newsroom": "account"},
    )
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [str(OutboundMail.objects.get().pk)]

    run_worker(EMAIL_URL=smtp_server.url)

    [message] = smtp_server.messages()
    assert message["Subject"] == "Confirm your email address"
    assert message["X-Newsroom"] == "account"
    assert message["To"] == "new.reader@example.com"
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == (
        "Open this link."
    )
    sent = OutboundMail.objects.get()
    assert (sent.status, sent.subject, sent.body, sent.html) == (
        "sent",
        "Confirm your email address",
        "",
        "",
    )


def test_a_message_queued_as_its_words_is_sent_and_the_task_forgets_them(
    smtp_server,
):
    """The task whose arguments were the message, as rows queued before hold it."""
    result = tasks.send_email_message.enqueue(
        subject="Choose a new password",
        body="Open http://testserver/accounts/password/reset/key/1-secret/",
        to=["new.reader@example.com"],
    )

    run_worker(EMAIL_URL=smtp_server.url)

    [message] = smtp_server.messages()
    assert "1-secret" in message.get_body(preferencelist=("plain",)).get_content()
    assert OutboundMail.objects.get().status == "sent"
    task = DBTaskResult.objects.get(pk=result.id)
    assert (task.status, task.args_kwargs) == ("SUCCESSFUL", {"args": [], "kwargs": {}})


def test_a_digest_lost_with_a_killed_worker_does_not_silence_the_subscriber(
    smtp_server,
):
    from comments.models import Subscription

    article = factories.make_article()
    subscriber(article)
    # A worker was killed while sending this subscriber's digest an hour ago.
    Subscription.objects.update(
        digest_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    approved_comment(article, body="Still told.")

    run_worker(EMAIL_URL=smtp_server.url)

    assert len(smtp_server.received) == 1
