"""Moderation records: bans on an account, an email address or an IP address."""

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import EMAIL_MAX_LENGTH
from readers.statements import MARKED_TIME, Statement, compiled


class BanQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None) -> "BanQuerySet":
        """The bans and marks in force `now` (this moment when not given)."""
        now = now or timezone.now()
        return self.filter(models.Q(expires_at=None) | models.Q(expires_at__gt=now))

    def matching(self, *, user_id=None, email: str = "", ip_address=None):
        """Bans on any of the given identities (account, email, IP)."""
        match = models.Q(pk__in=[])
        if user_id:
            match |= models.Q(kind=Ban.Kind.ACCOUNT, user_id=user_id)
        if email:
            match |= models.Q(kind=Ban.Kind.EMAIL, email=email.lower())
        if ip_address:
            match |= models.Q(kind=Ban.Kind.IP, ip_address=ip_address)
        return self.filter(match)

    def reason_for(self, *, user_id=None, email: str = "", ip_address=None) -> str:
        """The reason of an active ban on this identity, "" when none: one query."""
        ban, _ = self.measures_for(user_id=user_id, email=email, ip_address=ip_address)
        return ban

    def on(
        self, *, user_id=None, email: str = "", ip_address=None, now=None
    ) -> "BanQuerySet":
        """The active bans and marks on any of these identities, newest first."""
        return (
            self.active(now)
            .matching(user_id=user_id, email=email, ip_address=ip_address)
            .order_by("-created_at")
        )

    def measures_for(
        self, *, user_id=None, email: str = "", ip_address=None
    ) -> tuple[str, str]:
        """
        The reasons of the newest active ban and "always pre-moderate" mark on this
        identity, "" for none: one query.
        """
        return measures(
            self.on(user_id=user_id, email=email, ip_address=ip_address).values_list(
                "effect", "reason"
            )
        )


@functools.cache
def active_on() -> Statement:
    """
    BanQuerySet.on()'s (effect, reason) as SQL, compiled once, for the one query
    comments.history asks on every post, where building it through the ORM would
    cost more CPU than PostgreSQL does. Its parameters: %(now)s, the account
    %(ban_user_id)s, the address %(ban_email)s (in lower case) and the IP
    %(ban_ip_address)s; an identity that is NULL matches nothing, as one not
    given to matching().
    """
    bans = Ban.objects.on(
        user_id=MARKS["ban_user_id"],
        email=MARKS["ban_email"],
        ip_address=MARKS["ban_ip_address"],
        now=MARKS["now"],
    )
    return compiled(bans.values_list("effect", "reason"), "ban", **MARKS)


# Where active_on()'s parameters go: values no ban's constant is.
MARKS: dict[str, Any] = {
    "now": MARKED_TIME,
    "ban_user_id": -7301989,
    "ban_email": "ban-email@mark.invalid",
    "ban_ip_address": "192.0.2.254",
}


def measures(bans: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """
    The reasons of the newest ban and "always pre-moderate" mark among `bans`,
    (effect, reason) pairs newest first (BanQuerySet.on); "" for none.
    """
    found: dict[str, str] = {}
    for effect, reason in bans:
        found.setdefault(effect, reason or "no reason given")
    return found.get(Ban.Effect.SPAM, ""), found.get(Ban.Effect.HOLD, "")


class Ban(models.Model):
    """
    An account, an email address or an IP address whose comments go straight to
    spam (with the reason "banned"), or, marked "always pre-moderate", are held
    for a moderator. The commenter is not told, so they don't simply come back
    under another name.
    """

    class Effect(models.TextChoices):
        SPAM = "spam", _("Banned: comments go to spam")
        HOLD = "hold", _("Always pre-moderated: comments are held")

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        EMAIL = "email", _("Email")
        IP = "ip", _("IP address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    effect = models.CharField(
        _("effect"),
        max_length=10,
        choices=Effect,
        default=Effect.SPAM,
        db_default=Effect.SPAM,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_bans",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a permanent ban."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="account",
                        user__isnull=False,
                        email="",
                        ip_address__isnull=True,
                    )
                    | (
                        models.Q(
                            kind="email", user__isnull=True, ip_address__isnull=True
                        )
                        & ~models.Q(email="")
                    )
                    | models.Q(
                        kind="ip", user__isnull=True, email="", ip_address__isnull=False
                    )
                ),
                name="ban_one_identity",
                violation_error_message="A ban names one identity, the one its kind "
                "says: an account, an email address or an IP address.",
            )
        ]
        indexes = [
            models.Index(fields=["email"], name="ban_email_idx"),
            models.Index(fields=["ip_address"], name="ban_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target}"

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def clean(self):
        # A form's empty address is "", and the constraint wants NULL: without
        # this, no ban by account or email could be added by hand in the admin.
        if not self.ip_address:
            self.ip_address = None

    @property
    def target(self) -> str:
        if self.kind == self.Kind.ACCOUNT:
            return str(self.user) if self.user_id else ""
        if self.kind == self.Kind.EMAIL:
            return self.email
        return str(self.ip_address or "")

    @property
    def is_active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()
