"""
Readers with nothing of their own on the page get it whole from the cache, with
their own CSRF token and form stamp filled in, plain or gzip-compressed.
"""

import datetime
import gzip
import re
import time
import zlib

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.factories import article_page, make_article, make_comment, post_comment

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="stamp" value="([^"]+)"')


def personal_values(html: str) -> tuple[str, str]:
    return TOKEN.search(html)[1], STAMP.search(html)[1]


def without_personal_values(html: str) -> str:
    return STAMP.sub("STAMP", TOKEN.sub("TOKEN", html))


@pytest.fixture
def discussed(article):
    first = make_comment(article, body="First <b>words</b> & more")
    make_comment(article, parent=first, body="A reply")
    return article


def test_each_reader_gets_their_own_token_and_stamp(discussed):
    rendered = article_page(Client(), discussed)  # renders and caches the page
    first = article_page(Client(), discussed)
    second = article_page(Client(), discussed)

    assert personal_values(first)[0] != personal_values(second)[0]
    assert personal_values(first)[1] != personal_values(second)[1]
    assert "shared-page-" not in first
    assert without_personal_values(first) == without_personal_values(rendered)
    assert without_personal_values(first) == without_personal_values(second)
    assert "First &lt;b&gt;words&lt;/b&gt; &amp; more" in first


def test_a_comment_posted_from_the_shared_page_is_accepted(discussed, rules):
    Client().get(discussed.get_absolute_url())  # cached by someone else
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(discussed.get_absolute_url()).content.decode()
    token, stamp = personal_values(html)

    answer = post_comment(
        reader,
        discussed,
        {
            "csrfmiddlewaretoken": token,
            "stamp": stamp,
            "body": "Posted from the cached page.",
            "name": "Grace Guest",
            "email": "grace@example.com",
        },
    )

    assert answer.status_code == 302
    assert Comment.objects.filter(body="Posted from the cached page.").exists()


def test_compressed_page_is_the_same_page(discussed):
    url = discussed.get_absolute_url()
    plain = Client().get(url)
    compressed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    # gzip.decompress checks the CRC and length in the trailer too.
    html = gzip.decompress(compressed.content).decode()
    assert without_personal_values(html) == without_personal_values(
        plain.content.decode()
    )
    assert int(compressed["Content-Length"]) == len(compressed.content)
    assert len(compressed.content) < len(plain.content) / 2


def test_the_token_is_never_compressed_with_readers_text(discussed):
    """
    BREACH guessing needs the secret and the attacker's text in one compression
    window. Two readers' answers are byte for byte the same up to the form: all
    readers' text is compressed before it, the token after, apart.
    """
    url = discussed.get_absolute_url()
    Client().get(url)
    first = Client().get(url, HTTP_ACCEPT_ENCODING="gzip").content
    second = Client().get(url, HTTP_ACCEPT_ENCODING="gzip").content
    same = next(
        i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b
    )

    # The identical bytes hold every comment and stop where the token starts.
    head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(first[:same]).decode()
    token = personal_values(gzip.decompress(first).decode())[0]
    assert "A reply" in head
    assert 'name="csrfmiddlewaretoken" value="' in head
    assert token[:4] not in head.rsplit('name="csrfmiddlewaretoken"', 1)[1]


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
            "stamp": personal_values(article_page(reader, discussed))[1],
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
