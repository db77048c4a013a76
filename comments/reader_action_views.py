"""
What readers do to a comment besides replying: report it, like it. Each has a page
of its own (the report's form; the like for readers without JavaScript) and takes
a POST behind the comment form's robot checks.

Who did it is an account, or for a guest a browser (a cookie given here) and a
network (readers.client_ip.network_key), once each per comment
(comments.models.reader_actions); what a report and a like then weigh is for
comments.reporting and comments.liking to say.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from articles.models import Article
from comments.forms import LikeForm, ReportForm, RobotCheckedForm, make_stamp
from comments.liking import StampUsed, TooManyLikes, toggle_like
from comments.models import Comment, DiscussionSettings, Like
from comments.reporting import (
    AlreadyReported,
    TooManyReports,
    file_report,
    reported_by,
)
from readers.client_ip import client_ip, network_key
from readers.cookies import (
    guest_browser,
    remember_browser,
    remember_liked,
    remember_reported,
)
from readers.crossorigin import cross_origin_protected


def report(request, comment_id: int):
    """
    A reader reports a comment: the form, then the report, once per account (or
    browser and network, for guests), behind the same robot checks as the comment
    form.
    """
    published = Article.objects.published()
    action = ReaderAction.start(
        request, Comment.objects.approved().filter(article__in=published), comment_id
    )
    comment = action.comment
    form = action.form(ReportForm, min_seconds=action.rules.min_seconds_to_post)
    existing = action.report_there()
    status = 200
    if request.method == "POST" and existing is None:
        if form.is_valid():
            try:
                file_report(
                    comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    browser=action.browser,
                    network=action.network,
                )
            except AlreadyReported:
                existing = action.report_there()
            except TooManyReports as limit:
                form.add_error(None, str(limit))
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
                return action.answered(done)
        status = 400
    return action.page(
        "comments/report.html",
        {
            "form": form,
            "existing": existing,
            # A guest's network's report may be another's there. (An account's has
            # no browser, and a signed-in reader has none here.)
            "yours": existing is not None and existing.browser == action.browser,
            "reports_to_hold": action.rules.reports_to_hold,
        },
        status=status if existing is None else 200,
    )


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
    action = ReaderAction.start(request, Comment.objects.public(), comment_id)
    comment = action.comment
    form = action.form(LikeForm)
    error = ""
    if request.method == "POST":
        try:
            return action.answered(give_like(request, action, form))
        except LikeRefused as refusal:
            error = str(refusal)
        if wants_json(request):
            refused: dict[str, object] = {"error": error}
            if not request.user.is_authenticated:
                refused["stamp"] = make_stamp(comment.article_id)
            return JsonResponse(refused, status=400)
        # Again, with a stamp not used up.
        form = LikeForm(initial={"stamp": make_stamp(comment.article_id)})
    liked = (
        Like.objects.filter(comment=comment)
        .by_reader(request.user, action.browser)
        .exists()
    )
    return action.page(
        "comments/like.html",
        {"form": form, "error": error, "liked": liked},
        status=400 if error else 200,
    )


@dataclass
class ReaderAction:
    """
    What a report and a like start from: the comment (one the reader may act on)
    and who acts: an account, or a guest's browser (given one here when it has
    none, kept on the answer) and network; the rules when asked (a like needs
    none: one query fewer).
    """

    request: HttpRequest
    comment: Comment
    browser: str
    new_browser: bool
    network: str

    @classmethod
    def start(cls, request, comments: QuerySet, comment_id: int) -> "ReaderAction":
        browser, new_browser = guest_browser(request)
        return cls(
            request=request,
            comment=get_object_or_404(
                comments.select_related("article"), pk=comment_id
            ),
            browser=browser,
            new_browser=new_browser,
            network=network_key(client_ip(request)),
        )

    @cached_property
    def rules(self) -> DiscussionSettings:
        return DiscussionSettings.load()

    def form(self, form_class: type[RobotCheckedForm], **options: Any) -> Any:
        """
        The action's form behind the comment form's robot checks, as posted;
        `options` (min_seconds) as the form takes them.
        """
        article_id = self.comment.article_id
        return form_class(
            self.request.POST if self.request.method == "POST" else None,
            initial={"stamp": make_stamp(article_id)},
            article_id=article_id,
            **options,
        )

    def report_there(self) -> Any:
        """The report this reader (or their network, for a guest) made, if any."""
        return reported_by(
            self.comment,
            user=self.request.user,
            browser=self.browser,
            network=self.network,
        )

    def answered(self, response: HttpResponse) -> HttpResponse:
        """The answer, keeping a browser given one just now."""
        if self.new_browser:
            remember_browser(response, self.browser)
        return response

    def page(self, template: str, context: dict, status: int) -> HttpResponse:
        """The action's page, with the comment and the way back to it."""
        comment = self.comment
        return self.answered(
            render(
                self.request,
                template,
                {"article": comment.article, "comment": comment}
                | context
                | {"back_url": back_url(comment)},
                status=status,
            )
        )


class LikeRefused(Exception):
    """A like that can't be given, with the message to show the reader."""


def give_like(request, action: ReaderAction, form: LikeForm) -> HttpResponse:
    """
    The like or unlike a POST asks for, answered: JSON for the page's script, with
    a guest's stamp for their next like, else back to the comment with a message.
    Raises LikeRefused.
    """
    comment = action.comment
    guest = not request.user.is_authenticated
    if guest and not form.is_valid():
        errors = " ".join(map(str, form.non_field_errors()))
        raise LikeRefused(errors or _("Please try again."))
    try:
        liked, count = toggle_like(
            comment,
            user=request.user,
            browser=action.browser,
            network=action.network,
            form_token=form.cleaned_data["token"] if guest else None,
            # The state the page's script asks for ("1" like, "0" take back).
            liked={"1": True, "0": False}.get(request.POST.get("liked", "")),
        )
    except TooManyLikes as limit:
        raise LikeRefused(str(limit)) from None
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
