"""
A reader's own part of an article's discussion, as /me answers it (api.views)
and as the reader's own page brings it to its script (newsroom.views): who they
are, their likes, their comments awaiting moderation, and where they have any.
"""

import functools
from typing import Any, NamedTuple, cast

from django.contrib.auth.models import User
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.discussion import is_open
from comments.drafts import kept_draft
from comments.models import Comment, CommentQuerySet, DiscussionSettings, Like
from comments.rendering import comment_item
from readers.cookies import guest_browser, held_comment_ids, remembered_author
from readers.crossorigin import session_token
from readers.identity import commenter, display_name, reader_identity
from readers.statements import MARKED_TIME, Statement, compiled


def own_part(
    request: HttpRequest, article: int, *, held: bool = True
) -> dict[str, Any] | None:
    """
    /me's answer for the published article `article` (None for another id).
    Without `held`, the held comments' markup is left out (their page, which
    shows them, keeps the rest for its script: newsroom.views).
    """
    user = request.user
    held_ids = held_comment_ids(request)
    found = mine_on(request, user, held_ids, article)
    if found is None:
        return None
    held_on = set(found.held_on)
    return {
        "reader": reader_of(request),
        "liked": sorted(found.liked),
        "held": (
            held_out(found.pk, Comment.objects.shown_as_held_to(user, held_ids))
            if held and found.pk in held_on
            else []
        ),
        "liked_on": sorted(set(found.liked_on)),
        "held_on": sorted(held_on),
        "remembered": remembered_author(request) or None,
        "draft": kept_draft(request),
        "csrf": session_token(request),
    }


def mine(user: Any, browser: str, held_ids: Any, article: Any, now: Any) -> Any:
    """
    The published article `article` with the reader's own part of it, as a row
    (pk, liked, liked_on, held_on): their likes there, the articles where they
    have likes, and those where they have comments that look held to them.
    """
    likes = Like.objects.by_reader(user, browser)
    held = Comment.objects.shown_as_held_to(user, held_ids)
    return (
        Article.objects.published(now)
        .filter(pk=article)
        .annotate(
            liked=ArraySubquery(
                likes.filter(comment__article=OuterRef("pk")).values("comment_id")
            ),
            liked_on=ArraySubquery(likes.order_by().values("comment__article_id")),
            held_on=ArraySubquery(held.order_by().values("article_id")),
        )
        .values_list("pk", "liked", "liked_on", "held_on")
    )


class Mine(NamedTuple):
    pk: int
    liked: list[int]
    liked_on: list[int]
    held_on: list[int]


def mine_on(
    request: HttpRequest, user: Any, held_ids: list[int], article: int
) -> Mine | None:
    """
    mine() for this reader: for a signed-in reader whose browser holds no held
    comments of its own (nearly every one), as SQL compiled once (building the
    QuerySet cost more CPU than the rest of the answer: bench/README.md).
    """
    if not user.is_authenticated or held_ids:
        browser = "" if user.is_authenticated else guest_browser(request)[0]
        row = mine(user, browser, held_ids, article, timezone.now()).first()
    else:
        row = signed_in_mine().row(
            Article, user=user.pk, article=article, now=timezone.now()
        )
    # A subquery that can find nothing (a guest without held comments) is NULL.
    return None if row is None else Mine(row[0], *(ids or [] for ids in row[1:]))


@functools.cache
def signed_in_mine() -> Statement:
    """mine() for a signed-in reader, as SQL: %(user)s, %(article)s, %(now)s."""
    marks: dict[str, Any] = {"user": -72_931, "article": -72_932, "now": MARKED_TIME}
    reader = User(pk=marks["user"])
    found = mine(reader, "", (), marks["article"], marks["now"])
    return compiled(found, "mine", **marks)


def held_out(article_id: int, held: "CommentQuerySet[Comment]") -> list[dict[str, Any]]:
    """
    The reader's held comments (of `held`) on the article `article_id`, each with
    its <li> as the page writes it (comments.rendering): at its level, capped by
    the rules' depth.
    """
    article, rules = DiscussionSettings.with_article(article_id)
    if article is None:  # gone since mine() found it
        return []
    held = held.filter(article=article)
    open_now = is_open(article, rules)
    report_url = reverse("comments:report", args=[0]).replace("/0/", "/{}/")
    found = []
    for c in held.for_the_list().order_by("created_at", "pk"):
        depth = min(c.depth, rules.thread_depth - 1)
        html = comment_item(c, depth, open_now, False, report_url) + "</li>"
        found.append(
            {
                "id": c.pk,
                "parent_id": c.parent_id,
                "depth": depth,
                "created_at": c.created_at,
                "body_html": c.body_html,
                "html": html,
            }
        )
    return found


def reader_of(request: HttpRequest) -> dict[str, Any] | None:
    identity = reader_identity(request)
    if identity is None:
        return None
    user = cast(User, request.user)  # an identity is a signed-in reader's
    me = commenter(request)["me"]
    return {
        "id": user.pk,
        "display_name": display_name(user),
        "signed_in_with": identity.provider,
        "avatar_url": me.avatar_url,
        "avatar_initials": me.avatar_initials,
        "avatar_colour": me.avatar_colour,
        "staff": user.is_staff,
    }
