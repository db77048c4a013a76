"""
Account mail and messages (django-allauth's) speak as Newsroom, to the person by
the name the site shows: never as the host the request came to ("Hello from
127.0.0.1:8795!"), nor by a username nobody chose ("Successfully signed in as
dana").
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import OutboundMail
from tests.factories import make_user, make_verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def from_another_host(client, settings):
    """Requests that come in on a host and port of their own, as in development."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client.defaults["HTTP_HOST"] = "127.0.0.1:8795"
    return client


def queued_mail() -> list[tuple[str, str, list[str]]]:
    """Account mail waiting for the worker: subject, body and recipients."""
    rows = OutboundMail.objects.filter(kind="account", status="queued")
    queued = DBTaskResult.objects.filter(task_path="comments.tasks.deliver_mail")
    assert sorted(task.args_kwargs["args"] for task in queued) == sorted(
        [str(row.pk)] for row in rows
    )
    return [(row.subject, row.body, row.to) for row in rows.order_by("created_at")]


def assert_from_newsroom(body: str) -> None:
    assert "127.0.0.1" not in body and "8795" not in body
    assert "Hello from" not in body
    assert body.endswith("-- \nNewsroom · http://testserver/")


def test_sign_up_mail_greets_the_reader_by_name(from_another_host):
    from_another_host.post(
        reverse("account_signup"),
        {
            "name": "Dana Reader",
            "email": "dana@example.com",
            "password1": "a-Long-passw0rd-here",
            "password2": "a-Long-passw0rd-here",
        },
    )

    [(subject, body, to)] = queued_mail()
    assert to == ["dana@example.com"]
    assert subject == "[Newsroom] Please confirm your email address"
    assert body.startswith("Hello Dana Reader,\n\n")
    assert "dana@example.com is your address on Newsroom" in body
    assert "http://testserver/accounts/confirm-email/" in body
    assert_from_newsroom(body)


def test_password_reset_mail_greets_by_name_not_username(from_another_host):
    make_verified_user(
        username="dana", first_name="Dana", last_name="Reader", email="d@example.com"
    )

    from_another_host.post(
        reverse("account_reset_password"), {"email": "d@example.com"}
    )

    [(subject, body, _)] = queued_mail()
    assert subject == "[Newsroom] Choose a new password"
    assert body.startswith("Hello Dana Reader,\n\n")
    assert "dana" not in body.replace("Dana", "")
    assert "http://testserver/accounts/password/reset/key/" in body
    assert_from_newsroom(body)


def test_mail_to_an_address_with_no_account_greets_nobody(from_another_host):
    """The reader asking may be signed in: the mail is not theirs to be named in."""
    from_another_host.force_login(make_user(first_name="Someone", last_name="Else"))

    from_another_host.post(
        reverse("account_reset_password"), {"email": "nobody@example.com"}
    )

    [(subject, body, to)] = queued_mail()
    assert to == ["nobody@example.com"]
    assert subject == "[Newsroom] No account with this address"
    assert body.startswith("Hello,\n\n")
    assert "Someone" not in body.replace("Someone (we hope you)", "")
    assert "http://testserver/accounts/signup/" in body
    assert_from_newsroom(body)


def test_signing_up_again_mails_the_account_that_exists(from_another_host):
    make_verified_user(email="taken@example.com")

    from_another_host.post(
        reverse("account_signup"),
        {
            "name": "Not The Owner",
            "email": "taken@example.com",
            "password1": "a-Long-passw0rd-here",
            "password2": "a-Long-passw0rd-here",
        },
    )

    [(subject, body, _)] = queued_mail()
    assert subject == "[Newsroom] You already have an account"
    assert body.startswith("Hello,\n\n")
    assert "http://testserver/accounts/password/reset/" in body
    assert_from_newsroom(body)


def test_signing_in_says_the_name_the_site_shows(client):
    make_verified_user(
        username="dana", first_name="Dana", last_name="Reader", email="d@example.com"
    )

    response = client.post(
        reverse("account_login"),
        {"login": "d@example.com", "password": "a-Long-passw0rd"},
    )

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["You are signed in as Dana Reader."]


def test_a_reader_without_a_name_is_named_by_their_username(client):
    make_verified_user(username="ada", email="ada@example.com")

    response = client.post(
        reverse("account_login"),
        {"login": "ada@example.com", "password": "a-Long-passw0rd"},
    )

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["You are signed in as ada."]
