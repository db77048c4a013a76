"""
The author at a glance, in the moderation queue: for each comment on the page,
its author's record (approved, held, spam, removed, first seen) and any ban or
"always pre-moderate" mark, found in two queries for the whole page.

An author is their account, or for guests their email address (lower case), as
prior approval and the history rule know them (comments.history.author_of).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Min, Q

from comments.models import Ban, Comment


@dataclass
class AuthorRecord:
    counts: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    banned: str = ""
    premoderated: str = ""

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


def author_key(comment: Comment) -> tuple[str, Any] | None:
    if comment.user_id:
        return ("user", comment.user_id)
    if comment.author_email:
        return ("email", comment.author_email.lower())
    return None


def records_for(comments: list[Comment]) -> dict[tuple[str, Any], AuthorRecord]:
    """The records of the authors of these comments: two queries, whatever they are."""
    users = {c.user_id for c in comments if c.user_id}
    emails = {
        c.author_email.lower() for c in comments if not c.user_id and c.author_email
    }
    records: dict[tuple[str, Any], AuthorRecord] = defaultdict(AuthorRecord)
    if not users and not emails:
        return records
    rows = (
        Comment.objects.filter(
            Q(user_id__in=users) | Q(user=None, author_email__in=emails)
        )
        .order_by()
        .values("user_id", "author_email", "status")
        .annotate(n=Count("pk"), first=Min("created_at"))
    )
    for row in rows:
        key = (
            ("user", row["user_id"])
            if row["user_id"]
            else ("email", row["author_email"].lower())
        )
        record = records[key]
        record.counts[row["status"]] = record.counts.get(row["status"], 0) + row["n"]
        if record.first_seen is None or row["first"] < record.first_seen:
            record.first_seen = row["first"]
    bans = Ban.objects.active().filter(
        Q(kind=Ban.Kind.ACCOUNT, user_id__in=users)
        | Q(kind=Ban.Kind.EMAIL, email__in=emails)
    )
    for ban in bans.order_by("created_at"):
        key = ("user", ban.user_id) if ban.user_id else ("email", ban.email)
        if ban.effect == Ban.Effect.HOLD:
            records[key].premoderated = ban.reason or "marked"
        else:
            records[key].banned = ban.reason or "banned"
    return records


class QueueChangeList(ChangeList):
    """The queue's list, its rows told their author's record."""

    def get_results(self, request):
        super().get_results(request)
        comments = list(self.result_list)
        records = records_for(comments)
        for comment in comments:
            key = author_key(comment)
            comment.author_record = records.get(key) if key else None
        self.result_list = comments
