"""
The moderation queue: where editors and moderators decide about comments.

The Comments list opens on the pending queue, oldest first, so the comment that has
waited longest is on top. Every status change goes through `moderate()`, which
locks the rows, applies `decisions.transition()` and records a ModerationAction
(who, when, from which status to which): the list's bulk actions, the quick
buttons on each row and the buttons on a comment's page all use it. No moderation
action deletes a row; "remove" is a status and "restore" brings a comment back.

It stays fast with a large table: the list's row count is exact only up to
COUNT_CAP rows (beyond, PostgreSQL's estimate), the status counts are one grouped
query, the number of replies is a correlated subquery evaluated for the shown
rows only, search is served by a trigram index, and the identities of signed-in
authors come from one prefetch.
"""

# Each ModelAdmin registers itself where it is defined (@admin.register): importing
# its module here is what puts it on the admin site.
from desk.admin import (  # noqa: F401
    bans,
    discussion,
    moderation_log,
    notifications,
    queue,
)
