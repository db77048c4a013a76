"""
Readers' reports: filing one (once per account or browser), hiding a comment that
enough readers reported, and closing reports when a moderator decides.

A comment with DiscussionSettings.reports_to_hold open reports that is approved
goes back to pending, with the reason "held: reported by N readers", until a
moderator approves it (the reports are dismissed: it stays) or removes it or marks
it as spam (they are upheld).
"""

import datetime
from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.limits import too_many_from
from comments.models import Comment, DiscussionSettings, ModerationAction, Report

type Reader = User | AnonymousUser

# Reports one address may send in REPORT_WINDOW: people report a few comments,
# robots many.
REPORTS_PER_ADDRESS = 10
REPORT_WINDOW = datetime.timedelta(minutes=10)


class AlreadyReported(Exception):
    pass


class TooManyReports(Exception):
    pass


def reported_by(comment: Comment, *, user: Reader, browser: str) -> Report | None:
    """This reader's report of the comment, if they made one."""
    return Report.objects.filter(comment=comment).by_reader(user, browser).first()


def file_report(
    comment: Comment,
    *,
    reason: str,
    note: str,
    user: Reader,
    browser: str,
    ip_address: str | None,
) -> Report:
    """
    Record a reader's report and hide the comment if it now has enough open ones.
    Raises AlreadyReported or TooManyReports.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if too_many_from(
            Report.objects.all(), ip_address, REPORTS_PER_ADDRESS, REPORT_WINDOW
        ):
            raise TooManyReports
        report = Report(
            comment=comment,
            reason=reason,
            note=note,
            user=user if user.is_authenticated else None,
            browser="" if user.is_authenticated else browser,
            ip_address=ip_address,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise AlreadyReported from None
        hold_if_reported_enough(comment)
    return report


def hold_if_reported_enough(comment: Comment) -> None:
    threshold = DiscussionSettings.load().reports_to_hold
    if not threshold or comment.status != Comment.Status.APPROVED:
        return
    count = Report.objects.open().filter(comment=comment).count()
    if count < threshold:
        return
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.PENDING,
        moderation_reason=f"held: reported by {count} readers",
    )
    ModerationAction.objects.create(
        comment=comment,
        action=ModerationAction.Action.REPORTED,
        from_status=Comment.Status.APPROVED,
        to_status=Comment.Status.PENDING,
        note=f"{count} open reports",
    )


def resolve_reports(comment_ids: Collection[int], resolution: str) -> int:
    """Close the open reports of these comments: dismissed or upheld."""
    return (
        Report.objects.open()
        .filter(comment_id__in=comment_ids)
        .update(resolved_at=timezone.now(), resolution=resolution)
    )
