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
from comments.liking import TooManyLikes, toggle_like
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
    back_url = f"{comment.article.get_absolute_url()}#c-{comment.pk}"
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
                done = HttpResponseRedirect(back_url)
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
            "back_url": back_url,
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
    once per account; guests once per browser, behind the comment form's robot
    checks (the page's script sends the comment form's stamp). Answers JSON to the
    script, else goes back to the comment.
    """
    comment = get_object_or_404(
        Comment.objects.public().select_related("article"),
        pk=comment_id,
    )
    rules = DiscussionSettings.load()
    guest = not request.user.is_authenticated
    browser, new_browser = guest_browser(request)
    back_url = f"{comment.article.get_absolute_url()}#c-{comment.pk}"
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = LikeForm(
        request.POST if request.method == "POST" else None,
        initial={"stamp": make_stamp(comment.article_id)},
        article_id=comment.article_id,
        min_seconds=rules.min_seconds_to_post,
    )
    error = ""
    if request.method == "POST":
        if guest and not form.is_valid():
            error = " ".join(map(str, form.non_field_errors()))
            error = error or _("Please try again.")
        else:
            try:
                liked, count = toggle_like(
                    comment,
                    user=request.user,
                    browser=browser,
                    network=network_key(client_ip(request)),
                )
            except TooManyLikes:
                error = _(
                    "You have liked many comments in a short time. Please wait a "
                    "few minutes."
                )
            else:
                if wants_json:
                    answer: HttpResponse = JsonResponse(
                        {"liked": liked, "count": count}
                    )
                else:
                    messages.success(
                        request,
                        (
                            _("You like %(name)s's comment.")
                            if liked
                            else _("You no longer like %(name)s's comment.")
                        )
                        % {"name": comment.display_name},
                    )
                    answer = HttpResponseRedirect(back_url)
                if guest:
                    remember_liked(request, answer, comment.pk, liked=liked)
                if new_browser:
                    remember_browser(answer, browser)
                return answer
        if wants_json:
            return JsonResponse({"error": error}, status=400)
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
            "back_url": back_url,
        },
        status=400 if error else 200,
    )
    if new_browser:
        remember_browser(response, browser)
    return response
