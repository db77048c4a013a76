"""
The signed links in notification mail: confirm a subscription, unsubscribe.

A confirmation link carries the subscriptions it confirms, the address they were
made for and when it was signed; it expires after a week, and a link signed before
the subscription's current request (the reader unsubscribed and asked again) no
longer confirms anything. An unsubscribe link never expires: an old mail must
always let its reader stop the next one. Both are signed with SECRET_KEY, each with
its own salt, so one kind can't be passed off as the other.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "comments.subscription.confirm"
UNSUBSCRIBE_SALT = "comments.subscription.unsubscribe"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7


class BadToken(Exception):
    """A link that was changed, cut short or never ours."""


class ExpiredToken(BadToken):
    """A genuine confirmation link, older than CONFIRM_MAX_AGE."""


def absolute(path: str) -> str:
    """
    The full address of a path on this site, for mail and for pages: from
    SITE_URL, never from a request's Host header, which the client chooses (the
    site imports it for the same reason).
    """
    return f"{settings.SITE_URL}{path}"


def confirm_token(subscription_ids: list[int], email: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"ids": sorted(subscription_ids), "email": email}, compress=True
    )


def read_confirm_token(token: str) -> tuple[list[int], str, datetime]:
    """The subscription ids, the address and when the link was signed."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign_object(token, max_age=CONFIRM_MAX_AGE)
        signed_at = signing.b62_decode(token.rsplit(":", 2)[-2])
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError):
        raise BadToken from None
    try:
        ids = [int(i) for i in value["ids"]]
        email = str(value["email"])
    except (KeyError, TypeError, ValueError):
        raise BadToken from None
    return ids, email, datetime.fromtimestamp(signed_at, tz=UTC)


def unsubscribe_token(subscription_ids: list[int]) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        sorted(subscription_ids), compress=True
    )


def read_unsubscribe_token(token: str) -> list[int]:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        return [int(i) for i in value]
    except (signing.BadSignature, TypeError, ValueError):
        raise BadToken from None


def confirm_url(subscription_ids: list[int], email: str) -> str:
    return absolute(
        reverse("comments:confirm", args=[confirm_token(subscription_ids, email)])
    )


def unsubscribe_url(subscription_ids: list[int]) -> str:
    return absolute(
        reverse("comments:unsubscribe", args=[unsubscribe_token(subscription_ids)])
    )
