"""
The buttons that ask for a moderation action; every status change they ask for
goes through `desk.decisions.moderate()`.
"""

from django.utils.translation import gettext_lazy as _

from comments.models import Comment, ModerationAction

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
