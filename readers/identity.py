"""
Who is commenting: the ways to sign in that the form offers, and how a signed-in
reader appears on their comments.

django-allauth does the signing in; the site's adapters (newsroom.accounts) build
a `ReaderIdentity` and `remember_identity()` it when a reader signs in, and the
comment form reads `reader_identity()` from the session, so showing who is
commenting costs no query. Each way to sign in has one label, used by the form, the
help pages, the comment list editors see and the moderation queue.

The display rules of a person also live here, for comments and readers alike: the
name ("full name or username"), the initials and the colour of the placeholder
picture.
"""

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from articles.text import single_line
from readers import tokens
from readers.statements import Statement, compiled

IDENTITY_SESSION_KEY = "reader_identity"


@dataclass(frozen=True)
class SignInMethod:
    """A way to sign in, as the form's icons, help pages and editors name it."""

    id: str
    label: str
    icon: str
    env_vars: tuple[str, ...] = ()

    @property
    def is_social(self) -> bool:
        return bool(self.env_vars)

    @property
    def is_configured(self) -> bool:
        if not self.is_social:
            return True
        return bool(settings.SOCIALACCOUNT_PROVIDERS.get(self.id, {}).get("APPS"))

    @property
    def is_offered(self) -> bool:
        """Shown in the form: when it works, or in development to explain setup."""
        return self.is_configured or settings.DEBUG


# The site's name, which signs what no person does: an article without a byline in
# feeds and exports, the page's structured data; and its own accounts.
SITE_NAME = "Newsroom"
SITE_ACCOUNT = SignInMethod("account", SITE_NAME, "img/sign-in-newsroom.svg")
# The seed page says "Twitter"; the provider is allauth's X (OAuth 2.0).
TWITTER = SignInMethod(
    "twitter_oauth2",
    "Twitter",
    "img/sign-in-twitter.svg",
    ("TWITTER_CLIENT_ID", "TWITTER_CLIENT_SECRET"),
)
FACEBOOK = SignInMethod(
    "facebook",
    "Facebook",
    "img/sign-in-facebook.svg",
    ("FACEBOOK_CLIENT_ID", "FACEBOOK_CLIENT_SECRET"),
)
METHODS = {method.id: method for method in (SITE_ACCOUNT, TWITTER, FACEBOOK)}


def offered_methods(exclude: str = "") -> list[SignInMethod]:
    return [m for m in METHODS.values() if m.is_offered and m.id != exclude]


def method_of(provider: str) -> SignInMethod:
    """The way a comment's author signed in (`Comment.author_provider`)."""
    return METHODS.get(provider, SITE_ACCOUNT)


# --- How a person appears ---------------------------------------------------------


# What a staff member without a full name signs with: their username is half of
# what signs them in to the admin, and says nothing to readers.
STAFF_NAME = "The editors"
# The names only the site and its staff sign with: a reader signing with one, or
# with one that looks like it, is held as one named like a staff member is.
SITE_SIGNATURES = (STAFF_NAME, SITE_NAME)


def display_name(user: AbstractUser) -> str:
    """
    A signed-in person's name on the site: their full name, else their username
    (for staff, "The editors"). On one line (articles.text), whatever was stored
    before names were cleaned.
    """
    name = single_line(user.get_full_name())
    if name:
        return name
    return STAFF_NAME if user.is_staff else user.get_username()


# What a person's name on comments is made of (display_name).
NAME_FIELDS = ("first_name", "last_name", "username")


def staff_members() -> QuerySet[AbstractUser]:
    """
    The staff members whose names no reader may sign with (moderation.decide):
    the active ones.
    """
    return get_user_model().objects.filter(is_staff=True, is_active=True)


@functools.cache
def staff_statement() -> Statement:
    """
    staff_members() and their NAME_FIELDS as SQL, compiled once: asked in the one
    query posting makes (comments.history), since a commenter whose name looks
    like one of theirs is held (moderation.decide).
    """
    return compiled(staff_members().values_list(*NAME_FIELDS), "staff")


def staff_name(values: list[str]) -> str:
    """A staff member's name on comments, from the values of NAME_FIELDS."""
    fields = dict(zip(NAME_FIELDS, values, strict=True))
    return display_name(get_user_model()(is_staff=True, **fields))


def initials(name: str) -> str:
    """The letters of the placeholder picture: first and last word of the name."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def colour(key: str) -> int:
    """One of the placeholder's eight colours, stable for the same key."""
    return hashlib.blake2s(key.encode(), digest_size=1).digest()[0] % 8


def avatar_url(name: str) -> str:
    """The address of a picture stored by `copy_avatar()`."""
    return default_storage.url(name) if name else ""


# --- The reader's identity for this session ---------------------------------------


@dataclass(frozen=True)
class ReaderIdentity:
    """How the signed-in reader appears: stored on their comments, shown in the form."""

    provider: str  # a SignInMethod id
    avatar: str = ""  # a file name in default_storage, or ""
    account: str = ""  # the account behind the comments, for editors

    @property
    def method(self) -> SignInMethod:
        return method_of(self.provider)

    @property
    def avatar_url(self) -> str:
        return avatar_url(self.avatar)


@dataclass(frozen=True)
class Commenter:
    """The signed-in reader as their next comment will show them, for the form."""

    display_name: str
    avatar_url: str
    avatar_initials: str
    avatar_colour: int


def reader_identity(request: HttpRequest) -> ReaderIdentity | None:
    """Who is commenting, from the session: no query."""
    if not request.user.is_authenticated:
        return None
    stored = request.session.get(IDENTITY_SESSION_KEY)
    if isinstance(stored, dict) and stored.get("provider") in METHODS:
        return ReaderIdentity(
            provider=stored["provider"],
            avatar=str(stored.get("avatar", "")),
            account=str(stored.get("account", "")),
        )
    # Signed in some other way (the admin's login page): their site account.
    return ReaderIdentity(SITE_ACCOUNT.id, account=request.user.get_username())


def commenter(request: HttpRequest) -> dict[str, Any]:
    """
    For the form: how the reader is signed in, the reader as their next comment
    will show them (picture, or initials and colour), and the ways to sign in they
    can still choose.
    """
    identity = reader_identity(request)
    me = None
    if identity:
        assert request.user.is_authenticated  # an identity is a signed-in reader's
        name = display_name(request.user)
        me = Commenter(
            display_name=name,
            avatar_url=identity.avatar_url,
            avatar_initials=initials(name),
            avatar_colour=colour(str(request.user.pk)),
        )
    return {
        "identity": identity,
        "me": me,
        "sign_in_methods": offered_methods(
            exclude=identity.provider if identity else ""
        ),
    }


def remember_identity(request: HttpRequest, identity: ReaderIdentity) -> None:
    request.session[IDENTITY_SESSION_KEY] = {
        "provider": identity.provider,
        "avatar": identity.avatar,
        "account": identity.account,
    }


def provider_not_configured(
    request: HttpRequest, method: SignInMethod, return_to: str
) -> HttpResponse:
    """
    A provider without keys. In development, a page saying how to set it up; in
    production its icon is hidden and any address of it is simply not found.
    """
    if not settings.DEBUG:
        return render(
            request,
            "socialaccount/not_available.html",
            {"method": method, "return_to": return_to},
            status=404,
        )
    callback = tokens.absolute(reverse(f"{method.id}_callback"))
    return render(
        request,
        "socialaccount/not_configured.html",
        {"method": method, "callback_url": callback, "return_to": return_to},
        status=503,
    )
