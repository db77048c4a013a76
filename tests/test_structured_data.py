"""
The article page's schema.org data: a NewsArticle with the comments the page
shows, as JSON-LD, read back with a JSON parser and checked against the page.
Cached with the comment list it describes: it costs the page no query.
"""

import html
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import Like
from comments.structured_data import STRUCTURED_COMMENTS
from tests import factories
from tests.factories import article_page
from tests.injection_corpus import INJECTIONS

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def structured_data(page: str) -> dict:
    """The page's one JSON-LD block, parsed as a search engine reads it."""
    blocks = SCRIPT.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def comment_ids_on(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="c-(\d+)" class="comment', page)]


def test_an_article_without_byline_is_the_sites(client, db):
    article = factories.make_article(byline="")
    data = structured_data(article_page(client, article))
    assert data["author"] == data["publisher"]
    assert data["author"]["@type"] == "Organization"
    assert data["commentCount"] == 0
    assert data["comment"] == []


def test_the_article_page_describes_the_article_and_its_comments(client, article):
    first = factories.make_comment(article, author_name="Ada", body="Hello.")
    reply = factories.make_comment(
        article,
        parent=first,
        author_name="",
        user=factories.make_user(first_name="Sally", last_name="Signed-In"),
        body="Hello back.\n\nTwo paragraphs.",
    )
    factories.make_comment(article, status="pending", body="Held")
    Like.objects.bulk_create(Like(comment=first, browser=f"b{n}") for n in range(3))

    data = structured_data(article_page(client, article))

    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["url"] == data["mainEntityOfPage"] == url
    assert data["headline"] == article.title
    assert data["description"] == "First paragraph."
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.modified_at.isoformat()
    assert data["author"] == {"@type": "Person", "name": "A Reporter"}
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "http://testserver/",
    }
    assert data["commentCount"] == 2
    assert data["comment"] == [
        {
            "@type": "Comment",
            "@id": f"http://testserver/comments/{first.pk}/",
            "url": f"http://testserver/comments/{first.pk}/",
            "author": {"@type": "Person", "name": "Ada"},
            "dateCreated": first.created_at.isoformat(),
            "text": "Hello.",
            "upvoteCount": 3,
        },
        {
            "@type": "Comment",
            "@id": f"http://testserver/comments/{reply.pk}/",
            "url": f"http://testserver/comments/{reply.pk}/",
            "author": {"@type": "Person", "name": "Sally Signed-In"},
            "dateCreated": reply.created_at.isoformat(),
            "text": "Hello back.\n\nTwo paragraphs.",
            "parentItem": {"@id": f"http://testserver/comments/{first.pk}/"},
        },
    ]


def test_its_comments_are_those_the_page_shows(client, article):
    for _ in range(6):
        factories.make_comment(article)
    factories.make_comment(article, status="spam", body="Spam words")
    factories.make_comment(article, status="removed", body="Removed words")

    page = article_page(client, article)
    data = structured_data(page)

    shown = comment_ids_on(page)
    assert len(shown) == 6
    assert [item["url"] for item in data["comment"]] == [
        f"http://testserver/comments/{pk}/" for pk in shown
    ]
    for item in data["comment"]:
        # The name and date the page shows beside the comment.
        assert html.escape(item["author"]["name"]) in page
        assert f'datetime="{item["dateCreated"][:16]}' in page
    assert "Spam words" not in json.dumps(data)
    assert "Removed words" not in json.dumps(data)


def test_on_a_page_of_comments_it_has_that_pages_comments(client, article, rules):
    rules.page_comments = True
    rules.comments_per_page = 2
    rules.save()
    for _ in range(5):
        factories.make_comment(article)

    for number in (1, 2, 3):
        page = article_page(client, article, comment_page=number)
        data = structured_data(page)
        assert data["commentCount"] == 5
        assert [item["url"].split("/")[-2] for item in data["comment"]] == [
            str(pk) for pk in comment_ids_on(page)
        ]


def test_a_thousand_comments_give_only_the_first_to_search_engines(
    client, article, one_page
):
    comments = [factories.make_comment(article) for _ in range(120)]

    data = structured_data(article_page(client, article))

    assert data["commentCount"] == 120
    assert len(data["comment"]) == STRUCTURED_COMMENTS
    assert data["comment"][0]["url"].endswith(f"/comments/{comments[0].pk}/")


def test_an_authors_held_comment_stays_out_of_it(client, article, rules):
    factories.make_comment(article, body="Approved words")
    response = factories.post_comment(client, article, body="Mine, held")
    assert response.status_code == 302

    page = article_page(client, article)

    assert "Mine, held" in page  # shown to its author, awaiting moderation
    data = structured_data(page)
    assert [item["text"] for item in data["comment"]] == ["Approved words"]


def test_hostile_text_cannot_leave_the_data_block(client, article, one_page):
    # One page: the block holds the first payloads, in the corpus's order.
    for payload in INJECTIONS:
        factories.make_comment(article, body=payload, author_name=payload[:200])
    factories.make_comment(article, body="</script><script>alert(1)</script>")

    page = article_page(client, article)

    block = SCRIPT.search(page).group(1)
    assert not re.search(r"[<>&]", block)
    data = json.loads(block)
    assert data["commentCount"] == len(INJECTIONS) + 1
    # Read back, each text is what was typed.
    for item, payload in zip(data["comment"], INJECTIONS, strict=False):
        assert item["text"] == payload
        assert item["author"]["name"] == payload[:200]
    # The page's one script element without a source is the data block.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert inline == ['<script type="application/ld+json">']


@pytest.mark.parametrize("count", [3, 300])
def test_it_costs_the_page_no_query(
    article, one_page, count, django_assert_num_queries
):
    # All of them on one page, the most a page can show.
    for _ in range(count):
        factories.make_comment(article, user=factories.make_user())
    expected = min(count, STRUCTURED_COMMENTS)

    # As tests/test_likes.py counts them: the article's state, the article, the
    # rules, the comments (with their authors' accounts).
    with django_assert_num_queries(4):
        page = article_page(Client(), article)
    assert len(structured_data(page)["comment"]) == expected
    with django_assert_num_queries(1):  # then from the cache
        page = article_page(Client(), article)
    assert len(structured_data(page)["comment"]) == expected
    # Signed in, with the list from the cache: session, user, article, rules, and
    # the reader's likes and held comments.
    signed_in = Client()
    signed_in.force_login(factories.make_user())
    with django_assert_num_queries(5):
        page = article_page(signed_in, article)
    assert len(structured_data(page)["comment"]) == expected
