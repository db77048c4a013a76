"""
What the site knows of a comment's author, and of the form it came from, when the
comment is posted or edited: gathered in one query.

Posting asks the database seven questions before it saves: was this form posted
already, is its author (or address) posting too fast, did they say the same
before, are they banned or marked for pre-moderation, have they an approved
comment, how many of their latest comments were rejected, and who the staff are.
Asked one after the other, each was a round trip to PostgreSQL, all inside the
transaction that holds the poster's address lock (views.save_comment). Here each
is a subquery of one SELECT on the article's row (as Discussion.reader_state asks
a signed-in reader's state), so a post waits for the database once for them all.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from comments import moderation
from comments.identity import NAME_FIELDS, staff, staff_name
from comments.models import Ban, Comment
from comments.models.bans import measures
from newsroom.models import Article


@dataclass(frozen=True)
class Known:
    """
    The author's history and the staff's names, for moderation.decide(); for a
    new comment also what the posting checks need: the comment this very form
    already made, if any, and whether the post comes too soon or says again what
    its author said.
    """

    history: moderation.History
    staff_names: list[str]
    posted_before: int | None = None
    flooding: bool = False
    duplicate: bool = False


def author_of(comment: Comment) -> tuple[Q, Q | None]:
    """
    Who wrote the comment, as queries on comments: their comments (for the flood
    limit, duplicates and their recent rejections), and those that count as theirs
    for prior approval (None: none can).
    """
    if comment.user_id:
        identity = Q(user_id=comment.user_id)
        return identity, identity
    name, email = comment.author_name, comment.author_email
    identity = (
        Q(author_email=email, user=None)
        if email
        else Q(author_name=name, author_email="", user=None)
    )
    # Prior approval: the same name AND email as an approved comment, as in
    # WordPress's check_comment(). Neither is proof (README, Security): the email
    # alone would let anyone who knows it in under any name, and a name alone is on
    # the page for all to copy.
    known_author = (
        Q(author_name=name, author_email=email, user=None) if name and email else None
    )
    return identity, known_author


def gather(comment: Comment, rules, *, form_token: uuid.UUID | None = None) -> Known:
    """
    What is known of `comment`'s author, in one query. With the `form_token` of
    a new comment's form, also whether that form was posted already, whether the
    author posts too soon (rules.flood_interval) and whether they said the same
    before. Inside the poster's address lock, so no concurrent post slips between
    these answers and the comment's insert.
    """
    identity, known_author = author_of(comment)
    theirs = Comment.objects.filter(identity)
    bans = Ban.objects.on(
        user_id=comment.user_id,
        email=comment.author_email,
        ip_address=comment.ip_address,
    ).values(ban=JSONObject(effect="effect", reason="reason"))
    questions: dict[str, Subquery] = {"bans": ArraySubquery(bans)}
    if known_author is not None:
        approved = Comment.objects.filter(known_author, status=Comment.Status.APPROVED)
        questions["approved_before"] = Exists(approved.exclude(pk=comment.pk))
    if rules.hold_after_rejections:
        latest = theirs.order_by("-created_at").values("status")
        questions["latest"] = ArraySubquery(latest[: rules.rejection_window])
    if not comment.author_is_staff:
        # Staff themselves are approved before names are compared.
        names = staff().values(person=JSONObject(**{f: f for f in NAME_FIELDS}))
        questions["staff"] = ArraySubquery(names)
    if form_token is not None:
        same_text = {"article_id": comment.article_id, "body": comment.body}
        questions["posted_before"] = Subquery(
            Comment.objects.filter(form_token=form_token, **same_text).values("pk")[:1]
        )
        questions["duplicate"] = Exists(
            theirs.filter(**same_text).exclude(status=Comment.Status.REMOVED)
        )
        if rules.flood_interval:
            since = timezone.now() - datetime.timedelta(seconds=rules.flood_interval)
            questions["flooding"] = Exists(
                Comment.objects.filter(created_at__gte=since).filter(
                    identity | Q(ip_address=comment.ip_address)
                )
            )
    answers: dict[str, Any] = dict(
        Article.objects.filter(pk=comment.article_id).values(**questions).get()
    )
    rejected = (Comment.Status.SPAM, Comment.Status.REMOVED)
    ban_reason, premoderation_reason = measures(
        (ban["effect"], ban["reason"]) for ban in answers["bans"] or []
    )
    return Known(
        history=moderation.History(
            has_approved_comment=answers.get("approved_before", False),
            is_trusted=comment.author_is_staff,
            ban_reason=ban_reason,
            premoderation_reason=premoderation_reason,
            recent_rejections=sum(s in rejected for s in answers.get("latest") or []),
        ),
        staff_names=[staff_name(person) for person in answers.get("staff") or []],
        posted_before=answers.get("posted_before"),
        flooding=answers.get("flooding", False),
        duplicate=answers.get("duplicate", False),
    )
