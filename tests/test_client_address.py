"""
The reader's address behind proxies: what flood limits and IP bans key on, the
check that catches a proxy setup which would give everyone the proxy's address,
and /healthz showing operators the address the site derives.
"""

import pytest
from django.core import checks


def check_ids() -> set[str]:
    return {message.id for message in checks.run_checks()}


def test_check_warns_behind_a_tls_proxy_without_a_trusted_proxy_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert "comments.W001" in check_ids()


def test_check_is_quiet_with_a_trusted_proxy_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    assert not {"comments.W001", "comments.E001"} & check_ids()


def test_check_is_quiet_without_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.TRUSTED_PROXY_COUNT = 0
    assert not {"comments.W001", "comments.E001"} & check_ids()


def test_check_refuses_a_negative_proxy_count(settings):
    settings.TRUSTED_PROXY_COUNT = -1
    errors = [m for m in checks.run_checks() if m.id == "comments.E001"]
    assert errors and errors[0].level == checks.ERROR


@pytest.mark.django_db
def test_healthz_shows_the_address_read_behind_one_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(
        "/healthz",
        # The client wrote the first entry; the proxy appended the second.
        headers={"X-Forwarded-For": "198.51.100.66, 203.0.113.7"},
    )
    assert response.status_code == 200
    assert response.content == b"ok\nclient: 203.0.113.7\n"


@pytest.mark.django_db
def test_healthz_shows_the_connecting_address_without_trusted_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.66"})
    assert response.content == b"ok\nclient: 127.0.0.1\n"


@pytest.mark.django_db
def test_an_entry_that_is_no_address_is_not_taken_for_one(client, settings):
    """A count set too high reads an entry the client wrote: it may be anything."""
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", headers={"X-Forwarded-For": "<not-an-ip>"})
    assert response.content == b"ok\nclient: 127.0.0.1\n"
