"""
A banned author is not told: their comment goes to spam (editors see "banned"),
but to them it looks exactly like a comment held for moderation, and nobody else
sees it. The same goes for spam by disallowed words: the author can't probe the
rules by watching what happens to their comment.
"""

import re

import pytest
from django.test import Client

from comments.models import Ban, Comment
from tests import factories

pytestmark = pytest.mark.usefixtures("rules")

BODY = "I have something to say."


def post(client, article, **fields):
    return client.post(
        f"/comments/post/{article.pk}/",
        factories.comment_form(client, article, body=BODY, **fields),
    )


def as_seen_by_author(client, response) -> dict:
    """Everything the author's browser gets, with what differs by nature masked."""
    page = client.get(response["Location"])
    html = page.content.decode()
    for pattern, mask in [
        (r"\bc-\d+", "c-N"),  # the comment's own number
        (r"/comments/\d+/", "/comments/N/"),  # its edit and report links
        (r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF"),
        (r'name="stamp" value="[^"]+"', "STAMP"),
        (r'class="avatar c\d"', 'class="avatar c?"'),  # colour of the person
        (r"<time[^>]*>[^<]*</time>", "TIME"),
    ]:
        html = re.sub(pattern, mask, html)
    return {
        "status": response.status_code,
        "location": re.sub(r"\d+", "N", response["Location"]),
        "cookies": sorted(response.cookies),
        "page status": page.status_code,
        "page": html,
    }


@pytest.fixture
def paged(rules):
    """Comments in pages: the address of a comment then names its page too."""
    rules.page_comments = True
    rules.save()


@pytest.mark.usefixtures("paged")
def test_banned_guest_sees_what_a_held_guest_sees(article):
    Ban.objects.create(kind="email", email="troll@example.com", reason="abusive")
    held_guest, banned_guest = Client(), Client()

    held = as_seen_by_author(held_guest, post(held_guest, article))
    banned = as_seen_by_author(
        banned_guest, post(banned_guest, article, email="troll@example.com")
    )

    statuses = dict(Comment.objects.values_list("author_email", "moderation_reason"))
    assert statuses == {
        "grace@example.com": "held: first comment from this author",
        "troll@example.com": "banned",
    }
    assert "Your comment is awaiting moderation." in banned["page"]
    assert BODY in banned["page"]
    assert banned == held


def test_banned_reader_sees_what_a_held_reader_sees(article):
    newcomer = factories.make_verified_user(first_name="Sam", last_name="Reader")
    troll = factories.make_verified_user(first_name="Sam", last_name="Reader")
    Ban.objects.create(kind="account", user=troll, reason="abusive")
    held_reader, banned_reader = Client(), Client()
    held_reader.force_login(newcomer)
    banned_reader.force_login(troll)

    held = as_seen_by_author(held_reader, post(held_reader, article))
    banned = as_seen_by_author(banned_reader, post(banned_reader, article))

    assert Comment.objects.get(user=troll).status == "spam"
    assert "Your comment is awaiting moderation." in banned["page"]
    assert banned == held


def test_spam_by_a_disallowed_word_looks_held_to_its_author(article, rules):
    rules.disallowed_words = "something"
    rules.save()
    held_guest, spam_guest = Client(), Client()

    spam = as_seen_by_author(spam_guest, post(spam_guest, article))
    rules.disallowed_words = ""
    rules.save()
    held = as_seen_by_author(held_guest, post(held_guest, article, email="h@a.example"))

    assert Comment.objects.filter(status="spam").count() == 1
    assert spam == held


def test_nobody_else_sees_a_banned_authors_comment(article):
    troll = factories.make_verified_user()
    Ban.objects.create(kind="account", user=troll, reason="abusive")
    author = Client()
    author.force_login(troll)
    post(author, article)
    banned = Comment.objects.get()
    reader, editor = Client(), Client()
    reader.force_login(factories.make_verified_user())
    editor.force_login(
        factories.make_user(password=None, groups=("Editors",), is_staff=True)
    )

    assert (
        f'id="c-{banned.pk}"' in author.get(article.get_absolute_url()).content.decode()
    )
    for someone in (Client(), reader, editor):
        page = someone.get(article.get_absolute_url()).content.decode()
        assert f'id="c-{banned.pk}"' not in page
        assert BODY not in page
    for someone in (Client(), reader):
        assert someone.get(f"/comments/{banned.pk}/").status_code == 404
