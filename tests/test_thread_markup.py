"""
The comment list's markup: replies nested in their parent's <li>, as WordPress
writes them, so screen readers announce each thread and its levels.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, Like
from tests.factories import article_page, make_comment, make_user


class CommentTree(HTMLParser):
    """
    The comment list of a page as a tree: [(comment id, [its replies…]), …]. Fails
    on markup a browser would have to repair: a <li> or an <ol> closed out of
    order, a list of replies anywhere but directly in a comment's <li>.
    """

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list]] = []  # the elements the parser is in
        self.threads: list = []
        self.in_list = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ol" and attrs.get("class") == "comment-list":
            self.in_list = True
            self.open.append(("ol", self.threads))
        elif not self.in_list or tag not in ("ol", "li"):
            return
        elif tag == "ol":
            assert attrs.get("class") == "children", attrs
            parent = self.open[-1]
            assert parent[0].startswith("li:"), "replies outside a comment's <li>"
            self.open.append(("ol", parent[1]))
        elif tag == "li" and "comment" in attrs.get("class", ""):
            assert self.open[-1][0] == "ol", "a comment's <li> outside a list"
            replies: list = []
            self.open[-1][1].append((int(attrs["id"][2:]), replies))
            self.open.append((f"li:{attrs['id']}", replies))

    def handle_endtag(self, tag):
        if not self.in_list or tag not in ("ol", "li"):
            return
        element = self.open.pop()
        assert element[0].split(":")[0] == tag, f"</{tag}> closes {element[0]}"
        if not self.open:
            self.in_list = False


def tree(page: str) -> list:
    parser = CommentTree()
    parser.feed(page)
    assert not parser.open, "the comment list is left open"
    return parser.threads


def test_replies_are_nested_in_their_parents_item(client, article):
    first = make_comment(article)
    reply = make_comment(article, parent=first)
    deeper = make_comment(article, parent=reply)
    second_reply = make_comment(article, parent=first)
    second = make_comment(article)

    assert tree(article_page(client, article)) == [
        (first.pk, [(reply.pk, [(deeper.pk, [])]), (second_reply.pk, [])]),
        (second.pk, []),
    ]


def test_a_comment_without_replies_has_no_empty_list(client, article):
    make_comment(article)
    assert '<ol class="children">' not in article_page(client, article)


def test_below_the_deepest_level_replies_join_the_deepest_list(client, article, rules):
    rules.thread_depth = 3
    rules.save()
    top = make_comment(article)
    level_1 = make_comment(article, parent=top)
    level_2 = make_comment(article, parent=level_1)
    level_3 = make_comment(article, parent=level_2)  # imported, or older rules
    level_4 = make_comment(article, parent=level_3)
    after = make_comment(article, parent=top)

    page = article_page(client, article)

    deepest = [(level_2.pk, []), (level_3.pk, []), (level_4.pk, [])]
    assert tree(page) == [(top.pk, [(level_1.pk, deepest), (after.pk, [])])]
    assert f'id="c-{level_4.pk}" class="comment depth-2' in page


def test_one_level_lists_every_comment_flat(client, article, rules):
    rules.thread_depth = 1
    rules.save()
    top = make_comment(article)
    reply = make_comment(article, parent=top)
    assert tree(article_page(client, article)) == [(top.pk, []), (reply.pk, [])]


def test_a_deleted_comment_keeps_its_replies_nested(client, article):
    top = make_comment(article)
    gone = make_comment(article, parent=top)
    reply = make_comment(article, parent=gone)
    Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())

    page = article_page(client, article)

    assert tree(page) == [(top.pk, [(gone.pk, [(reply.pk, [])])])]
    assert "This comment was deleted by its author." in page


def test_a_held_reply_is_nested_for_its_author_only(client, article, rules):
    top = make_comment(article)
    author = make_user()
    held = make_comment(article, parent=top, status="pending", user=author)
    client.force_login(author)

    assert tree(article_page(client, article)) == [(top.pk, [(held.pk, [])])]
    assert tree(article_page(Client(), article)) == [(top.pk, [])]


def test_a_page_of_comments_holds_whole_threads_nested(client, article, rules):
    """
    Pages are counted in top-level comments, so no page starts inside a thread: a
    thread is shown whole on the page of its first comment, however long it is.
    """
    rules.page_comments = True
    rules.comments_per_page = 1
    rules.newest_page_first = False
    rules.save()
    first = make_comment(article)
    reply = make_comment(article, parent=first)
    deeper = make_comment(article, parent=reply)
    second = make_comment(article)
    late_reply = make_comment(article, parent=first)

    assert tree(article_page(client, article, comment_page=1)) == [
        (first.pk, [(reply.pk, [(deeper.pk, [])]), (late_reply.pk, [])])
    ]
    assert tree(article_page(client, article, comment_page=2)) == [(second.pk, [])]


def test_a_signed_in_reader_sees_their_likes_in_the_cached_nested_list(client, article):
    top = make_comment(article, author_name="Ada")
    reply = make_comment(article, parent=top, author_name="Bea")
    article_page(Client(), article)  # the shared list, cached
    reader = make_user()
    Like.objects.create(comment=reply, user=reader)
    client.force_login(reader)

    page = article_page(client, article)

    assert tree(page) == [(top.pk, [(reply.pk, [])])]
    reply_item = page.split(f'id="c-{reply.pk}"')[1]
    assert 'aria-label="You like Bea\'s comment" data-liked="1"' in reply_item
    assert re.search(
        r'aria-label="Like Ada\'s comment" data-liked="0"',
        page.split(f'id="c-{top.pk}"')[1].split(f'id="c-{reply.pk}"')[0],
    )


@pytest.mark.parametrize("count", [10, 300])
def test_nested_threads_cost_the_same_queries(
    client, article, one_page, count, django_assert_num_queries
):
    # All of them on one page, the most a page can show.
    parent = None
    for n in range(count):
        # Threads of five levels, one after another.
        parent = make_comment(article, parent=parent if n % 5 else None)
    with django_assert_num_queries(4):
        page = article_page(client, article)
    assert len(tree(page)) == count // 5


def test_only_a_comment_in_the_moderators_hands_is_marked_locked(client, article):
    """The page's script offers its author no Edit on it (static/js/comments.js)."""
    from comments.models import ModerationAction

    redacted, picked, theirs = (make_comment(article) for _ in range(3))
    ModerationAction.objects.create(
        comment=redacted, action=ModerationAction.Action.EDIT
    )
    Comment.objects.filter(pk=picked.pk).update(featured_at=timezone.now())

    page = article_page(Client(), article)

    assert re.search(rf'id="c-{redacted.pk}" class="[^"]*\blocked"', page)
    assert re.search(rf'id="c-{picked.pk}" class="[^"]*\blocked"', page)
    assert f'id="c-{theirs.pk}" class="comment depth-0">' in page
