"""
The Comment admin: the moderation queue, its bulk actions and quick buttons, and
a comment's own page with its history and the moderate, reply and ban views.
"""

import datetime
from collections import Counter
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.forms import Script
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comments import notifications
from comments.client_ip import client_ip
from comments.identity import METHODS, display_name
from comments.models import (
    BODY_MAX_LENGTH,
    Ban,
    Comment,
    DiscussionSettings,
    ModerationAction,
    Report,
    search_document,
)
from desk import decisions
from desk.admin.actions import (
    ACTION_LABELS,
    PICK_ACTIONS,
    Action,
    Status,
    quick_actions,
)
from desk.admin.articles import ArticleColumn, ArticleFilter, reads_drafts
from desk.admin.authors import QueueChangeList, author_key
from desk.admin.counts import CappedCountPaginator
from desk.admin.filters import (
    AuthorFilter,
    HeldByFilter,
    PickFilter,
    StatusFilter,
)
from desk.admin.forms import (
    BanForm,
    BodyForm,
    CommentForm,
    ReasonActionForm,
    ReplyForm,
)
from desk.decisions import UNDO_SECONDS, dismiss_reports, feature, moderate, undo


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


def first_seen(moment) -> str:
    """ " · since November 2026", in the editor's language; "" when unknown."""
    if moment is None:
        return ""
    month = date_format(moment, "YEAR_MONTH_FORMAT")
    return " · " + _("since %(month)s") % {"month": month}


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

# A comment's page: how many of the author's own comments it lists, and of those
# of others from the same IP address.
OWN_HISTORY = 25
SHARED_SHOWN = 10


@admin.register(Comment)
class CommentAdmin(ArticleColumn):
    form = CommentForm
    list_display = [
        "excerpt",
        "author",
        "article_link",
        "status_and_reason",
        "reports",
        "submitted",
        "replies",
    ]
    list_display_links = None  # the excerpt links itself, above its buttons
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
        css = {"all": ["comments/admin.css"]}
        js = [Script("comments/moderation.js", type="module")]

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
    def excerpt(self, comment):
        """
        The text, linking to its page, with buttons below it (as in WordPress),
        and boxes to reply and to edit without leaving the queue.
        """
        return format_html(
            '<a href="{}">{}</a>{}{}',
            reverse("admin:comments_comment_change", args=[comment.pk]),
            Truncator(comment.body).chars(100) or "—",
            self.quick_actions(comment),
            self.write_boxes(comment),
        )

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

    @admin.display(description=_("Submitted"), ordering="created_at")
    def submitted(self, comment):
        local = timezone.localtime(comment.created_at)
        return format_html(
            '<time datetime="{}">{}</time>',
            local.isoformat(),
            local.strftime("%b %-d, %Y %H:%M"),
        )

    @admin.display(description=_("Author"))
    def author(self, comment):
        details = " · ".join(
            str(part) for part in (comment.author_email, comment.ip_address) if part
        )
        return format_html(
            '{} <span class="identity">{}</span><br><small>{}</small>{}',
            comment.display_name,
            identity(comment),
            details,
            self.author_record(comment),
        )

    def author_record(self, comment):
        """The author at a glance (desk.admin.authors): their record, marks."""
        record = getattr(comment, "author_record", None)
        key = author_key(comment)
        if record is None or key is None:
            return ""
        counts = " · ".join(
            label % {"count": record.count(status)}
            for status, label in [
                ("approved", _("%(count)s approved")),
                ("pending", _("%(count)s held")),
                ("spam", _("%(count)s spam")),
                ("removed", _("%(count)s removed")),
            ]
        )
        marks = format_html_join(
            "",
            ' <span class="author-mark author-mark--{}" title="{}">{}</span>',
            [
                (kind, reason, label)
                for kind, reason, label in [
                    ("banned", record.banned, _("Banned")),
                    ("held", record.premoderated, _("Pre-moderated")),
                ]
                if reason
            ],
        )
        since = timezone.localtime(record.first_seen) if record.first_seen else None
        return format_html(
            '<br><small class="author-record">{}{}</small>{}<br>'
            '<a href="?{}">{}</a> · <a href="{}#bans-title">{}</a>',
            counts,
            " · "
            + _("since %(month)s") % {"month": date_format(since, "YEAR_MONTH_FORMAT")}
            if since
            else "",
            marks,
            urlencode({"status": "all", "author": f"{key[0]}:{key[1]}"}),
            _("Their comments"),
            reverse("admin:comments_comment_change", args=[comment.pk]),
            _("Ban or suspend"),
        )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    @admin.display(description=_("Identity"))
    def identity_label(self, comment):
        return identity(comment)

    @admin.display(description=_("Status"), ordering="status")
    def status_and_reason(self, comment):
        """The status, and why it was held or sent to spam: the rule that fired."""
        return format_html(
            '<span class="status status--{}">{}</span><br><small>{}</small>',
            comment.status,
            comment.get_status_display(),
            comment.moderation_reason,
        )

    @admin.display(description=_("Reports"))
    def reports(self, comment):
        """Readers' open reports: how many, and why."""
        reasons = Counter(comment.open_reports or [])
        if not reasons:
            return ""
        labels = dict(Report.Reason.choices)
        return format_html(
            "<b>{}</b><br><small>{}</small>",
            sum(reasons.values()),
            ", ".join(
                f"{labels.get(reason, reason)}" + (f" ×{n}" if n > 1 else "")
                for reason, n in reasons.most_common()
            ),
        )

    @admin.display(description=_("Replies"))
    def replies(self, comment):
        return comment.reply_count or 0

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

    # Bulk actions

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
                "<int:comment_id>/edit/",
                view(self.edit_view),
                name="comments_comment_edit",
            ),
            path(
                "approve-shown/",
                view(self.approve_shown_view),
                name="comments_comment_approve_shown",
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
        """
        One decision on one comment: a quick button (post and back), or a key in
        the queue (its script asks for JSON and updates the row in place).
        """
        comment = get_object_or_404(Comment, pk=comment_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        action = request.POST.get("moderate", "")
        if action in ACTION_LABELS or action == Action.UNDO:
            done, text = self.decide_one(request, comment, action)
        else:
            done, text = False, str(_("Unknown moderation action."))
        if "application/json" in request.headers.get("Accept", ""):
            comment.refresh_from_db(fields=["status"])
            return JsonResponse(
                {
                    "done": done,
                    "message": text,
                    "status": comment.status,
                    "status_label": comment.get_status_display(),
                },
                status=200 if done else 409,
            )
        (messages.success if done else messages.warning)(request, text)
        return self._back(request, comment_id)

    def decide_one(self, request, comment: Comment, action: str) -> tuple[bool, str]:
        """Carry out `action` on the comment: whether it changed, and what to say."""
        one = Comment.objects.filter(pk=comment.pk)
        who = _("Comment %(id)s by %(name)s") % {
            "id": comment.pk,
            "name": comment.display_name,
        }
        if action == Action.UNDO:
            status = undo(comment.pk, request.user)
            if status is None:
                return False, (
                    _(
                        "Comment %(id)s: nothing of yours to undo (a decision can be "
                        "undone for %(seconds)s seconds, while it is the last)."
                    )
                    % {"id": comment.pk, "seconds": UNDO_SECONDS}
                )
            label = Comment.Status(status).label.lower()
            return True, _("%(who)s: back to %(status)s.") % {
                "who": who,
                "status": label,
            }
        if action == Action.DISMISS:
            if dismiss_reports(one, request.user):
                return (
                    True,
                    _("Readers' reports of comment %(id)s dismissed: it stays.")
                    % {"id": comment.pk},
                )
            return False, _("Comment %(id)s has no open reports.") % {"id": comment.pk}
        if action in PICK_ACTIONS:
            changed, _skipped = feature(one, request.user, on=action == Action.FEATURE)
            if changed:
                said = (
                    _("%(who)s is now an editors' pick.")
                    if action == Action.FEATURE
                    else _("%(who)s is no longer an editors' pick.")
                )
                return True, said % {"who": who}
            return False, (
                _(
                    "Comment %(id)s was not changed: only approved comments can be "
                    "editors' picks."
                )
                % {"id": comment.pk}
            )
        changed, _skipped = moderate(one, action, request.user, reason_given(request))
        if not changed:
            return False, _("Comment %(id)s was already in that state.") % {
                "id": comment.pk
            }
        comment.refresh_from_db(fields=["status"])
        return True, _("%(who)s: %(status)s.") % {
            "who": who,
            "status": comment.get_status_display().lower(),
        }

    def reply_view(self, request, comment_id: int):
        return require_POST(self._reply)(request, comment_id)

    def _reply(self, request, comment_id: int):
        """Post the editor's reply: approved, under their account, in the thread."""
        parent = get_object_or_404(
            Comment.objects.select_related("parent", "article"), pk=comment_id
        )
        if not self.has_change_permission(request, parent):
            raise PermissionDenied
        back = self._after_writing(request, comment_id)
        form = ReplyForm(
            {"body": request.POST.get(f"reply-{comment_id}", request.POST.get("body"))}
        )
        if not form.is_valid():
            messages.error(
                request, _("Comment %(id)s: please type a reply.") % {"id": comment_id}
            )
            return back
        if parent.status in (Status.SPAM, Status.REMOVED):
            messages.error(
                request,
                _("Restore this comment before replying: readers can't see it."),
            )
            return back
        with transaction.atomic():
            if parent.status == Status.PENDING:
                # As in WordPress: replying to a held comment approves it.
                moderate(
                    Comment.objects.filter(pk=parent.pk), Action.APPROVE, request.user
                )
            user = request.user
            reply = Comment.objects.create(
                article=parent.article,
                parent=parent.reply_target(DiscussionSettings.load().thread_depth),
                user=user,
                author_is_staff=user.is_staff,
                author_name=display_name(user),
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
                'Your reply to comment {} is published. <a href="{}">See it on the '
                "page</a>.",
                parent.pk,
                reply.get_absolute_url(),
            ),
        )
        return back

    def _after_writing(self, request, comment_id: int):
        """Back to the queue when the box was the queue's, else the comment's page."""
        if request.POST.get("from") == "queue":
            return self._back(request, comment_id)
        return HttpResponseRedirect(
            reverse("admin:comments_comment_change", args=[comment_id])
        )

    def edit_view(self, request, comment_id: int):
        return require_POST(self._edit)(request, comment_id)

    def _edit(self, request, comment_id: int):
        """The queue's Edit box: a new text, recorded in the history like any edit."""
        comment = get_object_or_404(Comment, pk=comment_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        back = self._after_writing(request, comment_id)
        form = BodyForm(
            {"body": request.POST.get(f"body-{comment_id}")}, instance=comment
        )
        if not form.is_valid():
            messages.error(
                request,
                f"Comment {comment_id} was not changed: "
                + " ".join(str(error) for error in form.errors["body"]),
            )
            return back
        if not form.has_changed():
            messages.info(
                request,
                _("Comment %(id)s: the text is unchanged.") % {"id": comment_id},
            )
            return back
        self.save_model(request, form.instance, form, change=True)
        messages.success(
            request, _("Comment %(id)s: the new text is saved.") % {"id": comment_id}
        )
        return back

    def approve_shown_view(self, request):
        """
        "Approve all shown": the waiting comments on the queue's page as the
        moderator sees it, listed for a confirmation; confirmed, exactly those
        (none that arrived since) are approved.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        queue_url = reverse("admin:comments_comment_changelist")
        if request.method == "POST":
            ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
            back = request.POST.get("query", "")
            changed, _skipped = moderate(
                Comment.objects.filter(pk__in=ids, status=Status.PENDING),
                Action.APPROVE,
                request.user,
            )
            self.message_user(
                request,
                BULK_DONE[Action.APPROVE] % {"count": changed},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{queue_url}?{urlencode(parse_qsl(back))}")
        shown = [
            comment
            for comment in self.get_changelist_instance(request).result_list
            if comment.status == Status.PENDING
        ]
        return TemplateResponse(
            request,
            "admin/comments/comment/approve_shown.html",
            {
                **self.admin_site.each_context(request),
                "title": ngettext(
                    "Approve %(count)s waiting comment?",
                    "Approve %(count)s waiting comments?",
                    len(shown),
                )
                % {"count": len(shown)},
                "opts": self.opts,
                "comments": shown,
                "query": request.GET.urlencode(),
                "queue_url": f"{queue_url}?{request.GET.urlencode()}",
            },
        )

    def ban_view(self, request, comment_id: int):
        return require_POST(self._ban)(request, comment_id)

    def _ban(self, request, comment_id: int):
        comment = get_object_or_404(
            Comment.objects.select_related("user"), pk=comment_id
        )
        if not request.user.has_perm("comments.add_ban"):
            raise PermissionDenied
        # Marking the comment as spam is moderating it. The box is shown only to
        # those who may; a request asking for it without the right is refused
        # whole, rather than half done behind the moderator's back.
        may_moderate = self.has_change_permission(request, comment)
        if request.POST.get("spam") and not may_moderate:
            raise PermissionDenied
        change_url = reverse("admin:comments_comment_change", args=[comment_id])
        form = BanForm(request.POST, comment=comment, may_mark_spam=may_moderate)
        if not form.is_valid():
            messages.error(
                request,
                "The ban was not saved: "
                + " ".join(str(m) for errors in form.errors.values() for m in errors),
            )
            return HttpResponseRedirect(change_url)
        kind = form.cleaned_data["kind"]
        days = form.cleaned_data["expires_in"]
        ban = Ban(
            kind=kind,
            effect=form.cleaned_data["effect"],
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
                action=Action.PREMODERATE
                if ban.effect == Ban.Effect.HOLD
                else Action.BAN,
                actor=request.user,
                note=f"{ban}: {ban.reason}"[:255],
            )
            if form.cleaned_data.get("spam"):
                moderate(
                    Comment.objects.filter(pk=comment.pk), Action.SPAM, request.user
                )
        if ban.effect == Ban.Effect.HOLD:
            messages.success(
                request,
                _("%(ban)s is always pre-moderated: their next comments are held.")
                % {"ban": ban},
            )
        else:
            messages.success(
                request,
                _("Banned %(ban)s. Their next comments go to spam.") % {"ban": ban},
            )
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
        """
        The comment's history and readers' reports, its author's other comments,
        and their bans.
        """
        # Their own comments (same account or email) first, newest first; comments
        # from the same IP address apart, with their count: behind an office or a
        # mobile carrier many people share one, and they mustn't crowd out the
        # author's own history.
        own = Q(pk__in=[])
        if comment.author_email:
            own |= Q(author_email=comment.author_email)
        if comment.user_id:
            own |= Q(user_id=comment.user_id)
        drafts = reads_drafts(request)  # whether they may read drafts' titles
        others = list(
            Comment.objects.filter(own)
            .exclude(pk=comment.pk)
            .with_article_titles(drafts=drafts)
            .order_by("-created_at")[:OWN_HISTORY]
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
                )
                if same
            )
        same_address: list[Comment] = []
        same_address_count = 0
        if comment.ip_address:
            shared = (
                Comment.objects.filter(ip_address=comment.ip_address)
                .exclude(own)
                .exclude(pk=comment.pk)
            )
            same_address_count = shared.count()
            same_address = list(
                shared.with_article_titles(drafts=drafts).order_by("-created_at")[
                    :SHARED_SHOWN
                ]
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
            "same_address": same_address,
            "same_address_count": same_address_count,
            "bans": bans,
            "reports": Report.objects.filter(comment=comment).select_related("user"),
            "moderation_buttons": [
                (action, label)
                for action, label in ACTION_LABELS.items()
                if can_change
                and decisions.transition(action, comment.status, None) is not None
            ],
            "reply_form": ReplyForm() if can_change else None,
            "reasons": ModerationAction.Reason.choices,
            "reply_as": display_name(request.user),
            "ban_form": BanForm(comment=comment, may_mark_spam=can_change)
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
