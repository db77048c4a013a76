"""Readers order the comments: oldest or newest first, by a link, kept for them."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import DiscussionSettings
from tests.factories import article_page, make_comment


def order(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="c-(\d+)"', page)]


@pytest.fixture
def debate(article):
    """Three top-level comments an hour apart; the first has two replies."""
    start = timezone.now() - datetime.timedelta(days=1)
    first, second, third = (
        make_comment(article, created_at=start + datetime.timedelta(hours=n))
        for n in range(3)
    )
    replies = [
        make_comment(
            article, parent=first, created_at=start + datetime.timedelta(hours=n)
        )
        for n in (4, 5)
    ]
    return first, second, third, replies


def test_oldest_first_by_default_and_newest_on_asking(client, article, debate):
    first, second, third, (reply1, reply2) = debate

    assert order(article_page(client, article)) == [
        first.pk,
        reply1.pk,
        reply2.pk,
        second.pk,
        third.pk,
    ]
    # Newest first: the top-level comments turn round, replies stay in order.
    assert order(article_page(Client(), article, sort="newest")) == [
        third.pk,
        second.pk,
        first.pk,
        reply1.pk,
        reply2.pk,
    ]


def test_the_links_say_which_order_is_shown(client, article, debate):
    page = article_page(client, article, sort="newest")
    nav = re.search(r'<nav class="comment-sort".*?</nav>', page, re.S)[0]
    url = article.get_absolute_url()
    assert f'<a href="{url}?sort=oldest#comments" rel="nofollow">Oldest</a>' in nav
    assert (
        f'<a href="{url}?sort=newest#comments" aria-current="true" rel="nofollow">'
        "Newest</a>" in nav
    )


def test_the_choice_is_kept_for_the_reader(client, article, debate):
    first, second, third, _ = debate

    response = client.get(article.get_absolute_url(), {"sort": "newest"})

    assert response.cookies["comment_sort"].value == "newest"
    assert order(article_page(client, article))[0] == third.pk
    assert order(article_page(client, article, sort="oldest"))[0] == first.pk
    assert order(article_page(client, article))[0] == first.pk


def test_each_order_is_a_cached_page_of_its_own(
    article, debate, django_assert_num_queries
):
    first, _, third, _ = debate
    article_page(Client(), article)
    article_page(Client(), article, sort="newest")

    with django_assert_num_queries(1):
        newest = article_page(Client(), article, sort="newest")
    with django_assert_num_queries(1):
        oldest = article_page(Client(), article)
    assert order(newest)[0] == third.pk
    assert order(oldest)[0] == first.pk


def test_each_order_has_its_own_etag(article, debate):
    oldest = Client().get(article.get_absolute_url())
    newest = Client().get(article.get_absolute_url(), {"sort": "newest"})

    assert oldest["ETag"] != newest["ETag"]
    again = Client().get(
        article.get_absolute_url(),
        {"sort": "newest"},
        headers={"if-none-match": oldest["ETag"]},
    )
    assert again.status_code == 200


def test_an_unknown_order_is_the_default(client, article, debate):
    first, *_ = debate

    response = client.get(article.get_absolute_url(), {"sort": "<script>"})

    assert response.status_code == 200
    assert order(response.content.decode())[0] == first.pk
    assert "comment_sort" not in response.cookies
    assert "<script>" not in response.content.decode()


def test_pages_follow_the_order(article, debate):
    first, second, third, _ = debate
    DiscussionSettings.objects.update(page_comments=True, comments_per_page=2)

    page = article_page(Client(), article, sort="newest")

    assert order(page)[:2] == [third.pk, second.pk]
    url = article.get_absolute_url()
    assert f'href="{url}comment-page-2/?sort=newest#comments" rel="prev"' in page
    older = article_page(Client(), article, comment_page=2, sort="newest")
    assert order(older)[0] == first.pk
    assert f'href="{url}comment-page-1/?sort=newest#comments" rel="next"' in older


def test_a_permalink_finds_the_page_in_the_readers_order(client, article, debate):
    first, *_ = debate
    DiscussionSettings.objects.update(
        page_comments=True, comments_per_page=2, newest_page_first=False
    )
    assert client.get(f"/comments/{first.pk}/")["Location"].endswith(
        f"comment-page-1/#c-{first.pk}"
    )

    client.get(article.get_absolute_url(), {"sort": "newest"})

    assert client.get(f"/comments/{first.pk}/")["Location"].endswith(
        f"comment-page-2/#c-{first.pk}"
    )
