"""
Personal tokens: how an app, a script or a newsletter tool acts for a reader
through the API without their password or their session.

A reader makes one on their account's "API tokens" page and sees it once; only
its SHA-256 digest is stored (a token is 256 random bits, so a fast digest is as
good as a slow password hash, and a stolen table reveals no token). A token is
sent as `Authorization: Bearer …`, which no browser adds by itself: a request
another site makes a reader's browser send can't carry it, so token requests
need no cross-origin check (api.auth). Revoking deletes the row.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

# What every token starts with: secret scanners (and people) can tell one.
PREFIX = "nr_"
# How often a token's last use is written: once a request would be a write per call.
LAST_USED_EVERY = datetime.timedelta(minutes=5)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PersonalTokenQuerySet(models.QuerySet["PersonalToken"]):
    def holding(self, token: str) -> "PersonalTokenQuerySet":
        """The token with this text, if any (by its digest)."""
        return self.filter(digest=digest_of(token))

    def issue(self, user: User, name: str) -> tuple["PersonalToken", str]:
        """A new token for `user`: its row, and its text, which is shown once."""
        token = PREFIX + secrets.token_urlsafe(32)
        return self.create(user=user, name=name, digest=digest_of(token)), token


class PersonalToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PersonalTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def used(self) -> None:
        """Note that it was used now, at most once per LAST_USED_EVERY."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY:
            self.last_used_at = now
            PersonalToken.objects.filter(pk=self.pk).update(last_used_at=now)
