"""
Account pre-hijacking (Sudhodanan & Paverd, 2022): an attacker prepares an account
with the victim's address before the victim signs up, and keeps a way in after the
victim has taken the account over.

Here the way in is a Facebook login. Facebook's addresses arrive unverified, so an
attacker's Facebook profile can claim victor@example.org. Each story goes through
the real allauth views, the fake Facebook of tests/fake_providers.py, the task
worker and a real SMTP server on 127.0.0.1; Victor only follows the links he gets
by mail.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.fake_providers import (
    FACEBOOK_USER,
    X_USER,
    FakeProviders,
    providers_settings,
)
from tests.mailserver import deliver_queued_mail

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,  # the mail worker runs in a process of its own
]

User = get_user_model()
VICTOR = "victor@example.org"
PASSWORD = "Victor's-own-passw0rd"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # allauth's rate limits count in the cache


@pytest.fixture
def fake(monkeypatch, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    return FakeProviders().patch(monkeypatch)


def provider_login(client, fake, provider="facebook"):
    """Sign in with a provider through allauth's own login view."""
    response = client.post(reverse(f"{provider}_login"), {"process": "login"})
    assert response.status_code == 302
    return client.get(fake.grant(provider, response["Location"]))


def minutes_later():
    """
    allauth sends one verification (or "account exists") mail per address every
    three minutes, counted in the cache; a person reading their mail takes longer.
    """
    cache.clear()


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


class Mailbox:
    """Victor's mailbox: what the worker delivered to him, newest last."""

    def __init__(self, smtp_server, address):
        self.smtp_server, self.address = smtp_server, address

    def latest(self):
        mails = [
            m for m in deliver_queued_mail(self.smtp_server) if self.address in m.to
        ]
        assert mails, f"no mail for {self.address}"
        return mails[-1]

    def link(self, path: str) -> str:
        """The path of the newest mail's link that starts with `path`."""
        found = re.search(
            rf"https?://[^/\s]+({re.escape(path)}\S*)", self.latest().body
        )
        assert found, f"no {path} link in:\n{self.latest().body}"
        return found.group(1)


def sign_up(client, email=VICTOR):
    minutes_later()
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Victor",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()


def reset_password(client, mailbox):
    """Ask for a reset link, follow it, choose a password."""
    response = client.post(reverse("account_reset_password"), {"email": VICTOR})
    assert response.status_code == 302
    response = client.get(mailbox.link("/accounts/password/reset/key/"))
    assert response.status_code == 302  # the key moves into the session
    response = client.post(
        response["Location"], {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()


def sign_in_and_verify(client, mailbox):
    """Sign in with the password; the address is confirmed by mail on the way."""
    minutes_later()
    response = client.post(
        reverse("account_login"), {"login": VICTOR, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    assert signed_in_user(client) is None  # not before the address is confirmed
    confirm = mailbox.link("/accounts/confirm-email/")
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)
    assert response.status_code == 302, response.content.decode()
    victor = signed_in_user(client)
    assert victor is not None
    assert EmailAddress.objects.get(user=victor, email=VICTOR).verified
    return victor


def assert_attacker_kept_out(fake, victor):
    """The attacker's Facebook login, once more: it doesn't open Victor's account."""
    attacker = Client()
    provider_login(attacker, fake)
    assert signed_in_user(attacker) != victor
    assert not SocialAccount.objects.filter(user=victor).exists()


def test_attackers_facebook_login_never_opens_the_account_victor_signs_up_for(
    fake, smtp_server
):
    fake.facebook_user["email"] = VICTOR  # the attacker's profile claims it
    attacker = Client()
    provider_login(attacker, fake)
    assert signed_in_user(attacker) is not None

    victor_client, mailbox = Client(), Mailbox(smtp_server, VICTOR)
    sign_up(victor_client)
    reset_password(victor_client, mailbox)
    victor = sign_in_and_verify(victor_client, mailbox)

    assert_attacker_kept_out(fake, victor)
    assert victor.first_name == "Victor"  # the account his sign-up made


def facebook_signup_before_this_fix(fake) -> Client:
    """
    The rows a Facebook sign-up left before this fix: the profile's unverified
    address stored as the account's own. Such accounts are still in the database.
    """
    user = User.objects.create(
        username="grace", email=VICTOR, first_name="Mallory", last_name="Attacker"
    )
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=VICTOR, verified=False, primary=True)
    SocialAccount.objects.create(
        user=user, provider="facebook", uid=FACEBOOK_USER["id"], extra_data={}
    )
    fake.facebook_user["email"] = VICTOR
    attacker = Client()
    attacker.force_login(user)
    return attacker


def added_on_the_account_page(fake) -> Client:
    """The attacker signs in with Facebook, then adds Victor's address himself."""
    fake.facebook_user.pop("email")
    attacker = Client()
    provider_login(attacker, fake)
    response = attacker.post(
        reverse("account_email"), {"action_add": "", "email": VICTOR}
    )
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=VICTOR).verified is False
    return attacker


def is_signed_in(client) -> bool:
    """Whether the client's session still opens an account page."""
    return client.get(reverse("account_email")).status_code == 200


@pytest.mark.parametrize(
    "claim", [facebook_signup_before_this_fix, added_on_the_account_page]
)
def test_taking_over_an_account_by_password_reset_disconnects_its_facebook_login(
    fake, smtp_server, claim
):
    attackers_session = claim(fake)
    assert is_signed_in(attackers_session)
    claimed = User.objects.get(emailaddress__email=VICTOR)
    assert SocialAccount.objects.filter(user=claimed).exists()

    victor_client, mailbox = Client(), Mailbox(smtp_server, VICTOR)
    sign_up(victor_client)
    told = mailbox.latest()
    assert told.subject == "[Newsroom] You already have an account"
    assert "which already has an account, so no other account was made" in told.body
    reset_password(victor_client, mailbox)
    victor = sign_in_and_verify(victor_client, mailbox)

    assert victor == claimed
    assert_attacker_kept_out(fake, victor)
    assert not is_signed_in(attackers_session)


def test_an_address_on_a_facebook_account_is_not_confirmed_by_a_stranger(
    fake, smtp_server
):
    added_on_the_account_page(fake)  # a confirmation mail goes to Victor
    mailbox = Mailbox(smtp_server, VICTOR)
    confirm = mailbox.link("/accounts/confirm-email/")

    stranger = Client()
    response = stranger.post(confirm)

    assert response.status_code == 403
    assert "signed in" in response.content.decode()
    assert EmailAddress.objects.get(email=VICTOR).verified is False
    assert signed_in_user(stranger) is None


def test_reader_signed_in_with_x_confirms_their_address_and_keeps_x(fake, smtp_server):
    reader = Client()
    provider_login(reader, fake, "twitter_oauth2")
    reader.post(
        reverse("account_email"), {"action_add": "", "email": "ada@example.com"}
    )
    confirm = Mailbox(smtp_server, "ada@example.com").link("/accounts/confirm-email/")

    response = reader.post(confirm)

    assert response.status_code == 302
    ada = User.objects.get(socialaccount__uid=X_USER["id"])
    assert EmailAddress.objects.get(user=ada).verified is True
    reader.logout()
    provider_login(reader, fake, "twitter_oauth2")
    assert signed_in_user(reader) == ada


def test_password_reset_of_an_account_with_a_confirmed_address_keeps_its_x_login(
    fake, smtp_server
):
    reader = Client()
    provider_login(reader, fake, "twitter_oauth2")
    ada = signed_in_user(reader)
    EmailAddress.objects.create(
        user=ada, email="ada@example.com", verified=True, primary=True
    )
    reader.logout()

    reader.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    mailbox = Mailbox(smtp_server, "ada@example.com")
    response = reader.get(mailbox.link("/accounts/password/reset/key/"))
    reader.post(response["Location"], {"password1": PASSWORD, "password2": PASSWORD})

    assert SocialAccount.objects.filter(user=ada).exists()
    provider_login(reader, fake, "twitter_oauth2")
    assert signed_in_user(reader) == ada
