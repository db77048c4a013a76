"""
What readers do to a comment besides replying: report it, like it. Each has a page
of its own (the report's form; the like for readers without JavaScript) and takes
a POST behind the comment form's robot checks.

Who did it is an account, or for a guest a browser (a cookie given here) and a
network (comments.client_ip.network_key), once each per comment
(comments.models.reader_actions); what a report and a like then weigh is for
comments.reporting and comments.liking to say.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from comments.client_ip import client_ip, network_key
from comments.cookies import (
    guest_browser,
    remember_browser,
    remember_liked,
    remember_reported,
)
from comments.crossorigin import cross_origin_protected
from comments.forms import LikeForm, ReportForm, make_stamp
from comments.liking import StampUsed, TooManyLikes, toggle_like
from comments.models import Comment, DiscussionSettings, Like
from comments.reporting import (
    AlreadyReported,
    TooManyReports,
    file_report,
    reported_by,
)
from newsroom.models import Article


def report(request, comment_id: int):
    """
    A reader reports a comment: the form, then the report, once per account (or
    browser and network, for guests), behind the same robot checks as the comment
    form.
    """
    comment = get_object_or_404(
        Comment.objects.approved()
        .filter(article__in=Article.objects.published())
        .select_related("article"),
        pk=comment_id,
    )
    rules = DiscussionSettings.load()
    browser, new_browser = guest_browser(request)
    network = network_key(client_ip(request))
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial={"stamp": make_stamp(comment.article_id)},
        article_id=comment.article_id,
        min_seconds=rules.min_seconds_to_post,
    )
    existing = reported_by(comment, user=request.user, browser=browser, network=network)
    status = 200
    if request.method == "POST" and existing is None:
        if form.is_valid():
            try:
                file_report(
                    comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    browser=browser,
                    network=network,
                )
            except AlreadyReported:
                existing = reported_by(
                    comment, user=request.user, browser=browser, network=network
                )
            except TooManyReports:
                form.add_error(
                    None,
                    _(
                        "You have sent many reports in a short time. Please wait a "
                        "few minutes and send this one again."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you for your report. A moderator will look at this "
                        "comment."
                    ),
                )
                done = HttpResponseRedirect(back_url(comment))
                remember_reported(request, done, comment.pk)
                if new_browser:
                    remember_browser(done, browser)
                return done
        status = 400
    response = render(
        request,
        "comments/report.html",
        {
            "article": comment.article,
            "comment": comment,
            "form": form,
            "existing": existing,
            # A guest's network's report may be another's there. (An account's has
            # no browser, and a signed-in reader has none here.)
            "yours": existing is not None and existing.browser == browser,
            "back_url": back_url(comment),
            "reports_to_hold": rules.reports_to_hold,
        },
        status=status if existing is None else 200,
    )
    if new_browser:
        remember_browser(response, browser)
    return response


@cross_origin_protected
def like(request, comment_id: int):
    """
    A reader likes a comment, or unlikes it by liking it again: the like page
    (GET, for readers without JavaScript), then the like (POST). Signed-in readers
    once per account; guests once per browser and network, behind the comment
    form's robot checks but its time to wait (forms.LikeForm): the page's script
    sends the comment form's stamp, then the one each like's answer brings (a
    stamp is good for one like). Answers JSON to the script, a refusal with a
    guest's fresh stamp, else goes back to the comment.
    """
    comment = get_object_or_404(
        Comment.objects.public().select_related("article"),
        pk=comment_id,
    )
    browser, new_browser = guest_browser(request)
    form = LikeForm(
        request.POST if request.method == "POST" else None,
        initial={"stamp": make_stamp(comment.article_id)},
        article_id=comment.article_id,
    )
    error = ""
    if request.method == "POST":
        try:
            answer = give_like(request, comment, form, browser)
        except LikeRefused as refusal:
            error = str(refusal)
        else:
            if new_browser:
                remember_browser(answer, browser)
            return answer
        if wants_json(request):
            refused: dict[str, object] = {"error": error}
            if not request.user.is_authenticated:
                refused["stamp"] = make_stamp(comment.article_id)
            return JsonResponse(refused, status=400)
        # Again, with a stamp not used up.
        form = LikeForm(initial={"stamp": make_stamp(comment.article_id)})
    liked = (
        Like.objects.filter(comment=comment).by_reader(request.user, browser).exists()
    )
    response = render(
        request,
        "comments/like.html",
        {
            "article": comment.article,
            "comment": comment,
            "form": form,
            "error": error,
            "liked": liked,
            "back_url": back_url(comment),
        },
        status=400 if error else 200,
    )
    if new_browser:
        remember_browser(response, browser)
    return response


class LikeRefused(Exception):
    """A like that can't be given, with the message to show the reader."""


def give_like(request, comment: Comment, form: LikeForm, browser: str) -> HttpResponse:
    """
    The like or unlike a POST asks for, answered: JSON for the page's script, with
    a guest's stamp for their next like, else back to the comment with a message.
    Raises LikeRefused.
    """
    guest = not request.user.is_authenticated
    if guest and not form.is_valid():
        errors = " ".join(map(str, form.non_field_errors()))
        raise LikeRefused(errors or _("Please try again."))
    try:
        liked, count = toggle_like(
            comment,
            user=request.user,
            browser=browser,
            network=network_key(client_ip(request)),
            form_token=form.cleaned_data["token"] if guest else None,
        )
    except TooManyLikes:
        raise LikeRefused(
            _(
                "You have liked many comments in a short time. Please wait a "
                "few minutes."
            )
        ) from None
    except StampUsed:
        raise LikeRefused(form.expired_message) from None
    answer: HttpResponse
    if wants_json(request):
        answered: dict[str, object] = {"liked": liked, "count": count}
        if guest:
            answered["stamp"] = make_stamp(comment.article_id)
        answer = JsonResponse(answered)
    else:
        said = (
            _("You like %(name)s's comment.")
            if liked
            else _("You no longer like %(name)s's comment.")
        )
        messages.success(request, said % {"name": comment.display_name})
        answer = HttpResponseRedirect(back_url(comment))
    if guest:
        remember_liked(request, answer, comment.pk, liked=liked)
    return answer


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def back_url(comment: Comment) -> str:
    """The comment in its discussion."""
    return f"{comment.article.get_absolute_url()}#c-{comment.pk}"
