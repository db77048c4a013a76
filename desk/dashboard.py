"""
The moderators' picture of the day, on the admin's front page: comments per hour
over the last 48 hours by what became of them (and readers' reports), how long a
comment waits for a moderator, the articles with the most waiting comments, and
what each moderator did today. Four queries, each bounded by an index on time or
on waiting comments, whatever the size of the tables; the chart is SVG drawn here,
readable without JavaScript, with the same figures in a table. And what the spam
classifier (comments.spam) did: three queries more, as bounded.
"""

import datetime
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments.models import (
    Comment,
    DiscussionSettings,
    ModerationAction,
    Report,
    SpamModel,
)

HOURS = 48
# What became of the comments of each hour, in the chart's order (bottom up), with
# the colours of the queue's status badges (desk/admin.css).
OUTCOMES = [
    ("approved", _("Approved"), "#2f7a45"),
    ("pending", _("Held"), "#b07d00"),
    ("spam", _("Spam"), "#a32020"),
    ("removed", _("Removed"), "#6b6b6b"),
]
REPORTED_COLOUR = "#1d4f91"


@dataclass
class Hour:
    start: datetime.datetime
    counts: dict[str, int] = field(default_factory=dict)
    reported: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class SpamClassifier:
    """
    What the spam classifier did today, how often moderators overturned it, and
    its precision over the last PRECISION_DAYS days of their decisions on its
    verdicts: confirmed (spam, removed) out of confirmed and overturned (approved,
    not spam). `learnt` decisions, of the `needed` before it judges.
    """

    learnt: int
    needed: int
    sent_to_spam: int = 0
    held: int = 0
    overturned_today: int = 0
    confirmed: int = 0
    overturned: int = 0

    @property
    def abstains(self) -> bool:
        return self.learnt < self.needed

    @property
    def precision(self) -> str:
        decided = self.confirmed + self.overturned
        return f"{100 * self.confirmed / decided:.0f}%" if decided else "–"


PRECISION_DAYS = 30
# The classifier's verdicts, as decide() words them (comments.moderation).
SENT_TO_SPAM, HELD = "spam: likely spam", "held: likely spam"
CONFIRMING = ["spam", "remove"]
OVERTURNING = ["approve", "not_spam"]


def spam_classifier(now: datetime.datetime, today: datetime.datetime) -> SpamClassifier:
    """The classifier's day (SpamClassifier), in three queries."""
    state = (
        DiscussionSettings.objects.filter(pk=1)
        .annotate(
            learnt=Subquery(
                SpamModel.objects.filter(version=OuterRef("spam_model_version")).values(
                    "decisions"
                )
            )
        )
        .values("spam_min_decisions", "learnt")
        .first()
    ) or {"spam_min_decisions": DiscussionSettings().spam_min_decisions}
    # A verdict stays the comment's reason until a moderator decides; their
    # decision keeps it as its note (desk.decisions.moderate).
    verdicts = Comment.objects.filter(created_at__gte=today).aggregate(
        sent_to_spam=verdict_count(SENT_TO_SPAM),
        held=verdict_count(HELD),
    )
    since = now - datetime.timedelta(days=PRECISION_DAYS)
    decided_on_a_verdict = Q(note__startswith=SENT_TO_SPAM) | Q(note__startswith=HELD)
    decisions = ModerationAction.objects.filter(
        decided_on_a_verdict, created_at__gte=since, actor__isnull=False
    ).aggregate(
        confirmed=Count("comment", distinct=True, filter=Q(action__in=CONFIRMING)),
        overturned=Count("comment", distinct=True, filter=Q(action__in=OVERTURNING)),
        overturned_today=Count(
            "comment",
            distinct=True,
            filter=Q(action__in=OVERTURNING, created_at__gte=today),
        ),
    )
    return SpamClassifier(
        learnt=state.get("learnt") or 0,
        needed=state["spam_min_decisions"],
        **verdicts,
        **decisions,
    )


def verdict_count(verdict: str) -> Count:
    """How many comments had the classifier's `verdict`, decided since or not."""
    return Count(
        "pk",
        distinct=True,
        filter=Q(moderation_reason__startswith=verdict)
        | Q(moderation_actions__note__startswith=verdict),
    )


@dataclass
class Dashboard:
    hours: list[Hour]
    median_wait: datetime.timedelta | None
    busiest: list[tuple[int, str, int]]  # article id, title, waiting comments
    moderators: list[tuple[str, int]]  # name, actions today
    spam_classifier: SpamClassifier

    @property
    def chart(self) -> SafeString:
        return chart(self.hours)

    @property
    def median_wait_text(self) -> str:
        if self.median_wait is None:
            return gettext("no decisions in the last 48 hours")
        minutes = int(self.median_wait.total_seconds() // 60)
        if minutes < 60:
            return gettext("%(minutes)s min") % {"minutes": minutes}
        return gettext("%(hours)s h %(minutes)02d min") % {
            "hours": minutes // 60,
            "minutes": minutes % 60,
        }


def by_hour(now: datetime.datetime) -> list[Hour]:
    """The last HOURS hours, oldest first: comments by what became of them, reports."""
    start = (now - datetime.timedelta(hours=HOURS - 1)).replace(
        minute=0, second=0, microsecond=0
    )
    hours = {
        start + datetime.timedelta(hours=n): Hour(start + datetime.timedelta(hours=n))
        for n in range(HOURS)
    }
    for row in (
        Comment.objects.filter(created_at__gte=start)
        .annotate(hour=TruncHour("created_at", tzinfo=datetime.UTC))
        .order_by()
        .values("hour", "status")
        .annotate(n=Count("pk"))
    ):
        if row["hour"] in hours:
            hours[row["hour"]].counts[row["status"]] = row["n"]
    for report_row in (
        Report.objects.filter(created_at__gte=start)
        .annotate(hour=TruncHour("created_at", tzinfo=datetime.UTC))
        .order_by()
        .values("hour")
        .annotate(n=Count("pk"))
    ):
        if report_row["hour"] in hours:
            hours[report_row["hour"]].reported = report_row["n"]
    return [hours[key] for key in sorted(hours)]


def dashboard(
    now: datetime.datetime | None = None, *, drafts: bool = False
) -> Dashboard:
    """
    The picture of the day. The busiest articles are named only when published,
    unless the moderator may read `drafts` (desk.admin.articles): None else.
    """
    now = now or timezone.now()
    waiting = (
        Comment.objects.filter(status=Comment.Status.PENDING)
        .with_article_titles(drafts=drafts)
        .order_by()
        .values("article_id", "article_title")
        .annotate(n=Count("pk"))
        .order_by("-n", "article_id")[:5]
    )
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    moderators = (
        ModerationAction.objects.filter(created_at__gte=today, actor__isnull=False)
        .order_by()
        .values("actor__username", "actor__first_name", "actor__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return Dashboard(
        hours=by_hour(now),
        median_wait=median_wait(since=now - datetime.timedelta(hours=HOURS)),
        busiest=[(r["article_id"], r["article_title"], r["n"]) for r in waiting],
        moderators=[
            (
                " ".join(filter(None, [r["actor__first_name"], r["actor__last_name"]]))
                or r["actor__username"],
                r["n"],
            )
            for r in moderators
        ],
        spam_classifier=spam_classifier(now, today),
    )


def median_wait(since: datetime.datetime) -> datetime.timedelta | None:
    """How long a held comment waited for a moderator's first decision (median)."""
    actions = ModerationAction._meta.db_table
    comments = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT percentile_cont(0.5)
                WITHIN GROUP (ORDER BY a.created_at - c.created_at)
            FROM {actions} a JOIN {comments} c ON c.id = a.comment_id
            WHERE a.created_at >= %s AND a.from_status = 'pending'
              AND a.action IN ('approve', 'spam', 'remove')
            """,  # noqa: S608 - table names from the models, values as parameters
            [since],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def busiest_hour(top: int) -> str:
    """The chart's description for screen readers, in the editor's language."""
    return ngettext(
        "Stacked by outcome; the table below has the same figures. The busiest "
        "hour had %(count)s comment.",
        "Stacked by outcome; the table below has the same figures. The busiest "
        "hour had %(count)s comments.",
        top,
    ) % {"count": top}


def chart(hours: list[Hour]) -> SafeString:
    """Stacked bars, one an hour, with readers' reports as dots above them."""
    width, height, left, bottom = 720, 180, 36, 22
    plot = height - bottom - 8
    top = max([h.total for h in hours] + [h.reported for h in hours] + [1])
    bar = (width - left) / len(hours)
    title = gettext("Comments per hour, last 48 hours")
    reported = escape(gettext("Reported"))
    parts = [
        f'<svg class="dashboard-chart" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(busiest_hour(top))}</desc>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#999"/>',
        f'<text x="{left - 6}" y="{height - bottom - plot + 4}" text-anchor="end" '
        f'font-size="11" fill="#555">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11" '
        'fill="#555">0</text>',
    ]
    for n, hour in enumerate(hours):
        x = left + n * bar
        y = float(height - bottom)
        for status, label, colour in OUTCOMES:
            count = hour.counts.get(status, 0)
            if not count:
                continue
            h = plot * count / top
            y -= h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" '
                f'height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(str(label))}: {count}</title></rect>"
            )
        if hour.reported:
            cy = height - bottom - plot * hour.reported / top
            parts.append(
                f'<circle cx="{x + bar / 2:.1f}" cy="{cy:.1f}" r="3" '
                f'fill="{REPORTED_COLOUR}"><title>{reported}: '
                f"{hour.reported}</title>"
                "</circle>"
            )
        local = timezone.localtime(hour.start)
        if local.hour % 12 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="#555">'
                f"{escape(date_format(local, 'D H:00'))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and our own labels
