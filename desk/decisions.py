"""
What editors' decisions do to comments, the one way the desk changes them.

Editors' actions follow the table `TRANSITIONS`, read by the pure `transition()`;
`moderate()` applies an action to comments and records it in the discussion's
moderation log (ModerationAction, which `comments.moderation.decide()` reads back
as an author's history), answers readers' reports and lets subscribers hear of
newly approved comments. `feature()` makes comments editors' picks (or stops
featuring them), `dismiss_reports()` keeps comments readers reported, and `undo()`
takes a decision back, also recorded.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comments import akismet_service, notifications, spam, tasks
from comments.models import Comment, ModerationAction, Report
from comments.reporting import resolve_reports

# --- Editors' actions: which status each action leads to. ---

# action: (statuses it applies to, the status it leads to; None = the one before)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "approve": (frozenset({"pending", "spam", "removed"}), "approved"),
    "unapprove": (frozenset({"approved"}), "pending"),
    "spam": (frozenset({"pending", "approved", "removed"}), "spam"),
    "not_spam": (frozenset({"spam"}), None),
    "remove": (frozenset({"pending", "approved", "spam"}), "removed"),
    "restore": (frozenset({"removed"}), None),
}


def transition(action: str, status: str, previous: str | None) -> str | None:
    """
    The status an editor's action gives a comment now in `status`, or None when
    the action doesn't apply. "Not spam" and "restore" return the comment to
    `previous`, the status it had before it became spam or was removed, and to the
    queue (pending) when it arrived that way.
    """
    if action not in TRANSITIONS:
        return None
    applies_to, leads_to = TRANSITIONS[action]
    if status not in applies_to:
        return None
    if leads_to is not None:
        return leads_to
    return previous if previous and previous != status else "pending"


# Actions that reject a comment, which may say why (ModerationAction.Reason).
REJECTIONS = frozenset({"spam", "remove"})

# A comment's reason once a moderator decided: the rule that held it no longer
# explains its status. Who decided, and the rejection's reason, are in the log;
# the reason replaced is kept there too (the action's note), for undo().
DECIDED_REASONS = {
    "approve": "approved by a moderator",
    "unapprove": "held: unapproved by a moderator",
    "spam": "spam: marked by a moderator",
    "not_spam": "not spam, said a moderator",
    "remove": "removed by a moderator",
    "restore": "restored by a moderator",
}


def moderate(
    comments: QuerySet, action: str, actor, reason: str = ""
) -> tuple[int, int]:
    """
    Apply a moderation action to comments and record it, with the reason for a
    rejection when given: (changed, skipped).

    A fixed number of queries whatever the number of comments. "Not spam" and
    "restore" return a comment to the status it had before, read from its history.
    """
    with transaction.atomic():
        rows = list(
            Comment.objects.filter(pk__in=comments.values("pk"))
            .select_for_update()
            .only("id", "status", "moderation_reason")
        )
        previous = statuses_before(rows, action)
        now = timezone.now()
        records = []
        by_status: dict[str, list[int]] = defaultdict(list)
        for comment in rows:
            new = transition(action, comment.status, previous.get(comment.pk))
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
                    reason=reason if action in REJECTIONS else "",
                    note=comment.moderation_reason,
                )
            )
        for status, ids in by_status.items():
            Comment.objects.filter(pk__in=ids).update(
                status=status, moderation_reason=DECIDED_REASONS[action]
            )
        ModerationAction.objects.bulk_create(records)
        decided(action, by_status, [record.comment_id for record in records])
    return len(records), len(rows) - len(records)


def statuses_before(rows: list[Comment], action: str) -> dict[int, str]:
    """
    For "not spam" and "restore", the status each comment had before it was
    marked spam or removed, read from its history; nothing for other actions.
    """
    if action not in ("not_spam", "restore"):
        return {}
    before = "spam" if action == "not_spam" else "removed"
    return dict(
        ModerationAction.objects.filter(
            comment__in=[c.pk for c in rows], to_status=before
        )
        .exclude(from_status="")
        .order_by("comment_id", "-created_at", "-id")
        .distinct("comment_id")
        .values_list("comment_id", "from_status")
    )


def decided(action: str, by_status: dict[str, list[int]], changed: list[int]) -> None:
    """What a decision sets off, in its transaction: reports, mail, lessons."""
    # Readers' reports are answered by the decision: kept, or taken down.
    resolve_reports(by_status.get("approved", []), Report.Resolution.DISMISSED)
    resolve_reports(
        by_status.get("spam", []) + by_status.get("removed", []),
        Report.Resolution.UPHELD,
    )
    # Subscribers hear of a comment when it becomes public.
    notifications.comments_approved(by_status.get("approved", []))
    # The spam classifier learns the decision, in the worker (comments.spam).
    if changed and action in spam.LESSONS:
        tasks.enqueue(spam.learn, changed, action)
    if changed and action in ("spam", "not_spam") and akismet_service.enabled():
        tasks.enqueue(akismet_service.report, changed, action)


def feature(comments: QuerySet, actor, *, on: bool) -> tuple[int, int]:
    """
    Make comments editors' picks (`on`) or stop featuring them, and record it:
    (changed, skipped). Only approved comments can be picked; a pick that is later
    unapproved keeps its mark but is shown nowhere until approved again.
    """
    with transaction.atomic():
        rows = Comment.objects.filter(pk__in=comments.values("pk")).select_for_update()
        if on:
            rows = rows.filter(status=Comment.Status.APPROVED, featured_at=None)
        else:
            rows = rows.exclude(featured_at=None)
        ids = list(rows.values_list("pk", flat=True))
        Comment.objects.filter(pk__in=ids).update(
            featured_at=timezone.now() if on else None
        )
        action = "feature" if on else "unfeature"
        ModerationAction.objects.bulk_create(
            ModerationAction(comment_id=pk, action=action, actor=actor) for pk in ids
        )
    return len(ids), comments.count() - len(ids)


def dismiss_reports(comments: QuerySet, actor) -> int:
    """
    Dismiss readers' open reports of these comments, recorded: the comments stay,
    and those that the reports had hidden are approved again. How many comments
    had open reports.
    """
    with transaction.atomic():
        ids = list(
            Report.objects.open()
            .filter(comment__in=comments.values("pk"))
            .values_list("comment_id", flat=True)
            .distinct()
        )
        hidden = Comment.objects.filter(
            pk__in=ids,
            status=Comment.Status.PENDING,
            moderation_reason__startswith="held: reported",
        )
        moderate(hidden, "approve", actor)
        resolve_reports(ids, Report.Resolution.DISMISSED)
        ModerationAction.objects.bulk_create(
            ModerationAction(comment_id=pk, action="dismiss", actor=actor) for pk in ids
        )
    return len(ids)


# How long a moderator's decision can be taken back with "Undo" (or the u key).
UNDO_SECONDS = 60


def undo(comment_id: int, actor) -> str | None:
    """
    Take back `actor`'s last decision on the comment, if it is still the comment's
    last one and at most UNDO_SECONDS old: the comment returns to the status it
    had, recorded like any action. The status it returned to, or None.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        last = (
            ModerationAction.objects.filter(comment_id=comment_id)
            .order_by("-created_at", "-id")
            .first()
        )
        if (
            comment is None
            or last is None
            or last.actor_id != actor.pk
            or last.action not in TRANSITIONS
            or not last.from_status
            or last.to_status != comment.status
            or timezone.now() - last.created_at
            > datetime.timedelta(seconds=UNDO_SECONDS)
        ):
            return None
        Comment.objects.filter(pk=comment_id).update(
            status=last.from_status, moderation_reason=last.note
        )
        ModerationAction.objects.create(
            comment=comment,
            action=ModerationAction.Action.UNDO,
            actor=actor,
            from_status=comment.status,
            to_status=last.from_status,
            note=f"undid: {last.get_action_display().lower()}",
        )
        # What the decision taught the spam classifier is taken back.
        if last.action in spam.LESSONS:
            tasks.enqueue(spam.learn, [comment_id], "undo")
    return last.from_status
