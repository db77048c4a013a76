"""
The API's reading side (/api/v1/): its OpenAPI document, published articles, an
article's approved comments in reading order, and the reader's own part (/me).
Every answer is held to the document (tests/openapi.py).
"""

import datetime

import pytest
from django.utils import timezone

from comments.models import Like
from tests import factories
from tests.factories import make_comment
from tests.openapi import assert_documented, document

pytestmark = pytest.mark.usefixtures("rules")

COMMENTS = "/api/v1/articles/{article_id}/comments/"


def comments_of(client, article, **query):
    response = client.get(f"/api/v1/articles/{article.pk}/comments/", query)
    return response, assert_documented(response, COMMENTS)


def test_the_document_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert document()["openapi"].startswith("3.")
    operations = {
        (method.upper(), path)
        for path, methods in document()["paths"].items()
        for method in methods
    }
    assert operations >= {
        ("GET", "/api/v1/articles/"),
        ("GET", "/api/v1/articles/{article_id}/"),
        ("GET", COMMENTS),
        ("POST", COMMENTS),
        ("POST", "/api/v1/comments/{comment_id}/like/"),
        ("POST", "/api/v1/comments/{comment_id}/report/"),
        ("PATCH", "/api/v1/comments/{comment_id}/"),
        ("DELETE", "/api/v1/comments/{comment_id}/"),
        ("GET", "/api/v1/me/"),
    }
    schemes = document()["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}


def test_the_documentation_page_loads_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_only_published_articles_are_listed(client, article):
    factories.make_article(title="A draft", status="draft")
    later = factories.make_article(
        title="Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1)
    )

    response = client.get("/api/v1/articles/")
    listed = assert_documented(response, "/api/v1/articles/")

    titles = [item["title"] for item in listed["items"]]
    assert article.title in titles
    assert "A draft" not in titles and "Tomorrow" not in titles
    assert client.get(f"/api/v1/articles/{later.pk}/").status_code == 404
    one = client.get(f"/api/v1/articles/{article.pk}/")
    found = assert_documented(one, "/api/v1/articles/{article_id}/")
    assert found["url"].endswith(article.get_absolute_url())


def test_the_articles_list_pages_by_cursor(client, db):
    for n in range(25):
        factories.make_article(
            published_at=timezone.now() - datetime.timedelta(hours=n + 1)
        )

    first = client.get("/api/v1/articles/").json()
    second = client.get(first["next"]).json()

    assert len(first["items"]) == 20
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) >= 25
    assert second["next"] is None


def test_comments_come_in_reading_order_with_their_threads(client, article):
    first = make_comment(article, author_name="Ada", body="First <b>bold</b>")
    second = make_comment(article, author_name="Bob")
    reply = make_comment(article, parent=first, author_name="Cy")
    make_comment(article, parent=reply, status="pending", author_name="Held")
    make_comment(article, status="spam", author_name="Spammer")
    staff = make_comment(article, author_name="Eddie", author_is_staff=True)
    Like.objects.create(comment=second, browser="b1", network="n1")

    response, page = comments_of(client, article)

    assert [(c["id"], c["parent_id"], c["depth"]) for c in page["items"]] == [
        (first.pk, None, 0),
        (reply.pk, first.pk, 1),
        (second.pk, None, 0),
        (staff.pk, None, 0),
    ]
    by_id = {c["id"]: c for c in page["items"]}
    assert by_id[first.pk]["body_html"] == "<p>First &lt;b&gt;bold&lt;/b&gt;</p>"
    assert by_id[second.pk]["like_count"] == 1
    assert by_id[staff.pk]["staff"] and not by_id[first.pk]["staff"]
    assert page["approved_count"] == 4
    text = response.content.decode()
    assert "Held" not in text and "Spammer" not in text
    assert "@example.com" not in text and "192.0.2.1" not in text


def test_comments_are_public_and_purged_with_the_article(client, article):
    response, _page = comments_of(client, article)

    assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert response["Surrogate-Key"] == response["Cache-Tag"] == f"article-{article.pk}"


def test_a_request_that_names_its_variant_oddly_is_answered_privately(client, article):
    """As the page (newsroom.middleware.shared_as_named): nginx keys zh-cn apart."""
    client.cookies["django_language"] = "zh-cn"

    response, _page = comments_of(client, article)

    assert response["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in response


def test_a_signed_in_reader_gets_the_same_public_list(client, article):
    held = make_comment(article, status="pending", body="Mine, held.")
    held.user = factories.make_user()
    held.save()
    client.force_login(held.user)

    response, page = comments_of(client, article)

    assert page["items"] == []
    assert response["Cache-Control"].startswith("public")


def test_comments_page_by_whole_threads_with_a_cursor(client, article, rules):
    rules.comments_per_page = 2
    rules.save()
    tops = [make_comment(article) for _ in range(5)]
    make_comment(article, parent=tops[1])

    _response, first = comments_of(client, article)
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    assert len(first["items"]) == 3  # two threads, one with its reply
    assert [c["id"] for c in second["items"]] == [tops[2].pk, tops[3].pk]
    assert [c["id"] for c in third["items"]] == [tops[4].pk]
    assert third["next"] is None


@pytest.mark.parametrize("cursor", ["x", "1-", "99999999999999999999-1", "-1-2"])
def test_a_cursor_we_never_wrote_is_refused_clearly(client, article, cursor):
    response = client.get(
        f"/api/v1/articles/{article.pk}/comments/", {"cursor": cursor}
    )

    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_comments_cost_three_queries_however_many(
    client, article, django_assert_num_queries
):
    for _ in range(30):
        make_comment(article)

    with django_assert_num_queries(3):  # the article, the rules, the comments
        assert client.get(f"/api/v1/articles/{article.pk}/comments/").status_code == 200


def test_an_unpublished_article_has_no_comments_here(client, db):
    draft = factories.make_article(status="draft")
    make_comment(draft)

    assert client.get(f"/api/v1/articles/{draft.pk}/comments/").status_code == 404


def test_me_for_a_guest_is_nobody_and_kept_by_no_cache(client, article):
    response = client.get("/api/v1/me/", {"article": article.pk})
    me = assert_documented(response, "/api/v1/me/")

    assert me == {
        "reader": None,
        "liked": [],
        "held": [],
        "liked_on": [],
        "held_on": [],
        "remembered": None,
        "draft": None,
        "csrf": None,
    }
    assert response["Cache-Control"] == "private, no-store"


def test_me_gives_a_reader_their_likes_and_held_comments(client, article):
    reader = factories.make_user(first_name="Ada", last_name="Reader")
    liked = make_comment(article)
    parent = make_comment(article)
    held = make_comment(article, parent=parent, status="pending", user=reader)
    others = make_comment(article, status="pending")
    Like.objects.create(comment=liked, user=reader, network="n")
    client.force_login(reader)

    response = client.get("/api/v1/me/", {"article": article.pk})
    me = assert_documented(response, "/api/v1/me/")

    assert me["reader"]["display_name"] == "Ada Reader"
    assert me["liked"] == [liked.pk]
    assert [(c["id"], c["parent_id"], c["depth"]) for c in me["held"]] == [
        (held.pk, parent.pk, 1)
    ]
    assert others.pk not in {c["id"] for c in me["held"]}


def test_me_for_a_signed_in_reader_is_the_rules_own_answer_in_one_query(
    client, article, django_assert_num_queries
):
    """
    A signed-in reader's /me runs SQL compiled once (api.own_part.signed_in_mine):
    it answers as the QuerySet it was compiled from, on every article.
    """
    reader = factories.make_user()
    elsewhere = factories.make_article()
    draft = factories.make_article(status="draft")
    later = factories.make_article(
        published_at=timezone.now() + datetime.timedelta(days=1)
    )
    for comment in (make_comment(article), make_comment(elsewhere)):
        Like.objects.create(comment=comment, user=reader, network="n")
    make_comment(elsewhere, status="spam", user=reader)  # looks held to them
    make_comment(article, status="pending")  # someone else's
    client.force_login(reader)
    from api.own_part import mine

    for found in (article, elsewhere, draft, later):
        expected = mine(reader, "", (), found.pk, timezone.now()).first()
        # The session, the account, the reader's own; where they have a comment
        # held, the article with the rules, the comments; for none, the old
        # addresses every 404 looks in (newsroom.middleware).
        queries = 3 + (found == elsewhere) * 2 + (expected is None)
        with django_assert_num_queries(queries):
            response = client.get("/api/v1/me/", {"article": found.pk})
        if expected is None:
            assert response.status_code == 404
            continue
        me, (_, liked, liked_on, held_on) = response.json(), expected
        assert me["liked"] == sorted(liked)
        assert me["liked_on"] == sorted(set(liked_on))
        assert me["held_on"] == sorted(set(held_on or ()))
    assert me["liked_on"] == sorted([article.pk, elsewhere.pk])
    assert me["held_on"] == [elsewhere.pk]


def test_me_needs_an_article(client, db):
    response = client.get("/api/v1/me/")

    assert response.status_code == 400
    assert "article" in response.json()["errors"]


def test_the_purge_names_the_apis_addresses_of_the_article(article):
    from newsroom.purge import addresses

    purged = addresses(article)

    assert f"/api/v1/articles/{article.pk}/comments/" in purged
    assert f"/api/v1/articles/{article.pk}/" in purged
