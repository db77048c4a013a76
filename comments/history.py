"""
What the site knows of a comment's author, and of the form it came from, when the
comment is posted or edited: gathered in one query.

Posting asks the database seven questions before it saves: was this form posted
already, is its author (or address) posting too fast, did they say the same
before, are they banned or marked for pre-moderation, have they an approved
comment, how many of their latest comments were rejected, and who the staff are.
Asked one after the other, each was a round trip to PostgreSQL, all inside the
transaction that holds the poster's address lock (posting.save_comment). Here each
is a subquery of one SELECT, so a post waits for the database once for them all.

The SELECT is written in SQL because it runs for every post: PostgreSQL answers
it in about 0.05 ms of CPU, while building and compiling it through the ORM took
3.6 ms, half of all the CPU a post cost (bench/README.md). Its conditions on
comments are written here only; the bans' and the staff's are the SQL of their
rules' QuerySets, BanQuerySet.on() and identity.staff_members(), compiled once
(readers.statements).
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.utils import timezone

from comments import moderation
from comments.models import Comment
from comments.models.bans import active_on, measures
from readers.identity import (
    NAME_FIELDS,
    SITE_SIGNATURES,
    staff_name,
    staff_statement,
)

COMMENTS = Comment._meta.db_table


@dataclass(frozen=True)
class Known:
    """
    The author's history and the names staff sign with (their own, and the
    site's signatures), for moderation.decide(); for a new comment also what the
    posting checks need: the comment this very form already made, if any, and
    whether the post comes too soon or says again what its author said.
    """

    history: moderation.History
    staff_names: list[str]
    posted_before: int | None = None
    flooding: bool = False
    duplicate: bool = False


def author_of(comment: Comment) -> tuple[str, str | None]:
    """
    Who wrote the comment, as conditions on comments in SQL (over the parameters
    gather() names): their comments (for the flood limit and duplicates), and
    those that count as theirs for their history, prior approval and recent
    rejections alike (None: none can).
    """
    if comment.user_id:
        identity = "user_id = %(user_id)s"
        return identity, identity
    identity = (
        "author_email = %(email)s AND user_id IS NULL"
        if comment.author_email
        else "author_name = %(name)s AND author_email = '' AND user_id IS NULL"
    )
    # Prior approval: the same name AND email as an approved comment, as in
    # WordPress's check_comment(). Neither is proof (docs/security.md): the email
    # alone would let anyone who knows it in under any name, and a name alone is on
    # the page for all to copy. Rejections are counted by the same identity, or
    # anyone who knows a regular's email could get them held.
    known_author = (
        "author_name = %(name)s AND author_email = %(email)s AND user_id IS NULL"
        if comment.author_name and comment.author_email
        else None
    )
    return identity, known_author


def gather(
    comment: Comment,
    rules,
    *,
    form_token: uuid.UUID | None = None,
    editing: bool = False,
) -> Known:
    """
    What is known of `comment`'s author, in one query. With the `form_token` of
    a new comment's form, also whether that form was posted already, whether the
    author posts too soon (rules.flood_interval) and whether they said the same
    before. Inside the poster's address lock, so no concurrent post slips between
    these answers and the comment's insert. `editing` an existing comment, also
    whether its author (or address) edits too soon: one edit of any of their
    comments per flood interval, as for posts.
    """
    identity, known_author = author_of(comment)
    bans, staff = active_on(), staff_statement()
    params = parameters(comment, rules, form_token)
    params |= bans.constants | staff.constants
    questions = questions_for(
        comment, rules, known_author, form_token=form_token, editing=editing
    )
    columns = ", ".join(f"{sql} AS {name}" for name, sql in questions.items())
    query = f"SELECT {columns}".format(
        comments=COMMENTS,
        identity=identity,
        known_author=known_author,
        bans=bans.sql,
        staff=staff.sql,
        name_fields=", ".join(NAME_FIELDS),
    )
    row = ask(query, params)
    assert row is not None  # a SELECT without FROM answers one row
    answers = dict(zip(questions, row, strict=True))
    rejected = (Comment.Status.SPAM, Comment.Status.REMOVED)
    ban_reason, premoderation_reason = measures(answers["bans"])
    return Known(
        history=moderation.History(
            has_approved_comment=answers["approved_before"],
            is_trusted=comment.author_is_staff,
            ban_reason=ban_reason,
            premoderation_reason=premoderation_reason,
            recent_rejections=sum(status in rejected for status in answers["latest"]),
        ),
        staff_names=[
            *SITE_SIGNATURES,
            *(staff_name(values) for values in answers["staff"]),
        ],
        posted_before=answers.get("posted_before"),
        flooding=answers.get("flooding", False),
        duplicate=answers.get("duplicate", False),
    )


def parameters(comment: Comment, rules, form_token: uuid.UUID | None) -> dict:
    """The values gather()'s questions are asked with, every one a parameter."""
    now = timezone.now()
    return {
        "user_id": comment.user_id,
        "name": comment.author_name,
        "email": comment.author_email,
        "ip_address": comment.ip_address or None,
        "article_id": comment.article_id,
        "body": comment.body,
        "pk": comment.pk,
        "now": now,
        "ban_user_id": comment.user_id,
        "ban_email": comment.author_email.lower() or None,
        "ban_ip_address": comment.ip_address or None,
        "approved": Comment.Status.APPROVED,
        "removed": Comment.Status.REMOVED,
        "window": rules.rejection_window,
        "token": form_token,
        "since": now - datetime.timedelta(seconds=rules.flood_interval),
        # Comments are edited only within the edit window after they were posted.
        "editable_since": now
        - datetime.timedelta(
            minutes=rules.edit_window_minutes, seconds=rules.flood_interval
        ),
    }


def questions_for(
    comment: Comment,
    rules,
    known_author: str | None,
    *,
    form_token: uuid.UUID | None,
    editing: bool,
) -> dict[str, str]:
    """
    gather()'s questions, by name: each a subquery in SQL of our own ({comments},
    {identity} and the like are filled in by gather()).
    """
    questions = {
        "bans": "ARRAY(SELECT ARRAY[effect, reason] FROM ({bans}) AS b)",
        "approved_before": "FALSE"
        if known_author is None
        else """EXISTS(SELECT 1 FROM {comments} WHERE {known_author}
            AND status = %(approved)s AND id IS DISTINCT FROM %(pk)s)""",
        # Their own deletions are neither rejections nor among their latest.
        "latest": "ARRAY[]::varchar[]"
        if not rules.hold_after_rejections or known_author is None
        else """ARRAY(SELECT status FROM {comments} WHERE {known_author}
            AND deleted_at IS NULL ORDER BY created_at DESC LIMIT %(window)s)""",
        # Staff themselves are approved before names are compared.
        "staff": "ARRAY[]::varchar[]"
        if comment.author_is_staff
        else "ARRAY(SELECT ARRAY[{name_fields}] FROM ({staff}) AS s)",
    }
    if form_token is not None:
        questions |= {
            "posted_before": """(SELECT id FROM {comments} WHERE form_token = %(token)s
                AND article_id = %(article_id)s AND body = %(body)s
                ORDER BY created_at LIMIT 1)""",
            "duplicate": """EXISTS(SELECT 1 FROM {comments} WHERE {identity}
                AND article_id = %(article_id)s AND body = %(body)s
                AND status <> %(removed)s)""",
            "flooding": "FALSE"
            if not rules.flood_interval
            else """EXISTS(SELECT 1 FROM {comments} WHERE created_at >= %(since)s
                AND ({identity} OR ip_address = %(ip_address)s))""",
        }
    if editing:
        questions["flooding"] = (
            "FALSE"
            if not rules.flood_interval
            else """EXISTS(SELECT 1 FROM {comments} WHERE edited_at >= %(since)s
                AND created_at >= %(editable_since)s
                AND ({identity} OR ip_address = %(ip_address)s))"""
        )
    return questions


def ask(query: str, params: dict) -> tuple | None:
    """
    The row `query` (with %(name)s parameters) answers, its statement prepared
    by psycopg once per database connection (OPTIONS["prepare_threshold"] of
    DATABASES, 0: at its first run): PostgreSQL plans gather()'s statement in
    about four times the time it takes to run it, and a prepared statement keeps
    its plan for the connection. Each variant (the rules and the author decide
    which questions it asks; which parameters are NULL, and how large its
    numbers, decide their types) is a statement of its own; after a rollback
    psycopg drops them all and prepares them again.

    psycopg prepares only statements whose parameters are bound on the server,
    never those of Django's cursors, which bind them in the client (as the rest
    of the site keeps doing), so this one goes through Django's server-binding
    cursor. With prepare_threshold None (DATABASE_PREPARED_STATEMENTS=0, behind
    a pooler in transaction mode) it is sent whole each time.
    """
    connection.ensure_connection()
    # django-stubs know neither that psycopg 3's cursors take the connection nor
    # that the wrappers below take them.
    raw: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]
    # Wrapped as connection.cursor() wraps its own: counted and logged.
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        cursor.execute(query, params)
        return cursor.fetchone()
