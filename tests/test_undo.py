"""A moderator takes a decision back: theirs, the comment's last, and only briefly."""

import datetime

from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationAction
from tests.factories import make_comment, make_staff

QUEUE = "/admin/comments/comment/"
JSON = {"headers": {"accept": "application/json"}}


def decide(client, comment, action):
    return client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": action}, **JSON)


def test_a_key_gets_json_and_undo_restores_the_status(moderator_client, article):
    comment = make_comment(article, status="pending")

    done = decide(moderator_client, comment, "spam")
    undone = decide(moderator_client, comment, "undo")

    assert done.json()["status"] == "spam" and done.json()["done"] is True
    # The row drawn again for the queue: the new status and its buttons.
    assert "your decision, just now" in done.json()["row"]
    assert 'value="not_spam"' in done.json()["row"]
    assert 'value="approve"' in undone.json()["row"]
    assert undone.json() | {"message": "", "row": ""} == {
        "done": True,
        "message": "",
        "status": "pending",
        "status_label": "Pending",
        "row": "",
    }
    assert list(
        ModerationAction.objects.filter(comment=comment)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    ) == [("spam", "pending", "spam"), ("undo", "spam", "pending")]


def test_only_ones_own_last_fresh_decision_is_undone(moderator_client, article):
    comment = make_comment(article, status="pending")
    decide(moderator_client, comment, "approve")
    colleague = Client()
    colleague.force_login(make_staff("Moderators", username="colleague"))

    assert decide(colleague, comment, "undo").status_code == 409  # not theirs
    ModerationAction.objects.update(
        created_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    stale = decide(moderator_client, comment, "undo")

    assert stale.status_code == 409
    assert "nothing of yours to undo" in stale.json()["message"]
    assert Comment.objects.get(pk=comment.pk).status == "approved"


def test_undo_without_javascript_comes_back_with_a_message(moderator_client, article):
    comment = make_comment(article, status="pending")
    moderator_client.post(f"{QUEUE}{comment.pk}/moderate/", {"moderate": "remove"})

    response = moderator_client.post(
        f"{QUEUE}{comment.pk}/moderate/", {"moderate": "undo"}, follow=True
    )

    assert "back to pending" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "pending"
