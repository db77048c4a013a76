"""
Akismet, an option and never a dependency: with AKISMET_API_KEY set, a new
comment (not staff's) is also sent to Akismet before it is judged, and what it
answers is a value moderation.decide() weighs; moderators' Spam and Not spam are
reported back (submit_spam, submit_ham) by the worker.

Through the `akismet` client library. What goes to Akismet, a third party, is
what its API asks for: the comment's text, its author's name, email and website,
their IP address and browser, the article's address and the comment's type
(docs/privacy.md). Without a key nothing is sent.

A post never waits for Akismet longer than AKISMET_TIMEOUT_MS, and asks it before
taking the poster's address lock, so a slow service holds up no one else. Any
failure (a timeout, an error, a refused key) is logged and the comment judged
without it: never a lost post.
"""

import contextlib
import logging
from collections.abc import Iterator

import akismet
import httpx
from django.conf import settings
from django.tasks import task

from comments.models import Comment
from readers import tokens

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.AKISMET_API_KEY)


@contextlib.contextmanager
def client() -> Iterator[akismet.SyncClient]:
    """
    A client for one post or one report. Not the library's own context manager,
    which first asks Akismet to verify the key: a round trip more each time.
    """
    with httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=settings.AKISMET_TIMEOUT_MS / 1000,
    ) as http:
        yield akismet.SyncClient(
            config=akismet.Config(key=settings.AKISMET_API_KEY, url=settings.SITE_URL),
            http_client=http,
        )


def arguments(comment: Comment) -> dict:
    """What Akismet is told of a comment: what its API asks for, nothing more."""
    return {
        "user_ip": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "permalink": tokens.absolute(comment.article.get_absolute_url()),
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.body,
    }


def says_spam(comment: Comment) -> bool | None:
    """
    Whether Akismet calls a new comment spam; None when it isn't asked (no key,
    staff) or doesn't answer in time.
    """
    if not enabled() or comment.author_is_staff:
        return None
    try:
        with client() as service:
            return bool(service.comment_check(**arguments(comment)))
    except akismet.AkismetError:
        logger.warning("Akismet didn't answer; judged without it.", exc_info=True)
        return None


@task
def report(comment_ids: list[int], action: str) -> int:
    """
    Tell Akismet of moderators' decisions: spam (submit_spam) or not spam
    (submit_ham). A failure is logged: the site's own lessons stand regardless.
    """
    comments = Comment.objects.select_related("article").filter(pk__in=comment_ids)
    reported = 0
    with client() as service:
        for comment in comments:
            submit = service.submit_spam if action == "spam" else service.submit_ham
            try:
                submit(**arguments(comment))
            except akismet.AkismetError:
                logger.warning("Akismet wasn't told of comment %s.", comment.pk)
            else:
                reported += 1
    return reported
