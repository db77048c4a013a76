"""
What a shared page varies by (its language, order of comments, page) is read from
the request one way: an answer says `public` only when the request names its
variant exactly as a cache in front keys it (comments.discussion.variant_of).
nginx reads the first of two cookies, matches values exactly and any name's case;
Django reads the last, unquotes it and maps a variant (zh-cn) to a language it
has. A request read two ways would leave its page under another reader's key, so
it is answered `private`: the reader still gets their page, no cache keeps it.
"""

import pytest
from django.test import Client

from comments.models import DiscussionSettings
from tests.factories import make_comment

ODD_COOKIES = [
    "django_language=zh-cn",  # Django: zh-hans; nginx: not a language of its key
    "django_language=ar-eg",
    "django_language=zh",
    'django_language="zh-hans"',  # Django unquotes it
    "django_language=en; django_language=ar",  # Django reads the last, nginx the first
    "DJANGO_LANGUAGE=ar",  # nginx reads any case, Django only its own
    "django_language=AR",
    "a=b,django_language=ar",
    "django_language=ar ;x=1",
    'comment_sort="newest"',
    "comment_sort=oldest; comment_sort=newest",
    "comment_sort=NEWEST",
    "Comment_Sort=newest",
]


def is_public(answer) -> bool:
    return "public" in answer.get("Cache-Control", "")


@pytest.fixture
def discussed(article):
    make_comment(article, body="First words")
    make_comment(article, body="Second words")
    return article


@pytest.mark.parametrize("cookie", ODD_COOKIES)
def test_a_variant_read_two_ways_is_answered_private(discussed, cookie):
    url = discussed.get_absolute_url()
    Client().get(url)  # the shared page is in the app's cache already

    answer = Client().get(url, HTTP_COOKIE=cookie)

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in answer
    assert "First words" in answer.content.decode()


def test_the_reader_still_gets_the_language_django_reads(discussed):
    answer = Client().get(
        discussed.get_absolute_url(), HTTP_COOKIE="django_language=zh-cn"
    )

    assert '<html lang="zh-hans"' in answer.content.decode()
    assert not is_public(answer)


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "django_language=zh-hans",
        "django_language=ar",
        "comment_sort=newest",
        "theme=dark; django_language=en;comment_sort=liked; liked_comments=3-4",
    ],
)
def test_a_variant_named_exactly_stays_public(discussed, cookie):
    answer = Client().get(discussed.get_absolute_url(), HTTP_COOKIE=cookie)

    assert is_public(answer)
    assert answer["Surrogate-Key"] == f"article-{discussed.pk}"


def test_the_language_of_the_browser_is_a_variant_of_its_own(discussed):
    # nginx sends the app the one language it keyed the copy by.
    answer = Client().get(discussed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar")

    assert is_public(answer)
    assert '<html lang="ar" dir="rtl">' in answer.content.decode()
    assert "Accept-Language" in answer["Vary"]


@pytest.mark.parametrize(
    "query", ["sort=%3Cscript%3E", "sort=", "sort=newest&sort=oldest", "sort=Newest"]
)
def test_an_odd_order_in_the_address_is_answered_private(discussed, query):
    answer = Client().get(f"{discussed.get_absolute_url()}?{query}")

    assert answer.status_code == 200
    assert not is_public(answer)


def test_an_order_chosen_by_its_link_is_the_readers_own_answer(discussed):
    url = f"{discussed.get_absolute_url()}?sort=newest"
    chooser = Client()

    first = chooser.get(url)  # remembers the choice: a cookie of theirs

    assert first.cookies["comment_sort"].value == "newest"
    assert first["Cache-Control"] == "private, no-cache"
    again = chooser.get(url)  # nothing set now: the page everyone with it shares
    assert not again.cookies
    assert is_public(again)


def test_a_head_request_is_held_to_the_same_variant(discussed):
    url = discussed.get_absolute_url()

    assert not is_public(Client().head(url, HTTP_COOKIE="django_language=zh-cn"))
    assert is_public(Client().head(url, HTTP_COOKIE="django_language=zh-hans"))


def test_a_page_of_comments_is_public_only_at_its_own_address(discussed):
    DiscussionSettings.objects.update(page_comments=True, comments_per_page=1)
    url = discussed.get_absolute_url()

    assert is_public(Client().get(f"{url}comment-page-1/"))
    odd = Client().get(f"{url}comment-page-01/")  # page 1 to Django, never purged
    assert odd.status_code == 200
    assert not is_public(odd)
    assert not is_public(
        Client().get(f"{url}comment-page-2/", HTTP_COOKIE="django_language=zh")
    )


def test_a_comment_feed_says_it_varies_by_the_language_cookie(discussed):
    url = discussed.get_feed_url()

    plain = Client().get(url)
    odd = Client().get(url, HTTP_COOKIE="django_language=zh-cn")

    assert is_public(plain)
    vary = {name.strip() for name in plain["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert "评论" in odd.content.decode()  # "Comments on:" in Chinese
    assert odd["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("url", ["/feed/", "/comments/feed/"])
def test_the_site_feeds_are_held_to_the_same_variant(discussed, url):
    assert is_public(Client().get(url, HTTP_COOKIE="django_language=ar"))
    assert not is_public(Client().get(url, HTTP_COOKIE="django_language=ar-eg"))


def test_the_scripts_words_are_in_the_language_their_address_names(db):
    english = Client().get("/jsi18n/en/")

    for cookie in ("django_language=ar", "django_language=zh-cn"):
        answer = Client().get("/jsi18n/en/", HTTP_COOKIE=cookie)
        assert answer.content == english.content
    chinese = Client().get("/jsi18n/zh-hans/", HTTP_COOKIE="django_language=en")
    assert chinese.content != english.content
    assert chinese["Content-Language"] == "zh-hans"
    assert Client().get("/jsi18n/xx/").status_code == 404
