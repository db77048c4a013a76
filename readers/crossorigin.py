"""
Cross-site forgery protection without a token, for the forms on the page every
anonymous reader shares (the comment form, its sign-in buttons, likes).

A page that any HTTP cache may keep can't carry a per-reader CSRF token. What it
can rely on instead is what browsers say about where a request comes from, as Go's
http.CrossOriginProtection (Go 1.25) and Rails' newer forgery checks do:

1. `Sec-Fetch-Site` (every browser since 2023): "same-origin" or "none" (typed in,
   a bookmark) passes; "same-site" or "cross-site" passes only from an origin in
   CSRF_TRUSTED_ORIGINS.
2. Without it, `Origin` (sent with every cross-origin POST since 2020): it must be
   this site's origin (the scheme and host Django sees, so behind a proxy as
   SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST say) or a trusted one.
3. Without either, the request is not from a browser that could be tricked into
   sending it (curl, a feed reader, a very old browser): it passes, and the form's
   other checks (stamp, honeypot, flood, bans, moderation) still apply.

Readers with a session keep Django's token check on top: their pages are their
own, never shared, and carry the token; a session is what forgery would abuse.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def session_token(request) -> str | None:
    """
    The CSRF token a reader with a session posts with, for an answer no other
    site can read (the form's stamp, /me): the page every reader shares holds
    none. None without a session: nothing for forgery to abuse.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return get_token(request)


def is_cross_origin(request) -> bool:
    """Whether a browser sent this request from a page of another site."""
    if request.method in SAFE_METHODS:
        return False
    origin = request.headers.get("Origin", "")
    site = request.headers.get("Sec-Fetch-Site", "")
    if site in ("same-origin", "none"):
        return False
    if site:  # "same-site", "cross-site", or a value browsers don't send
        return not is_trusted(origin)
    if not origin:
        return False
    return origin != f"{request.scheme}://{request.get_host()}" and not is_trusted(
        origin
    )


def is_trusted(origin: str) -> bool:
    """
    An origin CSRF_TRUSTED_ORIGINS names, as Django reads them: exactly, or any
    subdomain for "https://*.example.com".
    """
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        allowed = urlsplit(trusted)
        if allowed.scheme != parts.scheme:
            continue
        if allowed.netloc.startswith("*"):
            if is_same_domain(parts.netloc, allowed.netloc[1:]):
                return True
        elif origin == trusted:
            return True
    return False


def cross_origin_protected(view):
    """
    The view refuses requests other sites' pages make browsers send, by
    is_cross_origin(), with a 403 page that says so; for a reader with a session,
    Django's CSRF token is required as well.
    """
    with_token = csrf_protect(view)

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if is_cross_origin(request):
            return render(
                request,
                "comments/refused.html",
                {
                    "message": _(
                        "This was sent to us from another site, so nothing was "
                        "done. If you meant to post here, go to the article and "
                        "post from its page."
                    )
                },
                status=403,
            )
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return with_token(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
