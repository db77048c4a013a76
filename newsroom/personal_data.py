"""
A reader's personal data: who they are, everything held about them, erasing it.

Two ways in, as WordPress's "Export/Erase Personal Data" tools and a reader's own
account page:

- an editor names an email address (the admin's "Personal data requests"): the
  person is that address, every account holding it (verified or not), and those
  accounts' verified addresses;
- a signed-in reader asks for themselves (/accounts/data/): their account and its
  verified addresses. An unverified address on the account may be someone else's,
  so its guest comments are not theirs to download or erase.

The discussion's part (comments, subscriptions, mail, bans) is comments'
(comments.personal_data); the account's is here. Every request is logged as a
PersonalDataRequest holding counts only, never the address or the data.
"""

import datetime
import json
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, User
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone

from comments import personal_data as discussion
from comments.personal_data import Mode, Person
from comments.tokens import absolute
from newsroom.models import PersonalDataRequest

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
]


class StaffAccount(Exception):
    """Staff accounts are not erased from here: an administrator removes their
    staff status first, so nobody loses the admin by a mistyped address."""

    def __init__(self, usernames: list[str]) -> None:
        self.usernames = usernames
        super().__init__(", ".join(usernames))


def person_with_address(email: str) -> Person:
    """The person an editor means by an address: see the module docstring."""
    User = get_user_model()
    users = tuple(
        User.objects.filter(
            models.Q(email__iexact=email)
            | models.Exists(
                EmailAddress.objects.filter(
                    user=models.OuterRef("pk"), email__iexact=email
                )
            )
        ).order_by("pk")
    )
    emails = frozenset({email.lower()}) | verified_addresses(users)
    return Person(emails=emails, users=users)


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


def counts(person: Person) -> dict[str, int]:
    """What erasing the person would touch, for the page that asks to confirm."""
    return discussion.counts(person) | {"accounts": len(person.users)}


def erase(
    person: Person,
    mode: str,
    *,
    done_by: User | None,
    by_the_reader: bool = False,
) -> PersonalDataRequest:
    """
    Forget the person: their comments anonymised or removed (`mode`), their
    subscriptions, mail and accounts deleted. Refused (StaffAccount) when an
    account is staff. The discussion's cached pages follow by themselves: the
    comments' UPDATE bumps their articles' versions (comments/migrations/0004).
    """
    staff = [u.get_username() for u in person.users if u.is_staff or u.is_superuser]
    if staff:
        raise StaffAccount(staff)
    with transaction.atomic():
        summary = discussion.erase(person, mode)
        for user in person.users:
            user.delete()
        summary["accounts deleted"] = len(person.users)
        return PersonalDataRequest.objects.create(
            action=PersonalDataRequest.Action.ERASE,
            done_by=done_by,
            by_the_reader=by_the_reader,
            summary=summary,
        )
