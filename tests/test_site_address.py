"""
Absolute addresses come from SITE_URL, never from the request's Host header.

Django checks the Host header against ALLOWED_HOSTS but ignores its port, so any
client can send `Host: 127.0.0.1:6666` (or another allowed name). An address built
from it would end up in the cached article page that every later reader gets
(canonical link, og:url), in the links of account mail, and in the address X and
Facebook send the reader back to.
"""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import comment_form, make_user
from tests.fake_providers import FakeProviders, providers_settings
from tests.mailserver import deliver_queued_mail

SITE = "https://news.example.com"
ODD_HOST = "127.0.0.1:6666"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    cache.clear()  # cached pages, and allauth's rate limits


def canonical_addresses(page: str) -> list[str]:
    """The page's canonical link and og:url."""
    return re.findall(r'<link rel="canonical" href="([^"]+)">', page) + re.findall(
        r'<meta property="og:url" content="([^"]+)">', page
    )


def test_a_request_with_an_odd_host_never_reaches_the_next_readers_page(article):
    url = article.get_absolute_url()

    first = Client().get(url, HTTP_HOST=ODD_HOST)  # renders and caches the page
    assert first.status_code == 200
    next_reader = Client().get(url).content.decode()

    assert canonical_addresses(next_reader) == [f"{SITE}{url}"] * 2
    assert ODD_HOST not in next_reader
    assert ODD_HOST not in first.content.decode()


def test_a_signed_in_readers_page_has_the_site_address_too(article):
    reader = Client()
    reader.force_login(make_user())

    page = reader.get(article.get_absolute_url(), HTTP_HOST=ODD_HOST).content.decode()

    assert canonical_addresses(page) == [f"{SITE}{article.get_absolute_url()}"] * 2
    assert ODD_HOST not in page


# --- Account mail: every link, and the site's name, from SITE_URL ------------------


def ask_for_password_reset(client):
    make_user(email="ada@example.com")
    client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    return "/accounts/password/reset/key/"


def ask_for_password_reset_of_an_unknown_address(client):
    client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    return "/accounts/signup/"


def sign_up(client):
    client.post(
        reverse("account_signup"),
        {
            "name": "Ada",
            "email": "ada@example.com",
            "password1": "a-Long-passw0rd",
            "password2": "a-Long-passw0rd",
        },
    )
    return "/accounts/confirm-email/"


def sign_up_with_an_address_that_has_an_account(client):
    make_user(email="ada@example.com")
    sign_up(client)
    return "/accounts/password/reset/"


@pytest.mark.slow  # the mail worker runs in a process of its own
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "ask",
    [
        ask_for_password_reset,
        sign_up,
        sign_up_with_an_address_that_has_an_account,
        ask_for_password_reset_of_an_unknown_address,
    ],
)
def test_account_mail_asked_for_with_an_odd_host_links_to_the_site(ask, smtp_server):
    client = Client(HTTP_HOST=ODD_HOST)

    path = ask(client)

    [mail] = deliver_queued_mail(smtp_server)
    assert mail.to == ["ada@example.com"]
    assert f"{SITE}{path}" in mail.body
    assert ODD_HOST not in mail.body
    links = re.findall(r"https?://[^/\s]+", mail.body)
    assert links and set(links) == {SITE}
    assert mail.body.splitlines()[-1] == f"Newsroom · {SITE}/"  # signed by the site


# --- X and Facebook send the reader back to the site's address ---------------------


@pytest.mark.parametrize("provider", ["facebook", "twitter_oauth2"])
def test_provider_callback_address_comes_from_the_site_address(
    provider, article, rules, monkeypatch, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    fake = FakeProviders().patch(monkeypatch)
    client = Client(HTTP_HOST=ODD_HOST)
    data = comment_form(client, article) | {"provider": provider}

    authorize = client.post(reverse("comment_sign_in", args=[article.pk]), data)

    asked = dict(parse_qsl(urlsplit(authorize["Location"]).query))
    assert asked["redirect_uri"] == (f"{SITE}{reverse(f'{provider}_callback')}")
    # The provider sends the reader there; the code is exchanged with the same
    # address, which the provider checks.
    back = client.get(fake.grant(provider, authorize["Location"]))
    assert back.status_code == 302
    assert back["Location"] == f"{article.get_absolute_url()}#respond"
