"""
Second thoughts, as pages: the author's edit form and delete button for their
own comment, within the edit window (what may be changed, by whom and until
when: comments.authoring), and the page that says why it is too late.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext

from comments.authoring import (
    Decided,
    as_checked,
    changeable,
    delete,
    is_too_late,
    save_edit,
)
from comments.discussion import comment_location
from comments.forms import EditForm
from comments.judging import Refused
from comments.models import Comment
from comments.rendering import clock, written_on
from readers.cookies import remember_held_comment


def too_late(
    request: HttpRequest, comment: Comment, until, *, decided: bool = False
) -> HttpResponse:
    return render(
        request,
        "comments/edit.html",
        {
            "comment": comment,
            "article": comment.article,
            "until": until,
            "until_written": until and written_on(until),
            "decided": decided or comment.in_moderators_hands,
        },
        status=403,
    )


def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, rules, until = changeable(request, comment_id)
    if is_too_late(comment, until):
        return too_late(request, comment, until)
    form = EditForm(
        request.POST if request.method == "POST" else None,
        initial={"body": comment.body},
    )
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        was_shown = comment.status == Comment.Status.APPROVED
        try:
            if body != comment.body:
                comment = save_edit(request, comment, body, rules)
        except Decided:
            return too_late(request, comment, until, decided=True)
        except Refused as reason:
            form.add_error(None, str(reason))
        else:
            said(request, comment, was_shown=was_shown)
            response = HttpResponseRedirect(comment_location(request, comment, rules))
            if comment.is_shown_as_held:
                remember_held_comment(request, response, comment.pk)
            return response
    return render(
        request,
        "comments/edit.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "until": until,
            "until_clock": clock(until),
        },
        status=400 if form.is_bound else 200,
    )


def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, rules, until = changeable(request, comment_id)
    if is_too_late(comment, until):
        return too_late(request, comment, until)
    if request.method != "POST":
        return render(
            request,
            "comments/delete.html",
            {"comment": comment, "article": comment.article},
        )
    try:
        with transaction.atomic():
            delete(request, as_checked(comment))
    except Decided:
        return too_late(request, comment, until, decided=True)
    messages.success(request, gettext("Your comment was deleted."))
    return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#comments")


def said(request: HttpRequest, comment: Comment, *, was_shown: bool) -> None:
    """What the author is told after saving their edit."""
    if comment.is_shown_as_held and was_shown:
        messages.info(
            request,
            gettext(
                "Your edited comment is awaiting moderation: a moderator will look "
                "at it before it is shown again."
            ),
        )
    else:
        messages.success(request, gettext("Your comment was updated."))
