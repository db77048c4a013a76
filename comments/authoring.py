"""
Second thoughts: authors edit or delete their own comment for a while after
posting it (DiscussionSettings.edit_window_minutes, 10 by default).

Their own means the same account or, for guests, the same browser: posting gives
it a signed cookie naming the comment (readers.cookies.remember_own_comment).
Anyone else, or a forged number, finds nothing here (404). An edit is moderated
again (`judging.judge`), but can keep or lower the comment's standing, never raise
it (moderation.decide_edit): a held comment stays held, an approved one stays
approved unless the new text trips a rule. Edits are limited like posts: one per
flood interval per author or address. Once someone else decided on a comment (a
moderator held, rejected, rewrote or picked it, or readers' reports hid it:
CommentQuerySet.for_its_author), its author can no longer change or delete it.
An edited comment is marked "edited", and moderators see the text before it in
its history. A deleted comment with replies stays as "This comment was deleted
by its author." so the thread still reads; without replies it goes. Either way
its text is gone.

The page (comments.author_views) and the API (api.writing) both change a
comment through these, and say what happened each in its own way.
"""

import datetime

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import history
from comments.judging import Refused, judge, one_at_a_time_from
from comments.models import Comment, DiscussionSettings, ModerationAction, render_body
from comments.moderation import Verdict
from readers.client_ip import client_ip
from readers.cookies import own_comment_ids

Action = ModerationAction.Action


class Decided(Exception):
    """Someone else decided on the comment while its author was changing it."""


def own_comment(request: HttpRequest, comment_id: int) -> Comment:
    """The reader's own comment with this number, or 404."""
    comment = (
        Comment.objects.filter(pk=comment_id, deleted_at=None)
        .for_its_author()
        .select_related("article")
        .first()
    )
    if comment is not None:
        if comment.user_id:
            mine = request.user.is_authenticated and comment.user_id == request.user.pk
        else:
            mine = comment.pk in own_comment_ids(request)
        if mine:
            return comment
    raise Http404("No comment of yours here.")


def changeable_until(comment: Comment, rules: DiscussionSettings):
    """When the author can no longer change it; None when they never could."""
    if not rules.edit_window_minutes:
        return None
    return comment.created_at + datetime.timedelta(minutes=rules.edit_window_minutes)


def changeable(request: HttpRequest, comment_id: int):
    """The reader's own comment, the rules, and until when they may change it."""
    comment = own_comment(request, comment_id)
    rules = DiscussionSettings.load()
    return comment, rules, changeable_until(comment, rules)


def is_too_late(comment: Comment, until) -> bool:
    """
    Whether its author can no longer change or delete it: the edit window is
    over, or the comment is in the moderators' hands (for_its_author).
    """
    return until is None or timezone.now() >= until or comment.in_moderators_hands


def save_edit(
    request: HttpRequest, comment: Comment, body: str, rules: DiscussionSettings
) -> Comment:
    """
    The new text, moderated again (its standing kept or lowered), recorded with
    the text before. Raises Refused when its author edits too soon after their
    last edit, Decided when someone else decided on it meanwhile.
    """
    with transaction.atomic():
        one_at_a_time_from(client_ip(request))
        comment = as_checked(comment)
        before, status = comment.body, comment.status
        comment.body = body
        comment.edited_at = timezone.now()
        known = history.gather(comment, rules, editing=True)
        if known.flooding:
            raise Refused(
                _(
                    "You are changing comments too quickly. Please wait a few "
                    "seconds and save again."
                )
            )
        verdict = judge(
            comment, rules, known, standing=Verdict(status, comment.moderation_reason)
        )
        comment.status, comment.moderation_reason = verdict.status, verdict.reason
        comment.spam_score = verdict.spam_score
        comment.save()
        record(
            request,
            comment,
            Action.AUTHOR_EDIT,
            status,
            changes={"body": [before, body]},
            note=verdict.reason,
        )
    return comment


def as_checked(comment: Comment) -> Comment:
    """
    The comment, locked for its author's change, as it was when checked: raises
    Decided when its status, text or pick changed since (a moderator's decision,
    readers' reports).
    """
    locked = (
        Comment.objects.select_for_update()
        .filter(
            pk=comment.pk,
            status=comment.status,
            body=comment.body,
            featured_at=None,
            deleted_at=None,
        )
        .first()
    )
    if locked is None:
        raise Decided
    return locked


def record(
    request: HttpRequest, comment: Comment, action: str, from_status: str, **fields
) -> None:
    """The author's change in the comment's history (no actor for a guest)."""
    ModerationAction.objects.create(
        comment=comment,
        action=action,
        actor=request.user if request.user.is_authenticated else None,
        from_status=from_status,
        to_status=comment.status,
        **fields,
    )


def delete(request: HttpRequest, comment: Comment) -> None:
    """
    Its text gone, recorded; removed, unless replies hang from it: then it stays
    as a placeholder so the thread still reads.
    """
    has_replies = Comment.objects.filter(parent=comment).exists()
    status = comment.status
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.body_html = render_body("")
    if not has_replies:
        comment.status = Comment.Status.REMOVED
    Comment.objects.filter(pk=comment.pk).update(
        deleted_at=comment.deleted_at,
        body=comment.body,
        body_html=comment.body_html,
        status=comment.status,
    )
    record(
        request,
        comment,
        Action.AUTHOR_DELETE,
        status,
        note="kept as a placeholder: it has replies" if has_replies else "",
    )
