"""
A reader's personal tokens for the API, on their account's pages: made with a
name and shown once, kept only as a digest, listed with when they were last
used, and revoked.
"""

import hashlib
import re

import pytest
from django.test import Client

from api.models import PersonalToken
from tests import factories


@pytest.fixture
def reader_client(client, db):
    client.force_login(factories.make_user())
    return client


def test_a_token_is_shown_once_and_kept_as_a_digest(reader_client):
    made = reader_client.post("/accounts/api-tokens/", {"name": "My newsletter"})

    page = made.content.decode()
    token = re.search(r'id="new-token">(nr_[\w-]+)</code>', page)[1]
    row = PersonalToken.objects.get()
    assert made["Cache-Control"] == "private, no-store"
    assert row.name == "My newsletter"
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in reader_client.get("/accounts/api-tokens/").content.decode()


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u2066", "n" * 101])
def test_a_token_needs_a_name(reader_client, name):
    response = reader_client.post("/accounts/api-tokens/", {"name": name})

    assert response.status_code == 400
    assert not PersonalToken.objects.exists()


def test_a_reader_has_twenty_tokens_at_most(reader_client):
    for n in range(20):
        assert reader_client.post("/accounts/api-tokens/", {"name": f"app {n}"})

    response = reader_client.post("/accounts/api-tokens/", {"name": "one more"})

    assert response.status_code == 400
    assert "revoke one" in response.content.decode()
    assert PersonalToken.objects.count() == 20


def test_a_reader_revokes_their_token_and_nobody_elses(reader_client):
    user = reader_client.get("/accounts/api-tokens/").wsgi_request.user
    mine, _ = PersonalToken.objects.issue(user, "mine")
    theirs, _ = PersonalToken.objects.issue(factories.make_user(), "theirs")

    other = reader_client.post(f"/accounts/api-tokens/{theirs.pk}/revoke/")
    own = reader_client.post(f"/accounts/api-tokens/{mine.pk}/revoke/")

    assert other.status_code == 404
    assert own.status_code == 302
    assert list(PersonalToken.objects.values_list("name", flat=True)) == ["theirs"]


def test_the_token_page_is_for_signed_in_readers(db):
    response = Client().get("/accounts/api-tokens/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_making_a_token_needs_the_pages_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(factories.make_user())

    response = browser.post("/accounts/api-tokens/", {"name": "forged"})

    assert response.status_code == 403
    assert not PersonalToken.objects.exists()
