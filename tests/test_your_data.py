"""
A signed-in reader downloads what the site holds about them and deletes their
account at /accounts/data/, proving it is them first.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, Subscription
from newsroom.models import PersonalDataRequest
from tests import factories

PAGE = "/accounts/data/"
DOWNLOAD = "/accounts/data/download/"


@pytest.fixture
def grace(article):
    return factories.make_reader_with_history(article)


@pytest.fixture
def grace_client(client, grace):
    client.force_login(grace["user"])
    return client


def test_the_page_says_what_is_held_and_what_deleting_does(grace_client):
    page = grace_client.get(PAGE).content.decode()

    assert "the 2 comments you wrote" in page
    assert "your 1 subscription and" in page
    assert "Keep them, shown as “Anonymous”" in page
    assert 'autocomplete="current-password"' in page


def test_the_page_is_linked_from_the_account_and_subscription_pages(
    grace_client, article
):
    for url in ["/accounts/email/", "/comments/subscriptions/", "/"]:
        links = grace_client.get(url).content.decode().count(f'href="{PAGE}"')
        assert links >= 1, url


def test_a_reader_downloads_their_own_data(grace_client):
    response = grace_client.post(DOWNLOAD)

    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert [a["username"] for a in data["accounts"]] == ["grace"]
    assert {c["text"] for c in data["comments"]} == {
        "Signed-in words of Grace.",
        "Guest words of Grace.",
    }
    assert len(data["subscriptions"]) == len(data["mail"]) == 1
    # As everywhere on the site, nobody is told their comment went to spam.
    text = json.dumps(data)
    assert "Spam" not in text and "Shouting" not in text
    assert "bans" not in data
    assert {c["status"] for c in data["comments"]} == {
        "Approved",
        "Awaiting moderation",
    }
    # An unverified address may be someone else's.
    assert "Words under an unverified address." not in text
    entry = PersonalDataRequest.objects.get()
    assert (entry.action, entry.by_the_reader) == ("export", True)


def test_the_download_is_a_post(grace_client):
    assert grace_client.get(DOWNLOAD).status_code == 405


def test_signed_out_visitors_are_sent_to_log_in(client, db):
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    assert client.post(DOWNLOAD)["Location"].startswith("/accounts/login/")


def test_a_wrong_password_deletes_nothing(grace_client, grace):
    response = grace_client.post(PAGE, {"mode": "anonymise", "password": "guess"})

    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert get_user_model().objects.filter(username="grace").exists()
    assert not PersonalDataRequest.objects.exists()


def test_a_reader_deletes_their_account_and_is_signed_out(grace_client, grace):
    response = grace_client.post(
        PAGE, {"mode": "anonymise", "password": "a-Long-passw0rd"}
    )

    assert response["Location"] == "/accounts/deleted/"
    assert (
        "Your account is deleted"
        in grace_client.get("/accounts/deleted/").content.decode()
    )
    assert grace_client.get(PAGE).status_code == 302  # signed out
    assert not get_user_model().objects.filter(username="grace").exists()
    comment = Comment.objects.get(pk=grace["signed_in"].pk)
    assert (comment.display_name, comment.body) == (
        "Anonymous",
        "Signed-in words of Grace.",
    )
    assert not Subscription.objects.filter(email="grace@example.com").exists()
    entry = PersonalDataRequest.objects.get()
    assert (entry.action, entry.by_the_reader, entry.done_by) == ("erase", True, None)
    assert "grace" not in json.dumps(entry.summary).lower()


def test_a_reader_may_have_their_comments_removed(grace_client, grace):
    grace_client.post(PAGE, {"mode": "remove", "password": "a-Long-passw0rd"})

    comment = Comment.objects.get(pk=grace["signed_in"].pk)
    assert comment.status == "removed"
    assert "Grace" not in comment.body


def test_an_account_without_password_confirms_with_a_phrase(client, article):
    reader = factories.make_user(username="xreader")
    reader.set_unusable_password()
    reader.save()
    factories.make_comment(article, user=reader, author_name="X Reader")
    client.force_login(reader)

    page = client.get(PAGE).content.decode()
    refused = client.post(PAGE, {"mode": "anonymise", "confirmation": "yes"})
    accepted = client.post(
        PAGE, {"mode": "anonymise", "confirmation": "  Delete my  account "}
    )

    assert "Type “delete my account” to confirm" in page
    assert refused.status_code == 400
    assert accepted["Location"] == "/accounts/deleted/"
    assert not get_user_model().objects.filter(username="xreader").exists()
    assert Comment.objects.get().display_name == "Anonymous"


def test_staff_close_their_account_through_an_administrator(client, article):
    staff = factories.make_user(is_staff=True, username="eve")
    client.force_login(staff)

    page = client.get(PAGE).content.decode()
    client.post(PAGE, {"mode": "remove", "password": "a-Long-passw0rd"})

    assert "Staff accounts are closed by an administrator." in page
    assert get_user_model().objects.filter(username="eve").exists()


def test_the_download_costs_the_same_queries_however_many_comments(
    grace_client, grace, article, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as first:
        grace_client.post(DOWNLOAD)
    for n in range(5):
        factories.make_comment(article, user=grace["user"], body=f"More {n}.")

    with django_assert_num_queries(len(first)):
        grace_client.post(DOWNLOAD)
