"""
Likes: a reader likes a comment, or unlikes it by liking it again.

A like changes two small rows, never the comment's: its count (LikeCount) and the
discussion's likes counter (DiscussionVersion.likes). The discussion's version is
left alone, so a cached page survives likes; it is rendered again when it is
COMMENTS_LIKES_FRESHNESS seconds old and its counter has moved (comments.discussion and
newsroom.pagecache), and a reader's own like shows at once in their browser.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction

from comments.limits import too_many_from
from comments.models import Comment, DiscussionVersion, Like, LikeCount

type Reader = User | AnonymousUser

# Likes one address may give in LIKE_WINDOW: people like a few dozen comments on a
# busy story, robots thousands.
LIKES_PER_ADDRESS = 100
LIKE_WINDOW = datetime.timedelta(minutes=10)


class TooManyLikes(Exception):
    pass


def likes_of(user: Reader, comment_ids: list[int]) -> set[int]:
    """Which of these comments a signed-in reader likes: one query."""
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(
        Like.objects.filter(user=user, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def toggle_like(
    comment: Comment, *, user: Reader, browser: str, ip_address: str | None
) -> tuple[bool, int]:
    """
    Like the comment, or take the like back when the reader had given it: whether
    they like it now, and its count. Raises TooManyLikes.
    """
    mine = (
        {"user": user} if user.is_authenticated else {"user": None, "browser": browser}
    )
    with transaction.atomic():
        given = Like.objects.filter(comment=comment, **mine).first()
        if given is not None:
            given.delete()
            change = -1
        else:
            if too_many_from(
                Like.objects.all(), ip_address, LIKES_PER_ADDRESS, LIKE_WINDOW
            ):
                raise TooManyLikes
            try:
                with transaction.atomic():
                    Like.objects.create(comment=comment, ip_address=ip_address, **mine)
            except IntegrityError:
                # The same reader's other click got there first: it is liked.
                return True, count_of(comment)
            change = 1
        count = add_to_count(comment, change)
        bump_likes_counter(comment.article_id)
    return change > 0, count


def count_of(comment: Comment) -> int:
    tally = LikeCount.objects.filter(comment=comment).first()
    return tally.count if tally else 0


def add_to_count(comment: Comment, change: int) -> int:
    table = LikeCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (comment_id, count) VALUES (%s, GREATEST(%s, 0))
            ON CONFLICT (comment_id)
            DO UPDATE SET count = GREATEST({table}.count + %s, 0)
            RETURNING count
            """,  # noqa: S608 - the table name from the model, values as parameters
            [comment.pk, change, change],
        )
        return int(cursor.fetchone()[0])


def bump_likes_counter(article_id: int) -> None:
    table = DiscussionVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (article_id, version, likes) VALUES (%s, 0, 1)
            ON CONFLICT (article_id) DO UPDATE SET likes = {table}.likes + 1
            """,  # noqa: S608 - the table name from the model, values as parameters
            [article_id],
        )
