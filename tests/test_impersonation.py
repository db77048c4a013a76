"""
Nobody passes for staff: staff comments carry a "Staff" mark that only the server
sets, and a name that looks like a staff member's (the same, or spelt with
look-alike letters of another script) is held for moderation, with that reason.
"""

import re

import pytest
from django.test import Client

from comments.models import Comment
from tests import factories

pytestmark = pytest.mark.usefixtures("rules")

LOOKS_LIKE_STAFF = "held: name looks like a staff member's"
MARK = '<span class="staff-mark">Staff</span>'


@pytest.fixture
def eddie(db):
    return factories.make_user(
        first_name="Eddie",
        last_name="Editor",
        is_staff=True,
        groups=("Editors",),
        password=None,
    )


def post(client, article, **fields) -> Comment:
    client.post(
        f"/comments/post/{article.pk}/",
        factories.comment_form(client, article, **fields),
    )
    return Comment.objects.latest("id")


def page(article) -> str:
    return Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "\u0395ddie Editor",  # Greek capital Epsilon for the Latin E
        "Eddie Edit\u043er",  # Cyrillic o
        "Eddie Editor",
        "Eddie\u2800Editor",  # Braille pattern blank
        "Eddie\u3164Editor",  # Hangul filler
        "Ed\u034fdie Editor",  # combining grapheme joiner
        "Ed\u17b4die Editor",  # Khmer inherent vowel
    ],
)
def test_a_guest_named_like_a_staff_member_is_held_even_when_known(
    client, article, eddie, name
):
    # Approved once (before Eddie joined, say): the prior-approval rule would pass.
    factories.make_comment(article, author_name=name, author_email="m@example.com")

    comment = post(client, article, name=name, email="m@example.com", body="Hi.")

    assert (comment.status, comment.moderation_reason) == (
        "pending",
        LOOKS_LIKE_STAFF,
    )


@pytest.mark.parametrize(
    "name",
    ["The editors", "THE EDITORS", "The\u2800editors", "Newsroom", "News\u034froom"],
)
def test_a_guest_signing_as_the_site_is_held(client, article, eddie, name):
    """Staff without a name sign "The editors"; feeds and exports sign "Newsroom"."""
    factories.make_comment(article, author_name=name, author_email="m@example.com")

    comment = post(client, article, name=name, email="m@example.com", body="Hi.")

    assert (comment.status, comment.moderation_reason) == (
        "pending",
        LOOKS_LIKE_STAFF,
    )


def test_a_signed_in_reader_named_like_a_staff_member_is_held(client, article, eddie):
    reader = factories.make_verified_user(first_name="\u0395ddie", last_name="Editor")
    factories.make_comment(article, user=reader)  # known
    client.force_login(reader)

    comment = post(client, article, body="From my account.")

    assert (comment.status, comment.moderation_reason) == (
        "pending",
        LOOKS_LIKE_STAFF,
    )


def test_other_names_are_not_held_for_it(client, article, eddie):
    factories.make_comment(
        article, author_name="Eddie Editorial", author_email="e@example.com"
    )
    comment = post(client, article, name="Eddie Editorial", email="e@example.com")
    assert comment.status == "approved"


def test_a_staff_comment_shows_the_staff_mark(client, article, eddie):
    client.force_login(eddie)

    comment = post(client, article, body="A word from the desk.")

    assert (comment.status, comment.author_is_staff) == ("approved", True)
    html = page(article)
    assert f"<b>Eddie Editor {MARK}</b>" in html
    assert html.count("staff-mark") == 1


def test_an_editors_reply_from_the_admin_shows_the_staff_mark(client, article, eddie):
    parent = factories.make_comment(article, author_name="Grace")
    client.force_login(eddie)

    client.post(f"/admin/comments/comment/{parent.pk}/reply/", {"body": "Thanks!"})

    assert Comment.objects.get(body="Thanks!").author_is_staff
    assert f"<b>Eddie Editor {MARK}</b>" in page(article)


@pytest.mark.parametrize(
    "name", ["Grace Staff", f"Grace {MARK}", 'Grace</b><span class="staff-mark">']
)
def test_a_guest_cannot_produce_the_staff_mark(client, article, eddie, name):
    factories.make_comment(article, author_name=name, author_email="g@example.com")
    comment = post(client, article, name=name, email="g@example.com", body="Me.")

    assert comment.status == "approved"
    html = page(article)
    assert not re.search(r"<span[^>]*staff-mark", html)
    assert f'id="c-{comment.pk}"' in html


def test_the_mark_is_what_the_author_was_when_posting(client, article, eddie):
    client.force_login(eddie)
    post(client, article, body="Written as staff.")
    reader = factories.make_verified_user(first_name="Rita", last_name="Reader")
    factories.make_comment(article, user=reader, author_name="Rita Reader")

    eddie.is_staff, reader.is_staff = False, True
    eddie.save()
    reader.save()

    html = page(article)
    assert f"<b>Eddie Editor {MARK}</b>" in html
    assert "<b>Rita Reader</b>" in html
