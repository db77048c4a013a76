"""
When what readers see of a discussion changes, or an article does, PostgreSQL
announces it as the change commits, and newsroom.purge tells each HTTP cache, the
changes of a short while together: nginx's purge listener by key, Varnish by a BAN
of the article's tag, a CDN through a hook. Caches are played here by HTTP servers
on loopback that record what they are asked.
"""

import datetime
import http.server
import threading
import time
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments.liking import toggle_like
from comments.models import Comment
from newsroom import purge
from privacy import retention
from tests.factories import article_page, make_article, make_comment, post_comment

CALLS: list[list[str]] = []


def hook(tags: list[str]) -> None:
    CALLS.append(tags)


class Cache(http.server.ThreadingHTTPServer):
    """Records each request's method, path and X-Purge-Tags; answers `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.asked: list[tuple[str, str, str]] = []
        cache = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                tags = self.headers.get("X-Purge-Tags", "")
                cache.asked.append((self.command, self.path, tags))
                self.send_response(cache.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_BAN = answer

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def listening(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {purge.CHANNEL}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")


def test_a_new_comment_is_announced_with_its_article(listening):
    article, other = make_article(), make_article()
    purge.announced(timeout=0.1)  # what making them announced

    make_comment(article)

    assert purge.announced(timeout=2) == {article.pk}
    assert other.pk not in purge.announced(timeout=0.2)


def test_moderation_and_article_edits_are_announced_likes_are_not(listening):
    article = make_article()
    comment = make_comment(article, status=Comment.Status.PENDING)
    purge.announced(timeout=0.2)

    toggle_like(comment, user=AnonymousUser(), browser="b" * 20, network="")
    assert purge.announced(timeout=0.3) == set()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    assert purge.announced(timeout=2) == {article.pk}
    article.title = "A better title"
    article.save()
    assert purge.announced(timeout=2) == {article.pk}


def test_a_held_comment_and_its_edits_purge_nothing(listening, client, rules):
    """
    A first-time guest's comment waits for a moderator: the page every reader
    shares is the same, so it is not purged, nor when the guest corrects it.
    """
    article = make_article()
    purge.announced(timeout=0.1)

    post_comment(
        client, article, body="My first comment.", name="New", email="new@example.com"
    )
    held = Comment.objects.get()
    assert held.status == Comment.Status.PENDING
    client.post(f"/comments/{held.pk}/edit/", {"body": "My first comment, fixed."})

    assert purge.announced(timeout=1) == set()
    # Its author still sees it as it now reads, where it will be.
    assert "My first comment, fixed." in article_page(client, article)


def test_changes_no_reader_sees_purge_nothing(listening):
    article = make_article()
    old_enough = timezone.now() - datetime.timedelta(days=100)
    shown = make_comment(article, created_at=old_enough, user_agent="Firefox/140")
    held = make_comment(article, status=Comment.Status.PENDING)
    purge.announced(timeout=0.1)

    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.REMOVED)
    Comment.objects.filter(pk=held.pk).delete()
    assert retention.clear_old_addresses() == 1  # the hourly clearing
    assert purge.announced(timeout=0.5) == set()

    # What readers lose is purged: the comment leaves the page.
    Comment.objects.filter(pk=shown.pk).update(status=Comment.Status.PENDING)
    assert purge.announced(timeout=2) == {article.pk}


def test_an_edit_purges_each_copy_of_the_articles_pages_once(
    listening, client, rules, settings
):
    nginx = Cache(status=404)
    settings.HTTP_CACHE_PURGE = [f"nginx+{nginx.url}"]
    article = make_article()
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")
    post_comment(
        client, article, body="My take.", name="Grace Guest", email="grace@example.com"
    )
    mine = Comment.objects.get(body="My take.")
    assert mine.status == Comment.Status.APPROVED
    purge.announced(timeout=0.1)

    client.post(f"/comments/{mine.pk}/edit/", {"body": "My better take."})
    purge.listen(forever=False)

    asked = Counter(path for _, path, _ in nginx.asked)
    assert set(asked.values()) == {1}
    copies = len(purge.addresses(article)) * len(settings.LANGUAGES) * 4
    assert len(asked) == copies
    assert purge.announced(timeout=0.5) == set()  # nothing left to purge


def test_a_burst_of_changes_is_purged_once(listening, settings):
    """
    Comments on two articles approved one after another, a quarter of a second
    apart: one purge takes both articles, once each, however many changes.
    """
    first, second = make_article(), make_article()
    held = [
        make_comment(article, status=Comment.Status.PENDING)
        for article in (first, second, first, second, first)
    ]
    purge.announced(timeout=0.1)
    settings.HTTP_CACHE_PURGE = ["hook:tests.test_purge.hook"]
    CALLS.clear()

    def approve_one_by_one():
        for comment in held:
            Comment.objects.filter(pk=comment.pk).update(status="approved")
            time.sleep(0.25)
        connection.close()

    burst = threading.Thread(target=approve_one_by_one)
    burst.start()
    purge.listen(forever=False)
    burst.join()

    assert [sorted(tags) for tags in CALLS] == [
        sorted([f"article-{first.pk}", f"article-{second.pk}"])
    ]
    assert purge.announced(timeout=0.5) == set()


def test_nginx_is_asked_for_every_copy_of_the_articles_pages(db, settings):
    settings.LANGUAGES = [("en", "English"), ("ar", "Arabic")]
    article = make_article()
    nginx = Cache(status=404)  # nothing kept yet: not an error

    purge.purge([article.pk], [purge.Nginx(nginx.url)])

    paths = {path for _, path, _ in nginx.asked}
    base, feed = article.get_absolute_url(), article.get_feed_url()
    assert f"/purge/en/-{base}" in paths
    assert f"/purge/ar/newest{base}?sort=liked" in paths
    assert f"/purge/ar/-{feed}" in paths
    # Every address, in both languages and the four orders (none chosen too).
    assert len(paths) == len(purge.addresses(article)) * 2 * 4


def test_varnish_bans_by_the_articles_tag_and_hooks_get_the_tags(db, settings):
    first, second = make_article(), make_article()
    varnish = Cache()
    settings.HTTP_CACHE_PURGE = [f"varnish+{varnish.url}", "hook:tests.test_purge.hook"]
    CALLS.clear()

    purge.purge([first.pk, second.pk])

    [(method, path, tags)] = varnish.asked
    assert (method, path) == ("BAN", "/")
    assert set(tags.split()) == {f"article-{first.pk}", f"article-{second.pk}"}
    assert [set(call) for call in CALLS] == [set(tags.split())]


def test_a_cache_that_fails_stops_no_other(db, settings, caplog):
    article = make_article()
    broken, working = Cache(status=500), Cache()
    settings.HTTP_CACHE_PURGE = [f"varnish+{broken.url}", f"varnish+{working.url}"]

    purge.purge([article.pk])

    assert len(broken.asked) == len(working.asked) == 1
    assert "Varnish BAN answered 500" in caplog.text


def test_an_unknown_cache_is_a_configuration_error(settings):
    settings.HTTP_CACHE_PURGE = ["squid+http://127.0.0.1:3128"]
    with pytest.raises(ValueError, match="unknown cache 'squid"):
        purge.configured()


def test_comment_pages_are_purged_when_comments_are_paged(db, rules):
    rules.page_comments = True
    rules.comments_per_page = 2
    rules.save()
    article = make_article()
    for n in range(3):
        make_comment(article, body=f"Comment {n}")

    found = purge.addresses(article)

    base = article.get_absolute_url()
    assert f"{base}comment-page-2/" in found
    assert f"{base}comment-page-3/" in found  # the next one a comment may open
    assert f"{base}comment-page-2/?sort=newest" in found


def test_a_new_thread_purges_every_page_it_moved(db, rules):
    """
    Pages are counted from the newest thread (oldest first, newest page first):
    a new one moves a thread on every page, and every page is purged.
    """
    rules.comments_per_page = 2
    rules.save()
    article = make_article()
    for n in range(5):
        make_comment(article, body=f"Comment {n}")
    client = Client()
    before = [article_page(client, article, comment_page=n) for n in (1, 2, 3)]
    make_comment(article, body="Comment 5")

    found = purge.addresses(article)

    base = article.get_absolute_url()
    for n, page in enumerate(before, start=1):
        assert article_page(client, article, comment_page=n) != page
        assert f"{base}comment-page-{n}/" in found
    assert base in found


def test_a_thread_kept_for_its_replies_counts_toward_the_pages_purged(db, rules):
    """
    A removed comment whose replies are still shown starts a thread on readers'
    pages; the pages purged are counted as readers' are, so the last one is named.
    """
    rules.comments_per_page = 2
    rules.save()
    article = make_article()
    for n in range(4):
        top = make_comment(article, body=f"Thread {n}")
        make_comment(article, parent=top, body=f"Reply to {n}")
        top.status = Comment.Status.REMOVED
        top.save()
    client = Client()
    assert "Reply to 0" in article_page(client, article, comment_page=1)

    found = purge.addresses(article)

    base = article.get_absolute_url()
    assert f"{base}comment-page-2/" in found
