"""
Judging a comment as it is posted or edited: one writer per address at a time,
what is known of its author (history.gather, one query) and the rules
(moderation.decide, or moderation.decide_edit for an edit). Posting
(posting.save_comment) and editing (authoring.save_edit) both judge here.
"""

from dataclasses import replace

from django.db import connection

from articles.models import Article
from comments import history, moderation, spam
from comments.models import Comment


class Refused(Exception):
    """
    A comment that can't be taken, or changed, with the message to show the
    reader, the status to answer and the article it was for, if one they may see.
    """

    def __init__(
        self, message: str, status: int = 400, article: Article | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.article = article


def one_at_a_time_from(ip_address: str | None) -> None:
    """
    One writer at a time per address until the transaction ends: a burst of
    posts or edits can't slip past the limits, and a double click finds the
    comment its first click saved.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"comment:{ip_address}"]
        )


def judge(
    comment: Comment,
    rules,
    known: history.Known | None = None,
    *,
    standing: moderation.Verdict | None = None,
    stamped: bool = True,
    akismet_spam: bool | None = None,
) -> moderation.Verdict:
    """
    The moderation decision on a new comment, or on an edited one that had
    `standing` (moderation.decide_edit): its author's history (bans and marks,
    prior approval, recent rejections) and the staff's names, gathered in one
    query unless the caller has them, the spam classifier's score (no query but
    when a process first meets a new version), then the rules. A new comment's
    form may have come without its stamp (not `stamped`); Akismet's answer, when
    it was asked (comments.akismet_service), is `akismet_spam`.
    """
    known = known or history.gather(comment, rules)
    submission = moderation.Submission(
        body=comment.body,
        name=comment.author_name,
        email=comment.author_email,
        url=comment.author_url,
        ip_address=comment.ip_address or "",
        user_agent=comment.user_agent,
        stamped=stamped,
    )
    # Staff's comments are approved whatever their score: not worth computing.
    score = None if comment.author_is_staff else spam.score_of(submission, rules)
    if standing is not None:
        verdict = moderation.decide_edit(
            submission,
            rules,
            known.history,
            known.staff_names,
            score,
            standing=standing,
        )
    else:
        verdict = moderation.decide(
            submission, rules, known.history, known.staff_names, score, akismet_spam
        )
    return replace(verdict, spam_score=score)
