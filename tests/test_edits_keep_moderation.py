"""
An author's edit can keep or lower their comment's standing, never raise it: it
doesn't undo what a moderator or readers' reports decided, and a typo fixed in an
approved comment doesn't send it back to the queue. Once someone else has held,
rejected, rewritten or picked a comment, its author can no longer change it.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from comments.models import Comment, ModerationAction
from tests.factories import article_page, make_comment, post_comment

QUEUE = "/admin/comments/comment/"
LOCKED = "in the moderators' hands"


@pytest.fixture
def known(article, rules):
    """An approved earlier comment: the guest's next ones are approved at once."""
    make_comment(article, author_name="Grace Guest", author_email="grace@example.com")


def posted(author, article, body="My first take.", **fields) -> Comment:
    response = post_comment(author, article, body=body, **fields)
    assert response.status_code == 302
    return Comment.objects.get(body=body)


def edit(author, comment, body):
    return author.post(f"/comments/{comment.pk}/edit/", {"body": body})


def moderate(moderator_client, comment, action):
    response = moderator_client.post(
        f"{QUEUE}{comment.pk}/moderate/", {"moderate": action}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("action", "status"),
    [("remove", "removed"), ("spam", "spam"), ("unapprove", "pending")],
)
def test_an_edit_cannot_undo_a_moderators_decision(
    article, known, moderator_client, action, status
):
    author = Client()
    comment = posted(author, article)
    moderate(moderator_client, comment, action)

    response = edit(author, comment, "Nothing to see here.")

    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert LOCKED in author.get(f"/comments/{comment.pk}/edit/").content.decode()
    assert author.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.body) == (status, "My first take.")
    assert comment.deleted_at is None
    assert "My first take." not in article_page(Client(), article)


def test_an_edit_cannot_bring_back_a_comment_readers_reports_hid(article, known, rules):
    author = Client()
    comment = posted(author, article, body="You are all wrong.")
    for address in ("192.0.2.10", "198.51.100.20", "203.0.113.30"):
        reader = Client()
        page = reader.get(f"/comments/{comment.pk}/report/").content.decode()
        stamp = page.split('name="stamp" value="')[1].split('"')[0]
        reader.post(
            f"/comments/{comment.pk}/report/",
            {"reason": "abuse", "note": "", "stamp": stamp, "homepage": ""},
            REMOTE_ADDR=address,
        )
    comment.refresh_from_db()
    assert comment.moderation_reason.startswith("held: reported")

    response = edit(author, comment, "You are all right.")

    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("pending", "You are all wrong.")


def test_an_edit_cannot_undo_a_moderators_redaction(article, known, moderator_client):
    author = Client()
    comment = posted(author, article, body="Call me on 555-0100.")
    moderator_client.post(
        f"{QUEUE}{comment.pk}/edit/",
        {f"body-{comment.pk}": "Call me on [number removed]."},
    )

    response = edit(author, comment, "Call me on 555-0100.")

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Call me on [number removed]."
    assert "555-0100" not in article_page(Client(), article)


def test_an_editors_pick_keeps_the_words_that_were_picked(
    article, known, moderator_client
):
    author = Client()
    comment = posted(author, article, body="The sharpest point made.")
    moderate(moderator_client, comment, "feature")

    response = edit(author, comment, "Buy my book instead.")

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "The sharpest point made." and comment.is_editors_pick
    assert "Buy my book" not in article_page(Client(), article)


def test_a_comment_a_moderator_approved_stays_approved_after_a_typo_fix(
    article, rules, moderator_client
):
    author = Client()
    comment = posted(author, article, body="My frist comment.")
    assert comment.moderation_reason == "held: first comment from this author"
    moderate(moderator_client, comment, "approve")

    assert edit(author, comment, "My first comment.").status_code == 302

    comment.refresh_from_db()
    assert comment.status == "approved"
    assert "My first comment." in article_page(Client(), article)
    assert "awaiting moderation" not in article_page(author, article)


def test_a_comment_a_moderator_approved_is_held_when_its_new_text_trips_a_rule(
    article, rules, moderator_client
):
    author = Client()
    comment = posted(author, article)
    moderate(moderator_client, comment, "approve")

    edit(author, comment, "Read https://a.example and https://b.example instead.")

    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: 2 links, limit 2",
    )


def test_a_held_comment_stays_held_when_the_edit_passes_every_rule(article, known):
    author = Client()
    comment = posted(
        author, article, body="See https://a.example and https://b.example"
    )
    assert comment.moderation_reason == "held: 2 links, limit 2"

    assert edit(author, comment, "No links any more.").status_code == 302

    comment.refresh_from_db()
    assert (comment.status, comment.moderation_reason) == (
        "pending",
        "held: 2 links, limit 2",
    )
    assert "No links any more." not in article_page(Client(), article)
    record = ModerationAction.objects.get(comment=comment)
    assert (record.from_status, record.to_status) == ("pending", "pending")


def test_spam_stays_spam_and_still_looks_held_to_its_author(article, known, rules):
    rules.disallowed_words = "casino"
    rules.save()
    author = Client()
    comment = posted(author, article, body="Best casino in town.")
    assert comment.status == "spam"

    assert edit(author, comment, "Best bakery in town.").status_code == 302

    comment.refresh_from_db()
    assert comment.status == "spam"
    assert "Your comment is awaiting moderation." in article_page(author, article)
    assert "Best bakery in town." not in article_page(Client(), article)


def test_a_held_comment_that_starts_a_new_page_is_shown_to_its_author(article, rules):
    rules.page_comments = True
    rules.comments_per_page = 2
    rules.save()
    make_comment(article, body="First thread.")
    make_comment(article, body="Second thread.")
    author = Client()
    comment = posted(author, article, body="A third thread, held.")
    assert comment.status == "pending"

    response = edit(author, comment, "A third thread, still held.")

    assert response["Location"].endswith(f"comment-page-2/#c-{comment.pk}")
    page = author.get(response["Location"])
    assert page.status_code == 200
    assert "A third thread, still held." in page.content.decode()
    assert "Your comment is awaiting moderation." in page.content.decode()
    permalink = author.get(f"/comments/{comment.pk}/")
    assert permalink["Location"] == response["Location"]
    assert "Second thread." in article_page(Client(), article)  # one page for others


@pytest.mark.django_db(transaction=True)
def test_a_decision_taken_while_the_author_saves_wins(article, known):
    author = Client()
    comment = posted(author, article)
    moderator = connections.create_connection("default")
    moderator.set_autocommit(False)
    with moderator.cursor() as cursor:  # a moderator's decision, not yet committed
        cursor.execute(
            "UPDATE comments_comment SET status = 'spam' WHERE id = %s", [comment.pk]
        )
    answers = []

    def save():
        answers.append(edit(author, comment, "Nothing to see here."))
        connection.close()

    saving = threading.Thread(target=save)
    saving.start()
    waited = 0.0
    while not waits_for_a_lock() and waited < 10:
        time.sleep(0.05)
        waited += 0.05
    moderator.commit()
    moderator.close()
    saving.join()

    assert answers[0].status_code == 403
    assert LOCKED in answers[0].content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("spam", "My first take.")


def waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS(SELECT 1 FROM pg_locks WHERE NOT granted)")
        return cursor.fetchone()[0]
