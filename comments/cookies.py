"""
What a guest's browser remembers of their comments, in signed cookies: the comments
of theirs awaiting moderation, or sent to spam, which its author isn't told (shown
to them alone, marked "awaiting moderation"),
and the name, email and website they asked to be remembered.

Either cookie makes a page the reader's own: such readers never get the page every
other reader shares (comments.discussion).
"""

import json
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
    response.set_signed_cookie(
        HELD_COOKIE,
        ",".join(map(str, ids)),
        salt=HELD_COOKIE_SALT,
        max_age=HELD_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
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
        response.set_signed_cookie(
            AUTHOR_COOKIE,
            json.dumps({k: data[k] for k in ("name", "email", "url")}),
            salt=AUTHOR_COOKIE_SALT,
            max_age=AUTHOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
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


def remember_browser(response: HttpResponseBase, browser: str) -> None:
    response.set_signed_cookie(
        BROWSER_COOKIE,
        browser,
        salt=BROWSER_COOKIE_SALT,
        max_age=BROWSER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remember_reported(
    request: HttpRequest, response: HttpResponseBase, comment_id: int
) -> None:
    value = request.COOKIES.get(REPORTED_COOKIE, "")
    ids = [part for part in value.split("-") if part.isdigit()]
    ids = [*ids, str(comment_id)][-REPORTED_COOKIE_LIMIT:]
    response.set_cookie(
        REPORTED_COOKIE,
        "-".join(ids),
        max_age=BROWSER_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
