"""
What the site knows of a comment's author, and of the form it came from, when the
comment is posted or edited: gathered in one query.

Posting asks the database seven questions before it saves: was this form posted
already, is its author (or address) posting too fast, did they say the same
before, are they banned or marked for pre-moderation, have they an approved
comment, how many of their latest comments were rejected, and who the staff are.
Asked one after the other, each was a round trip to PostgreSQL, all inside the
transaction that holds the poster's address lock (views.save_comment). Here each
is a subquery of one SELECT, so a post waits for the database once for them all.

The SELECT is written in SQL because it runs for every post: PostgreSQL answers
it in about 0.05 ms of CPU, while building and compiling it through the ORM took
3.6 ms, half of all the CPU a post cost (bench/README.md). Its conditions on
comments are written here only; the bans' and the staff's are the SQL of their
rules' QuerySets, BanQuerySet.on() and identity.staff_members(), compiled once
(comments.statements).
"""

import datetime
import functools
import hashlib
import re
import uuid
import weakref
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from comments import moderation
from comments.identity import (
    NAME_FIELDS,
    SITE_SIGNATURES,
    staff_name,
    staff_statement,
)
from comments.models import Comment
from comments.models.bans import active_on, measures

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
    now = timezone.now()
    params = {
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
    params |= bans.constants | staff.constants
    # Each question a subquery, in SQL of our own: {comments}, {identity} and the
    # like are filled in below, every value is a parameter.
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
    columns = ", ".join(f"{sql} AS {name}" for name, sql in questions.items())
    query = f"SELECT {columns}".format(
        comments=COMMENTS,
        identity=identity,
        known_author=known_author,
        bans=bans.sql,
        staff=staff.sql,
        name_fields=", ".join(NAME_FIELDS),
    )
    with connection.cursor() as cursor:
        execute_prepared(cursor, query, params)
        answers = dict(zip(questions, cursor.fetchone(), strict=True))
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


# The statements each database connection has prepared (PREPARE), by name; None
# after a failure, when which of them exist is not known.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
PARAMETER = re.compile(r"%\((\w+)\)s")


def execute_prepared(cursor, query: str, params: dict) -> None:
    """
    Run `query` (with %(name)s parameters) as a statement prepared once per
    database connection: PostgreSQL plans gather()'s statement in about four
    times the time it takes to run it, and a prepared statement keeps its plan
    for the connection. Each variant of the statement (the rules and the author
    decide which questions it asks) is prepared under a name of its own, from a
    hash of its text, in the same round trip as its first execution; its
    parameters' types are PostgreSQL's inference from the columns they are
    compared with. Prepared statements outlive a rolled-back transaction, so
    after a failure the connection's are all dropped and prepared again. With
    settings.DATABASE_PREPARED_STATEMENTS off (a pooler in transaction mode),
    the statement is sent whole each time.
    """
    if not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(query, params)
        return
    raw = connection.connection
    statement, execute, prepare = prepared_form(query)
    prepared = _prepared.get(raw)
    if prepared is not None and statement in prepared:
        cursor.execute(execute, params)
        return
    forget = "DEALLOCATE ALL; " if raw in _prepared and prepared is None else ""
    _prepared[raw] = None
    cursor.execute(f"{forget}{prepare}; {execute}", params)
    while cursor.description is None:  # past DEALLOCATE and PREPARE, to the rows
        cursor.nextset()
    _prepared[raw] = (prepared or set()) | {statement}


@functools.lru_cache(maxsize=64)
def prepared_form(query: str) -> tuple[str, str, str]:
    """
    `query`'s statement name, its EXECUTE (with the same %(name)s parameters)
    and its PREPARE (with $1, $2, … in their place): worked out once per variant,
    not on every post.
    """
    names = list(dict.fromkeys(PARAMETER.findall(query)))
    statement = "comments_" + hashlib.sha256(query.encode()).hexdigest()[:16]
    execute = f"EXECUTE {statement}({', '.join(f'%({n})s' for n in names)})"
    numbered = PARAMETER.sub(lambda m: f"${names.index(m[1]) + 1}", query)
    return statement, execute, f"PREPARE {statement} AS {numbered}"
