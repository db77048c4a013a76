"""
Erasing a person reaches every stored copy of them: the mail that told the
moderators or other readers of their comments, sent or waiting, and the task rows
that named them. Real SMTP server, real worker process.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django_tasks_db.models import DBTaskResult

from comments import notifications, tasks
from comments.models import Notice, OutboundMail
from tests import factories
from tests.mailserver import run_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules"),
]

TRACES = ["grace", "hopper", "secret words"]


@pytest.fixture
def officer():
    """Staff given the personal-data tool, in a client of their own."""
    user = factories.make_staff(username="officer")
    user.user_permissions.add(
        Permission.objects.get(codename="add_personaldatarequest")
    )
    client = Client()
    client.force_login(user)
    return client


def erase(officer, mode: str) -> None:
    response = officer.post(
        "/admin/newsroom/personaldatarequest/add/",
        {"email": "grace@example.com", "mode": mode, "confirm": "1"},
    )
    assert response.status_code == 302


def stored_rows() -> str:
    """Every mail, notice and task row, as one lower-case text to search."""
    rows = [
        *OutboundMail.objects.values(),
        *Notice.objects.values(),
        *DBTaskResult.objects.values("args_kwargs", "return_value", "traceback"),
    ]
    return json.dumps(rows, default=str).lower()


def graces_held_comment(article):
    comment = factories.make_comment(
        article,
        status="pending",
        author_name="Grace Hopper",
        author_email="grace@example.com",
        body="The secret words of Grace.",
    )
    tasks.enqueue(tasks.comment_held, comment.pk)
    return comment


def test_the_moderators_mail_about_her_comment_keeps_nothing_of_her(
    article, officer, smtp_server
):
    factories.make_staff("Moderators", email="mod@example.com")
    graces_held_comment(article)
    run_worker(EMAIL_URL=smtp_server.url)
    [told] = smtp_server.messages()
    assert "Grace Hopper <grace@example.com>" in told.get_body(("plain",)).get_content()

    erase(officer, "anonymise")

    rows = stored_rows()
    assert [trace for trace in TRACES if trace in rows] == []
    assert OutboundMail.objects.get().to == ["mod@example.com"]  # the log stays


def test_mail_still_waiting_is_written_again_without_her(article, officer, smtp_server):
    factories.make_staff("Moderators", email="mod@example.com")
    graces_held_comment(article)
    smtp_server.stop()
    run_worker(EMAIL_URL=smtp_server.url, MAIL_RETRY_DELAY="60")
    waiting = OutboundMail.objects.get()
    assert waiting.status == "queued" and "grace@example.com" in waiting.body

    erase(officer, "anonymise")

    rows = stored_rows()
    assert "grace" not in rows and "hopper" not in rows
    smtp_server.start()
    run_worker(EMAIL_URL=smtp_server.url)
    [told] = smtp_server.messages()
    text = told.get_body(("plain",)).get_content()
    assert "Anonymous <no email>" in text
    assert "The secret words of Grace." in text  # kept as "Anonymous", as chosen
    assert "grace@example.com" not in text and "Hopper" not in text


def test_a_waiting_mail_about_a_removed_comment_is_not_sent(
    article, officer, smtp_server
):
    factories.make_staff("Moderators", email="mod@example.com")
    graces_held_comment(article)
    smtp_server.stop()
    run_worker(EMAIL_URL=smtp_server.url, MAIL_RETRY_DELAY="60")

    erase(officer, "remove")

    assert [trace for trace in TRACES if trace in stored_rows()] == []
    smtp_server.start()
    run_worker(EMAIL_URL=smtp_server.url)
    assert smtp_server.messages() == []


def test_a_readers_mail_naming_her_in_its_subject_forgets_her_name(
    article, officer, smtp_server
):
    notifications.subscribe(email="bob@example.com", article=article, verified=True)
    comment = factories.make_comment(
        article,
        status="approved",
        author_name="Grace Hopper",
        author_email="grace@example.com",
    )
    notifications.comment_approved(comment)
    run_worker(EMAIL_URL=smtp_server.url)
    [told] = smtp_server.messages()
    assert told["Subject"].startswith("Grace Hopper commented on")

    erase(officer, "anonymise")

    assert [trace for trace in TRACES if trace in stored_rows()] == []
    assert OutboundMail.objects.get().to == ["bob@example.com"]


def test_a_task_row_that_holds_her_address_goes(article, officer):
    tasks.send_email_message.enqueue(
        subject="Hello Grace Hopper", body="…", to=["Grace@example.com"]
    )
    tasks.send_email_message.enqueue(subject="Hello Bob", body="…", to=["b@x.org"])

    erase(officer, "anonymise")

    assert [trace for trace in TRACES if trace in stored_rows()] == []
    [bobs] = DBTaskResult.objects.filter(task_path=tasks.send_email_message.module_path)
    assert bobs.args_kwargs["kwargs"]["subject"] == "Hello Bob"
