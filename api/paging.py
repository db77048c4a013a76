"""
Cursors: where the next page of a list starts, as the last item given (its date
in microseconds and its id). A cursor stays right while the list changes: new
articles or threads don't shift the pages after it, as offsets would.
"""

import datetime
import re

from ninja.errors import HttpError

from comments.rendering import EPOCH, MICROSECOND, moment

CURSOR = re.compile(r"(\d{1,20})-(\d{1,18})")
NOT_OURS = "This cursor is not one of ours: start again without it."


def cursor_of(when: datetime.datetime, pk: int) -> str:
    return f"{moment(when)}-{pk}"


def read_cursor(text: str) -> tuple[datetime.datetime, int] | None:
    """The date and id a cursor names; None for none; 400 for one we never wrote."""
    if not text:
        return None
    found = CURSOR.fullmatch(text)
    if found is None:
        raise HttpError(400, NOT_OURS)
    try:
        return EPOCH + int(found[1]) * MICROSECOND, int(found[2])
    except OverflowError:
        raise HttpError(400, NOT_OURS) from None
