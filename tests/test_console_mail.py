"""
In development (EMAIL_URL unset) the worker prints mail on the console as a person
reads it: the sign-up confirmation link on one line, so copying it from `make run`'s
output confirms the address. Printed as it goes on the wire, quoted-printable cut
the link in two with a "=" and wrote "Zoë" as "Zo=C3=AB".
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.mailserver import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def sign_up(client, name: str, email: str) -> None:
    client.post(
        reverse("account_signup"),
        {
            "name": name,
            "email": email,
            "password1": "a-Long-passw0rd-here",
            "password2": "a-Long-passw0rd-here",
        },
    )


def test_a_confirmation_link_copied_from_the_console_confirms_the_address(client):
    sign_up(client, "Zoë Ünal", "zoe@example.com")

    printed = run_worker(EMAIL_URL="").stdout

    assert "Subject: [Newsroom] Please confirm your email address" in printed
    assert "To: zoe@example.com" in printed
    assert "Hello Zoë Ünal," in printed
    copied = re.search(r"http://testserver(/accounts/confirm-email/\S+)", printed)
    assert copied, printed
    assert client.get(copied[1]).status_code == 200
    client.post(copied[1])
    assert EmailAddress.objects.get(email="zoe@example.com").verified


def test_a_message_prints_its_text_and_names_its_html_version():
    from comments.tasks import send_email_message

    send_email_message.enqueue(
        subject="Une réponse à votre commentaire",
        body="Bonjour Zoë,\n\nhttps://example.com/" + "long-path/" * 12 + "\n",
        to=["zoe@example.com"],
        html="<p>Bonjour Zoë</p>",
    )

    printed = run_worker(EMAIL_URL="console://").stdout

    assert "Subject: Une réponse à votre commentaire" in printed
    assert "Bonjour Zoë,\n\nhttps://example.com/" + "long-path/" * 12 + "\n" in printed
    assert re.search(r"^\[text/html, \d+ bytes\]$", printed, re.M)
    assert "quoted-printable" not in printed and "=C3" not in printed
