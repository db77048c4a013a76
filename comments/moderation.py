"""
Moderation: what happens to a new comment, and why; what editors' actions do.

`decide()` is a pure function. It takes the submitted comment, the discussion
settings and what we know of the author, and returns a Verdict: the status the
comment gets and the rule that fired, in words an editor can read ("held: 3 links,
limit 2"). The reason is stored with the comment and shown in the admin. Nothing
here reads or writes the database or looks at a request; views gather the values.

The rules run in WordPress's order, so editors' expectations carry over:
disallowed words send a comment to spam; then a name that looks like a staff
member's, "manually approve everything", the link limit and moderation words hold
it; then a comment sent without the page's stamp (no JavaScript), and a
first-time author's, are held until an editor has approved one of their comments.

Editors' actions follow the table `TRANSITIONS`, read by the pure `transition()`;
`moderate()` applies an action to comments and records it, and is the one way the
admin changes a comment's status. `feature()` makes comments editors' picks (or
stops featuring them) and `undo()` takes a decision back, also recorded.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comments import notifications
from comments.lookalikes import looks_like_any
from comments.models import Comment, ModerationAction, Report
from comments.reporting import resolve_reports

URL_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """What a commenter sent, as plain values."""

    body: str
    name: str = ""
    email: str = ""
    url: str = ""
    ip_address: str = ""
    user_agent: str = ""
    # The form carried the page's stamp, which its script fetches: without
    # JavaScript nothing proved a person had the page (comments.forms).
    stamped: bool = True


@dataclass(frozen=True)
class History:
    """What we know of the author before this comment."""

    has_approved_comment: bool = False
    is_trusted: bool = False  # editors and moderators
    ban_reason: str = ""
    # Moderators marked them "always pre-moderate", for this reason.
    premoderation_reason: str = ""
    # Their latest comments (DiscussionSettings.rejection_window) that went to
    # spam or were removed: by the identity that earns prior approval, their own
    # deletions left out (comments.history).
    recent_rejections: int = 0


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str


def decide(
    comment: Submission, rules, history: History, staff_names: Collection[str] = ()
) -> Verdict:
    """
    The status of a new comment and the rule that decided it.

    `rules` is anything with DiscussionSettings' attributes (manual_approval,
    require_prior_approval, link_limit, moderation_words, disallowed_words,
    hold_after_rejections, rejection_window).
    `staff_names` are the names staff members appear under: anyone else signing
    with a name that looks like one of them (the same, or with look-alike letters
    of another script) is held, whatever their history.
    """
    if history.ban_reason:
        return Verdict("spam", "banned")
    if history.is_trusted:
        return Verdict("approved", "approved: posted by staff")

    word, field = _find_word(comment, rules.disallowed_words)
    if word:
        return Verdict("spam", f"spam: disallowed word “{word}” in {field}")

    if looks_like_any(comment.name, staff_names):
        return Verdict("pending", "held: name looks like a staff member's")

    if history.premoderation_reason:
        return Verdict(
            "pending", f"held: always pre-moderated ({history.premoderation_reason})"
        )

    rejected = history.recent_rejections
    if rules.hold_after_rejections and rejected >= rules.hold_after_rejections:
        return Verdict(
            "pending",
            f"held: {rejected} of their last {rules.rejection_window} comments "
            "rejected",
        )

    if rules.manual_approval:
        return Verdict("pending", "held: every comment is approved by hand")

    links = count_links(comment.body)
    if rules.link_limit and links >= rules.link_limit:
        return Verdict("pending", f"held: {links} links, limit {rules.link_limit}")

    word, field = _find_word(comment, rules.moderation_words)
    if word:
        return Verdict("pending", f"held: moderation word “{word}” in {field}")

    # A known author without JavaScript is published; anyone else who sends
    # the bare form, a robot's cheapest way, waits for a moderator.
    if not comment.stamped and not history.has_approved_comment:
        return Verdict("pending", "held: sent without the page's check")

    if rules.require_prior_approval and not history.has_approved_comment:
        return Verdict("pending", "held: first comment from this author")

    return Verdict("approved", "approved: passed every rule")


# How high a status stands: an author's edit can keep or lower it, never raise it.
STANDING = {"removed": 0, "spam": 0, "pending": 1, "approved": 2}


def decide_edit(
    comment: Submission,
    rules,
    history: History,
    staff_names: Collection[str] = (),
    *,
    standing: Verdict,
) -> Verdict:
    """
    The status of a comment its author edited, which had `standing` (its status
    and reason before): the rules' verdict on it when that is lower, else its
    standing as it was. An edit never takes back a hold or spam, nor publishes
    what waits for a moderator. An approved comment's own approval counts as its
    author's history, and its name (which an edit can't change) was approved with
    it: it stays approved unless the new text trips a rule (links, moderation or
    disallowed words), its author has since been banned, marked or rejected, or
    every comment is approved by hand (the new text wasn't).
    """
    if standing.status == "approved":
        history = replace(history, has_approved_comment=True)
        staff_names = ()
    verdict = decide(comment, rules, history, staff_names)
    if STANDING[verdict.status] < STANDING[standing.status]:
        return verdict
    return standing


def comments_are_open(
    *, comments_open: bool, published_at: datetime.datetime, close_after_days, now
) -> bool:
    """Whether an article still takes comments: open, and not past the age limit."""
    if not comments_open:
        return False
    if close_after_days:
        return now - published_at <= datetime.timedelta(days=close_after_days)
    return True


def count_links(text: str) -> int:
    return len(URL_PATTERN.findall(text))


def word_list(text: str) -> list[str]:
    """One word or phrase per line, blank lines ignored, as editors type them."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _find_word(comment: Submission, words_text: str) -> tuple[str, str]:
    words = word_list(words_text)
    if not words:
        return "", ""
    fields = {
        "body": comment.body,
        "name": comment.name,
        "email": comment.email,
        "website": comment.url,
        "IP address": comment.ip_address,
        "browser": comment.user_agent,
    }
    for field, value in fields.items():
        folded = value.casefold()
        for word in words:
            if word.casefold() in folded:
                return word, field
    return "", ""


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
            .only("id", "status")
        )
        previous: dict[int, str] = {}
        if action in ("not_spam", "restore"):
            before = "spam" if action == "not_spam" else "removed"
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
                )
            )
        for status, ids in by_status.items():
            Comment.objects.filter(pk__in=ids).update(status=status)
        ModerationAction.objects.bulk_create(records)
        # Readers' reports are answered by the decision: kept, or taken down.
        resolve_reports(by_status.get("approved", []), Report.Resolution.DISMISSED)
        resolve_reports(
            by_status.get("spam", []) + by_status.get("removed", []),
            Report.Resolution.UPHELD,
        )
        # Subscribers hear of a comment when it becomes public.
        notifications.comments_approved(by_status.get("approved", []))
    return len(records), len(rows) - len(records)


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
        Comment.objects.filter(pk=comment_id).update(status=last.from_status)
        ModerationAction.objects.create(
            comment=comment,
            action=ModerationAction.Action.UNDO,
            actor=actor,
            from_status=comment.status,
            to_status=last.from_status,
            note=f"undid: {last.get_action_display().lower()}",
        )
    return last.from_status
