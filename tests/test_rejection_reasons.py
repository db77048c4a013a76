"""Moderators say why they removed a comment or marked it as spam; it is counted."""

from comments.models import ModerationAction
from tests.factories import bulk_action, make_comment

QUEUE = "/admin/comments/comment/"


def test_a_bulk_removal_keeps_its_reason(moderator_client, article):
    comments = [make_comment(article, status="pending") for _ in range(2)]

    moderator_client.post(
        f"{QUEUE}?status=all",
        {
            "action": "remove",
            "reason": "off_topic",
            "_selected_action": [c.pk for c in comments],
        },
    )

    assert set(ModerationAction.objects.values_list("action", "reason")) == {
        ("remove", "off_topic")
    }


def test_one_comment_removed_with_a_reason_shows_it_in_the_history(
    moderator_client, article
):
    comment = make_comment(article, status="pending")
    page = moderator_client.get(f"{QUEUE}{comment.pk}/change/").text
    assert '<option value="abuse">Abuse or harassment</option>' in page

    moderator_client.post(
        f"{QUEUE}{comment.pk}/moderate/", {"moderate": "remove", "reason": "abuse"}
    )

    history = moderator_client.get(f"{QUEUE}{comment.pk}/change/").text
    assert "reason: Abuse or harassment" in history


def test_an_unknown_reason_or_an_approval_keeps_none(moderator_client, article):
    comment = make_comment(article, status="pending")

    moderator_client.post(
        f"{QUEUE}{comment.pk}/moderate/", {"moderate": "spam", "reason": "<b>x</b>"}
    )
    bulk_action(moderator_client, "approve", comment)

    assert list(
        ModerationAction.objects.order_by("id").values_list("action", "reason")
    ) == [("spam", ""), ("approve", "")]


def test_the_log_counts_removals_by_reason(editor_client, article, editor):
    for reason in ["abuse", "abuse", "off_topic"]:
        ModerationAction.objects.create(
            comment=make_comment(article), action="remove", actor=editor, reason=reason
        )

    page = editor_client.get("/admin/comments/moderationaction/").text

    assert "Abuse or harassment (2)" in page
    assert "Off topic (1)" in page
