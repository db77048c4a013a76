"""
What open pages poll for new comments: the count and which comments are new,
small, cached, cheap.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
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
    assert response.json()["approved"] == 2
    assert response["Cache-Control"] == "public, max-age=5"


def test_open_pages_cost_one_query_per_article_while_it_is_cached(
    article, django_assert_num_queries
):
    make_comment(article)
    with django_assert_num_queries(1):
        Client().get(live_url(article))
    for _ in range(20):
        with django_assert_num_queries(0):
            assert Client().get(live_url(article)).json()["approved"] == 1


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


def test_it_names_the_comments_approved_last_first_with_their_parents(client, article):
    """
    The newest approved are the last to become approved, whenever they were
    written: the page's script takes as many as the count grew by, and knows
    from their parents whether they belong on the page it shows.
    """
    first = make_comment(article)
    held = make_comment(article, status="pending")
    reply = make_comment(article, parent=first)
    Comment.objects.filter(pk=held.pk).update(status="approved")  # a script
    cache.clear()

    latest = client.get(live_url(article)).json()["latest"]

    assert latest == [[held.pk, None], [reply.pk, first.pk], [first.pk, None]]
    for status in ("pending", "approved"):  # unapproved, then approved again
        Comment.objects.filter(pk=first.pk).update(status=status)
    cache.clear()
    assert client.get(live_url(article)).json()["latest"][0] == [first.pk, None]


def test_it_names_twenty_comments_at_most(client, article):
    comments = [make_comment(article) for _ in range(25)]
    latest = client.get(live_url(article)).json()["latest"]
    assert [pk for pk, _ in latest] == [c.pk for c in reversed(comments)][:20]


def section_of(page: str) -> str:
    return re.search(r'<section id="comments"[^>]*>', page)[0]


def test_the_page_says_whether_new_threads_land_on_it(client, article, rules):
    """Oldest first, newest page first: on the last page; newest first: the first."""
    rules.comments_per_page = 2
    rules.save()
    for _ in range(3):
        make_comment(article)
    url = article.get_absolute_url()
    lands = "data-new-threads-here"

    assert lands in section_of(client.get(url).content.decode())
    assert lands in section_of(client.get(f"{url}comment-page-2/").content.decode())
    assert lands not in section_of(client.get(f"{url}comment-page-1/").content.decode())
    newest = client.get(f"{url}comment-page-1/?sort=newest").content.decode()
    assert lands in section_of(newest)
