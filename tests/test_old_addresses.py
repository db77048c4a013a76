"""
An imported article's old addresses redirect to it (newsroom.middleware), and its
comments keep their old anchors, so a WordPress link to a comment still lands.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from newsroom.models import OldAddress
from tests import factories
from tests.wxr import SITE, comment, export, item

PERMALINK = "/2019/05/01/old-story/"


@pytest.fixture
def imported(tmp_path, db):
    """A WordPress post 41 with comments 7 and 8, whose old permalink differs."""
    path = tmp_path / "export.xml"
    path.write_text(
        export(
            item(
                41,
                comment(7),
                comment(8, parent=7),
                slug="old-story",
                link=f"{SITE}{PERMALINK}",
                date_gmt="2021-03-10 09:00:00",
            ),
            item(42, slug="draft-story", link=f"{SITE}/?p=42", status="draft"),
        )
    )
    call_command("import_wordpress", str(path), stdout=io.StringIO())
    return Comment.objects.get(old_anchor="comment-7").article


def test_plain_wordpress_link_redirects_permanently_to_the_article(client, imported):
    response = client.get("/?p=41")
    assert response.status_code == 301
    assert response["Location"] == imported.get_absolute_url()
    assert imported.get_absolute_url() == "/2021/03/10/old-story/"


def test_old_permalink_and_its_comment_pages_redirect(client, imported):
    for old in (PERMALINK, f"{PERMALINK}comment-page-2/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (
            301,
            imported.get_absolute_url(),
        ), old


def test_an_old_feed_of_the_articles_comments_leads_to_its_feed_here(client, imported):
    feed = imported.get_feed_url()
    assert feed == "/2021/03/10/old-story/feed/"
    for old in (
        f"{PERMALINK}feed/",
        f"{PERMALINK}feed/atom/",
        f"{PERMALINK}feed/rss2/",
        "/?p=41&feed=rss2",
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, feed), old
    assert client.get(feed).status_code == 200


def test_a_comment_page_we_dont_have_leads_to_the_article_at_the_same_address(
    client, imported
):
    # The old permalink has our shape: only its comment pages may be missing here.
    OldAddress.objects.create(path=imported.get_absolute_url(), article=imported)
    assert client.get(imported.get_absolute_url()).status_code == 200
    response = client.get(f"{imported.get_absolute_url()}comment-page-3/")
    assert (response.status_code, response["Location"]) == (
        301,
        imported.get_absolute_url(),
    )


def test_reply_link_on_an_old_address_goes_to_the_comment(client, imported):
    reply_to = Comment.objects.get(old_anchor="comment-8")
    response = client.get("/?p=41&replytocom=8")
    assert response.status_code == 301
    assert response["Location"] == reply_to.get_absolute_url()


def test_an_old_address_of_a_draft_stays_not_found(client, imported):
    assert OldAddress.objects.filter(path="/?p=42").exists()
    assert client.get("/?p=42").status_code == 200  # the front page, as before
    assert client.get("/?p=41").status_code == 301


def test_an_unknown_address_is_still_a_404_after_one_look_up(
    client, imported, django_assert_num_queries
):
    # The article view's own query, then one look among the old addresses.
    with django_assert_num_queries(2):
        response = client.get("/2019/05/01/no-such-story/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_ordinary_pages_cost_no_query_for_old_addresses(client, imported, settings):
    pages = [
        "/",
        imported.get_absolute_url(),
        "/?page=2",
        imported.get_feed_url(),
        "/feed/",
        "/comments/feed/",
    ]

    def queries():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(
                (len(captured), any("oldaddress" in q["sql"] for q in captured))
            )
        return counts

    queries()  # the page cache filled
    with_middleware = queries()
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "newsroom.middleware.old_addresses"
    ]
    assert with_middleware == queries()
    assert not any(looked for _, looked in with_middleware)


def test_imported_comments_carry_their_old_anchor(client, imported):
    page = client.get(imported.get_absolute_url()).content.decode()
    first = Comment.objects.get(old_anchor="comment-7")
    assert f'<li id="c-{first.pk}" class="comment depth-0">' in page
    assert '<span id="comment-7"></span>' in page
    assert '<span id="comment-8"></span>' in page


def test_the_old_anchor_is_escaped(client, db):
    article = factories.make_article()
    reader_comment = factories.make_comment(article)
    # Never written like this by an import (the shape is checked), but the
    # markup must hold whatever the column says.
    Comment.objects.filter(pk=reader_comment.pk).update(
        old_anchor='x"><script>alert(1)</script>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<span id="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></span>' in page
    assert "<script>alert(1)" not in page
