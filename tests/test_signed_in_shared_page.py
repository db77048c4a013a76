"""
A reader whose page's script runs (the `scripted` cookie it sets) gets the page
every reader shares even signed in, with comments held or a name remembered: the
script fills in theirs (static/js/reader.js, from /api/v1/me/). Without the
cookie they get their own page, as before. Nothing of theirs ever lands in the
shared copy, whoever's request renders it.
"""

import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from comments.discussion import READER_COOKIE, SCRIPTED_COOKIE
from comments.models import Like
from newsroom import pagecache
from readers.identity import IDENTITY_SESSION_KEY
from tests.factories import make_article, make_comment, make_user, post_comment

pytestmark = pytest.mark.usefixtures("rules")


def signed_in(user, *, scripted: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[IDENTITY_SESSION_KEY] = {"provider": "account", "avatar": "", "account": ""}
    session.save()
    if scripted:
        client.cookies[SCRIPTED_COOKIE] = "1"
    return client


def is_public(answer) -> bool:
    return answer["Cache-Control"].startswith("public")


@pytest.fixture
def reader(db):
    return make_user(first_name="Zebediah", last_name="Secretname")


@pytest.fixture
def discussed(article, reader):
    """An article where `reader` likes a comment and has one awaiting moderation."""
    liked = make_comment(article, body="Liked words")
    make_comment(article, body="Other words")
    Like.objects.create(comment=liked, user=reader, network="n")
    make_comment(article, status="pending", user=reader, body="My held words")
    return article


def forget_the_shared_page():
    cache.clear()
    pagecache._local.clear()


def test_a_signed_in_reader_whose_script_runs_gets_the_shared_bytes(discussed, reader):
    url = discussed.get_absolute_url()
    anonymous = Client().get(url)

    mine = signed_in(reader).get(url)

    assert is_public(mine)
    assert mine.content == anonymous.content
    assert mine["ETag"] == anonymous["ETag"]
    assert not mine.cookies


def test_a_signed_in_miss_leaves_nothing_of_the_reader_in_the_shared_copy(
    discussed, reader
):
    url = discussed.get_absolute_url()
    forget_the_shared_page()

    rendered = signed_in(reader).get(url, HTTP_ACCEPT_ENCODING="identity")
    after = Client().get(url, HTTP_ACCEPT_ENCODING="identity")

    assert is_public(rendered) and not rendered.cookies
    assert rendered.content == after.content
    html = rendered.content.decode()
    assert "Liked words" in html
    for theirs in (
        "Zebediah",
        "Secretname",
        ">ZS<",  # their initials, the placeholder of their picture
        "My held words",
        'data-liked="1"',
        "csrfmiddlewaretoken",
    ):
        assert theirs not in html
    outside_templates = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert "Your comments" not in outside_templates
    assert "data-log-in" in outside_templates
    # The signed-in parts are there for every reader's script to fill in.
    assert 'data-me="/api/v1/me/?article=' in html
    assert '<template id="reader-nav">' in html
    assert '<template data-identity="account">' in html
    assert re.search(r'name="email"[^>]*>', html)  # the guest's form


def test_without_the_script_the_signed_in_reader_gets_their_own_page(discussed, reader):
    Client().get(discussed.get_absolute_url())  # the shared page is cached

    answer = signed_in(reader, scripted=False).get(discussed.get_absolute_url())

    assert answer["Cache-Control"] == "private, no-cache"
    html = answer.content.decode()
    assert "You are commenting using your Newsroom account." in html
    assert ">ZS<" in html
    assert "My held words" in html
    assert 'data-liked="1"' in html
    assert "csrfmiddlewaretoken" in html
    assert "data-me=" not in html


@pytest.mark.parametrize("cookie", ["1 ", "0", "yes"])
def test_only_the_scripts_own_cookie_shares_the_page(discussed, reader, cookie):
    client = signed_in(reader)
    client.cookies[SCRIPTED_COOKIE] = cookie

    answer = client.get(discussed.get_absolute_url())

    assert answer["Cache-Control"] == "private, no-cache"


def test_a_message_or_a_reply_is_still_the_readers_own_page(discussed, reader):
    client = signed_in(reader)
    client.cookies["messages"] = "x"
    assert ">ZS<" in client.get(discussed.get_absolute_url()).content.decode()

    client = signed_in(reader)
    answer = client.get(discussed.get_absolute_url(), {"replytocom": "1"})
    assert answer["Cache-Control"] == "private, no-cache"


def test_a_guest_with_a_held_comment_and_a_script_shares_the_page(article):
    guest = Client()
    assert post_comment(guest, article, body="Held for a newcomer").status_code == 302
    guest.cookies[SCRIPTED_COOKIE] = "1"
    mine = guest.get(article.get_absolute_url())  # the message it was held
    assert "Held for a newcomer" in mine.content.decode()
    for name, morsel in list(guest.cookies.items()):
        if morsel["max-age"] == 0:  # deleted, as a browser would
            del guest.cookies[name]

    answer = guest.get(article.get_absolute_url())

    assert is_public(answer)
    assert "Held for a newcomer" not in answer.content.decode()


def test_the_stamp_brings_a_signed_in_reader_the_token_to_post_with(discussed, reader):
    client = signed_in(reader)
    client.get(discussed.get_absolute_url())  # the shared page: no token in it
    form = {"body": "Posted from the shared form.", "parent": "", "homepage": ""}
    without = Client(enforce_csrf_checks=True)
    without.cookies = client.cookies

    refused = without.post(
        reverse("comments:post", args=[discussed.pk]),
        form | {"stamp": without.get(stamp_url(discussed)).json()["stamp"]},
    )
    answer = without.get(stamp_url(discussed)).json()
    posted = without.post(
        reverse("comments:post", args=[discussed.pk]),
        form | {"stamp": answer["stamp"], "csrfmiddlewaretoken": answer["csrf"]},
    )

    assert refused.status_code == 403
    assert posted.status_code == 302
    assert "csrf" not in Client().get(stamp_url(discussed)).json()


def stamp_url(article) -> str:
    return reverse("comments:stamp", args=[article.pk])


def test_writes_and_signing_in_change_the_readers_version(discussed, reader):
    client = signed_in(reader)
    page = client.get(discussed.get_absolute_url())
    assert READER_COOKIE not in page.cookies  # a page caches may share: none

    liked = client.post(
        reverse("comments:like", args=[make_comment(discussed).pk]),
        {"csrfmiddlewaretoken": client.get(stamp_url(discussed)).json()["csrf"]},
        HTTP_ACCEPT="application/json",
    )
    signing_in = Client().post(
        reverse("account_login"),
        {"login": reader.username, "password": "a-Long-passw0rd"},
    )

    assert liked.cookies[READER_COOKIE].value
    assert not liked.cookies[READER_COOKIE]["httponly"]
    assert signing_in.cookies[READER_COOKIE].value


def test_me_says_where_the_reader_has_likes_and_held_comments(discussed, reader):
    elsewhere = make_comment(make_article())
    Like.objects.create(comment=elsewhere, user=reader, network="n")
    make_comment(discussed, status="pending", user=reader, body="<b>& held</b>")

    me = signed_in(reader).get("/api/v1/me/", {"article": discussed.pk}).json()

    assert me["reader"]["display_name"] == "Zebediah Secretname"
    assert me["reader"]["avatar_initials"] == "ZS"
    assert me["reader"]["staff"] is False
    assert me["liked_on"] == sorted({discussed.pk, elsewhere.article_id})
    assert me["held_on"] == [discussed.pk]
    item = me["held"][-1]["html"]
    assert item.startswith(f'<li id="c-{me["held"][-1]["id"]}" class="comment depth-0')
    assert "Your comment is awaiting moderation." in item
    assert "<b>&amp; held</b>" in item or "&lt;b&gt;" in item
    assert item.endswith("</li>")


def test_the_readers_own_page_brings_their_script_what_me_would_say(discussed, reader):
    """
    A page rendered for a scripted reader (here with a message, as after signing
    in) holds /me's answer as JSON data, escaped, for the script to keep; one
    without the script, or without the version it is kept under, holds none.
    """
    reader.first_name = "</script><script>alert(1)</script>"
    reader.save()
    client = signed_in(reader)
    client.cookies[READER_COOKIE] = "v1"
    client.cookies["messages"] = "x"  # their own page, not the shared one
    me = client.get("/api/v1/me/", {"article": discussed.pk}).json()

    page = client.get(discussed.get_absolute_url())

    assert not is_public(page)
    html = page.content.decode()
    data = re.search(
        r'<script id="reader-own-part" type="application/json">(.*?)</script>', html
    )
    assert data, "no reader's own part on their page"
    assert "<script>alert" not in data.group(1)
    own = json.loads(data.group(1))
    assert own | {"csrf": ""} == me | {"held": [], "article": discussed.pk, "csrf": ""}
    assert own["csrf"] and me["csrf"]  # each masked its own way
    assert own["reader"]["display_name"].startswith("</script>")
    # A page answered with an ETag, which doesn't follow the reader's own part
    # (here a guest's reply page): none, or a 304 would bring back an old one.
    guest = Client()
    guest.cookies[SCRIPTED_COOKIE], guest.cookies[READER_COOKIE] = "1", "v1"
    reply = make_comment(discussed, body="Reply to me")
    replying = guest.get(discussed.get_absolute_url(), {"replytocom": reply.pk})
    assert replying.has_header("ETag")
    assert b"reader-own-part" not in replying.content
    client.cookies[SCRIPTED_COOKIE] = "0"
    assert b"reader-own-part" not in client.get(discussed.get_absolute_url()).content
    client.cookies[SCRIPTED_COOKIE] = "1"
    for cookie in (SCRIPTED_COOKIE, READER_COOKIE):
        del client.cookies[cookie]
        assert (
            b"reader-own-part" not in client.get(discussed.get_absolute_url()).content
        )


def test_a_post_refused_for_its_token_brings_the_readers_own_page_back(
    discussed, reader
):
    """Their script failed: the shared page's form holds no token."""
    client = signed_in(reader)
    client.handler.enforce_csrf_checks = True
    form = {"body": "Sent from an unfilled page.", "parent": "", "homepage": ""}

    refused = client.post(reverse("comments:post", args=[discussed.pk]), form)

    assert refused.status_code == 403
    assert "This form has expired" in refused.content.decode()
    assert refused.cookies[SCRIPTED_COOKIE]["max-age"] == 0
    del client.cookies[SCRIPTED_COOKIE]  # as a browser does
    again = client.get(discussed.get_absolute_url())
    assert again["Cache-Control"] == "private, no-cache"
    assert "csrfmiddlewaretoken" in again.content.decode()


def test_me_gives_a_guest_the_name_they_asked_to_be_remembered(article):
    guest = Client()
    posted = post_comment(
        guest, article, name="Grace <Guest>", email="grace@example.com", remember="on"
    )
    assert posted.status_code == 302

    me = guest.get("/api/v1/me/", {"article": article.pk}).json()

    assert me["reader"] is None
    assert me["remembered"] == {
        "name": "Grace <Guest>",
        "email": "grace@example.com",
        "url": "",
    }
    assert (
        Client().get("/api/v1/me/", {"article": article.pk}).json()["remembered"]
        is None
    )


def test_me_gives_the_draft_kept_for_signing_in_and_its_article(article):
    """The shared page has no draft in its form: the script puts it back."""
    guest = Client()
    guest.post(
        reverse("comment_sign_in", args=[article.pk]),
        {"body": "Maybe later.", "provider": "account", "parent": ""},
    )
    guest.cookies[SCRIPTED_COOKIE] = "1"

    page = guest.get(article.get_absolute_url())
    me = guest.get("/api/v1/me/", {"article": make_article().pk}).json()

    assert is_public(page) and "Maybe later." not in page.content.decode()
    assert me["draft"] == {"article": article.pk, "body": "Maybe later."}


@pytest.mark.parametrize(
    "cookies",
    ["scripted=1; scripted=0", "scripted=0; scripted=1", "SCRIPTED=1", "scripted=yes"],
)
def test_a_script_cookie_read_two_ways_never_makes_a_reader_s_page_public(
    discussed, reader, cookies
):
    # nginx reads the first of two cookies of a name, Django the last: whichever
    # way the app reads it, an answer it may share holds nothing of the reader.
    client = signed_in(reader, scripted=False)
    session = client.cookies["sessionid"].value
    forget_the_shared_page()

    answer = client.get(
        discussed.get_absolute_url(),
        HTTP_COOKIE=f"sessionid={session}; {cookies}",
        HTTP_ACCEPT_ENCODING="identity",
    )

    text = answer.content.decode()
    if is_public(answer):
        assert "Secretname" not in text and "My held words" not in text
    else:
        assert "My held words" in text  # their own page, kept private
