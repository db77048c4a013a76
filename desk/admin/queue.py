"""
The Comment admin: the moderation queue, its columns and filters. Its bulk actions
are in `actions`, a comment's own page and the views of its buttons (moderate,
reply, edit, ban) in `comment_views`.
"""

from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.forms import Script
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from comments.models import (
    BODY_MAX_LENGTH,
    Comment,
    ModerationAction,
    Report,
    search_document,
)
from desk.admin.actions import (
    ACTION_LABELS,
    Action,
    BulkActions,
    Status,
    quick_actions,
)
from desk.admin.articles import ArticleColumn, ArticleFilter
from desk.admin.authors import QueueChangeList, author_key, records_for
from desk.admin.comment_views import CommentViews
from desk.admin.counts import CappedCountPaginator
from desk.admin.filters import (
    AuthorFilter,
    HeldByFilter,
    PickFilter,
    StatusFilter,
)
from desk.admin.forms import (
    CommentForm,
    ReasonActionForm,
)
from readers.identity import METHODS


def identity(comment: Comment) -> str:
    """Guest, site account, Twitter or Facebook: who stands behind a comment."""
    user = comment.user
    if user is None:
        return gettext("Guest")
    # Prefetched by CommentAdmin.get_queryset: no query here. allauth has no type
    # information, so mypy can't see the reverse relation its SocialAccount adds.
    for account in user.socialaccount_set.all():  # type: ignore[attr-defined]
        if account.provider in METHODS:
            return METHODS[account.provider].label
    if user.is_staff:
        return gettext("Staff")
    return gettext("Site account")


@admin.register(Comment)
class CommentAdmin(BulkActions, CommentViews, ArticleColumn):
    form = CommentForm
    # Each comment one block a moderator reads at a glance (excerpt).
    list_display = ["excerpt"]
    list_display_links = None  # the block links the comment's page itself
    action_form = ReasonActionForm
    list_filter = [
        StatusFilter,
        HeldByFilter,
        ArticleFilter,
        PickFilter,
        AuthorFilter,
        "created_at",
    ]
    list_select_related = ["article", "user"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # StatusFilter counts on its own, cheaply
    paginator = CappedCountPaginator
    search_fields = ["body"]  # shows the box; get_search_results does the work
    search_help_text = _("Words of the comment, a name, email, website or IP address.")
    actions = [
        "approve",
        "unapprove",
        "mark_spam",
        "mark_not_spam",
        "remove",
        "restore",
        "make_picks",
        "unmake_picks",
        "dismiss_reports",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "body"]}),
        (
            _("Author"),
            {
                "fields": [
                    "author_name",
                    "author_email",
                    "author_url",
                    "identity_label",
                    "ip_address",
                    "user_agent",
                    "created_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "article_link",
        "author_email",
        "identity_label",
        "ip_address",
        "user_agent",
        "created_at",
    ]

    class Media:
        css = {"all": ["desk/admin.css"]}
        js = [Script("desk/moderation.js", type="module")]

    # The list

    def get_fieldsets(self, request, obj=None):
        # Moderation needs where a comment came from only while it is fresh.
        days = settings.COMMENT_IP_RETENTION_DAYS
        name, author = self.fieldsets[1]
        note = _(
            "The IP address and browser are kept %(days)s days after a comment "
            "is posted, then cleared: older comments have none."
        ) % {"days": days}
        return [self.fieldsets[0], (name, author | {"description": note})]

    def get_queryset(self, request):
        replies = (
            Comment.objects.filter(parent=OuterRef("pk"))
            .order_by()
            .values("parent")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("article", "user")
            .prefetch_related("user__socialaccount_set")
            .annotate(
                reply_count=Subquery(replies, output_field=IntegerField()),
                # Readers' open reports, their reasons: no query per row.
                open_reports=ArraySubquery(
                    Report.objects.open()
                    .filter(comment=OuterRef("pk"))
                    .order_by("created_at")
                    .values("reason")
                ),
            )
        )

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request,
            {
                "title": _("Moderation queue"),
                "may_moderate": self.has_change_permission(request),
            }
            | (extra_context or {}),
        )

    def get_ordering(self, request):
        # The queue oldest first (who waited longest); other views newest first.
        if request.GET.get(StatusFilter.parameter_name, StatusFilter.DEFAULT) == (
            Status.PENDING
        ):
            return ["created_at"]
        return ["-created_at"]

    def get_search_results(self, request, queryset, search_term):
        terms = search_term.split()
        if not terms:
            return queryset, False
        queryset = queryset.alias(search_document=search_document())
        for term in terms:
            queryset = queryset.filter(search_document__contains=term.upper())
        return queryset, False

    def has_add_permission(self, request):
        return False  # comments come from readers; editors reply from a comment

    def has_delete_permission(self, request, obj=None):
        return False  # moderation never deletes a row: see "remove"

    @admin.display(description=_("Comment"))
    def excerpt(self, comment, *, decided=False):
        """
        One comment as a block read at a glance: who wrote it and why it waits
        (status, the rule that held it, readers' reports), the text as text, the
        author's record, and beside them its buttons. `decided`: the block sent
        back with a moderator's decision (row_html), which no longer says why it
        waited.
        """
        return format_html(
            '<div class="queue-item"><p class="queue-meta">{} · {}{}{} · {} · {}'
            ' · <a class="queue-open" href="{}" aria-label="{}">{}</a></p>'
            '<p class="queue-text">{}</p><p class="queue-record">{}</p>'
            '<div class="queue-do">{}<div class="queue-links">{}{}</div></div></div>',
            self.author(comment),
            self.status_and_reason(comment, decided=decided),
            self.reports(comment),
            self.replies(comment),
            self.article_link(comment),
            self.submitted(comment),
            reverse("admin:comments_comment_change", args=[comment.pk]),
            _("Open comment %(id)s") % {"id": comment.pk},
            _("Open"),
            Truncator(comment.body).chars(400) or "—",
            self.author_record(comment),
            self.quick_actions(comment),
            self.write_boxes(comment),
            self.author_links(comment),
        )

    def row_html(self, request, comment_id: int, *, decided: bool) -> str:
        """A comment's block as the queue shows it now, with its author's record."""
        comment = self.get_queryset(request).get(pk=comment_id)
        key = author_key(comment)
        comment.author_record = records_for([comment]).get(key) if key else None
        return self.excerpt(comment, decided=decided)

    def write_boxes(self, comment):
        """
        Reply and Edit, folded: their fields belong to the list's own form and
        their buttons post it to the comment's reply or edit URL, which read only
        their own field. Not `required`: that would stop every other button of
        the form while a box is empty.
        """
        boxes = []
        if comment.status not in (Status.SPAM, Status.REMOVED):
            boxes.append(
                (
                    _("Reply"),
                    f"reply-{comment.pk}",
                    _("Your reply to %(name)s") % {"name": comment.display_name},
                    "",
                    reverse("admin:comments_comment_reply", args=[comment.pk]),
                    _("Approve and reply")
                    if comment.status == Status.PENDING
                    else _("Publish reply"),
                )
            )
        boxes.append(
            (
                _("Edit"),
                f"body-{comment.pk}",
                _("Text of comment %(id)s") % {"id": comment.pk},
                comment.body,
                reverse("admin:comments_comment_edit", args=[comment.pk]),
                _("Save the text"),
            )
        )
        boxes_html = format_html_join(
            "",
            '<details class="queue-write"><summary>{}</summary>'
            '<label for="{}">{}</label>'
            '<textarea id="{}" name="{}" rows="4" maxlength="{}">{}</textarea>'
            '<button type="submit" class="button" formaction="{}" name="from" '
            'value="queue">{}</button></details>',
            (
                (summary, name, label, name, name, BODY_MAX_LENGTH, text, url, button)
                for summary, name, label, text, url, button in boxes
            ),
        )
        return format_html('<div class="queue-writes">{}</div>', boxes_html)

    def submitted(self, comment):
        local = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}">{}</time>',
            local.isoformat(),
            # Translators: a Django date format (docs: the "date" filter).
            date_format(local, pgettext("the queue's dates", "M j, Y H:i")),
        )

    def author(self, comment):
        """Their name and identity, and a ban or mark on them, first of all."""
        record = getattr(comment, "author_record", None)
        marks = format_html_join(
            "",
            ' <span class="author-mark author-mark--{}" title="{}">{}</span>',
            [
                (kind, reason, label)
                for kind, reason, label in [
                    ("banned", record and record.banned, _("Banned")),
                    ("held", record and record.premoderated, _("Pre-moderated")),
                ]
                if reason
            ],
        )
        return format_html(
            '<b class="queue-author">{}</b> <span class="identity">{}</span>{}',
            comment.display_name,
            identity(comment),
            marks,
        )

    def author_record(self, comment):
        """The author at a glance (desk.admin.authors): their address and record."""
        details = " · ".join(
            str(part) for part in (comment.author_email, comment.ip_address) if part
        )
        record = getattr(comment, "author_record", None)
        if record is None or author_key(comment) is None:
            return details
        counts = " · ".join(
            label % {"count": record.count(status)}
            for status, label in [
                ("approved", _("%(count)s approved")),
                ("pending", _("%(count)s held")),
                ("spam", _("%(count)s spam")),
                ("removed", _("%(count)s removed")),
            ]
        )
        since = timezone.localtime(record.first_seen) if record.first_seen else None
        return format_html(
            '{}<span class="author-record">{}{}</span>',
            f"{details} · " if details else "",
            counts,
            " · "
            + _("since %(month)s") % {"month": date_format(since, "YEAR_MONTH_FORMAT")}
            if since
            else "",
        )

    def author_links(self, comment):
        """The author's other comments in the queue, and their bans."""
        key = author_key(comment)
        their = (
            format_html(
                '<a href="?{}">{}</a> · ',
                urlencode({"status": "all", "author": f"{key[0]}:{key[1]}"}),
                _("Their comments"),
            )
            if key
            else ""
        )
        return format_html(
            '{}<a href="{}#bans-title">{}</a>',
            their,
            reverse("admin:comments_comment_change", args=[comment.pk]),
            _("Ban or suspend"),
        )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    @admin.display(description=_("Identity"))
    def identity_label(self, comment):
        return identity(comment)

    def status_and_reason(self, comment, *, decided=False):
        """
        The status, and why it was held or sent to spam: the rule that fired,
        until a moderator decides (the rule no longer says why it is so); and the
        spam classifier's score when it gave one (comments.spam).
        """
        score = (
            ""
            if comment.spam_score is None
            else format_html(
                ' <small class="spam-score">{}</small>',
                _("spam score %(score).2f") % {"score": comment.spam_score},
            )
        )
        return format_html(
            '<span class="status status--{}">{}</span> <small class="queue-reason">'
            "{}</small>{}",
            comment.status,
            comment.get_status_display(),
            _("your decision, just now") if decided else comment.moderation_reason,
            score,
        )

    def reports(self, comment):
        """Readers' open reports: how many, and why."""
        reasons = Counter(comment.open_reports or [])
        if not reasons:
            return ""
        labels = dict(Report.Reason.choices)
        return format_html(
            ' · <span class="queue-reports">{}: <b>{}</b> <small>{}</small></span>',
            _("Reports"),
            sum(reasons.values()),
            ", ".join(
                f"{labels.get(reason, reason)}" + (f" ×{n}" if n > 1 else "")
                for reason, n in reasons.most_common()
            ),
        )

    def replies(self, comment):
        if not comment.reply_count:
            return ""
        return format_html(" · {}: {}", _("Replies"), comment.reply_count)

    @admin.display(description=_("Moderate"))
    def quick_actions(self, comment):
        """Buttons of the list's own form, sent to this comment's moderate URL."""
        url = reverse("admin:comments_comment_moderate", args=[comment.pk])
        return format_html(
            '<span class="quick-actions">{}</span>',
            format_html_join(
                "",
                '<button type="submit" class="quick" formaction="{}" name="moderate" '
                'value="{}" aria-label="{}">{}</button>',
                (
                    (
                        url,
                        action,
                        _("%(action)s comment %(id)s")
                        % {"action": ACTION_LABELS[action], "id": comment.pk},
                        ACTION_LABELS[action],
                    )
                    for action in quick_actions(comment)
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        """Edits are recorded with the text before and after."""
        changed = {
            name: [form.initial.get(name, ""), form.cleaned_data[name]]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)  # Comment.save() renders HTML
        if change and changed:
            ModerationAction.objects.create(
                comment=obj,
                action=Action.EDIT,
                actor=request.user,
                from_status=obj.status,
                to_status=obj.status,
                changes=changed,
            )

    def view_on_site(self, obj):
        return obj.get_absolute_url()
