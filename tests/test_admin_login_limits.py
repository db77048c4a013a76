"""
The admin's sign-in page counts failed attempts as the site's sign-in page does:
per address and per account, in the default cache (Redis in production, so every
app server counts the same attempts), by the address readers.client_ip trusts
behind nginx. Guessing an editor's password from one address stops after a few
tries, even with the right password; that address alone can't lock the editor out
of their account, and every block lifts by itself.
"""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from tests import factories

PASSWORD = "a-Long-passw0rd"
TOO_MANY = "Too many failed sign-in attempts"
NGINX = "127.0.0.1"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def moderator(db):
    return factories.make_user(
        username="mona", password=PASSWORD, is_staff=True, groups=("Moderators",)
    )


def sign_in(address: str, password: str, *, written_by_client: str = "") -> Client:
    """An attempt from `address`, as nginx forwards it (after what the client wrote)."""
    forwarded = f"{written_by_client}, {address}" if written_by_client else address
    client = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)
    client.response = client.post(  # type: ignore[attr-defined]
        "/admin/login/?next=/admin/",
        {"username": "mona", "password": password, "next": "/admin/"},
    )
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def guess(address: str, times: int) -> None:
    for n in range(times):
        # Whatever the client writes in X-Forwarded-For, nginx's entry counts.
        client = sign_in(address, f"guess-{n}", written_by_client=f"10.0.0.{n}")
        assert not signed_in(client)


@pytest.fixture
def later(monkeypatch):
    """Moves the clock (the limits' and the cache's) forward by some seconds."""
    real_time = time.time

    def move(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: real_time() + seconds)

    return move


def test_the_26th_attempt_is_refused_even_with_the_right_password(moderator):
    guess("203.0.113.7", 25)

    client = sign_in("203.0.113.7", PASSWORD)

    assert not signed_in(client)
    assert TOO_MANY in client.response.content.decode()


def test_another_address_still_signs_in(moderator):
    guess("203.0.113.7", 25)

    assert signed_in(sign_in("198.51.100.4", PASSWORD))


def test_the_block_ends(moderator, later):
    guess("203.0.113.7", 25)
    later(14 * 60)
    assert not signed_in(sign_in("203.0.113.7", PASSWORD))

    later(16 * 60)

    assert signed_in(sign_in("203.0.113.7", PASSWORD))


def test_guesses_from_many_addresses_block_the_account_for_a_while(moderator, later):
    for n in range(1, 6):
        guess(f"203.0.113.{n}", 5)

    refused = sign_in("198.51.100.4", PASSWORD)
    assert not signed_in(refused)
    assert TOO_MANY in refused.response.content.decode()

    later(16 * 60)

    assert signed_in(sign_in("198.51.100.4", PASSWORD))


def test_signing_in_is_no_failed_attempt(moderator):
    for _ in range(12):
        assert signed_in(sign_in("203.0.113.7", PASSWORD))


def test_the_counts_are_kept_in_the_default_cache(moderator):
    guess("203.0.113.7", 25)

    cache.clear()  # what Redis holds for every app server

    assert signed_in(sign_in("203.0.113.7", PASSWORD))


def test_an_address_the_proxies_did_not_write_is_not_believed(moderator, settings):
    """Fewer entries than TRUSTED_PROXY_COUNT: the proxy's address, not a 500."""
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    client = sign_in("203.0.113.7", PASSWORD)

    assert client.response.status_code == 302
    assert signed_in(client)


def test_an_editor_whose_account_is_blocked_signs_in_on_the_sites_page(moderator):
    """The way back in that docs/security.md gives: the site's page counts its own."""
    moderator.emailaddress_set.create(
        email=moderator.email, verified=True, primary=True
    )
    for n in range(1, 6):
        guess(f"203.0.113.{n}", 5)
    client = Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.4")

    client.post("/accounts/login/", {"login": moderator.email, "password": PASSWORD})

    assert signed_in(client)
    assert client.get("/admin/").status_code == 200
