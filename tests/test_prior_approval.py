"""
"Author must have a previously approved comment": who counts as the same author.

As in WordPress's check_comment(), a guest is the same author only under the same
name AND email as an approved comment, both given: knowing an approved guest's
email alone no longer lets anyone skip the first-comment hold under any name.
Signed-in readers are known by their account.
"""

import pytest

from comments.models import Comment
from tests import factories

pytestmark = pytest.mark.usefixtures("rules")

FIRST = "held: first comment from this author"


def post_as_guest(client, article, **fields) -> Comment:
    client.post(
        f"/comments/post/{article.pk}/",
        factories.comment_form(client, article, **fields),
    )
    return Comment.objects.latest("id")


@pytest.fixture
def approved_guest(article):
    return factories.make_comment(
        article, author_name="Grace Guest", author_email="grace@example.com"
    )


def test_same_name_and_email_as_an_approved_comment_is_approved(
    client, article, approved_guest
):
    comment = post_as_guest(client, article, name="Grace Guest", body="Again.")
    assert comment.status == "approved"


def test_an_approved_guests_email_under_another_name_is_held(
    client, article, approved_guest
):
    comment = post_as_guest(client, article, name="Mallory", body="Trust me.")
    assert (comment.status, comment.moderation_reason) == ("pending", FIRST)


def test_an_approved_guests_name_under_another_email_is_held(
    client, article, approved_guest
):
    comment = post_as_guest(
        client, article, email="mallory@example.com", body="It's me, really."
    )
    assert (comment.status, comment.moderation_reason) == ("pending", FIRST)


def test_a_guest_without_email_is_never_known_by_name_alone(client, article, rules):
    rules.require_name_email = False
    rules.save()
    factories.make_comment(article, author_name="Grace Guest", author_email="")

    comment = post_as_guest(client, article, email="", body="No address given.")

    assert (comment.status, comment.moderation_reason) == ("pending", FIRST)


def test_a_signed_in_reader_is_known_by_account_whatever_the_name(client, article):
    reader = factories.make_verified_user(first_name="Sam", last_name="Reader")
    factories.make_comment(article, user=reader, author_name="Someone else")
    client.force_login(reader)

    client.post(
        f"/comments/post/{article.pk}/",
        factories.comment_form(client, article, body="Signed in."),
    )

    assert Comment.objects.get(body="Signed in.").status == "approved"
