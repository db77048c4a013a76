"""
The buttons that ask for a moderation action, and the queue's bulk actions; every
status change they ask for goes through `desk.decisions.moderate()`.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from comments.models import Comment, ModerationAction
from desk.decisions import dismiss_reports, feature, moderate

Status = Comment.Status
Action = ModerationAction.Action


# Actions in the order buttons are shown, with what a button says.
ACTION_LABELS = {
    Action.APPROVE: _("Approve"),
    Action.UNAPPROVE: _("Unapprove"),
    Action.SPAM: _("Spam"),
    Action.NOT_SPAM: _("Not spam"),
    Action.REMOVE: _("Remove"),
    Action.RESTORE: _("Restore"),
    Action.FEATURE: _("Feature"),
    Action.UNFEATURE: _("Unfeature"),
    Action.DISMISS: _("Dismiss reports"),
}
# The buttons on each row of the list, by the comment's status.
QUICK_ACTIONS = {
    Status.PENDING: [Action.APPROVE, Action.SPAM, Action.REMOVE],
    Status.APPROVED: [Action.UNAPPROVE, Action.SPAM, Action.REMOVE],
    Status.SPAM: [Action.NOT_SPAM, Action.REMOVE],
    Status.REMOVED: [Action.RESTORE],
}
# Editors' picks, for approved comments: a button besides those above.
PICK_ACTIONS = frozenset({Action.FEATURE, Action.UNFEATURE})


def quick_actions(comment: Comment) -> list[Action]:
    """The buttons on a comment's row, by its status (and whether it is a pick)."""
    actions = list(QUICK_ACTIONS[Status(comment.status)])
    if comment.status == Status.APPROVED:
        actions.insert(1, Action.UNFEATURE if comment.featured_at else Action.FEATURE)
    if getattr(comment, "open_reports", None):
        actions.insert(0, Action.DISMISS)
    return actions


def reason_given(request) -> str:
    """The reason a moderator chose for a rejection, if a known one."""
    reason = request.POST.get("reason", "")
    return reason if reason in ModerationAction.Reason.values else ""


# What a bulk action says it did, for one comment and for several.
BULK_DONE = {
    Action.APPROVE: ngettext_lazy(
        "Approved %(count)s comment.", "Approved %(count)s comments.", "count"
    ),
    Action.UNAPPROVE: ngettext_lazy(
        "Unapproved %(count)s comment.", "Unapproved %(count)s comments.", "count"
    ),
    Action.SPAM: ngettext_lazy(
        "Marked as spam: %(count)s comment.",
        "Marked as spam: %(count)s comments.",
        "count",
    ),
    Action.NOT_SPAM: ngettext_lazy(
        "Marked as not spam: %(count)s comment.",
        "Marked as not spam: %(count)s comments.",
        "count",
    ),
    Action.REMOVE: ngettext_lazy(
        "Removed %(count)s comment.", "Removed %(count)s comments.", "count"
    ),
    Action.RESTORE: ngettext_lazy(
        "Restored %(count)s comment.", "Restored %(count)s comments.", "count"
    ),
}


class BulkActions(admin.ModelAdmin):
    """The queue's actions on the comments ticked: one decision, one message."""

    def _bulk(self, request, queryset, action):
        changed, skipped = moderate(
            queryset, action, request.user, reason_given(request)
        )
        message = BULK_DONE[action] % {"count": changed}
        if skipped:
            message += " " + _("%(count)s skipped (already in that state).") % {
                "count": skipped
            }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        self._bulk(request, queryset, Action.APPROVE)

    @admin.action(
        description=_("Unapprove selected comments (back to pending)"),
        permissions=["change"],
    )
    def unapprove(self, request, queryset):
        self._bulk(request, queryset, Action.UNAPPROVE)

    @admin.action(
        description=_("Mark selected comments as spam"), permissions=["change"]
    )
    def mark_spam(self, request, queryset):
        self._bulk(request, queryset, Action.SPAM)

    @admin.action(
        description=_("Mark selected comments as not spam"), permissions=["change"]
    )
    def mark_not_spam(self, request, queryset):
        self._bulk(request, queryset, Action.NOT_SPAM)

    @admin.action(description=_("Remove selected comments"), permissions=["change"])
    def remove(self, request, queryset):
        self._bulk(request, queryset, Action.REMOVE)

    @admin.action(description=_("Restore selected comments"), permissions=["change"])
    def restore(self, request, queryset):
        self._bulk(request, queryset, Action.RESTORE)

    @admin.action(description=_("Feature as editors' picks"), permissions=["change"])
    def make_picks(self, request, queryset):
        changed, skipped = feature(queryset, request.user, on=True)
        message = ngettext(
            "Featured %(count)s comment.", "Featured %(count)s comments.", changed
        ) % {"count": changed}
        if skipped:
            message += " " + _(
                "%(count)s skipped (not approved, or already featured)."
            ) % {"count": skipped}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Stop featuring as editors' picks"), permissions=["change"]
    )
    def unmake_picks(self, request, queryset):
        changed, _skipped = feature(queryset, request.user, on=False)
        message = ngettext(
            "Stopped featuring %(count)s comment.",
            "Stopped featuring %(count)s comments.",
            changed,
        ) % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Dismiss readers' reports (the comments stay)"),
        permissions=["change"],
    )
    def dismiss_reports(self, request, queryset):
        count = dismiss_reports(queryset, request.user)
        self.message_user(
            request,
            ngettext(
                "Dismissed the reports of %(count)s comment.",
                "Dismissed the reports of %(count)s comments.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
