"""
A reader with comments awaiting moderation gets the comment list every reader
shares, from the cache, with theirs put in (comments.rendering.with_held): byte for
byte what rendering the whole list for them gives, without the thread's query.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, LikeCount, page_count, page_of, thread_count
from comments.rendering import render_comments, with_held
from tests.factories import (
    article_page,
    make_comment,
    make_staff,
    make_user,
    post_comment,
)
from tests.test_thread_markup import tree

pytestmark = pytest.mark.usefixtures("rules")

THREAD_DEPTH = 3


@pytest.fixture
def discussion(article):
    """
    Threads deeper than the rules nest, likes on some, a placeholder of a deleted
    comment, and a reply whose parent was removed; then a guest's held comments:
    one starting a thread, one in the middle of a thread, one below the deepest
    level, one answering their own held comment, one whose parent was removed.
    Returns the held comments' ids.
    """
    start = timezone.now() - datetime.timedelta(days=1)
    moments = iter(start + datetime.timedelta(minutes=n) for n in range(100))

    def comment(parent=None, **fields):
        return make_comment(article, parent=parent, created_at=next(moments), **fields)

    tops = [comment() for _ in range(4)]
    chain = [tops[1]]
    for _ in range(4):
        chain.append(comment(parent=chain[-1]))
    later_reply = comment(parent=tops[1])
    comment(parent=tops[2], deleted_at=timezone.now(), body="")
    removed = comment(parent=tops[3], status="removed")
    comment(parent=removed)
    for top, likes in zip(tops, (0, 3, 0, 5), strict=True):
        LikeCount.objects.create(comment=top, count=likes)
    guest = {"author_name": "Hal Held", "author_email": "hal@example.com"}
    held = [
        comment(status="pending", **guest),
        comment(parent=chain[1], status="pending", **guest),
        comment(parent=chain[-1], status="spam", **guest),
        comment(parent=removed, status="pending", **guest),
    ]
    held.append(comment(parent=held[0], status="pending", **guest))
    assert later_reply.created_at < held[0].created_at
    return [c.pk for c in held]


def rendered(article, held_ids, order):
    thread = Comment.objects.thread(article, AnonymousUser(), held_ids, order=order)
    return render_comments(thread, THREAD_DEPTH, is_open=True)


def put_in(html, places, held, order, **paging):
    """with_held() on a list rendered as rendered() and render_page() do."""
    return with_held(
        html,
        places,
        held,
        thread_depth=THREAD_DEPTH,
        is_open=True,
        order=order,
        **paging,
    )


@pytest.mark.parametrize("order", ["oldest", "newest", "liked"])
def test_held_comments_land_where_rendering_them_all_puts_them(
    article, discussion, order
):
    html, places = rendered(article, (), order)
    held = list(Comment.objects.filter(pk__in=discussion).for_the_list())

    spliced = put_in(html, places, held, order)

    assert spliced == rendered(article, discussion, order)[0]
    assert spliced.count("Your comment is awaiting moderation.") == len(discussion)


def test_a_comment_under_a_held_one_is_left_to_a_rendering_of_its_own(article):
    """An editor answered a held comment: to everyone else the answer is a thread."""
    author = Client()
    post_comment(author, article, body="Held, and answered")
    held = Comment.objects.get(body="Held, and answered")
    answer = make_comment(article, parent=held, author_is_staff=True)
    html, places = rendered(article, (), "oldest")
    again = list(Comment.objects.filter(pk=held.pk).for_the_list())

    assert put_in(html, places, again, "oldest") is None

    assert f'id="c-{answer.pk}"' in article_page(Client(), article)  # cached
    assert tree(article_page(author, article)) == [(held.pk, [(answer.pk, [])])]


def render_page(thread, page, per_page, *, from_end=False):
    """
    Page `page` of a thread() list, as Discussion.render() renders it; its pages
    counted from the newest thread when `from_end` (oldest first, newest page
    first: comments.discussion.page_holding).
    """
    from_end_of = thread_count(thread) if from_end else 0
    shown = [c for c in thread if page_of(c, per_page, from_end_of=from_end_of) == page]
    return render_comments(shown, THREAD_DEPTH, is_open=True)


@pytest.mark.parametrize("order", ["oldest", "newest", "liked"])
@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 10])
def test_on_paged_comments_held_ones_land_where_rendering_them_all_puts_them(
    article, discussion, order, per_page
):
    """
    Each held comment alone, then all of them, on every page: put in only where
    they move no comment to another page, and there as rendering it all would.
    """
    shared = Comment.objects.thread(article, AnonymousUser(), (), order=order)
    pages = page_count(shared, per_page)
    spliced_threads = 0
    for held_ids in [*([pk] for pk in discussion), discussion]:
        mine = Comment.objects.thread(article, AnonymousUser(), held_ids, order=order)
        held = list(Comment.objects.filter(pk__in=held_ids).for_the_list())
        for page in range(1, pages + 1):
            html, places = render_page(shared, page, per_page)
            spliced = put_in(html, places, held, order, per_page=per_page, page=page)
            if spliced is None:
                continue
            assert page_count(mine, per_page) == pages
            assert spliced == render_page(mine, page, per_page)[0]
            spliced_threads += held_ids == discussion[:1]
    # The held thread (the newest) joins the last page wherever it has room, and
    # newest first only when that is the first page too.
    last_page_has_room = len({c.thread_number for c in shared}) % per_page != 0
    assert spliced_threads == (last_page_has_room and (order != "newest" or pages == 1))


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 10])
def test_on_pages_counted_from_the_newest_end_a_held_thread_moves_every_page(
    article, discussion, per_page
):
    """
    Oldest first, newest page first: pages are counted from the newest thread, so
    a held thread moves one thread of every page (unless there is only one), and
    is left to a rendering of the reader's own; held replies are put in.
    """
    shared = Comment.objects.thread(article, AnonymousUser(), (), order="oldest")
    pages = page_count(shared, per_page)
    spliced_threads = spliced_replies = 0
    for held_ids in [*([pk] for pk in discussion), discussion]:
        mine = Comment.objects.thread(article, AnonymousUser(), held_ids)
        held = list(Comment.objects.filter(pk__in=held_ids).for_the_list())
        for page in range(1, pages + 1):
            html, places = render_page(shared, page, per_page, from_end=True)
            spliced = put_in(
                html,
                places,
                held,
                "oldest",
                per_page=per_page,
                page=page,
                from_end=pages > 1,
            )
            if spliced is None:
                continue
            assert spliced == render_page(mine, page, per_page, from_end=True)[0]
            spliced_threads += held_ids == discussion[:1]
            spliced_replies += held_ids == discussion[1:2]
    threads = thread_count(shared)
    assert spliced_threads == (pages == 1 and threads < per_page)
    assert spliced_replies == 1  # on the page of its thread


def test_on_paged_comments_a_held_thread_needs_room_on_the_last_page(article):
    top = make_comment(article)
    reply = make_comment(article, parent=top, status="pending")
    thread = make_comment(article, status="pending")
    html, places = rendered(article, (), "oldest")

    for held, per_page, fits in (
        (reply, 1, True),
        (thread, 2, True),
        (thread, 1, False),  # it would open page 2
    ):
        comments = list(Comment.objects.filter(pk=held.pk).for_the_list())
        spliced = put_in(html, places, comments, "oldest", per_page=per_page)
        assert (spliced is not None) is fits
        if fits:
            assert spliced == rendered(article, [held.pk], "oldest")[0]


def queries_of(client, article) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        page = article_page(client, article)
    assert "Your comment is awaiting moderation." in page
    return [query["sql"] for query in queries.captured_queries]


def test_a_guests_held_comment_costs_one_query_beside_the_shared_list(article):
    for n in range(20):
        make_comment(article, body=f"Shared {n}")
    assert "Shared 19" in article_page(Client(), article)  # the shared list, cached
    author = Client()
    post_comment(author, article, body="Mine, held")
    assert "Shared 19" in article_page(Client(), article)  # cached again

    asked = queries_of(author, article)

    # The article, the rules and the reader's held comments; the others come from
    # the cache (the thread's query is the one that asks for approved comments).
    assert len(asked) == 3
    assert not [sql for sql in asked if "'approved'" in sql]


def test_a_signed_in_readers_held_comment_costs_one_query_beside_it(client, article):
    make_staff("Editors")
    author = make_user()
    for n in range(20):
        make_comment(article, body=f"Shared {n}")
    make_comment(article, user=author, status="pending", body="Mine, held")
    assert "Shared 19" in article_page(Client(), article)
    client.force_login(author)

    asked = queries_of(client, article)

    # The article, the rules, the session, the reader, what of theirs is held or
    # liked here, and their held comments.
    assert len(asked) == 6
    assert not [sql for sql in asked if "'approved'" in sql]
