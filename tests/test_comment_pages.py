"""Paging for huge threads, WordPress-compatible: /<permalink>/comment-page-<n>/."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.factories import (
    article_page,
    comment_form,
    make_article,
    make_comment,
    post_comment,
)

# How the thread's one query orders the comments (CommentQuerySet.thread).
THREAD = 'ORDER BY "comments_comment"."created_at" ASC, "comments_comment"."id" ASC'


@pytest.fixture
def paged(rules):
    rules.page_comments = True
    rules.comments_per_page = 2
    rules.save()
    return rules


@pytest.fixture
def threads(article):
    """Five top-level comments, the first with a reply."""
    tops = [make_comment(article, body=f"top {n}") for n in range(5)]
    reply = make_comment(article, parent=tops[0], body="reply to top 0")
    return tops, reply


def ids_on(page: str) -> list[str]:
    """The comments on a page, in order, by their id."""
    return re.findall(r'<li id="c-(\d+)"', page)


def ids(*comments) -> list[str]:
    return [str(comment.pk) for comment in comments]


def test_each_page_holds_its_threads_with_their_replies(
    client, article, paged, threads
):
    """
    Counted from the newest end, as the article opens there: the pages it opens
    on are full, and the short one is the oldest.
    """
    tops, reply = threads
    assert ids_on(article_page(client, article, comment_page=1)) == ids(tops[0], reply)
    assert ids_on(article_page(client, article, comment_page=2)) == ids(*tops[1:3])
    assert ids_on(article_page(client, article, comment_page=3)) == ids(*tops[3:])


def test_the_newest_page_is_shown_first_by_default(client, article, paged, threads):
    tops, _ = threads
    page = article_page(client, article)
    assert ids_on(page) == ids(tops[3], tops[4])  # full, never one comment alone
    assert "Page 3 of 3" in page
    assert f'href="{article.get_absolute_url()}comment-page-2/#comments"' in page
    assert "6 thoughts on" in page  # the heading counts every page


def test_a_new_thread_moves_a_thread_back_on_every_page(
    client, article, paged, threads
):
    """
    Each page's threads follow the newest end: a sixth thread fills the oldest
    page and the page it opens on stays full. Every page changed, and the
    discussion's new version names every page's rendering anew.
    """
    tops, reply = threads
    assert ids_on(article_page(client, article, comment_page=2)) == ids(*tops[1:3])
    sixth = make_comment(article, body="top 5")

    assert ids_on(article_page(client, article, comment_page=1)) == ids(
        tops[0], reply, tops[1]
    )
    assert ids_on(article_page(client, article, comment_page=2)) == ids(*tops[2:4])
    assert ids_on(article_page(client, article)) == ids(tops[4], sixth)


def test_oldest_page_first_when_chosen(client, article, paged, threads):
    paged.newest_page_first = False
    paged.save()
    tops, _ = threads
    assert str(tops[0].pk) in ids_on(article_page(client, article))


def test_pages_beyond_the_last_are_not_found(client, article, paged, threads):
    assert client.get(f"{article.get_absolute_url()}comment-page-4/").status_code == 404
    assert client.get(f"{article.get_absolute_url()}comment-page-0/").status_code == 404


def test_no_comment_pages_when_paging_is_off(client, article, rules, threads):
    rules.page_comments = False
    rules.save()
    assert client.get(f"{article.get_absolute_url()}comment-page-2/").status_code == 404


def test_permalink_lands_on_the_page_that_holds_the_comment(
    client, article, paged, threads
):
    tops, reply = threads
    response = client.get(reply.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == (
        f"{article.get_absolute_url()}comment-page-1/#c-{reply.pk}"
    )


def test_permalink_of_a_hidden_comment_is_not_found(client, article, paged):
    spam = make_comment(article, status="spam")
    assert client.get(spam.get_absolute_url()).status_code == 404


def test_a_new_reply_redirects_to_its_page(client, article, paged, threads):
    tops, _ = threads
    response = post_comment(client, article, body="late reply", parent=tops[1].pk)
    comment = Comment.objects.get(body="late reply")
    assert response["Location"] == (
        f"{article.get_absolute_url()}comment-page-2/#c-{comment.pk}"
    )
    assert "late reply" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("sort", "newest_page_first", "page"),
    [
        ("oldest", True, None),  # the defaults: the article opens on the last page
        ("newest", True, None),
        ("newest", False, None),
        ("oldest", False, 3),
        ("liked", True, 3),  # no likes yet: last, and the article opens on page 1
    ],
)
def test_a_new_thread_redirects_to_its_page_reading_the_thread_only_if_needed(
    client, article, paged, threads, sort, newest_page_first, page
):
    """
    A new thread is the newest: where the article opens on it, the post redirects
    to the article without reading the thread to count its pages.
    """
    paged.newest_page_first = newest_page_first
    paged.save()
    client.get(article.get_absolute_url(), {"sort": sort})  # the reader's order
    form = comment_form(client, article, body="new thread")

    with CaptureQueriesContext(connection) as queries:
        response = post_comment(client, article, form)

    assert any(THREAD in query["sql"] for query in queries) is bool(page)
    comment = Comment.objects.get(body="new thread")
    on_page = f"comment-page-{page}/" if page else ""
    assert response["Location"] == (
        f"{article.get_absolute_url()}{on_page}#c-{comment.pk}"
    )
    assert f'id="c-{comment.pk}"' in client.get(response["Location"]).content.decode()


def test_editors_reach_the_place_of_a_held_comment(client, article, paged):
    from tests.factories import make_user

    held = make_comment(article, status="pending")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.get(held.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].endswith(f"#c-{held.pk}")


def find_anchor(client, article, anchor: str):
    return client.get(f"/comments/anchor/{article.pk}/", {"anchor": anchor})


def test_an_anchor_on_another_page_finds_its_page(client, article, paged, threads):
    """What the page's script asks when a link's #anchor is not on the page."""
    tops, reply = threads
    reply.old_anchor = "comment-45"  # imported from WordPress
    reply.save()
    pages = f"{article.get_absolute_url()}comment-page-"

    assert find_anchor(client, article, "comment-45")["Location"] == (
        f"{pages}1/#c-{reply.pk}"
    )
    assert find_anchor(client, article, f"c-{tops[1].pk}")["Location"] == (
        f"{pages}2/#c-{tops[1].pk}"
    )


def test_an_anchor_that_names_nothing_to_see_goes_to_the_article(
    client, article, paged, threads
):
    spam = make_comment(article, status="spam", old_anchor="comment-7")
    elsewhere = make_comment(make_article(), body="another article's")
    for anchor in ("comment-7", f"c-{spam.pk}", f"c-{elsewhere.pk}", "comment-999", ""):
        response = find_anchor(client, article, anchor)
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url()
    assert client.get("/comments/anchor/99999/", {"anchor": "c-1"}).status_code == 404


def test_sites_made_before_get_pages_and_may_go_back(article):
    """
    Migration 0023 turns pages on for the settings row made when they were off, and
    off again when reversed; each way no page cached with the other rule is served.
    """
    from django.db.migrations.executor import MigrationExecutor

    before = ("comments", "0022_redundant_foreign_key_indexes")
    after = ("comments", "0023_page_comments_by_default")
    for target, paged, version in ((before, False, 1), (after, True, 2)):
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        # The models as they were then: today's have columns added since.
        then = executor.loader.project_state(target).apps
        rules = then.get_model("comments", "DiscussionSettings").objects.get(pk=1)
        versions = then.get_model("comments", "DiscussionVersion").objects
        assert rules.page_comments is paged
        assert versions.get(article_id=article.pk).version == version


def test_a_held_thread_moves_its_authors_pages_only(client, article, paged, threads):
    """
    The page every reader shares is cached; a first-time guest's held thread is
    the newest on their own pages, which move back one thread for them alone.
    """
    tops, reply = threads
    assert ids_on(article_page(client, article)) == ids(tops[3], tops[4])  # cached
    post_comment(client, article, body="held, mine")
    held = Comment.objects.get(body="held, mine")
    assert held.status == "pending"

    assert ids_on(article_page(client, article)) == ids(tops[4], held)
    assert ids_on(article_page(client, article, comment_page=2)) == ids(*tops[2:4])
    # The shared page 1 has room, but their thread isn't the oldest.
    assert ids_on(article_page(Client(), article, comment_page=1)) == ids(
        tops[0], reply
    )
    assert ids_on(article_page(client, article, comment_page=1)) == ids(
        tops[0], reply, tops[1]
    )
    others = article_page(Client(), article)
    assert ids_on(others) == ids(tops[3], tops[4])
