"""
Likes: a reader likes a comment, or unlikes it by liking it again.

A like changes two small rows, never the comment's: its count (LikeCount) and the
discussion's likes counter (DiscussionVersion.likes), both kept by PostgreSQL
triggers on the likes (migration 0016), so every way a like comes or goes (the
button, a deleted account, an erasure) counts. The discussion's version is left
alone, so a cached page survives likes; it is rendered again when it is
COMMENTS_LIKES_FRESHNESS seconds old and its counter has moved (comments.discussion and
newsroom.pagecache), and a reader's own like shows at once in their browser.

A like is a person's: an account's, or a guest's browser's, counted once per
network (comments.models.reader_actions): a robot's fresh browsers at one address
add one like between them. A guest's like also uses up its form stamp, whose token
it keeps (a unique constraint, so the database holds the rule for every app
server, in the like's own transaction, whatever the cache): many addresses sharing
one stamp make one like. The view answers each like with the stamp for the next.
"""

import datetime
import uuid

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from comments.models import Comment, Like, LikeCount
from readers.limits import too_many_from

type Reader = User | AnonymousUser

# Likes one address (a network, readers.limits) may give in LIKE_WINDOW: people
# like a few dozen comments on a busy story, robots thousands.
LIKES_PER_ADDRESS = 100
LIKE_WINDOW = datetime.timedelta(minutes=10)


# The constraint that keeps a stamp to one like (comments.models.likes).
ONCE_PER_STAMP = "like_once_per_stamp"


class TooManyLikes(Exception):
    """LIKES_PER_ADDRESS from one network in LIKE_WINDOW; str() says so to it."""

    def __str__(self) -> str:
        return gettext(
            "You have liked many comments in a short time. Please wait a few minutes."
        )


class StampUsed(Exception):
    """The stamp a guest sent already made a like: its page must be fetched anew."""


def toggle_like(
    comment: Comment,
    *,
    user: Reader,
    browser: str,
    network: str,
    form_token: uuid.UUID | None = None,
    liked: bool | None = None,
) -> tuple[bool, int]:
    """
    Like the comment, or take the like back when the reader had given it: whether
    they like it now, and its count. Given `liked` (the state the reader asks
    for: their page may not have known of a like given elsewhere), nothing
    changes where it already is so. A guest's like uses up their stamp's
    `form_token`. Raises TooManyLikes or StampUsed.
    """
    mine = (
        {"user": user}
        if user.is_authenticated
        else {"user": None, "browser": browser, "form_token": form_token}
    )
    with transaction.atomic():
        given = Like.objects.filter(comment=comment).by_reader(user, browser).first()
        if liked is not None and liked == (given is not None):
            return liked, count_of(comment)
        if given is not None:
            given.delete()
            return False, count_of(comment)
        if too_many_from(Like.objects.all(), network, LIKES_PER_ADDRESS, LIKE_WINDOW):
            raise TooManyLikes
        try:
            with transaction.atomic():
                Like.objects.create(comment=comment, network=network, **mine)
        except IntegrityError as error:
            # This reader's other click got there first, or a reader under the same
            # roof liked it (their network's like): it is liked, counted once. Or
            # the stamp made another like.
            given = Like.objects.filter(comment=comment).by_reader(user, browser)
            if constraint_of(error) == ONCE_PER_STAMP and not given.exists():
                raise StampUsed from None
        return True, count_of(comment)


def constraint_of(error: IntegrityError) -> str | None:
    """The name of the constraint a row broke, as PostgreSQL says it."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def count_of(comment: Comment) -> int:
    tally = LikeCount.objects.filter(comment=comment).first()
    return tally.count if tally else 0
