"""
What a guest's browser remembers of their comments, in signed cookies: the comments
of theirs awaiting moderation, or sent to spam, which its author isn't told (shown
to them alone, marked "awaiting moderation"),
and the name, email and website they asked to be remembered.

Either cookie makes a page the reader's own: such readers never get the page every
other reader shares (comments.discussion).
"""

import json
import re
import secrets
import time
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HELD_COOKIE = "held_comments"
HELD_COOKIE_SALT = "comments.held"
HELD_COOKIE_LIMIT = 20
HELD_COOKIE_AGE = 60 * 60 * 24 * 30
AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "comments.author"
AUTHOR_COOKIE_AGE = 60 * 60 * 24 * 365


def keep_signed(
    response: HttpResponseBase, name: str, value: str, salt: str, max_age: int
) -> None:
    """A signed cookie only the server reads (not the page's script), sent back
    from this site's pages only."""
    response.set_signed_cookie(
        name,
        value,
        salt=salt,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def keep_for_script(
    response: HttpResponseBase, name: str, value: str, max_age: int
) -> None:
    """A plain cookie the page's script reads: what it shows, never a proof."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def held_comment_ids(request: HttpRequest) -> list[int]:
    # With a default the value is a str; django-stubs says str | None regardless.
    value = cast(
        str, request.get_signed_cookie(HELD_COOKIE, default="", salt=HELD_COOKIE_SALT)
    )
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_held_comment(
    request: HttpRequest, response: HttpResponseBase, comment_id: int
) -> None:
    ids = [*held_comment_ids(request), comment_id][-HELD_COOKIE_LIMIT:]
    keep_signed(
        response,
        HELD_COOKIE,
        ",".join(map(str, ids)),
        HELD_COOKIE_SALT,
        HELD_COOKIE_AGE,
    )


def remembered_author(request: HttpRequest) -> dict[str, str]:
    """Name, email and website saved by "Save my name…", if the reader ticked it."""
    raw = cast(
        str,
        request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=AUTHOR_COOKIE_SALT),
    )
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        k: v
        for k, v in value.items()
        if k in ("name", "email", "url") and isinstance(v, str)
    }


def remember_author(response: HttpResponseBase, data: dict[str, Any]) -> None:
    """The "Save my name…" checkbox: the cookie exists only while it is ticked."""
    if data.get("remember"):
        keep_signed(
            response,
            AUTHOR_COOKIE,
            json.dumps({k: data[k] for k in ("name", "email", "url")}),
            AUTHOR_COOKIE_SALT,
            AUTHOR_COOKIE_AGE,
        )
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


BROWSER_COOKIE = "comment_browser"
BROWSER_COOKIE_SALT = "comments.browser"
BROWSER_COOKIE_AGE = 60 * 60 * 24 * 365
# The comments this browser reported, for its script to mark them "Reported". Not
# signed and readable by the page's script: it only changes what this reader sees.
REPORTED_COOKIE = "reported_comments"
REPORTED_COOKIE_LIMIT = 50


def browser_id(request: HttpRequest) -> str:
    """A guest's browser, by the random id it was given ("" when it has none)."""
    return cast(
        str,
        request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT),
    )


def guest_browser(request: HttpRequest) -> tuple[str, bool]:
    """
    A guest's browser id, and whether it was given one just now (to keep with
    remember_browser on the answer); "" for a signed-in reader, who is their
    account.
    """
    if request.user.is_authenticated:
        return "", False
    browser = browser_id(request)
    return (browser, False) if browser else (secrets.token_urlsafe(24), True)


def remember_browser(response: HttpResponseBase, browser: str) -> None:
    keep_signed(
        response, BROWSER_COOKIE, browser, BROWSER_COOKIE_SALT, BROWSER_COOKIE_AGE
    )


def remember_reported(
    request: HttpRequest, response: HttpResponseBase, comment_id: int
) -> None:
    value = request.COOKIES.get(REPORTED_COOKIE, "")
    ids = [part for part in value.split("-") if part.isdigit()]
    ids = [*ids, str(comment_id)][-REPORTED_COOKIE_LIMIT:]
    keep_for_script(response, REPORTED_COOKIE, "-".join(ids), BROWSER_COOKIE_AGE)


OWN_COOKIE = "own_comments"
OWN_COOKIE_SALT = "comments.own"
OWN_COOKIE_LIMIT = 20
# The same comments with the moment they can no longer be changed, readable by the
# page's script, which shows "Edit" and "Delete" on them until then. Proof of
# nothing: the signed cookie above is what the edit views trust.
EDITABLE_COOKIE = "editable_comments"


def own_comment_ids(request: HttpRequest) -> list[int]:
    """The comments a guest posted from this browser, recently."""
    value = cast(
        str, request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_COOKIE_SALT)
    )
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_own_comment(
    request: HttpRequest, response: HttpResponseBase, comment_id: int, until: float
) -> None:
    """Let this browser change its comment until `until` (a Unix time)."""
    age = max(0, int(until - time.time()))
    ids = [*own_comment_ids(request), comment_id][-OWN_COOKIE_LIMIT:]
    keep_signed(response, OWN_COOKIE, ",".join(map(str, ids)), OWN_COOKIE_SALT, age)
    now = time.time()
    kept = [
        part
        for part in request.COOKIES.get(EDITABLE_COOKIE, "").split("-")
        if re.fullmatch(r"\d+\.\d+", part) and float(part.split(".")[1]) > now
    ]
    kept = [*kept, f"{comment_id}.{int(until)}"][-OWN_COOKIE_LIMIT:]
    keep_for_script(response, EDITABLE_COOKIE, "-".join(kept), age)


# The comments this browser likes, for its script to show them liked: guests keep
# the page every reader shares. Not proof of anything (Like rows are).
LIKED_COOKIE = "liked_comments"
LIKED_COOKIE_LIMIT = 200


def remember_liked(
    request: HttpRequest, response: HttpResponseBase, comment_id: int, *, liked: bool
) -> None:
    value = request.COOKIES.get(LIKED_COOKIE, "")
    ids = [
        part for part in value.split("-") if part.isdigit() and part != str(comment_id)
    ]
    if liked:
        ids.append(str(comment_id))
    keep_for_script(
        response, LIKED_COOKIE, "-".join(ids[-LIKED_COOKIE_LIMIT:]), BROWSER_COOKIE_AGE
    )
