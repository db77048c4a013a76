"""
Readers' reports: filing one (once per person: per account, or per browser and per
network for guests, comments.models.reader_actions), hiding a comment that enough
people reported, and closing reports when a moderator decides.

A comment with DiscussionSettings.reports_to_hold open reports that is approved
goes back to pending, with the reason "held: reported by N readers", until a
moderator approves it (the reports are dismissed: it stays) or removes it or marks
it as spam (they are upheld). A report is one person's: a browser without cookies
is free, so a guest counts by network, and someone whose report was dismissed
can't report the comment again. Staff's comments and editors' picks are never
hidden by reports: their reports wait in the moderators' Reported view.
"""

import datetime
from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from comments.models import Comment, DiscussionSettings, ModerationAction, Report
from readers.limits import too_many_from

type Reader = User | AnonymousUser

# Reports one address (an IPv4 address or IPv6 /64: a network, readers.limits)
# may send in REPORT_WINDOW: people report a few comments, robots many.
REPORTS_PER_ADDRESS = 10
REPORT_WINDOW = datetime.timedelta(minutes=10)


class AlreadyReported(Exception):
    pass


class TooManyReports(Exception):
    """REPORTS_PER_ADDRESS from one network in REPORT_WINDOW; str() says so to it."""

    def __str__(self) -> str:
        return gettext(
            "You have sent many reports in a short time. Please wait a few minutes "
            "and send this one again."
        )


def reported_by(
    comment: Comment, *, user: Reader, browser: str, network: str
) -> Report | None:
    """This reader's report of the comment, or for a guest their network's, if any."""
    reports = Report.objects.filter(comment=comment)
    return reports.by_reader(user, browser, network).first()


def file_report(
    comment: Comment,
    *,
    reason: str,
    note: str,
    user: Reader,
    browser: str,
    network: str,
) -> Report:
    """
    Record a reader's report and hide the comment if it now has enough open ones.
    Raises AlreadyReported or TooManyReports.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if too_many_from(
            Report.objects.all(), network, REPORTS_PER_ADDRESS, REPORT_WINDOW
        ):
            raise TooManyReports
        report = Report(
            comment=comment,
            reason=reason,
            note=note,
            user=user if user.is_authenticated else None,
            browser="" if user.is_authenticated else browser,
            network=network,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise AlreadyReported from None
        hold_if_reported_enough(comment)
    return report


def hold_if_reported_enough(comment: Comment) -> None:
    """
    Hide an approved comment that reports_to_hold people have open reports on:
    each report is a person's (the constraints of ReaderAction). Never the staff's
    or a pick: one person with enough networks could otherwise silence the site.
    """
    threshold = DiscussionSettings.load().reports_to_hold
    if not threshold or comment.status != Comment.Status.APPROVED:
        return
    if comment.author_is_staff or comment.featured_at is not None:
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
