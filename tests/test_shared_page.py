"""
Readers with nothing of their own on the page get it whole from the cache: one
page, byte for byte, for every one of them (no CSRF token, no form stamp, no
cookie set), so any HTTP cache may keep it, plain or gzip-compressed.
"""

import datetime
import gzip
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.factories import (
    article_page,
    make_article,
    make_comment,
    post_comment,
    stamp_of,
)


@pytest.fixture
def discussed(article):
    first = make_comment(article, body="First <b>words</b> & more")
    make_comment(article, parent=first, body="A reply")
    return article


def test_every_anonymous_reader_gets_the_same_bytes(discussed):
    url = discussed.get_absolute_url()
    rendered = Client().get(url)  # renders and caches the page
    first = Client().get(url)
    second = Client().get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    assert first.content == rendered.content == second.content
    html = first.content.decode()
    assert "First &lt;b&gt;words&lt;/b&gt; &amp; more" in html
    assert "csrfmiddlewaretoken" not in html
    assert '<input type="hidden" name="stamp" id="id_stamp">' in html
    assert not first.cookies  # no CSRF cookie, nothing of the reader's


def test_any_http_cache_may_keep_it_and_purge_it_by_article(discussed, settings):
    settings.SHARED_CACHE_SECONDS = 120
    answer = Client().get(discussed.get_absolute_url())

    assert answer["Cache-Control"] == (
        "public, max-age=0, s-maxage=120, stale-while-revalidate=60, "
        "stale-if-error=86400"
    )
    assert answer["Surrogate-Key"] == answer["Cache-Tag"] == f"article-{discussed.pk}"
    assert answer["ETag"].startswith('W/"')
    # What the page depends on, and nothing else.
    vary = {name.strip() for name in answer["Vary"].split(",")}
    assert vary == {"Accept-Encoding", "Accept-Language", "Cookie"}


def test_a_readers_own_page_stays_private(discussed, django_user_model):
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("dana", password="x"))

    answer = reader.get(discussed.get_absolute_url())

    assert answer["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in answer
    assert 'name="csrfmiddlewaretoken"' in answer.content.decode()


def test_the_script_fetches_a_stamp_of_its_own_for_each_reader(discussed):
    url = reverse("comments:stamp", args=[discussed.pk])
    first, second = Client().get(url), Client().get(url)

    assert first["Cache-Control"] == "no-store"
    assert first.json()["stamp"] != second.json()["stamp"]


def test_a_comment_posted_from_the_shared_page_is_accepted(discussed, rules):
    Client().get(discussed.get_absolute_url())  # cached by someone else
    reader = Client(enforce_csrf_checks=True)
    html = article_page(reader, discussed)

    answer = post_comment(
        reader,
        discussed,
        {
            "stamp": stamp_of(reader, discussed, html),
            "body": "Posted from the cached page.",
            "name": "Grace Guest",
            "email": "grace@example.com",
        },
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert answer.status_code == 302
    assert Comment.objects.filter(body="Posted from the cached page.").exists()


def test_without_javascript_a_comment_is_taken_in_one_step(discussed, rules):
    """
    No script, no stamp: the comment is taken all the same, no error shown. A
    newcomer's is held, saying why to moderators; a known author's is published.
    """
    newcomer = {"body": "No script here.", "name": "Ned", "email": "ned@example.com"}
    known = {"name": "Kim", "email": "kim@example.com"}
    make_comment(discussed, author_name="Kim", author_email="kim@example.com")

    held = post_comment(Client(), discussed, {"stamp": ""} | newcomer)
    published = post_comment(
        Client(), discussed, {"stamp": "", "body": "Kim again."} | known
    )

    assert held.status_code == published.status_code == 302
    comment = Comment.objects.get(body="No script here.")
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: sent without the page's check",
    )
    assert Comment.objects.get(body="Kim again.").status == "approved"


def test_without_javascript_a_double_click_posts_once(discussed, rules):
    """The same form sent twice without a stamp: one comment, and no error."""
    reader = Client()
    typed = {"stamp": "", "body": "Clicked twice.", "name": "Ned"}

    first = post_comment(reader, discussed, typed | {"email": "ned@example.com"})
    second = post_comment(reader, discussed, typed | {"email": "ned@example.com"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.filter(body="Clicked twice.").count() == 1
    # Another form (another author) saying the same is another comment.
    post_comment(Client(), discussed, typed | {"email": "ann@example.com"})
    assert Comment.objects.filter(body="Clicked twice.").count() == 2


def test_without_javascript_the_honeypot_still_catches_robots(discussed, rules):
    typed = {"body": "Spam.", "name": "Bot", "email": "bot@example.com"}

    answer = post_comment(
        Client(), discussed, {"stamp": "", "homepage": "http://spam.example"} | typed
    )

    assert answer.status_code == 400
    assert not Comment.objects.filter(body="Spam.").exists()


def test_the_time_a_person_needs_counts_from_the_fetched_stamp(discussed, rules):
    rules.min_seconds_to_post = 2
    rules.save()
    reader = Client()
    typed = {"body": "Too fast.", "name": "Robo", "email": "robo@example.com"}
    # Long after the shared page was rendered, a stamp fetched now is new.
    Client().get(discussed.get_absolute_url())

    answer = post_comment(reader, discussed, **typed)  # its stamp fetched just now

    assert answer.status_code == 400
    assert "That was quick!" in answer.content.decode()
    assert not Comment.objects.filter(body="Too fast.").exists()


def test_compressed_page_is_the_same_page(discussed):
    url = discussed.get_absolute_url()
    plain = Client().get(url)
    compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    # gzip.decompress checks the CRC and length in the trailer too.
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert len(compressed.content) < len(plain.content) / 2
    # Byte for byte the same for the next reader: one copy in any cache.
    assert Client().get(url, HTTP_ACCEPT_ENCODING="gzip").content == compressed.content


def test_conditional_get_on_the_shared_page(discussed):
    url = discussed.get_absolute_url()
    etag = Client().get(url)["ETag"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_comment(discussed, body="Later words")
    answer = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    # Without the insert trigger the version, so the ETag, would be the same: 304.
    assert answer.status_code == 200
    assert "Later words" in answer.content.decode()


@pytest.mark.slow  # waits 2.5 s for the moment comments close
def test_comments_closing_with_age_close_the_cached_page(db):
    rules = DiscussionSettings.load()
    rules.close_after_days = 1
    rules.save()
    article = make_article(
        published_at=timezone.now()
        - datetime.timedelta(days=1)
        + datetime.timedelta(seconds=2)
    )
    assert "Post Comment" in article_page(Client(), article)

    time.sleep(2.5)

    html = article_page(Client(), article)
    # Nothing changed in the database: without the entry knowing until when comments
    # are open (SharedPage.is_current), the cached page would still offer the form.
    assert "Comments are closed." in html
    assert "Post Comment" not in html


def test_readers_with_their_own_state_get_their_own_rendering(discussed, rules):
    url = discussed.get_absolute_url()
    Client().get(url)
    reader = Client()
    reader.get(url)
    post_comment(
        reader,
        discussed,
        {
            "stamp": stamp_of(reader, discussed, article_page(reader, discussed)),
            "body": "Remember me, please.",
            "name": "Ada Remembered",
            "email": "ada@example.com",
            "remember": "on",
        },
    )
    assert 'value="Ada Remembered"' in article_page(reader, discussed)
    assert 'value="Ada Remembered"' not in article_page(Client(), discussed)


def test_a_reply_link_without_javascript_is_not_served_the_shared_page(discussed):
    first = Comment.objects.filter(article=discussed, parent=None).get()
    url = discussed.get_absolute_url()
    Client().get(url)
    html = Client().get(f"{url}?replytocom={first.pk}").content.decode()
    assert f'name="parent" value="{first.pk}"' in html


def test_the_cached_page_offers_the_sign_in_methods_configured_now(discussed, settings):
    from tests.fake_providers import providers_settings

    settings.DEBUG = False  # in development, unconfigured providers are shown too
    assert 'value="facebook"' not in article_page(Client(), discussed)
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()  # keys set, restarted
    html = article_page(Client(), discussed)
    # Without the sign-in methods in the page's cache key the page cached above,
    # without Facebook, would be served again: this assertion would fail.
    assert 'value="facebook"' in html
    assert 'value="twitter_oauth2"' in html
