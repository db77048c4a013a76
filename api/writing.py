"""
The API's writing side: posting a comment, liking, reporting, and an author's
edit and delete, each through the very code the page's forms go through.

Posting is comments.posting's: the article open (or its refusal), the form with
its robot checks (stamp, honeypot, time to write), then save_comment (one writer
per address, flood and duplicate checks, decide(), the row, its notifications)
and the same cookies for a browser. Likes are comments.liking's behind the like
form's checks, reports comments.reporting's behind the report form's, edits and
deletes comments.authoring's. So the API refuses what the page refuses, with the
same messages, as JSON: {"detail": …, "errors": {field: [messages]}}.
"""

import datetime
from typing import Any, cast

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import HttpError

from api import schemas, views
from comments.authoring import (
    Decided,
    as_checked,
    changeable,
    delete,
    is_too_late,
    save_edit,
)
from comments.forms import CommentForm, EditForm, LikeForm, ReportForm, make_stamp
from comments.judging import Refused
from comments.liking import StampUsed, TooManyLikes, toggle_like
from comments.models import Comment, DiscussionSettings
from comments.posting import open_to_comments, remember_posted, save_comment
from comments.rendering import written_on
from comments.reporting import AlreadyReported, TooManyReports, file_report
from readers.client_ip import client_ip, network_key
from readers.cookies import guest_browser, remember_browser
from readers.tokens import absolute

# One router for both sides: an address's GET and POST must be one URL pattern.
router = views.router

REFUSALS = schemas.REFUSALS


class FormRefused(HttpError):
    """A form's errors, as the API answers them: each field's messages."""

    def __init__(self, form: forms.Form, status: int = 400) -> None:
        errors = {
            field or "__all__": [str(message) for message in messages]
            for field, messages in form.errors.items()
        }
        first = next(iter(errors.values()), [_("Please try again.")])[0]
        super().__init__(status, first)
        self.errors = errors


@router.post(
    "/articles/{article_id}/comments/",
    response={201: schemas.Posted, **REFUSALS},
    url_name="post_comment",
)
def post_comment(
    request: HttpRequest,
    response: HttpResponse,
    article_id: int,
    data: schemas.CommentIn,
) -> Status[dict[str, Any]]:
    """
    A comment, as the "Leave a Reply" form posts it: the same checks and
    moderation; a guest gives name and email where the rules ask for them.
    """
    try:
        article, rules = open_to_comments(article_id)
    except Refused as refusal:
        raise HttpError(refusal.status, str(refusal)) from None
    form = CommentForm(
        data.dict(),
        guest=not request.user.is_authenticated,
        require_name_email=rules.require_name_email,
        article_id=article.pk,
        min_seconds=rules.min_seconds_to_post,
    )
    if not form.is_valid():
        raise FormRefused(form)
    try:
        comment, _subscribed = save_comment(request, article, rules, form.cleaned_data)
    except Refused as refusal:
        raise HttpError(400, str(refusal)) from None
    until = remember_posted(request, response, comment, rules)
    return Status(
        201,
        {
            "id": comment.pk,
            "status": "held" if comment.is_shown_as_held else "approved",
            "url": absolute(comment.get_absolute_url()),
            "editable_until": until,
        },
    )


def public_comment(comment_id: int) -> Comment:
    return cast(
        Comment,
        get_object_or_404(
            Comment.objects.public().select_related("article"), pk=comment_id
        ),
    )


@router.post(
    "/comments/{comment_id}/like/",
    response={200: schemas.Liked, **REFUSALS, 429: schemas.Refusal},
    url_name="like",
)
def like(
    request: HttpRequest,
    response: HttpResponse,
    comment_id: int,
    data: schemas.LikeIn,
) -> dict[str, Any]:
    """
    Like a comment, or take the like back (`liked` says which; left out, a
    toggle): once per account, or for a guest once per browser and network,
    behind the like form's stamp (good for one like: the answer brings the next).
    """
    comment = public_comment(comment_id)
    guest = not request.user.is_authenticated
    browser, new_browser = guest_browser(request)
    form = LikeForm(data.dict(), article_id=comment.article_id)
    if guest and not form.is_valid():
        raise FormRefused(form)
    try:
        liked, count = toggle_like(
            comment,
            user=request.user,
            browser=browser,
            network=network_key(client_ip(request)),
            form_token=form.cleaned_data["token"] if guest else None,
            liked=data.liked,
        )
    except TooManyLikes as limit:
        raise HttpError(429, str(limit)) from None
    except StampUsed:
        raise HttpError(400, str(form.expired_message)) from None
    if new_browser:
        remember_browser(response, browser)
    answer: dict[str, object] = {"liked": liked, "count": count}
    if guest:
        answer["stamp"] = make_stamp(comment.article_id)
    return answer


@router.post(
    "/comments/{comment_id}/report/",
    response={200: schemas.Reported, **REFUSALS, 429: schemas.Refusal},
    url_name="report",
)
def report(
    request: HttpRequest,
    response: HttpResponse,
    comment_id: int,
    data: schemas.ReportIn,
) -> dict[str, Any]:
    """
    Report a comment to the moderators, once per reader, behind the report
    form's checks (its stamp, honeypot and time to write).
    """
    comment = public_comment(comment_id)
    rules = DiscussionSettings.load()
    browser, new_browser = guest_browser(request)
    form = ReportForm(
        data.dict(),
        article_id=comment.article_id,
        min_seconds=rules.min_seconds_to_post,
    )
    if not form.is_valid():
        raise FormRefused(form)
    try:
        file_report(
            comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            user=request.user,
            browser=browser,
            network=network_key(client_ip(request)),
        )
    except AlreadyReported:
        pass  # reported once is reported
    except TooManyReports as limit:
        raise HttpError(429, str(limit)) from None
    if new_browser:
        remember_browser(response, browser)
    return {"reported": True}


def own(
    request: HttpRequest, comment_id: int
) -> tuple[Comment, DiscussionSettings, datetime.datetime | None]:
    """
    The reader's own comment (404 for anyone else's), its rules and until when
    they may change it; 403 once they can't, saying why as the page does.
    """
    comment, rules, until = changeable(request, comment_id)
    if is_too_late(comment, until):
        raise HttpError(403, too_late(comment, until))
    return comment, rules, until


def too_late(
    comment: Comment, until: datetime.datetime | None, *, decided: bool = False
) -> str:
    if decided or comment.in_moderators_hands:
        return _(
            "This comment is in the moderators' hands now: it can no longer be "
            "changed or deleted."
        )
    if until is None:
        return _("Comments can't be changed after posting on this site.")
    return _(
        "Comments can be changed only in the first minutes after posting; this "
        "one could be changed until %(when)s."
    ) % {"when": written_on(until)}


@router.patch(
    "/comments/{comment_id}/",
    response={200: schemas.Posted, **REFUSALS},
    url_name="edit",
)
def edit(request: HttpRequest, comment_id: int, data: schemas.EditIn) -> dict[str, Any]:
    """The author's edit, within the edit window, moderated again."""
    comment, rules, until = own(request, comment_id)
    form = EditForm(data.dict())
    if not form.is_valid():
        raise FormRefused(form)
    body = form.cleaned_data["body"]
    try:
        if body != comment.body:
            comment = save_edit(request, comment, body, rules)
    except Decided:
        raise HttpError(403, too_late(comment, until, decided=True)) from None
    except Refused as refusal:
        raise HttpError(400, str(refusal)) from None
    return {
        "id": comment.pk,
        "status": "held" if comment.is_shown_as_held else "approved",
        "url": absolute(comment.get_absolute_url()),
        "editable_until": until,
    }


@router.delete(
    "/comments/{comment_id}/",
    response={204: None, **REFUSALS},
    url_name="delete",
)
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    """The author's delete, within the edit window."""
    comment, _rules, until = own(request, comment_id)
    try:
        with transaction.atomic():
            delete(request, as_checked(comment))
    except Decided:
        raise HttpError(403, too_late(comment, until, decided=True)) from None
    return Status(204, None)
