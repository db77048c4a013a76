"""
The buttons that ask for a moderation action; every status change they ask for
goes through `comments.moderation.moderate()`.
"""

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
