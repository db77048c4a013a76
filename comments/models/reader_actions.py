"""
What readers do to a comment besides replying (report it, like it): once each per
person, as far as the site can tell people apart.

A signed-in reader is their account, wherever they are. A guest is their browser
(a random id in a signed cookie, readers.cookies) and also their network (their
IPv4 address or IPv6 /64, kept as a keyed hash: readers.client_ip.network_key):
a browser without cookies costs nothing, a network does, so fresh browsers from
one place count once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReaderActionQuerySet(models.QuerySet):
    def by_reader(
        self, user, browser: str, network: str = ""
    ) -> "ReaderActionQuerySet":
        """
        A reader's own: their account's, or their browser's for a guest, and,
        given their `network`, a guest's from it (someone under the same roof).
        """
        if user.is_authenticated:
            return self.filter(user=user)
        mine = models.Q(browser=browser) if browser else models.Q()
        if network:
            mine |= models.Q(network=network)
        return self.filter(mine, user=None) if mine else self.none()


class ReaderAction(models.Model):
    """
    Done by a reader, once per comment: per account, or for a guest per browser
    and per network. Subclasses add `comment`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_%(class)ss",
    )
    browser = models.CharField(max_length=64, blank=True)
    # A keyed hash of the network it came from ("" when the address was unknown,
    # or after an erasure): a guest's identity, and the rate limit's key.
    network = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="%(class)s_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["comment", "browser"],
                condition=models.Q(user__isnull=True),
                name="%(class)s_once_per_browser",
            ),
            models.UniqueConstraint(
                fields=["comment", "network"],
                condition=models.Q(user__isnull=True) & ~models.Q(network=""),
                name="%(class)s_once_per_network",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(browser=""),
                name="%(class)s_has_a_reader",
            ),
        ]
        indexes = [
            # The rate limit per network (readers.limits).
            models.Index(fields=["network", "-created_at"], name="%(class)s_net_idx"),
        ]
