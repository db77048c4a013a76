"""The comment section under an article, as readers see it."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests.factories import article_page, make_comment, post_comment


def test_no_comments_no_heading_but_the_form(client, article):
    page = article_page(client, article)
    assert "thought" not in page
    assert "Leave a Reply" in page
    assert "Post Comment" in page


def test_heading_counts_approved_comments(client, article):
    make_comment(article)
    assert "One thought on “" + article.title + "”" in article_page(client, article)
    make_comment(article)
    make_comment(article, status="pending")
    make_comment(article, status="spam")
    # The first page is cached: without the insert trigger it would still say One.
    assert "2 thoughts on “" + article.title + "”" in article_page(client, article)


def test_form_speaks_the_source_pages_words_with_real_labels(client, article):
    page = article_page(client, article)
    assert 'placeholder="Enter your comment here..."' in page
    assert "Fill in your details below or click an icon to log in:" in page
    for field, label in [
        ("id_body", "Comment"),
        ("id_email", "Email (required) (Address never made public)"),
        ("id_name", "Name (required)"),
        ("id_url", "Website"),
        (
            "id_remember",
            "Save my name, email, and website in this browser for the next time I "
            "comment.",
        ),
    ]:
        assert re.search(rf'<label for="{field}"[^>]*>{re.escape(label)}', page), label
    assert ">Post Comment</button>" in page


def test_comment_shows_avatar_name_link_permalink_time_and_reply(client, article):
    comment = make_comment(
        article, author_name="Ada Lovelace", author_url="https://ada.example/"
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime.datetime(2021, 3, 12, 15, 4, tzinfo=datetime.UTC)
    )
    page = article_page(client, article)
    assert '<a href="https://ada.example/" rel="nofollow ugc">Ada Lovelace</a>' in page
    assert f'href="#c-{comment.pk}"' in page
    assert "March 12, 2021 at 3:04 pm" in page
    assert f'href="?replytocom={comment.pk}#respond"' in page
    assert 'aria-hidden="true">AL</span>' in page


def test_guest_email_never_appears_on_the_page(client, article):
    make_comment(article, author_email="secret.person@example.com")
    assert "secret.person" not in article_page(client, article)


def test_body_is_escaped_with_paragraphs_and_links(client, article):
    make_comment(
        article,
        body='<script>alert("x")</script>\nsecond line\n\nSee https://example.com/a.',
    )
    page = article_page(client, article)
    assert "<script>alert" not in page
    assert '&lt;script&gt;alert("x")&lt;/script&gt;<br>second line' in page
    assert (
        '<a href="https://example.com/a" rel="nofollow ugc noopener">'
        "https://example.com/a</a>." in page
    )


def test_threads_read_in_order_with_depth(client, article):
    first = make_comment(article, body="first")
    second = make_comment(article, body="second")
    reply = make_comment(article, parent=first, body="reply to first")
    deeper = make_comment(article, parent=reply, body="reply to reply")

    page = article_page(client, article)

    order = [int(pk) for pk in re.findall(r'<li id="c-(\d+)"', page)]
    assert order == [first.pk, reply.pk, deeper.pk, second.pk]
    assert f'<li id="c-{deeper.pk}" class="comment depth-2' in page


def test_at_the_deepest_level_the_form_names_the_comment_answered(
    client, article, rules
):
    """
    A reply to a comment at the deepest level can't nest further: it joins the
    thread, at its end. The form still says whom the reader answers, as the
    page's script says it (tests/e2e/test_commenting.py).
    """
    rules.thread_depth = 2
    rules.save()
    top = make_comment(article, author_name="Ada")
    reply = make_comment(article, parent=top, author_name="Bea")
    make_comment(article, parent=top, author_name="Cy")
    page = article_page(client, article)
    reply_item = re.search(rf'<li id="c-{reply.pk}".*?</li>', page, re.S)[0]
    assert f'href="?replytocom={reply.pk}#respond"' in reply_item

    page = article_page(client, article, replytocom=reply.pk)
    assert 'Leave a Reply<span class="respond__to"> to Bea</span>' in page
    post_comment(client, article, parent=reply.pk, body="Answering Bea")

    answer = Comment.objects.get(body="Answering Bea")
    assert answer.parent == top
    last = re.findall(r'<li id="c-(\d+)"', article_page(client, article))[-1]
    assert int(last) == answer.pk  # at the end of Ada's thread


def test_reply_link_without_javascript_renders_the_form_as_a_reply(client, article):
    parent = make_comment(article, author_name="Ada")
    page = article_page(client, article, replytocom=parent.pk)
    assert 'Leave a Reply<span class="respond__to"> to Ada</span>' in page
    assert f'name="parent" value="{parent.pk}"' in page
    assert ">Cancel reply</a>" in page
    assert "hidden>Cancel reply" not in page


def test_replytocom_for_a_hidden_comment_is_ignored(client, article):
    hidden = make_comment(article, status="spam")
    page = article_page(client, article, replytocom=hidden.pk)
    assert f'name="parent" value="{hidden.pk}"' not in page


def test_closed_article_shows_comments_without_form_or_reply(client, article):
    make_comment(article, body="an old thought")
    article.comments_open = False
    article.save()
    page = article_page(client, article)
    assert "an old thought" in page
    assert "Comments are closed." in page
    assert "Post Comment" not in page
    assert "replytocom" not in page


def test_orphaned_reply_of_a_removed_comment_still_shows(client, article):
    parent = make_comment(article, status="removed")
    make_comment(article, parent=parent, body="still visible")
    assert "still visible" in article_page(client, article)


@pytest.mark.parametrize("count", [10, 500, 1000])
def test_article_page_query_count_does_not_grow_with_comments(
    client, article, one_page, count, django_assert_num_queries
):
    # All of them on one page, the most a page can show.
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"R{n}",
            author_email=f"r{n}@example.com",
            body=f"text {n}",
            body_html=f"<p>text {n}</p>",
            status="approved",
        )
        for n in range(count)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=parent,
            depth=1,
            author_name="Replier",
            body="re",
            body_html="<p>re</p>",
            status="approved",
        )
        for parent in comments[: count // 2]
    )
    # What the cached page depends on (article, dates, discussion version); then,
    # to render it, the article, the rules and the comments. After that the whole
    # page comes from the cache.
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('<li id="c-') == count + count // 2
    with django_assert_num_queries(1):
        again = client.get(article.get_absolute_url())
    assert again.content.decode().count('<li id="c-') == count + count // 2


@pytest.mark.parametrize("paged", [False, True])
def test_query_count_is_the_same_for_10_and_500_comments(client, article, rules, paged):
    """On one page of them all, and in pages (counted from the same query)."""
    rules.page_comments = paged
    rules.save()

    def queries_for(total):
        Comment.objects.all().delete()
        for n in range(total):
            make_comment(article, body=f"c{n}")
        with CaptureQueriesContext(connection) as context:
            client.get(article.get_absolute_url())
        return len(context.captured_queries)

    assert queries_for(10) == queries_for(500)


def test_scheduled_articles_have_no_discussion_yet(client, db):
    from tests.factories import make_article

    later = make_article(published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(later.get_absolute_url()).status_code == 404
