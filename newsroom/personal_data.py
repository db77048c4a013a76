"""
A reader's personal data: who they are, everything held about them, erasing it.

Two ways in, as WordPress's "Export/Erase Personal Data" tools and a reader's own
account page:

- an editor names an email address (the admin's "Personal data requests"): the
  person is that address, the accounts that verified it, and those accounts'
  other verified addresses. An account holding the address unverified may be
  someone else's (a typo, or an attacker's): an export says only that the address
  is there, unverified, and erasing takes the address off it and leaves the account;
- a signed-in reader asks for themselves (/accounts/data/): their account and its
  verified addresses. An unverified address on the account may be someone else's,
  so its guest comments are not theirs to download or erase.

The discussion's part (comments, subscriptions, mail, bans) is comments'
(privacy.personal_data); the account's is here. Every request is logged as a
PersonalDataRequest holding counts only, never the address or the data.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, User
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone

from newsroom.models import PersonalDataRequest
from privacy import personal_data as discussion
from privacy.personal_data import Mode
from readers.tokens import absolute

__all__ = [
    "Mode",
    "Person",
    "StaffAccount",
    "counts",
    "download",
    "erase",
    "export",
    "person_of_account",
    "person_with_address",
    "unproven_addresses",
]


@dataclass(frozen=True)
class Person(discussion.Person):
    """The discussion's person, and the accounts that hold one of their addresses
    without having verified it (`unproven`): those accounts are not theirs."""

    unproven: tuple[AbstractUser, ...] = ()

    @property
    def staff(self) -> list[str]:
        return [
            user.get_username()
            for user in self.users + self.unproven
            if user.is_staff or user.is_superuser
        ]


class StaffAccount(Exception):
    """Staff accounts are not erased from here: an administrator removes their
    staff status first, so nobody loses the admin by a mistyped address."""

    def __init__(self, usernames: list[str]) -> None:
        self.usernames = usernames
        super().__init__(", ".join(usernames))


def person_with_address(email: str) -> Person:
    """The person an editor means by an address: see the module docstring."""
    address = EmailAddress.objects.filter(
        user=models.OuterRef("pk"), email__iexact=email
    )
    holders = list(
        get_user_model()
        .objects.filter(models.Q(email__iexact=email) | models.Exists(address))
        .annotate(proven=models.Exists(address.filter(verified=True)))
        .order_by("pk")
    )
    owners = tuple(user for user in holders if user.proven)
    return Person(
        emails=frozenset({email.lower()}) | verified_addresses(owners),
        users=owners,
        unproven=tuple(user for user in holders if not user.proven),
    )


def person_of_account(user: AbstractUser) -> Person:
    """A signed-in reader asking for themselves: their account, proven addresses."""
    return Person(emails=verified_addresses([user]), users=(user,))


def verified_addresses(users: Iterable[AbstractUser]) -> frozenset[str]:
    if not users:
        return frozenset()
    return frozenset(
        email.lower()
        for email in EmailAddress.objects.filter(
            user__in=users, verified=True
        ).values_list("email", flat=True)
    )


def export(
    person: Person, *, done_by: User | None, by_the_reader: bool = False
) -> dict[str, Any]:
    """Everything held about the person, as JSON values; the request is logged."""
    data: dict[str, Any] = {
        "site": absolute("/"),
        "exported_at": timezone.now().isoformat(),
        "addresses_searched": sorted(person.emails),
        "accounts": [account_data(user) for user in person.users],
        # Not whose: only that the address is on some account, never confirmed.
        "unverified_on_accounts": [
            {"email": address, "verified": False}
            for address in unproven_addresses(person).values_list("email", flat=True)
        ],
        **discussion.export(person, for_the_reader=by_the_reader),
    }
    PersonalDataRequest.objects.create(
        action=PersonalDataRequest.Action.EXPORT,
        done_by=done_by,
        by_the_reader=by_the_reader,
        summary={
            f"{key} exported": len(value)
            for key, value in data.items()
            if isinstance(value, list) and key != "addresses_searched"
        },
    )
    return data


def download(data: dict[str, Any]) -> HttpResponse:
    """An export as a JSON file the browser saves, named by the day, not by whose."""
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    day = datetime.date.today().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="newsroom-personal-data-{day}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


def account_data(user: AbstractUser) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "email": user.email,
        "date_joined": discussion.iso(user.date_joined),
        "last_login": discussion.iso(user.last_login),
        "addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # Who they are at X or Facebook, not the keys to act as them.
        "signs_in_with": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "date_joined": discussion.iso(s.date_joined),
                "last_login": discussion.iso(s.last_login),
            }
            for s in SocialAccount.objects.filter(user=user).order_by("provider")
        ],
    }


def unproven_addresses(person: Person) -> models.QuerySet[EmailAddress]:
    """The person's addresses on accounts that never verified them."""
    match = models.Q(pk__in=[])
    for email in person.emails:
        match |= models.Q(email__iexact=email)
    addresses: models.QuerySet[EmailAddress] = EmailAddress.objects.filter(
        match, user__in=person.unproven
    )
    return addresses


def counts(person: Person) -> dict[str, int]:
    """What erasing the person would touch, for the page that asks to confirm."""
    return discussion.counts(person) | {
        "accounts": len(person.users),
        "unproven": len(person.unproven),
    }


def erase(
    person: Person,
    mode: str,
    *,
    done_by: User | None,
    by_the_reader: bool = False,
) -> PersonalDataRequest:
    """
    Forget the person: their comments anonymised or removed (`mode`), their
    subscriptions, mail and accounts deleted, the address taken off accounts
    that never verified it. Refused (StaffAccount) when an account is staff. The
    discussion's cached pages follow by themselves: the comments' UPDATE bumps
    their articles' versions (comments/migrations/0004).
    """
    if person.staff:
        raise StaffAccount(person.staff)
    with transaction.atomic():
        summary = discussion.erase(person, mode)
        for user in person.users:
            user.delete()
        summary["accounts deleted"] = len(person.users)
        summary["unverified addresses removed"], _ = unproven_addresses(person).delete()
        for user in person.unproven:
            if user.email.lower() in person.emails:
                user.email = ""
                user.save(update_fields=["email"])
        return PersonalDataRequest.objects.create(
            action=PersonalDataRequest.Action.ERASE,
            done_by=done_by,
            by_the_reader=by_the_reader,
            summary=summary,
        )
