"""
The anonymous discussion is cached under a version PostgreSQL bumps on any change
to the article's comments, and the page answers conditional GETs.
"""

import os
import re

import pytest
from django.test import Client

from comments.models import Comment, DiscussionSettings
from tests.factories import article_page, make_comment, post_comment


@pytest.fixture
def cached(client, article):
    """An article whose discussion is in the cache, with one approved comment."""
    comment = make_comment(article, body="Original words")
    assert "Original words" in article_page(client, article)
    return comment


def test_second_anonymous_view_comes_from_the_cache(
    client, article, cached, django_assert_num_queries
):
    # The article and its discussion version, joined: the page itself is cached.
    with django_assert_num_queries(1):
        assert "Original words" in article_page(client, article)


def test_a_new_comment_invalidates(client, article, cached):
    make_comment(article, body="A newcomer")
    # Without the insert trigger (migration 0004) the cached page would still
    # lack it: this assertion would fail. (No `rules` here: saving them bumps
    # every version, which would hide a missing trigger.)
    assert "A newcomer" in article_page(client, article)


def test_moderation_by_bulk_update_invalidates(client, article, cached):
    held = make_comment(article, status="pending", body="Held words")
    assert "Held words" not in article_page(client, article)
    Comment.objects.filter(pk=held.pk).update(status="approved")  # as admin actions do
    # Without the update trigger the cached page would still lack it: this fails.
    assert "Held words" in article_page(client, article)


def test_an_edit_invalidates(client, article, cached):
    cached.body = "Edited words"
    cached.save()
    html = article_page(client, article)
    # Without the update trigger the cached page would show the old text: fails.
    assert "Edited words" in html and "Original words" not in html


def test_removal_invalidates(client, article, cached):
    Comment.objects.filter(pk=cached.pk).update(status="removed")
    # Without the update trigger the cached page would still show it: this fails.
    assert "Original words" not in article_page(client, article)


def test_deletion_invalidates(client, article, cached):
    cached.delete()
    # Without the delete trigger the cached page would still show it: this fails.
    assert "Original words" not in article_page(client, article)


def test_settings_that_change_what_is_shown_invalidate(client, article, cached):
    make_comment(article, parent=cached)
    assert '<ol class="children">' in article_page(client, article)
    rules = DiscussionSettings.load()
    rules.thread_depth = 1
    rules.save()
    html = article_page(client, article)
    # Without DiscussionSettings.save() bumping every version, the cached page
    # would keep its reply nested: this assertion would fail.
    assert '<ol class="children">' not in html


def test_closing_comments_on_the_article_invalidates(client, article, cached):
    article.comments_open = False
    article.save()
    # Without the article's last edit in the cache keys the cached page would
    # still offer the form: this assertion would fail.
    assert "Comments are closed." in article_page(client, article)


def test_conditional_get_answers_304_then_200_after_a_new_comment(client, article):
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"].startswith("public, max-age=0,")

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304

    make_comment(article, body="Something new")
    after = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    # The ETag names the discussion version: without the insert trigger this
    # would still be a 304.
    assert after.status_code == 200
    assert "Something new" in after.content.decode()
    assert after["ETag"] != etag


def test_held_comment_author_sees_it_while_the_cached_page_does_not(article, rules):
    anonymous, author = Client(), Client()
    assert "Leave a Reply" in article_page(anonymous, article)  # cached now

    post_comment(author, article, body="Waiting for an editor")

    assert "Waiting for an editor" in article_page(author, article)
    assert "Your comment is awaiting moderation." in article_page(author, article)
    assert "Waiting for an editor" not in article_page(anonymous, article)
    assert "ETag" not in author.get(article.get_absolute_url())


def test_signed_in_readers_get_no_etag(client, article):
    from tests.factories import make_user

    client.force_login(make_user())
    assert "ETag" not in client.get(article.get_absolute_url())


def test_invalidation_holds_with_the_shared_redis_cache(client, article, settings):
    """The production shape: several app servers sharing one Redis cache."""
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{article.pk}",
        }
    }
    comment = make_comment(article, body="Shared words")
    assert "Shared words" in article_page(client, article)
    Comment.objects.filter(pk=comment.pk).update(status="spam")
    # Without the update trigger another app server would serve the cached page
    # with the spam in it: this assertion would fail.
    assert "Shared words" not in article_page(Client(), article)


def test_rules_change_the_cached_page_of_an_article_without_comments(client, article):
    assert "Email (required)" in article_page(client, article)  # cached, no version yet
    rules = DiscussionSettings.load()
    rules.require_name_email = False
    rules.save()
    # Without DiscussionSettings.save() making a version for articles that have
    # none yet, the cached form would still ask for it: this assertion would fail.
    assert "Email (required)" not in article_page(client, article)


def test_signed_in_readers_share_the_cached_comment_list(client, article, cached):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user

    client.force_login(make_user())
    with CaptureQueriesContext(connection) as queries:
        assert "Original words" in article_page(client, article)
    # The article, the rules, the session, the reader, and whether any of their
    # comments awaits moderation; the comments themselves come from the cache.
    assert len(queries) == 5
    assert not [
        query
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "comments_comment"."id"')
    ]


def test_a_signed_in_readers_held_comment_is_theirs_alone(client, article, cached):
    from tests.factories import make_user

    author, other = make_user(), make_user()
    make_comment(article, user=author, status="pending", body="Mine, held")
    client.force_login(author)
    assert "Mine, held" in article_page(client, article)
    assert "Your comment is awaiting moderation." in article_page(client, article)

    client.force_login(other)
    assert "Mine, held" not in article_page(client, article)
    assert "Mine, held" not in article_page(Client(), article)
    client.force_login(author)
    assert "Mine, held" in article_page(client, article)


def test_editors_see_accounts_even_when_the_list_is_cached(client, article):
    from tests.factories import make_user

    reader = make_user(username="ada")
    make_comment(article, user=reader, body="Signed words")
    # The shared list is cached now.
    assert "Signed words" in article_page(Client(), article)
    client.force_login(make_user(is_staff=True))
    page = article_page(client, article)
    assert "Newsroom account: <a" in page
    # Named by the account's username, as editors know it, not by its number.
    assert re.search(r'Newsroom account: <a href="[^"]+">ada</a>', page)


@pytest.mark.slow  # the client gives up on a Redis that isn't there
def test_pages_are_served_while_the_shared_cache_is_down(client, article, settings):
    """The cache speeds pages up; its outage must not take them down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    make_comment(article, body="Still readable")
    answer = client.get(article.get_absolute_url())
    assert answer.status_code == 200
    assert "Still readable" in answer.content.decode()

    from tests.factories import make_user

    client.force_login(make_user())
    assert "Still readable" in article_page(client, article)


@pytest.mark.slow  # manage.py in a process of its own, waiting on a silent Redis
def test_a_redis_that_stops_answering_costs_a_second_not_a_hung_worker():
    """Production settings (REDIS_URL), a server that accepts and never answers."""
    import socket
    import subprocess
    import sys

    from django.conf import settings as django_settings

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        code = (
            "import time; from readers.caching import cached; t = time.monotonic(); "
            "print(cached('key'), round(time.monotonic() - t, 1))"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=django_settings.BASE_DIR,
            env={
                **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    value, seconds = result.stdout.split()
    assert value == "None"
    assert float(seconds) < 5
