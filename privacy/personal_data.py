"""
What the discussion holds about one person, handed over or forgotten on request.

A person is known by email addresses and accounts (`Person`): who they are is for
the site to decide (newsroom.personal_data, which knows accounts and which of their
addresses are proven). Here is what hangs from them: their comments, subscriptions
and the notices those are owed, the mail addressed to them, bans on them and what
editors did to their comments.

Erasing keeps the comments (as "Anonymous", or hidden with their text gone, see
`Comment.objects.erase()`) because other readers' replies hang from them. Bans on
an address or an IP stay: an erasure must not lift a ban. Mail that told others of
their comments (the moderators' "waiting for moderation", a subscriber's "Grace
commented on…") is ours too until sent: a sent one already forgot its words
(comments.tasks.deliver) and forgets its subject, one not sent yet is written again
without them. Task rows carry ids, except those queued with a message as their
arguments (tasks.send_email_message): those naming them go.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import CharField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks
from comments.models import (
    Ban,
    Comment,
    Like,
    ModerationAction,
    Notice,
    OutboundMail,
    Report,
    Subscription,
)
from comments.models.comment import ERASED_TEXT
from readers import tokens


@dataclass(frozen=True)
class Person:
    """Addresses (lower case) and accounts that stand for one person."""

    emails: frozenset[str]
    users: tuple[AbstractUser, ...] = field(default=())


class Mode(models.TextChoices):
    """What erasing does to a person's comments."""

    ANONYMISE = "anonymise", "Keep the comments, shown as “Anonymous”"
    REMOVE = "remove", "Remove the comments (their text is deleted)"


def comments_of(person: Person) -> models.QuerySet[Comment]:
    return Comment.objects.by_person(person.emails, person.users)


def subscriptions_of(person: Person) -> models.QuerySet[Subscription]:
    mine = models.Q(email__in=person.emails)
    if person.users:
        mine |= models.Q(user__in=person.users)
    return Subscription.objects.filter(mine)


def mail_to(person: Person) -> models.QuerySet[OutboundMail]:
    """Mail with one of the person's addresses among its recipients, in any case."""
    if not person.emails:
        return OutboundMail.objects.none()
    addressed = RawSQL(
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(comments_outboundmail.to)"
        " AS recipient WHERE lower(recipient) = ANY(%s))",
        [sorted(person.emails)],
        output_field=models.BooleanField(),
    )
    return OutboundMail.objects.filter(addressed)


def mail_about(comment_ids: list[int]) -> models.QuerySet[OutboundMail]:
    """Mail that told someone of one of these comments (a digest's notices)."""
    return OutboundMail.objects.filter(
        pk__in=Notice.objects.filter(comment__in=comment_ids).values("mail")
    )


def tasks_naming(person: Person) -> models.QuerySet[DBTaskResult[Any, Any]]:
    """
    Task rows, not running, whose arguments or result hold one of the person's
    addresses, in any case. A running one is its worker's to finish.
    """
    if not person.emails:
        return DBTaskResult.objects.none()
    named = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(%s::text[]) AS address WHERE strpos(lower("
        "args_kwargs::text || coalesce(return_value::text, '')), address) > 0)",
        [sorted(person.emails)],
        output_field=models.BooleanField(),
    )
    return DBTaskResult.objects.filter(named).exclude(status=TaskResultStatus.RUNNING)


def forget_in_mail_about(comment_ids: list[int]) -> dict[str, int]:
    """
    Sent mail about the comments keeps its subject no more (it may name them: "Grace
    commented on…"); mail not sent yet is deleted and its subscribers' digests
    queued again, which tell of the comments as they now are (as "Anonymous", or
    not at all once removed), and of the other comments it held.
    """
    about = mail_about(comment_ids)
    sent = about.filter(status=OutboundMail.Status.SENT)
    redacted = sent.update(subject=ERASED_TEXT, body="", html="", headers={})
    unsent = about.exclude(status=OutboundMail.Status.SENT)
    owed = list(
        Subscription.objects.filter(notices__mail__in=unsent)
        .distinct()
        .values_list("pk", flat=True)
    )
    deleted, _ = unsent.delete()  # their notices wait again (SET_NULL)
    Subscription.objects.filter(pk__in=owed).update(digest_due_at=timezone.now())
    for pk in owed:
        tasks.enqueue(tasks.send_digest, pk)
    return {
        "mails about them redacted": redacted,
        "mails about them rewritten": deleted,
    }


def bans_on(person: Person) -> models.QuerySet[Ban]:
    """Bans on their addresses, their accounts, or an IP their comments came from."""
    ips = (
        comments_of(person)
        .exclude(ip_address=None)
        .order_by()
        .values("ip_address")
        .distinct()
    )
    match = models.Q(kind=Ban.Kind.EMAIL, email__in=person.emails) | models.Q(
        kind=Ban.Kind.IP, ip_address__in=ips
    )
    if person.users:
        match |= models.Q(kind=Ban.Kind.ACCOUNT, user__in=person.users)
    return Ban.objects.filter(match)


def likes_by(person: Person) -> models.QuerySet[Like]:
    """Likes given while signed in (a guest's are known by browser and network)."""
    return Like.objects.filter(user__in=[user.pk for user in person.users])


def reports_by(person: Person) -> models.QuerySet[Report]:
    """Reports made while signed in (a guest's, by browser and network only)."""
    return Report.objects.filter(user__in=[user.pk for user in person.users])


def export(person: Person, *, for_the_reader: bool) -> dict[str, list[dict[str, Any]]]:
    """
    Everything above as plain JSON values. For the reader themselves (their own
    download), comments held or sent to spam both read "awaiting moderation", and
    bans, moderation reasons and editors' actions are left out: the site never
    tells anyone they were judged a spammer (Comment.SHOWN_AS_HELD). An editor's
    export has all of it, for the editor to pass on as they judge right.
    """
    comments = list(
        comments_of(person).select_related("article").order_by("created_at", "pk")
    )
    data: dict[str, list[dict[str, Any]]] = {
        "comments": [comment_data(c, for_the_reader) for c in comments],
        "subscriptions": [
            subscription_data(s)
            for s in subscriptions_of(person)
            .select_related("article")
            .annotate(waiting=models.Count("notices", models.Q(notices__mail=None)))
            .order_by("requested_at", "pk")
        ],
        "mail": [
            {
                "to": mail.to,
                "subject": mail.subject,
                "status": mail.get_status_display(),
                "created_at": iso(mail.created_at),
                "sent_at": iso(mail.sent_at),
            }
            for mail in mail_to(person).order_by("created_at")
        ],
        "likes": [
            {
                "comment": like.comment_id,
                "article": like.comment.article.title,
                "at": iso(like.created_at),
            }
            for like in likes_by(person)
            .select_related("comment__article")
            .order_by("created_at")
        ],
        "reports": [
            {
                "comment": report.comment_id,
                "reason": report.get_reason_display(),
                "note": report.note,
                "at": iso(report.created_at),
            }
            for report in reports_by(person).order_by("created_at")
        ],
    }
    if not for_the_reader:
        data |= judgements(person, comments)
    return data


def judgements(
    person: Person, comments: list[Comment]
) -> dict[str, list[dict[str, Any]]]:
    """What editors decided about the person: bans, and actions on their comments."""
    return {
        "bans": [
            {
                "kind": ban.get_kind_display(),
                "on": ban.email or str(ban.ip_address or "") or "their account",
                "reason": ban.reason,
                "created_at": iso(ban.created_at),
                "expires_at": iso(ban.expires_at),
            }
            for ban in bans_on(person).order_by("created_at")
        ],
        "moderation": [
            {
                "comment": action.comment_id,
                "action": action.get_action_display(),
                "from_status": action.from_status,
                "to_status": action.to_status,
                "note": action.note,
                "changes": action.changes,
                "at": iso(action.created_at),
            }
            for action in ModerationAction.objects.filter(
                comment__in=[c.pk for c in comments]
            ).order_by("created_at", "pk")
        ],
    }


def comment_data(comment: Comment, for_the_reader: bool) -> dict[str, Any]:
    status = comment.get_status_display()
    if for_the_reader and comment.is_shown_as_held:
        status = "Awaiting moderation"
    data = {
        "id": comment.pk,
        "article": comment.article.title,
        "article_url": tokens.absolute(comment.article.get_absolute_url()),
        "in_reply_to": comment.parent_id,
        "status": status,
        "posted_at": iso(comment.created_at),
        "text": comment.body,
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "ip_address": str(comment.ip_address) if comment.ip_address else None,
        "user_agent": comment.user_agent,
        "signed_in_with": comment.author_provider,
        "account": comment.author_account,
        "picture": tokens.absolute(comment.avatar_url) if comment.author_avatar else "",
    }
    if not for_the_reader:
        data["moderation_reason"] = comment.moderation_reason
    return data


def subscription_data(subscription: Subscription) -> dict[str, Any]:
    return {
        "email": subscription.email,
        "topic": subscription.get_topic_display(),
        "article": subscription.article.title if subscription.article else None,
        "status": subscription.get_status_display(),
        "requested_at": iso(subscription.requested_at),
        "confirmed_at": iso(subscription.confirmed_at),
        "unsubscribed_at": iso(subscription.unsubscribed_at),
        "last_mailed_at": iso(subscription.last_mailed_at),
        "notices_waiting": subscription.waiting,  # type: ignore[attr-defined]
    }


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def counts(person: Person) -> dict[str, int]:
    """What erasing would touch, for the page that asks to confirm."""
    comments = comments_of(person)
    return {
        "comments": comments.count(),
        "comments_with_replies": comments.filter(
            models.Exists(Comment.objects.filter(parent=models.OuterRef("pk")))
        ).count(),
        "subscriptions": subscriptions_of(person).count(),
        "mails": mail_to(person).count(),
        "bans": bans_on(person).count(),
        "likes": likes_by(person).count(),
        "reports": reports_by(person).count(),
    }


def erase(person: Person, mode: str) -> dict[str, int]:
    """
    Forget the person here, in the caller's transaction; return what was done, as
    counts. Their accounts are the caller's to delete (after this: the comments'
    link to them is gone by then). Pictures that no comment shows any more are
    deleted from storage once the transaction has committed.
    """
    comments = comments_of(person)
    ids = list(comments.values_list("pk", flat=True))
    pictures = set(
        comments.exclude(author_avatar="").values_list("author_avatar", flat=True)
    )
    mine = Comment.objects.filter(pk__in=ids)
    if mode == Mode.REMOVE:
        done = {"comments removed": mine.erase()}
    else:
        done = {"comments anonymised": mine.anonymise()}
    # The edit history of their comments holds their earlier words and names.
    done["edit histories cleared"] = (
        ModerationAction.objects.filter(comment__in=ids)
        .exclude(changes={})
        .update(changes={})
    )
    subscriptions = subscriptions_of(person)
    done["notices dropped"] = Notice.objects.filter(
        subscription__in=subscriptions
    ).count()
    done["subscriptions deleted"] = subscriptions.count()
    subscriptions.delete()
    done["mails deleted"], _ = mail_to(person).delete()
    done |= forget_in_mail_about(ids)
    done["task rows deleted"], _ = tasks_naming(person).delete()
    # Likes go (their counts follow: comments/migrations/0016); reports stay for
    # the moderators, without who made them.
    done["likes deleted"], _ = likes_by(person).delete()
    reports = reports_by(person)
    done["reports made anonymous"] = reports.update(
        user=None,
        browser=Concat(Value("erased:"), Cast("pk", CharField())),
        network="",
    )
    done["bans kept"] = bans_on(person).exclude(kind=Ban.Kind.ACCOUNT).count()
    transaction.on_commit(lambda: delete_unused_pictures(pictures))
    return done


def delete_unused_pictures(names: Iterable[str]) -> None:
    """Pictures are named by their content and shared: delete only unused ones."""
    used = set(
        Comment.objects.filter(author_avatar__in=names).values_list(
            "author_avatar", flat=True
        )
    )
    for name in set(names) - used:
        default_storage.delete(name)
