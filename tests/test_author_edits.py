"""Authors edit or delete their own comment for a while after posting it."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationAction
from tests.factories import article_page, make_comment, post_comment

QUEUE = "/admin/comments/comment/"


@pytest.fixture
def known(article, rules):
    """An approved earlier comment: the guest's next ones are approved at once."""
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")


def posted(client, article, body="My first take.") -> Comment:
    response = post_comment(client, article, body=body)
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def edit(client, comment, body):
    return client.post(f"/comments/{comment.pk}/edit/", {"body": body})


def test_a_guest_edits_from_the_same_browser(client, article, known):
    comment = posted(client, article)
    assert comment.status == "approved"

    page = client.get(f"/comments/{comment.pk}/edit/").content.decode()
    assert "My first take." in page and "You can change or delete it until" in page
    response = edit(client, comment, "My second, better take.")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("My second, better take.", "approved")
    assert comment.edited_at is not None
    shown = article_page(Client(), article)
    assert "My second, better take." in shown and "My first take." not in shown
    card = shown.split(f'id="c-{comment.pk}"')[1].split("</li>")[0]
    assert '<span class="edited">edited</span>' in card


def test_moderators_see_the_text_before(client, article, known, moderator_client):
    comment = posted(client, article)
    edit(client, comment, "Changed my mind.")

    record = ModerationAction.objects.get(comment=comment)
    assert record.action == "author_edit"
    assert record.changes == {"body": ["My first take.", "Changed my mind."]}
    history = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
    assert "My first take." in history


def test_an_edit_is_moderated_again(client, article, known):
    comment = posted(client, article)

    edit(client, comment, "Read https://a.example and https://b.example instead.")

    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: 2 links, limit 2",
    )
    assert "a.example" not in article_page(Client(), article)
    # Its author still sees it, awaiting moderation.
    assert "Your comment is awaiting moderation." in article_page(client, article)


@pytest.mark.parametrize("who", ["another browser", "forged number"])
def test_nobody_else_can_change_it(client, article, known, who):
    comment = posted(client, article)
    other = Client()
    if who == "forged number":
        other.cookies["own_comments"] = f"{comment.pk}"  # unsigned: worthless
    other.cookies["editable_comments"] = f"{comment.pk}.9999999999"

    assert other.get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert edit(other, comment, "Hijacked.").status_code == 404
    assert other.post(f"/comments/{comment.pk}/delete/").status_code == 404
    comment.refresh_from_db()
    assert comment.body == "My first take." and comment.deleted_at is None


def test_a_guest_cannot_change_someone_elses_comment_with_their_own_cookie(
    client, article, known
):
    mine = posted(client, article)
    theirs = make_comment(article, body="Someone else's words.")

    assert edit(client, theirs, "Hijacked.").status_code == 404
    assert mine.pk != theirs.pk
    theirs.refresh_from_db()
    assert theirs.body == "Someone else's words."


def test_an_account_edits_from_any_browser(article, rules, django_user_model):
    reader = django_user_model.objects.create_user("rae", password="pw")
    make_comment(article, user=reader)  # approved before: trusted
    first, second = Client(), Client()
    first.force_login(reader)
    second.force_login(reader)
    comment = posted(first, article)

    assert edit(second, comment, "Fixed a typo.").status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Fixed a typo."
    assert ModerationAction.objects.get(comment=comment).actor == reader


def test_the_window_closes(client, article, known):
    comment = posted(client, article)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    response = edit(client, comment, "Too late.")

    assert response.status_code == 403
    assert "could be changed until" in response.content.decode()
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "My first take."


def test_an_empty_edit_is_a_form_error(client, article, known):
    comment = posted(client, article)

    response = edit(client, comment, "   ")

    assert response.status_code == 400
    assert "Please type your comment, or delete it." in response.content.decode()


def test_deleting_a_comment_with_replies_leaves_a_placeholder(client, article, known):
    comment = posted(client, article)
    reply = make_comment(article, parent=comment, body="A reply to it.")

    assert client.get(f"/comments/{comment.pk}/delete/").status_code == 200
    response = client.post(f"/comments/{comment.pk}/delete/")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("approved", "")
    page = article_page(Client(), article)
    assert "This comment was deleted by its author." in page
    assert "My first take." not in page and "A reply to it." in page
    assert re.search(rf'id="c-{reply.pk}" class="comment depth-1', page)
    assert ModerationAction.objects.get(comment=comment).action == "author_delete"


def test_deleting_a_comment_without_replies_removes_it(client, article, known):
    comment = posted(client, article)

    client.post(f"/comments/{comment.pk}/delete/")

    comment.refresh_from_db()
    assert comment.status == "removed" and comment.deleted_at is not None
    page = article_page(Client(), article)
    assert f'id="c-{comment.pk}"' not in page
    assert "deleted by its author" not in page


def test_posting_says_until_when_and_links_the_edit_page(client, article, known):
    response = post_comment(client, article, body="Posted now.")
    comment = Comment.objects.get(body="Posted now.")

    page = client.get(response["Location"]).content.decode()

    assert "You can edit or delete it until" in page
    assert f'<a href="/comments/{comment.pk}/edit/">Edit or delete it</a>' in page
    editable = response.cookies["editable_comments"].value
    assert editable.startswith(f"{comment.pk}.")


def test_no_window_no_edits(client, article, rules, django_user_model):
    rules.edit_window_minutes = 0
    rules.save()
    reader = django_user_model.objects.create_user("rae", password="pw")
    client.force_login(reader)
    comment = make_comment(article, user=reader)

    response = edit(client, comment, "Changed.")

    assert response.status_code == 403
    assert "can't be changed after posting" in response.content.decode()
    # Guests are not even given the cookie that would let them try.
    assert "own_comments" not in post_comment(Client(), article).cookies
