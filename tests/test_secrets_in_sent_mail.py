"""
A password-reset or email-confirmation link opens an account: once the mail that
carries it is sent, no row of ours keeps it, neither the mail's nor the task's.
Real SMTP server, real worker process.
"""

import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import OutboundMail
from tests.factories import make_verified_user
from tests.mailserver import run_worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def stored_rows() -> str:
    """Every mail and task row, as one text to search."""
    rows = [
        *OutboundMail.objects.values(),
        *DBTaskResult.objects.values("args_kwargs", "return_value", "traceback"),
    ]
    return json.dumps(rows, default=str)


def sent_link(smtp_server, path: str) -> str:
    """
    Run the worker (again, should a send have timed out on a loaded machine and
    wait for its retry); the link to `path` in the one mail the server received.
    """
    wait_for(lambda: run_worker(EMAIL_URL=smtp_server.url) and smtp_server.received)
    [message] = smtp_server.messages()
    body = message.get_body(preferencelist=("plain",)).get_content()
    [link] = [word for word in body.split() if path in word]
    return link


def test_a_password_reset_link_is_not_kept_once_sent(client, smtp_server):
    make_verified_user(email="dana@example.com")
    client.post(reverse("account_reset_password"), {"email": "dana@example.com"})

    link = sent_link(smtp_server, "/accounts/password/reset/key/")

    key = link.rstrip("/").rpartition("/")[2]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    assert OutboundMail.objects.get().status == "sent"
    assert key not in stored_rows()


def test_an_email_confirmation_link_is_not_kept_once_sent(client, smtp_server):
    client.post(
        reverse("account_signup"),
        {
            "name": "Dana Reader",
            "email": "dana@example.com",
            "password1": "a-Long-passw0rd-here",
            "password2": "a-Long-passw0rd-here",
        },
    )

    link = sent_link(smtp_server, "/accounts/confirm-email/")

    key = link.rstrip("/").rpartition("/")[2]
    assert key not in stored_rows()
    # The mail log keeps who was sent what kind of mail, and when.
    sent = OutboundMail.objects.get()
    assert (sent.to, sent.status, sent.kind) == (
        ["dana@example.com"],
        "sent",
        "account",
    )
    assert sent.sent_at is not None
