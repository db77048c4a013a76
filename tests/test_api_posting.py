"""
Posting a comment through the API: the same checks, moderation and refusals as
the "Leave a Reply" form (tests/refusals.py runs the form's cases through both),
for guests, signed-in readers with their session (and its cross-origin and CSRF
checks) and readers with a personal token. Answers are held to the OpenAPI
document.
"""

import json
import re
import time

import pytest
from django.test import Client

from api.models import PersonalToken
from comments.models import Comment
from tests import factories, refusals
from tests.factories import make_comment
from tests.openapi import assert_documented

pytestmark = pytest.mark.usefixtures("rules")

COMMENTS = "/api/v1/articles/{article_id}/comments/"


def stamp_for(client, article) -> str:
    return client.get(f"/comments/stamp/{article.pk}/").json()["stamp"]


def as_guest(client, article, **fields) -> dict:
    """What a guest's app sends: the form's fields, with a stamp it fetched."""
    return {
        "body": "A thoughtful comment.",
        "name": "Grace Guest",
        "email": "grace@example.com",
        "stamp": stamp_for(client, article),
    } | fields


def api_post(client, article, data: dict, **headers):
    response = client.post(
        f"/api/v1/articles/{article.pk}/comments/",
        json.dumps(data),
        content_type="application/json",
        headers=headers,
    )
    assert_documented(response, COMMENTS, "POST")
    return response


def test_a_known_guest_is_approved(client, article):
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")

    response = api_post(client, article, as_guest(client, article, body="Well said."))

    comment = Comment.objects.latest("id")
    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    assert response.json()["url"].endswith(f"/comments/{comment.pk}/")
    assert (comment.body, comment.author_name) == ("Well said.", "Grace Guest")


def test_a_first_time_guest_is_held_as_by_the_form(client, article):
    response = api_post(client, article, as_guest(client, article))

    comment = Comment.objects.get()
    assert response.json()["status"] == "held"
    assert comment.moderation_reason == "held: first comment from this author"
    # The same browser sees it held, as after the form (/me).
    me = client.get("/api/v1/me/", {"article": article.pk}).json()
    assert [held["id"] for held in me["held"]] == [comment.pk]


def test_spam_looks_held_to_its_author(client, article, rules):
    rules.disallowed_words = "casino"
    rules.save()

    response = api_post(client, article, as_guest(client, article, body="CASINO"))

    assert response.json()["status"] == "held"
    assert Comment.objects.get().status == "spam"


@pytest.mark.parametrize(("fields", "message"), refusals.BAD_INPUT + refusals.ROBOTS)
def test_the_api_refuses_what_the_form_refuses(client, article, fields, message):
    response = api_post(client, article, as_guest(client, article) | fields)

    assert response.status_code == 400
    answer = response.json()
    assert message in answer["detail"] or any(
        message in said for messages in answer["errors"].values() for said in messages
    )
    assert not Comment.objects.exists()


def test_field_errors_are_named_by_field(client, article):
    response = api_post(client, article, as_guest(client, article, email="nope"))

    assert response.json()["errors"] == {"email": ["Enter a valid email address."]}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '{"body": ["a list"]}',
        '{"parent": "abc"}',
        '{"notify_comments": "maybe"}',
    ],
)
def test_a_request_of_the_wrong_shape_is_refused_with_a_message(client, article, body):
    response = client.post(
        f"/api/v1/articles/{article.pk}/comments/",
        body,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Comment.objects.exists()


def test_posting_faster_than_a_person_can_write_is_refused(client, article, rules):
    rules.min_seconds_to_post = 1
    rules.save()
    data = as_guest(client, article)

    assert api_post(client, article, data).status_code == 400
    time.sleep(1.1)
    assert api_post(client, article, data).status_code == 201


def test_flood_and_duplicates_are_refused_as_by_the_form(client, article, rules):
    rules.flood_interval = 15
    rules.save()
    assert api_post(client, article, as_guest(client, article)).status_code == 201

    flood = api_post(client, article, as_guest(client, article, body="again"))

    assert flood.status_code == 400
    assert "too quickly" in flood.json()["detail"]


def test_one_form_posted_twice_makes_one_comment(client, article):
    data = as_guest(client, article)

    first = api_post(client, article, data)
    second = api_post(client, article, data)

    assert first.json()["id"] == second.json()["id"]
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [({"comments_open": False}, 403), ({"status": "draft"}, 404)],
)
def test_closed_or_unpublished_articles_refuse(client, article, change, status):
    data = as_guest(client, article)
    for field, value in change.items():
        setattr(article, field, value)
    article.save()

    response = api_post(client, article, data)

    assert response.status_code == status
    assert response.json()["detail"]


def test_a_reply_to_a_hidden_comment_is_refused(client, article):
    hidden = make_comment(article, status="spam")

    response = api_post(client, article, as_guest(client, article, parent=hidden.pk))

    assert response.status_code == 400
    assert "not available" in response.json()["detail"]


def test_a_reply_keeps_its_thread(client, article):
    parent = make_comment(article, author_email="grace@example.com")

    response = api_post(client, article, as_guest(client, article, parent=parent.pk))

    assert Comment.objects.get(pk=response.json()["id"]).parent == parent


# --- Signed in: a session, or a personal token ----------------------------------


def test_a_signed_in_readers_session_posts_with_its_csrf_token(article):
    reader = factories.make_user(first_name="Ada", last_name="Reader")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    token = browser.get(article.get_absolute_url()).cookies["csrftoken"].value
    data = {"body": "Signed in.", "stamp": stamp_for(browser, article)}

    without = api_post(browser, article, data)
    with_token = api_post(browser, article, data, x_csrftoken=token)

    assert without.status_code == 403
    assert with_token.status_code == 201
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name) == (reader, "Ada Reader")


@pytest.mark.parametrize(
    "headers",
    [
        {"sec_fetch_site": "cross-site", "origin": "https://evil.example"},
        {"origin": "https://evil.example"},
    ],
)
def test_another_site_cant_post_through_a_readers_browser(client, article, headers):
    response = api_post(client, article, as_guest(client, article), **headers)

    assert response.status_code == 403
    assert "from another site" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_personal_token_posts_as_its_reader_without_csrf(article):
    reader = factories.make_user(first_name="Tom", last_name="Token")
    _row, token = PersonalToken.objects.issue(reader, "my app")
    app = Client(enforce_csrf_checks=True)

    response = api_post(
        app,
        article,
        {"body": "From my app.", "stamp": stamp_for(app, article)},
        authorization=f"Bearer {token}",
    )

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name) == (reader, "Tom Token")
    assert PersonalToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("token", ["nr_nonsense", "", "nr_" + "a" * 5000])
def test_a_token_that_names_nobody_is_refused_not_taken_as_a_guest(
    client, article, token
):
    response = api_post(
        client, article, as_guest(client, article), authorization=f"Bearer {token}"
    )

    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_a_revoked_token_no_longer_works(client, article):
    reader = factories.make_user()
    row, token = PersonalToken.objects.issue(reader, "old")
    row.delete()

    response = client.get(
        "/api/v1/me/",
        {"article": article.pk},
        headers={"authorization": f"Bearer {token}"},
    )

    assert response.status_code == 401


def test_a_tokens_reader_sees_their_own_part(client, article):
    reader = factories.make_user(first_name="Tom", last_name="Token")
    _row, token = PersonalToken.objects.issue(reader, "my app")

    me = client.get(
        "/api/v1/me/",
        {"article": article.pk},
        headers={"authorization": f"Bearer {token}"},
    ).json()

    assert me["reader"] == {
        "id": reader.pk,
        "display_name": "Tom Token",
        "signed_in_with": "account",
        "avatar_url": "",
        "avatar_initials": "TT",
        "avatar_colour": me["reader"]["avatar_colour"],
        "staff": False,
    }


def test_a_post_through_the_api_asks_what_the_forms_post_asks(article):
    """One code path: the same statements, whichever way a comment comes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import comment_form, post_comment

    def statements(send) -> list[str]:
        with CaptureQueriesContext(connection) as done:
            send()
        # Each statement's kind and table, savepoints unnamed.
        return [
            re.sub(r'"s\d+_x\d+"', "", q["sql"])[:60] for q in done.captured_queries
        ]

    by_form, by_api = Client(), Client()
    form = comment_form(by_form, article, body="By the form.")
    sent = as_guest(by_api, article, body="By the API.", email="api@example.com")

    form_asked = statements(lambda: post_comment(by_form, article, form))
    api_asked = statements(lambda: api_post(by_api, article, sent))

    assert Comment.objects.count() == 2
    assert api_asked == form_asked


def test_a_tokens_last_use_is_written_at_most_every_five_minutes(client, article):
    import datetime

    from django.utils import timezone

    row, token = PersonalToken.objects.issue(factories.make_user(), "app")
    me = {"article": article.pk}
    auth = {"authorization": f"Bearer {token}"}

    client.get("/api/v1/me/", me, headers=auth)
    first = PersonalToken.objects.get().last_used_at
    client.get("/api/v1/me/", me, headers=auth)
    assert PersonalToken.objects.get().last_used_at == first

    earlier = timezone.now() - datetime.timedelta(minutes=6)
    PersonalToken.objects.update(last_used_at=earlier)
    client.get("/api/v1/me/", me, headers=auth)
    assert PersonalToken.objects.get().last_used_at > earlier


def test_a_request_too_large_is_refused_before_anything_is_read(client, article):
    body = json.dumps(as_guest(client, article, body="x" * 2_000_000))

    response = client.post(
        f"/api/v1/articles/{article.pk}/comments/",
        body,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "The request is too large."
    assert not Comment.objects.exists()
