"""
The moderation queue: where editors and moderators decide about comments.

The Comments list opens on the pending queue, oldest first, so the comment that has
waited longest is on top. Every status change goes through `moderate()`, which
locks the rows, applies `moderation.transition()` and records a ModerationAction
(who, when, from which status to which): the list's bulk actions, the quick
buttons on each row and the buttons on a comment's page all use it. No moderation
action deletes a row; "remove" is a status and "restore" brings a comment back.

It stays fast with a large table: the list's row count is exact only up to
COUNT_CAP rows (beyond, PostgreSQL's estimate), the status counts are one grouped
query, the number of replies is a correlated subquery evaluated for the shown
rows only, search is served by a trigram index, and the identities of signed-in
authors come from one prefetch.
"""

import datetime
import json
from collections import defaultdict

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from comments import moderation, notifications, tasks
from comments.models import (
    BODY_MAX_LENGTH,
    Ban,
    Comment,
    DiscussionSettings,
    ModerationAction,
    OutboundMail,
    Subscription,
    search_document,
)
from comments.views import client_ip

Status = Comment.Status
Action = ModerationAction.Action
COUNT_CAP = 10_000
SOCIAL_LABELS = {
    "twitter_oauth2": "X (Twitter)",
    "twitter": "X (Twitter)",
    "facebook": "Facebook",
}
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


def moderate(comments: QuerySet, action: str, actor) -> tuple[int, int]:
    """
    Apply a moderation action to comments and record it: (changed, skipped).

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
        if action in (Action.NOT_SPAM, Action.RESTORE):
            before = Status.SPAM if action == Action.NOT_SPAM else Status.REMOVED
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
            new = moderation.transition(
                action, comment.status, previous.get(comment.pk)
            )
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
                )
            )
        for status, ids in by_status.items():
            Comment.objects.filter(pk__in=ids).update(status=status)
        ModerationAction.objects.bulk_create(records)
        # Subscribers hear of a comment when it becomes public.
        notifications.comments_approved(by_status.get(Status.APPROVED, []))
    return len(records), len(rows) - len(records)


def identity(comment: Comment) -> str:
    """Guest, site account, X (Twitter) or Facebook: who stands behind a comment."""
    if comment.user_id is None:
        return "Guest"
    if apps.is_installed("allauth.socialaccount"):
        # Prefetched by CommentAdmin.get_queryset: no query here.
        for account in comment.user.socialaccount_set.all():
            if account.provider in SOCIAL_LABELS:
                return SOCIAL_LABELS[account.provider]
    if comment.user.is_staff:
        return "Staff"
    return "Site account"


class CappedCountPaginator(Paginator):
    """
    Counts exactly up to COUNT_CAP rows, then uses PostgreSQL's estimate: a page
    of a 100,000-comment view never costs a full count.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list.order_by()
        exact = queryset[: COUNT_CAP + 1].count()
        if exact <= COUNT_CAP:
            return exact
        plan = json.loads(queryset.explain(format="json"))
        return max(exact, int(plan[0]["Plan"]["Plan Rows"]))


def status_counts(article_id: int | None = None) -> dict[str, int]:
    """
    Comments per status, each counted up to COUNT_CAP + 1: one query whose cost is
    bounded whatever the size of the table. Each branch reads one index
    (comment_pending_idx for the queue, comment_status_idx or comment_article_idx
    for the others) and stops after COUNT_CAP + 1 rows.
    """
    table = Comment._meta.db_table
    where = "status = %s" + (" AND article_id = %s" if article_id else "")
    branch = f"(SELECT status FROM {table} WHERE {where} LIMIT %s)"  # noqa: S608
    params: list = []
    for status in Status.values:
        params += [status, *([article_id] if article_id else []), COUNT_CAP + 1]
    branches = " UNION ALL ".join([branch] * len(Status.values))
    # Only the table name and placeholders are formatted into the SQL.
    sql = f"SELECT status, count(*) FROM ({branches}) AS capped GROUP BY status"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def count_label(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


class StatusFilter(admin.SimpleListFilter):
    """Pending by default; each status with its count, from one bounded query."""

    title = "status"
    parameter_name = "status"
    DEFAULT = Status.PENDING

    def lookups(self, request, model_admin):
        article = request.GET.get(ArticleFilter.parameter_name, "")
        self.counts = status_counts(int(article) if article.isdigit() else None)
        return [*Status.choices, ("all", "All")]

    def value(self):
        return super().value() or self.DEFAULT

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset.none()

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            count = (
                sum(self.counts.values())
                if value == "all"
                else self.counts.get(value, 0)
            )
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, remove=["p"]
                ),
                "display": f"{label} ({count_label(count)})",
            }


class ArticleFilter(admin.SimpleListFilter):
    """
    The latest articles (not all of them: a newsroom has thousands); any article's
    queue is reachable from its admin page or the article column.
    """

    title = "article"
    parameter_name = "article"
    LATEST = 15

    def lookups(self, request, model_admin):
        Article = Comment._meta.get_field("article").related_model
        latest = list(Article.objects.published().only("id", "title")[: self.LATEST])
        if self.value() and self.value().isdigit():
            chosen = int(self.value())
            if all(article.pk != chosen for article in latest):
                latest += Article.objects.filter(pk=chosen).only("id", "title")
        return [(str(a.pk), Truncator(a.title).chars(50)) for a in latest]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(article_id=self.value())
        return queryset


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body", "author_name", "author_url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "cols": 80})}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


class BanForm(forms.Form):
    EXPIRY = [
        ("", "Never (permanent)"),
        ("1", "1 day"),
        ("7", "7 days"),
        ("30", "30 days"),
        ("365", "1 year"),
    ]
    kind = forms.ChoiceField(label="Ban by", widget=forms.RadioSelect)
    reason = forms.CharField(max_length=255, help_text="Only editors see it.")
    expires_in = forms.ChoiceField(label="Expires", choices=EXPIRY, required=False)
    spam = forms.BooleanField(
        label="Also mark this comment as spam", required=False, initial=True
    )

    def __init__(self, *args, comment: Comment, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = []
        if comment.user_id:
            kinds.append((Ban.Kind.ACCOUNT, f"Account: {comment.user}"))
        if comment.author_email:
            kinds.append((Ban.Kind.EMAIL, f"Email: {comment.author_email}"))
        if comment.ip_address:
            kinds.append((Ban.Kind.IP, f"IP address: {comment.ip_address}"))
        self.fields["kind"].choices = kinds
        if kinds:
            self.fields["kind"].initial = kinds[0][0]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentForm
    list_display = [
        "excerpt",
        "author",
        "article_link",
        "status_and_reason",
        "submitted",
        "replies",
    ]
    list_display_links = None  # the excerpt links itself, above its buttons
    list_filter = [StatusFilter, ArticleFilter, "created_at"]
    list_select_related = ["article", "user"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # StatusFilter counts on its own, cheaply
    paginator = CappedCountPaginator
    search_fields = ["body"]  # shows the box; get_search_results does the work
    search_help_text = "Words of the comment, a name, email, website or IP address."
    actions = [
        "approve",
        "unapprove",
        "mark_spam",
        "mark_not_spam",
        "remove",
        "restore",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "body"]}),
        (
            "Author",
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
        css = {"all": ["comments/admin.css"]}

    # The list

    def get_queryset(self, request):
        replies = (
            Comment.objects.filter(parent=OuterRef("pk"))
            .order_by()
            .values("parent")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = (
            super()
            .get_queryset(request)
            .select_related("article", "user")
            .annotate(reply_count=Subquery(replies, output_field=IntegerField()))
        )
        if apps.is_installed("allauth.socialaccount"):
            queryset = queryset.prefetch_related("user__socialaccount_set")
        return queryset

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Moderation queue"} | (extra_context or {})
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

    @admin.display(description="Comment")
    def excerpt(self, comment):
        """The text, linking to its page, with buttons below it (as in WordPress)."""
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("admin:comments_comment_change", args=[comment.pk]),
            Truncator(comment.body).chars(100) or "—",
            self.quick_actions(comment),
        )

    @admin.display(description="Submitted", ordering="created_at")
    def submitted(self, comment):
        local = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}">{}</time>',
            local.isoformat(),
            local.strftime("%b %-d, %Y %H:%M"),
        )

    @admin.display(description="Author")
    def author(self, comment):
        details = " · ".join(
            str(part) for part in (comment.author_email, comment.ip_address) if part
        )
        return format_html(
            '{} <span class="identity">{}</span><br><small>{}</small>',
            comment.display_name,
            identity(comment),
            details,
        )

    @admin.display(description="Identity")
    def identity_label(self, comment):
        return identity(comment)

    @admin.display(description="Article")
    def article_link(self, comment):
        return format_html(
            '<a href="{}?{}={}&amp;status=all" title="This article\'s comments">{}</a>',
            reverse("admin:comments_comment_changelist"),
            ArticleFilter.parameter_name,
            comment.article_id,
            Truncator(comment.article.title).chars(40),
        )

    @admin.display(description="Status", ordering="status")
    def status_and_reason(self, comment):
        """The status, and why it was held or sent to spam: the rule that fired."""
        return format_html(
            '<span class="status status--{}">{}</span><br><small>{}</small>',
            comment.status,
            comment.get_status_display(),
            comment.moderation_reason,
        )

    @admin.display(description="Replies")
    def replies(self, comment):
        return comment.reply_count or 0

    @admin.display(description="Moderate")
    def quick_actions(self, comment):
        """Buttons of the list's own form, sent to this comment's moderate URL."""
        url = reverse("admin:comments_comment_moderate", args=[comment.pk])
        return format_html(
            '<span class="quick-actions">{}</span>',
            format_html_join(
                "",
                '<button type="submit" class="quick" formaction="{}" name="moderate" '
                'value="{}" aria-label="{} comment {}">{}</button>',
                (
                    (
                        url,
                        action,
                        ACTION_LABELS[action],
                        comment.pk,
                        ACTION_LABELS[action],
                    )
                    for action in QUICK_ACTIONS[comment.status]
                ),
            ),
        )

    # Bulk actions

    def _bulk(self, request, queryset, action, verb):
        changed, skipped = moderate(queryset, action, request.user)
        message = f"{verb} {changed} comment{'s' if changed != 1 else ''}."
        if skipped:
            message += f" {skipped} skipped (already in that state)."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._bulk(request, queryset, Action.APPROVE, "Approved")

    @admin.action(
        description="Unapprove selected comments (back to pending)",
        permissions=["change"],
    )
    def unapprove(self, request, queryset):
        self._bulk(request, queryset, Action.UNAPPROVE, "Unapproved")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._bulk(request, queryset, Action.SPAM, "Marked as spam:")

    @admin.action(
        description="Mark selected comments as not spam", permissions=["change"]
    )
    def mark_not_spam(self, request, queryset):
        self._bulk(request, queryset, Action.NOT_SPAM, "Marked as not spam:")

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove(self, request, queryset):
        self._bulk(request, queryset, Action.REMOVE, "Removed")

    @admin.action(description="Restore selected comments", permissions=["change"])
    def restore(self, request, queryset):
        self._bulk(request, queryset, Action.RESTORE, "Restored")

    # One comment

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:comment_id>/moderate/",
                view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            path(
                "<int:comment_id>/reply/",
                view(self.reply_view),
                name="comments_comment_reply",
            ),
            path(
                "<int:comment_id>/ban/",
                view(self.ban_view),
                name="comments_comment_ban",
            ),
            *super().get_urls(),
        ]

    def _back(self, request, comment_id: int):
        """Where the editor came from (the list with its filters, or the comment)."""
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(
            referer, {request.get_host()}, request.is_secure()
        ):
            return HttpResponseRedirect(referer)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_change", args=[comment_id])
        )

    def moderate_view(self, request, comment_id: int):
        return require_POST(self._moderate)(request, comment_id)

    def _moderate(self, request, comment_id: int):
        comment = get_object_or_404(Comment, pk=comment_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        action = request.POST.get("moderate", "")
        if action not in ACTION_LABELS:
            messages.error(request, "Unknown moderation action.")
            return self._back(request, comment_id)
        changed, _ = moderate(
            Comment.objects.filter(pk=comment_id), action, request.user
        )
        if changed:
            comment.refresh_from_db(fields=["status"])
            messages.success(
                request,
                f"Comment {comment_id} by {comment.display_name}: "
                f"{comment.get_status_display().lower()}.",
            )
        else:
            messages.warning(
                request, f"Comment {comment_id} was already in that state."
            )
        return self._back(request, comment_id)

    def reply_view(self, request, comment_id: int):
        return require_POST(self._reply)(request, comment_id)

    def _reply(self, request, comment_id: int):
        """Post the editor's reply: approved, under their account, in the thread."""
        parent = get_object_or_404(
            Comment.objects.select_related("parent", "article"), pk=comment_id
        )
        if not self.has_change_permission(request, parent):
            raise PermissionDenied
        change_url = reverse("admin:comments_comment_change", args=[comment_id])
        form = ReplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Please type a reply.")
            return HttpResponseRedirect(change_url)
        if parent.status in (Status.SPAM, Status.REMOVED):
            messages.error(
                request, "Restore this comment before replying: readers can't see it."
            )
            return HttpResponseRedirect(change_url)
        with transaction.atomic():
            if parent.status == Status.PENDING:
                # As in WordPress: replying to a held comment approves it.
                moderate(
                    Comment.objects.filter(pk=parent.pk), Action.APPROVE, request.user
                )
            target = parent
            rules = DiscussionSettings.load()
            if parent.depth + 1 >= rules.thread_depth and parent.parent is not None:
                target = parent.parent  # the deepest level: join the parent's thread
            user = request.user
            reply = Comment.objects.create(
                article=parent.article,
                parent=target,
                user=user,
                author_name=user.get_full_name() or user.get_username(),
                author_email=user.email.lower(),
                body=form.cleaned_data["body"],
                status=Status.APPROVED,
                moderation_reason="approved: editor's reply from the admin",
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:500],
            )
            ModerationAction.objects.create(
                comment=parent,
                action=Action.REPLY,
                actor=user,
                note=f"Reply {reply.pk}",
            )
            notifications.comment_approved(reply)  # published at once
        messages.success(
            request,
            format_html(
                'Your reply is published. <a href="{}">See it on the page</a>.',
                reply.get_absolute_url(),
            ),
        )
        return HttpResponseRedirect(change_url)

    def ban_view(self, request, comment_id: int):
        return require_POST(self._ban)(request, comment_id)

    def _ban(self, request, comment_id: int):
        comment = get_object_or_404(
            Comment.objects.select_related("user"), pk=comment_id
        )
        if not request.user.has_perm("comments.add_ban"):
            raise PermissionDenied
        change_url = reverse("admin:comments_comment_change", args=[comment_id])
        form = BanForm(request.POST, comment=comment)
        if not form.is_valid():
            messages.error(
                request,
                "The ban was not saved: "
                + " ".join(m for errors in form.errors.values() for m in errors),
            )
            return HttpResponseRedirect(change_url)
        kind = form.cleaned_data["kind"]
        days = form.cleaned_data["expires_in"]
        ban = Ban(
            kind=kind,
            reason=form.cleaned_data["reason"],
            created_by=request.user,
            expires_at=timezone.now() + datetime.timedelta(days=int(days))
            if days
            else None,
        )
        if kind == Ban.Kind.ACCOUNT:
            ban.user = comment.user
        elif kind == Ban.Kind.EMAIL:
            ban.email = comment.author_email
        else:
            ban.ip_address = comment.ip_address
        with transaction.atomic():
            ban.save()
            ModerationAction.objects.create(
                comment=comment,
                action=Action.BAN,
                actor=request.user,
                note=f"{ban}: {ban.reason}"[:255],
            )
            if form.cleaned_data["spam"]:
                moderate(
                    Comment.objects.filter(pk=comment.pk), Action.SPAM, request.user
                )
        messages.success(request, f"Banned {ban}. Their next comments go to spam.")
        return HttpResponseRedirect(change_url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, object_id)
        extra = {}
        if comment is not None:
            extra = self.commenter_context(request, comment)
        return super().change_view(
            request, object_id, form_url, extra_context=extra | (extra_context or {})
        )

    def commenter_context(self, request, comment: Comment) -> dict:
        """The comment's history, its author's other comments, and their bans."""
        same_author = (
            Q(author_email=comment.author_email) if comment.author_email else Q()
        )
        if comment.user_id:
            same_author |= Q(user_id=comment.user_id)
        if comment.ip_address:
            same_author |= Q(ip_address=comment.ip_address)
        others = []
        if same_author:
            others = list(
                Comment.objects.filter(same_author)
                .exclude(pk=comment.pk)
                .select_related("article")
                .order_by("-created_at")[:25]
            )
        for other in others:
            other.matched_by = ", ".join(
                label
                for label, same in (
                    ("account", comment.user_id and other.user_id == comment.user_id),
                    (
                        "email",
                        comment.author_email
                        and other.author_email == comment.author_email,
                    ),
                    (
                        "IP",
                        comment.ip_address and other.ip_address == comment.ip_address,
                    ),
                )
                if same
            )
        bans = list(
            Ban.objects.matching(
                user_id=comment.user_id,
                email=comment.author_email,
                ip_address=comment.ip_address,
            ).select_related("user")
        )
        can_change = self.has_change_permission(request, comment)
        return {
            "comment": comment,
            "history": comment.moderation_actions.select_related("actor"),
            "other_comments": others,
            "bans": bans,
            "moderation_buttons": [
                (action, label)
                for action, label in ACTION_LABELS.items()
                if can_change
                and moderation.transition(action, comment.status, None) is not None
            ],
            "reply_form": ReplyForm() if can_change else None,
            "ban_form": BanForm(comment=comment)
            if request.user.has_perm("comments.add_ban")
            else None,
        }

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


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "reason",
        "expires_at",
        "active",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["user", "created_by"]
    search_fields = ["email", "reason", "user__username"]
    raw_id_fields = ["user"]
    fields = ["kind", "user", "email", "ip_address", "reason", "expires_at"]

    @admin.display(boolean=True, description="Active")
    def active(self, ban):
        return ban.is_active

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: read only, as a record should be."""

    list_display = [
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "comment_link",
    ]
    list_filter = ["action"]
    list_select_related = ["actor"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    @admin.display(description="Comment")
    def comment_link(self, record):
        return format_html(
            '<a href="{}">Comment {}</a>',
            reverse("admin:comments_comment_change", args=[record.comment_id]),
            record.comment_id,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not DiscussionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# --- Notifications: subscriptions and the mail log ---------------------------------


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "topic", "article", "status", "requested_at"]
    list_filter = ["topic", "status"]
    list_select_related = ["article"]
    search_fields = ["email"]
    raw_id_fields = ["user", "article"]
    readonly_fields = ["requested_at", "confirmed_at", "unsubscribed_at"]


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The mail log. A row left in "sending" was interrupted after it was claimed:
    it may or may not have arrived, so it is never resent on its own."""

    list_display = ["subject", "recipients", "kind", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    actions = ["send_again"]
    readonly_fields = [
        f.name for f in OutboundMail._meta.fields if f.name not in ("id",)
    ]

    @admin.display(description="To")
    def recipients(self, mail):
        return ", ".join(mail.to)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send selected mail again (failed or interrupted)")
    def send_again(self, request, queryset):
        with transaction.atomic():
            ids = list(
                queryset.exclude(status=OutboundMail.Status.SENT).values_list(
                    "pk", flat=True
                )
            )
            OutboundMail.objects.filter(pk__in=ids).update(
                status=OutboundMail.Status.QUEUED, attempts=0, last_error=""
            )
            for pk in ids:
                tasks.enqueue(tasks.deliver_mail, str(pk))
        self.message_user(request, f"Queued {len(ids)} mail(s) again.")
