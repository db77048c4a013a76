"""
Moderation actions: `moderate()`, which every status change made in the admin
goes through, and the buttons that ask for one.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comments import moderation, notifications
from comments.models import Comment, ModerationAction

Status = Comment.Status
Action = ModerationAction.Action


# Actions in the order buttons are shown, with what a button says.
ACTION_LABELS = {
    Action.APPROVE: "Approve",
    Action.UNAPPROVE: "Unapprove",
    Action.SPAM: "Spam",
    Action.NOT_SPAM: "Not spam",
    Action.REMOVE: "Remove",
    Action.RESTORE: "Restore",
}
# The buttons on each row of the list, by the comment's status.
QUICK_ACTIONS = {
    Status.PENDING: [Action.APPROVE, Action.SPAM, Action.REMOVE],
    Status.APPROVED: [Action.UNAPPROVE, Action.SPAM, Action.REMOVE],
    Status.SPAM: [Action.NOT_SPAM, Action.REMOVE],
    Status.REMOVED: [Action.RESTORE],
}


def moderate(comments: QuerySet, action: str, actor) -> tuple[int, int]:
    """
    Apply a moderation action to comments and record it: (changed, skipped).

    A fixed number of queries whatever the number of comments. "Not spam" and
    "restore" return a comment to the status it had before, read from its history.
    """
    with transaction.atomic():
        rows = list(
            Comment.objects.filter(pk__in=comments.values("pk"))
            .select_for_update()
            .only("id", "status")
        )
        previous: dict[int, str] = {}
        if action in (Action.NOT_SPAM, Action.RESTORE):
            before = Status.SPAM if action == Action.NOT_SPAM else Status.REMOVED
            previous = dict(
                ModerationAction.objects.filter(
                    comment__in=[c.pk for c in rows], to_status=before
                )
                .exclude(from_status="")
                .order_by("comment_id", "-created_at", "-id")
                .distinct("comment_id")
                .values_list("comment_id", "from_status")
            )
        now = timezone.now()
        records = []
        by_status: dict[str, list[int]] = defaultdict(list)
        for comment in rows:
            new = moderation.transition(
                action, comment.status, previous.get(comment.pk)
            )
            if new is None:
                continue
            by_status[new].append(comment.pk)
            records.append(
                ModerationAction(
                    comment_id=comment.pk,
                    action=action,
                    actor=actor,
                    from_status=comment.status,
                    to_status=new,
                    created_at=now,
                )
            )
        for status, ids in by_status.items():
            Comment.objects.filter(pk__in=ids).update(status=status)
        ModerationAction.objects.bulk_create(records)
        # Subscribers hear of a comment when it becomes public.
        notifications.comments_approved(by_status.get(Status.APPROVED, []))
    return len(records), len(rows) - len(records)
