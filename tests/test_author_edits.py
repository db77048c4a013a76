"""Authors edit or delete their own comment for a while after posting it."""

import datetime
import re
import threading
import time

import pytest
from django.db import connection, connections
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


def test_edits_are_limited_like_posts(client, article, known, rules):
    comment = posted(client, article)
    other = posted(client, article, body="My second take.")
    rules.flood_interval = 15
    rules.save()

    assert edit(client, comment, "Edit number 0.").status_code == 302
    burst = [edit(client, comment, f"Edit number {n}.") for n in range(1, 30)]
    burst.append(edit(client, other, "Another comment, at once."))

    assert {response.status_code for response in burst} == {400}
    page = burst[0].content.decode()
    assert "You are changing comments too quickly." in page
    assert "Edit number 1." in page  # what they typed is kept
    comment.refresh_from_db()
    other.refresh_from_db()
    assert (comment.body, other.body) == ("Edit number 0.", "My second take.")
    assert ModerationAction.objects.filter(action="author_edit").count() == 1
    Comment.objects.update(edited_at=timezone.now() - datetime.timedelta(seconds=16))
    assert edit(client, other, "Later, calmer.").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_edits_at_once_makes_one_edit(client, article, known, rules):
    comments = [posted(client, article, body=f"Take {n}.") for n in range(4)]
    rules.flood_interval = 15
    rules.save()
    answers = []
    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:  # the comments locked: the edits wait, then go
        cursor.execute(
            "SELECT id FROM comments_comment WHERE id = ANY(%s) FOR UPDATE",
            [[c.pk for c in comments]],
        )

    def save(comment):
        answers.append(edit(client, comment, f"Edited {comment.body}").status_code)
        connection.close()

    editing = [threading.Thread(target=save, args=[c]) for c in comments]
    for thread in editing:
        thread.start()
    waited = 0.0
    while waiting_for_locks() < len(comments) and waited < 10:
        time.sleep(0.05)
        waited += 0.05
    blocker.commit()
    blocker.close()
    for thread in editing:
        thread.join()

    assert sorted(answers) == [302, 400, 400, 400]
    assert Comment.objects.filter(body__startswith="Edited").count() == 1


def waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]
