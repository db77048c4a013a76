"""
A comment's own page in the admin (its history, readers' reports, its author's
other comments and bans) and the views of the buttons on it and on the queue's
rows: moderate (and undo), reply, edit, ban, and "Approve all shown".
"""

import datetime
from urllib.parse import parse_qsl, urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments import notifications
from comments.models import (
    Ban,
    Comment,
    DiscussionSettings,
    ModerationAction,
    Report,
)
from desk import decisions
from desk.admin.actions import (
    ACTION_LABELS,
    BULK_DONE,
    PICK_ACTIONS,
    Action,
    Status,
    reason_given,
)
from desk.admin.articles import reads_drafts
from desk.admin.forms import (
    BanForm,
    BodyForm,
    ReplyForm,
)
from desk.decisions import UNDO_SECONDS, dismiss_reports, feature, moderate, undo
from readers.client_ip import client_ip
from readers.identity import display_name

# A comment's page: how many of the author's own comments it lists, and of those
# of others from the same IP address.
OWN_HISTORY = 25
SHARED_SHOWN = 10


def ban_from(data: dict, comment: Comment, moderator) -> Ban:
    """The ban the form asks for, on the comment's account, email or address."""
    days = data["expires_in"]
    ban = Ban(
        kind=data["kind"],
        effect=data["effect"],
        reason=data["reason"],
        created_by=moderator,
        expires_at=timezone.now() + datetime.timedelta(days=int(days))
        if days
        else None,
    )
    if ban.kind == Ban.Kind.ACCOUNT:
        ban.user = comment.user
    elif ban.kind == Ban.Kind.EMAIL:
        ban.email = comment.author_email
    else:
        ban.ip_address = comment.ip_address
    return ban


def other_comments(comment: Comment, *, drafts: bool) -> dict:
    """
    The author's own comments (same account or email) first, newest first;
    comments from the same IP address apart, with their count: behind an office or
    a mobile carrier many people share one, and they mustn't crowd out the
    author's own history. `drafts`: whether the moderator may read drafts' titles.
    """
    own = Q(pk__in=[])
    if comment.author_email:
        own |= Q(author_email=comment.author_email)
    if comment.user_id:
        own |= Q(user_id=comment.user_id)
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
                    comment.author_email and other.author_email == comment.author_email,
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
    return {
        "other_comments": others,
        "same_address": same_address,
        "same_address_count": same_address_count,
    }


class CommentViews(admin.ModelAdmin):
    """The Comment admin's views of one comment, at its own addresses."""

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

    def row_html(self, request, comment_id: int, *, decided: bool) -> str:
        """The comment's row in the queue, as the queue draws it (CommentAdmin)."""
        return ""

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
                    # The row as it is now (its buttons, reports, the author's
                    # record), for the queue's script to show in place.
                    "row": self.row_html(
                        request, comment.pk, decided=done and action != Action.UNDO
                    ),
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
                _("Comment %(id)s was not changed: %(errors)s")
                % {
                    "id": comment_id,
                    "errors": " ".join(str(error) for error in form.errors["body"]),
                },
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
                _("The ban was not saved: %(errors)s")
                % {
                    "errors": " ".join(
                        str(m) for errors in form.errors.values() for m in errors
                    )
                },
            )
            return HttpResponseRedirect(change_url)
        ban = ban_from(form.cleaned_data, comment, request.user)
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
        can_change = self.has_change_permission(request, comment)
        return {
            "comment": comment,
            "history": comment.moderation_actions.select_related("actor"),
            **other_comments(comment, drafts=reads_drafts(request)),
            "bans": list(
                Ban.objects.matching(
                    user_id=comment.user_id,
                    email=comment.author_email,
                    ip_address=comment.ip_address,
                ).select_related("user")
            ),
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
