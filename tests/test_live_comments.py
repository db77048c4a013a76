"""The count open pages poll for new comments: small, cached, cheap."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_article, make_comment


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def live_url(article) -> str:
    return f"/comments/live/{article.pk}/"


def test_it_counts_approved_comments_only(client, article):
    make_comment(article)
    make_comment(article)
    make_comment(article, status="pending")
    make_comment(article, status="spam")

    response = client.get(live_url(article))

    assert response.status_code == 200
    assert response.json() == {"approved": 2}
    assert response["Cache-Control"] == "public, max-age=5"


def test_open_pages_cost_one_query_per_article_while_it_is_cached(
    article, django_assert_num_queries
):
    make_comment(article)
    with django_assert_num_queries(1):
        Client().get(live_url(article))
    for _ in range(20):
        with django_assert_num_queries(0):
            assert Client().get(live_url(article)).json() == {"approved": 1}


def test_it_tells_nothing_of_drafts_or_missing_articles(
    db, client, django_assert_num_queries
):
    draft = make_article(status="draft")
    make_comment(draft)

    assert client.get(live_url(draft)).status_code == 404
    with django_assert_num_queries(0):  # the answer is cached too
        assert client.get(live_url(draft)).status_code == 404
    assert client.get("/comments/live/999999/").status_code == 404
    assert client.post(live_url(draft)).status_code == 405


def test_the_page_says_where_and_how_often_to_ask(client, article, settings):
    make_comment(article)
    page = client.get(article.get_absolute_url()).content.decode()
    section = re.search(r'<section id="comments"[^>]*>', page)[0]
    assert f'data-live="/comments/live/{article.pk}/"' in section
    assert 'data-live-every="30"' in section
    assert 'data-approved="1"' in section

    settings.COMMENTS_LIVE_SECONDS = 0
    make_comment(article)  # a new version: the page is rendered again
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "data-live" not in page
    assert 'class="live-news"' not in page
