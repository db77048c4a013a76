"""
Likes, reports and an author's edit and delete through the API: the page's own
rules (comments.liking, comments.reporting, comments.authoring), answered as
JSON the OpenAPI document describes.
"""

import datetime
import json

import pytest
from django.utils import timezone

from comments.models import Comment, Like, Report
from tests import factories
from tests.factories import make_comment
from tests.openapi import assert_documented

pytestmark = pytest.mark.usefixtures("rules")

LIKE = "/api/v1/comments/{comment_id}/like/"
REPORT = "/api/v1/comments/{comment_id}/report/"
COMMENT = "/api/v1/comments/{comment_id}/"


def send(client, method: str, path: str, comment, data: dict | None = None, **extra):
    response = getattr(client, method.lower())(
        path.format(comment_id=comment.pk),
        json.dumps(data or {}),
        content_type="application/json",
        **extra,
    )
    assert_documented(response, path, method)
    return response


def stamp_for(client, article) -> str:
    return client.get(f"/comments/stamp/{article.pk}/").json()["stamp"]


def test_a_signed_in_reader_likes_and_unlikes(client, article):
    comment = make_comment(article)
    client.force_login(factories.make_user())

    liked = send(client, "POST", LIKE, comment).json()
    unliked = send(client, "POST", LIKE, comment).json()

    assert (liked["liked"], liked["count"]) == (True, 1)
    assert (unliked["liked"], unliked["count"]) == (False, 0)


def test_a_like_that_says_its_state_changes_nothing_where_it_is_so(client, article):
    comment = make_comment(article)
    client.force_login(factories.make_user())

    answers = [
        send(client, "POST", LIKE, comment, {"liked": state}).json()
        for state in (True, True, False, False)
    ]

    assert [(a["liked"], a["count"]) for a in answers] == [
        (True, 1),
        (True, 1),
        (False, 0),
        (False, 0),
    ]


def test_a_guests_like_uses_its_stamp_and_brings_the_next(client, article):
    comment, other = make_comment(article), make_comment(article)
    stamp = stamp_for(client, article)

    first = send(client, "POST", LIKE, comment, {"stamp": stamp}).json()
    again = send(client, "POST", LIKE, other, {"stamp": stamp})
    then = send(client, "POST", LIKE, other, {"stamp": first["stamp"]})

    assert first["liked"] and first["stamp"] != stamp
    assert again.status_code == 400
    assert "expired" in again.json()["detail"]
    assert then.json()["liked"]
    assert Like.objects.count() == 2


def test_a_guests_like_without_a_stamp_is_refused(client, article):
    comment = make_comment(article)

    response = send(client, "POST", LIKE, comment, {"homepage": "x"})

    assert response.status_code == 400
    assert not Like.objects.exists()


def test_a_held_comment_cant_be_liked(client, article):
    held = make_comment(article, status="pending")
    client.force_login(factories.make_user())

    assert send(client, "POST", LIKE, held).status_code == 404


def test_a_report_is_filed_once_behind_the_forms_checks(client, article):
    comment = make_comment(article)
    report = {"reason": "spam", "stamp": stamp_for(client, article)}

    bad = send(client, "POST", REPORT, comment, report | {"reason": "bored"})
    first = send(client, "POST", REPORT, comment, report)
    again = send(client, "POST", REPORT, comment, report)

    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert first.json() == again.json() == {"reported": True}
    assert Report.objects.count() == 1


def test_other_needs_a_note_as_on_the_page(client, article):
    comment = make_comment(article)

    response = send(
        client,
        "POST",
        REPORT,
        comment,
        {"reason": "other", "stamp": stamp_for(client, article)},
    )

    assert response.status_code == 400
    assert response.json()["errors"]["note"] == [
        "Please say what is wrong with the comment."
    ]


def own_comment(client, article, **fields) -> Comment:
    reader = factories.make_user()
    client.force_login(reader)
    return make_comment(article, user=reader, **fields)


def test_the_author_edits_within_the_window(client, article):
    comment = own_comment(client, article)

    response = send(client, "PATCH", COMMENT, comment, {"body": "Second thoughts."})

    comment.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert (comment.body, comment.edited_at is not None) == ("Second thoughts.", True)
    # Told in the answer, not again on the reader's next page.
    assert "was updated" not in client.get(article.get_absolute_url()).content.decode()


def test_an_empty_edit_is_refused_with_its_message(client, article):
    comment = own_comment(client, article)

    response = send(client, "PATCH", COMMENT, comment, {"body": "  "})

    assert response.status_code == 400
    assert response.json()["errors"]["body"] == [
        "Please type your comment, or delete it."
    ]


def test_nobody_else_edits_or_deletes_it(client, article):
    comment = make_comment(article, user=factories.make_user())
    client.force_login(factories.make_user())

    edited = send(client, "PATCH", COMMENT, comment, {"body": "Mine now"})
    deleted = send(client, "DELETE", COMMENT, comment)

    assert edited.status_code == deleted.status_code == 404
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_after_the_window_the_author_is_told_why(client, article):
    comment = own_comment(
        client, article, created_at=timezone.now() - datetime.timedelta(hours=1)
    )

    response = send(client, "PATCH", COMMENT, comment, {"body": "Too late"})

    assert response.status_code == 403
    assert "could be changed until" in response.json()["detail"]


def test_the_author_deletes_their_comment(client, article):
    comment = own_comment(client, article)

    response = send(client, "DELETE", COMMENT, comment)

    comment.refresh_from_db()
    assert response.status_code == 204
    assert (comment.status, comment.body) == ("removed", "")


def test_a_guest_changes_the_comment_their_browser_posted(client, article):
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")
    posted = client.post(
        f"/api/v1/articles/{article.pk}/comments/",
        json.dumps(
            {
                "body": "As a guest.",
                "name": "Grace Guest",
                "email": "grace@example.com",
                "stamp": stamp_for(client, article),
            }
        ),
        content_type="application/json",
    ).json()
    comment = Comment.objects.get(pk=posted["id"])

    response = send(client, "PATCH", COMMENT, comment, {"body": "Edited as a guest."})

    assert posted["editable_until"] is not None
    assert response.status_code == 200


def test_a_network_past_the_likes_limit_is_told_to_wait(client, article):
    from comments.liking import LIKES_PER_ADDRESS
    from readers.client_ip import network_key

    network = network_key("127.0.0.1")
    for comment in [make_comment(article) for _ in range(LIKES_PER_ADDRESS)]:
        Like.objects.create(comment=comment, browser=f"b{comment.pk}", network=network)
    client.force_login(factories.make_user())

    response = send(client, "POST", LIKE, make_comment(article))

    assert response.status_code == 429
    assert "liked many comments" in response.json()["detail"]


def test_a_network_past_the_reports_limit_is_told_to_wait(client, article):
    from comments.reporting import REPORTS_PER_ADDRESS
    from readers.client_ip import network_key

    network = network_key("127.0.0.1")
    for comment in [make_comment(article) for _ in range(REPORTS_PER_ADDRESS)]:
        Report.objects.create(
            comment=comment, reason="spam", browser=f"b{comment.pk}", network=network
        )
    report = {"reason": "spam", "stamp": stamp_for(client, article)}

    response = send(client, "POST", REPORT, make_comment(article), report)

    assert response.status_code == 429
    assert "many reports" in response.json()["detail"]
