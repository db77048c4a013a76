"""
Notification mail, sent by the task worker (`manage.py db_worker`).

Nothing here runs in a web request. The site only enqueues a task (a row in
PostgreSQL, written in the same transaction as the comment or article that caused
it); the worker then:

1. fans out: finds who is owed a mail about a comment or an article and records a
   Notice for each subscriber (unique, so nothing is announced twice);
2. sends digests: at most one mail per subscription per NOTIFICATION_INTERVAL; the
   first notice goes at once, later ones wait and are gathered into one mail;
3. delivers: one OutboundMail row per message and recipient, claimed with
   SELECT … FOR UPDATE SKIP LOCKED, so two workers never send the same message. A
   failed send is tried again later (exponential backoff) by re-enqueueing the
   delivery with `run_after`: django-tasks-db itself never retries a task.

4. keeps periodic tasks scheduled (`keep_scheduled`), such as the hourly clearing
   of old comments' IP addresses (privacy.tasks).

`send_message` is the generic entry point for other code (the account adapter)
that wants a message sent by the worker instead of in the request.

What a mail said stays only until it is sent: its text names readers and its links
(a password reset, a confirmation, an unsubscribe) open accounts and subscriptions.
So a task carries a mail's id, never its words, and a sent mail keeps its
recipient, subject and dates for the mail log, not its body (`deliver`).

Every task here is safe to run again, even beside a run of itself: notices are
unique, digests and deliveries lock their row and take only what is still to do.
That is what lets a starting worker requeue the tasks a killed worker left running
(newsroom/management/commands/db_worker.py). A new task must keep it so.
"""

import email.policy
import logging
import random
import smtplib
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import Q
from django.tasks import Task, TaskContext, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.text import single_line
from comments.digests import digest_mail, in_language_of
from comments.models import Comment, Notice, OutboundMail, Subscription

logger = logging.getLogger(__name__)

MODERATOR_GROUPS = ["Editors", "Moderators"]
MAX_RETRY_DELAY = 6 * 60 * 60
# A digest this overdue was lost (its worker was killed mid-task): schedule another.
LOST_DIGEST_AFTER = timedelta(minutes=10)
# The advisory lock under which a periodic task's next run is looked for and queued.
SCHEDULE_LOCK_SPACE = 0x6E770003


def enqueue(a_task, *args, run_after=None) -> None:
    """
    Enqueue in the current transaction. The database backend writes the task row
    right now, so it commits or rolls back with whatever caused it and the worker
    can never see a task for a comment that doesn't exist (yet). A backend outside
    the database would run before the commit, so it gets the task after it instead.
    """
    if run_after is not None and run_after > timezone.now():
        a_task = a_task.using(run_after=run_after)
    if isinstance(a_task.get_backend(), DatabaseBackend):
        a_task.enqueue(*args)
    else:
        transaction.on_commit(lambda: a_task.enqueue(*args))


# --- 1. Fan-out -------------------------------------------------------------------


@task
def comment_published(comment_id: int) -> str:
    """An approved comment: mail the article's subscribers, except its author."""
    comment = (
        Comment.objects.select_related("parent", "article")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.status != Comment.Status.APPROVED:
        return "not approved"
    subscribers = Subscription.objects.confirmed().for_article_comments(
        comment.article_id
    )
    if comment.author_email:
        subscribers = subscribers.exclude(email=comment.author_email.lower())
    if comment.user_id:
        subscribers = subscribers.exclude(user=comment.user_id)
    parent = comment.parent

    def is_reply_to(subscription: Subscription) -> bool:
        if parent is None:
            return False
        return (
            parent.user_id is not None and parent.user_id == subscription.user_id
        ) or (
            bool(parent.author_email)
            and parent.author_email.lower() == subscription.email
        )

    return owe(subscribers, comment=comment, is_reply=is_reply_to)


@task
def comments_published(comment_ids: list[int]) -> str:
    """Comments an editor approved together: one task, however many."""
    return "; ".join(comment_published.call(pk) for pk in comment_ids)


@task
def comment_held(comment_id: int) -> str:
    """A comment waiting for moderation: tell the moderators."""
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return "not pending"
    staff = list(moderators())
    for user in staff:
        Subscription.objects.get_or_create(
            email=user.email.lower(),
            topic=Subscription.Topic.HELD,
            article=None,
            defaults={
                "user": user,
                "status": Subscription.Status.CONFIRMED,
                "confirmed_at": timezone.now(),
            },
        )
    subscribers = Subscription.objects.confirmed().filter(
        topic=Subscription.Topic.HELD,
        email__in=[user.email.lower() for user in staff],
    )
    return owe(subscribers, comment=comment)


@task
def article_published(article_id: int) -> str:
    """A newly published article: tell the "new posts" subscribers, once."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return "not published"
    if article.published_at > timezone.now():
        # Scheduled: come back when it appears (again, if its date moved).
        enqueue(article_published, article_id, run_after=article.published_at)
        return "scheduled"
    subscribers = Subscription.objects.confirmed().filter(
        topic=Subscription.Topic.POSTS
    )
    return owe(subscribers, article=article)


def moderators():
    """Active staff who moderate: in an editors' group, or allowed to change
    comments (directly, through a group, or as superusers), with an address."""
    can_moderate = Q(is_superuser=True) | Q(groups__name__in=MODERATOR_GROUPS)
    for path in ("user_permissions", "groups__permissions"):
        can_moderate |= Q(
            **{
                f"{path}__codename": "change_comment",
                f"{path}__content_type__app_label": "comments",
            }
        )
    return (
        get_user_model()
        .objects.filter(can_moderate, is_active=True, is_staff=True)
        .exclude(email="")
        .distinct()
    )


def owe(subscribers, *, comment=None, article=None, is_reply=None) -> str:
    """
    Record a notice for each subscriber and make sure a digest is scheduled: now,
    or when the subscriber's interval since their last mail is over.
    """
    interval = timedelta(seconds=settings.NOTIFICATION_INTERVAL)
    with transaction.atomic():
        # Locked in id order, so fan-outs and digests never deadlock.
        locked = list(subscribers.select_for_update(of=("self",)).order_by("pk"))
        Notice.objects.bulk_create(
            [
                Notice(
                    subscription=subscription,
                    comment=comment,
                    article=article,
                    is_reply=bool(is_reply and is_reply(subscription)),
                )
                for subscription in locked
            ],
            ignore_conflicts=True,
        )
        now = timezone.now()
        for subscription in locked:
            if (
                subscription.digest_due_at is not None
                and subscription.digest_due_at > now - LOST_DIGEST_AFTER
            ):
                continue  # a digest is already on its way; it will include this
            due = now
            if subscription.last_mailed_at:
                due = max(now, subscription.last_mailed_at + interval)
            subscription.digest_due_at = due
            subscription.save(update_fields=["digest_due_at"])
            enqueue(send_digest, subscription.pk, run_after=due)
    return f"{len(locked)} subscriber(s)"


# --- 2. Digests -------------------------------------------------------------------


@task
def send_digest(subscription_id: int) -> str:
    """One mail with everything a subscriber is owed that is still true."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None:
            return "gone"
        notices = list(
            subscription.notices.filter(mail=None)
            .select_related("comment__article", "comment__parent", "article")
            .order_by("created_at", "pk")
        )
        subscription.digest_due_at = None
        still_true = [n for n in notices if is_still_true(subscription, n)]
        if subscription.status != Subscription.Status.CONFIRMED or not still_true:
            Notice.objects.filter(pk__in=[n.pk for n in notices]).delete()
            subscription.save(update_fields=["digest_due_at"])
            return "nothing to send"
        with in_language_of(subscription):
            mail = digest_mail(subscription, still_true)
        Notice.objects.filter(pk__in=[n.pk for n in still_true]).update(mail=mail)
        Notice.objects.filter(
            pk__in=[n.pk for n in notices if n not in still_true]
        ).delete()
        subscription.last_mailed_at = timezone.now()
        subscription.save(update_fields=["digest_due_at", "last_mailed_at"])
        enqueue(deliver_mail, str(mail.pk))
    return f"{len(still_true)} notice(s)"


def is_still_true(subscription: Subscription, notice: Notice) -> bool:
    """A comment unapproved (or already moderated) meanwhile is not news."""
    if subscription.topic == Subscription.Topic.POSTS:
        return notice.article is not None and notice.article.is_published
    if notice.comment is None:
        return False
    wanted = (
        Comment.Status.PENDING
        if subscription.topic == Subscription.Topic.HELD
        else Comment.Status.APPROVED
    )
    return notice.comment.status == wanted


# --- 3. Delivery ------------------------------------------------------------------


def send_message(
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    headers: dict | None = None,
    *,
    kind: str = "message",
) -> OutboundMail:
    """
    Send any message through the worker, with retries and exactly-once delivery.
    Call it inside the transaction that decided to send it: the mail row and its
    delivery task (which holds only the row's id) commit with it.
    """
    mail = OutboundMail.objects.create(
        kind=kind,
        to=list(to),
        subject=subject,
        body=body,
        html=html or "",
        headers=headers or {},
    )
    enqueue(deliver_mail, str(mail.pk))
    return mail


@task(takes_context=True)
def send_email_message(
    context: TaskContext,
    subject: str = "",
    body: str = "",
    to: Sequence[str] = (),
    html: str = "",
    headers: dict | None = None,
) -> str:
    """
    The task whose arguments were the message, before send_message(): kept for
    rows queued that way. The mail row is made and the arguments forgotten in one
    transaction, so a run again (its worker killed) finds nothing left to do.
    """
    with transaction.atomic():
        if to:
            send_message(subject, body, list(to), html, headers)
        DBTaskResult.objects.filter(pk=context.task_result.id).update(
            args_kwargs={"args": [], "kwargs": {}}
        )
    return "queued" if to else "already queued"


@task
def deliver_mail(mail_id: str) -> str:
    return deliver(mail_id)


def deliver(mail_id) -> str:
    """
    Send one OutboundMail, if nobody has. The row is claimed (QUEUED → SENDING) and
    committed before the mail server is contacted; only SENT or a retry ends it.
    """
    with transaction.atomic():
        mail = (
            OutboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutboundMail.Status.QUEUED)
            .first()
        )
        if mail is None:
            return "already handled"
        mail.status = OutboundMail.Status.SENDING
        mail.attempts += 1
        mail.claimed_at = timezone.now()
        mail.save(update_fields=["status", "attempts", "claimed_at"])

    try:
        sent = mailers.default.send_messages([email_message(mail)])
        if not sent:
            raise smtplib.SMTPException("the mail backend sent nothing")
    except Exception as error:
        return failed(mail, error)
    mail.status = OutboundMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    # Delivered: its words are the recipient's now, and not ours to keep.
    mail.body, mail.html, mail.headers = "", "", {}
    mail.save(
        update_fields=["status", "sent_at", "last_error", "body", "html", "headers"]
    )
    return "sent"


class Message(EmailMultiAlternatives):
    """
    Headers up to RFC 5322's 998 characters a line. At the default 78, Python's
    email package turns a long header it can't fold (a List-Unsubscribe address) into
    RFC 2047 encoded words, which mail programs then can't read as a URL.
    """

    def message(self, *, policy=email.policy.default):
        # The parts are encoded as Django would; only the headers' folding changes.
        message = super().message(policy=policy)
        message.policy = policy.clone(max_line_length=998)
        return message


def email_message(mail: OutboundMail) -> EmailMultiAlternatives:
    message = Message(
        # One line, whatever a name or title held when the subject was made: a
        # line break would make the email package refuse the message.
        subject=single_line(mail.subject),
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.to,
        # Fixed per row: a resend is the same message to clients that deduplicate.
        headers=mail.headers | {"Message-ID": mail.message_id},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def failed(mail: OutboundMail, error: Exception) -> str:
    """
    Nothing was accepted (the server refused, or could not be reached): try again
    later, unless the refusal is permanent (a 5xx reply) or the attempts are spent.
    """
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    permanent = isinstance(error, smtplib.SMTPRecipientsRefused) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    )
    if permanent or mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
        mail.status = OutboundMail.Status.FAILED
        mail.save(update_fields=["status", "last_error"])
        logger.error("Mail %s to %s failed for good: %s", mail.pk, mail.to, error)
        return "failed"
    delay = min(settings.MAIL_RETRY_DELAY * 2 ** (mail.attempts - 1), MAX_RETRY_DELAY)
    delay *= random.uniform(1, 1.1)  # spread the retries after an outage
    mail.status = OutboundMail.Status.QUEUED
    mail.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    with transaction.atomic():
        mail.save(update_fields=["status", "last_error", "next_attempt_at"])
        enqueue(deliver_mail, str(mail.pk), run_after=mail.next_attempt_at)
    logger.warning(
        "Mail %s not sent (attempt %d), next try in %.0f s: %s",
        mail.pk,
        mail.attempts,
        delay,
        error,
    )
    return "retry scheduled"


# --- 4. Periodic tasks ------------------------------------------------------------


def keep_scheduled(a_task: Task, *, run_after=None) -> bool:
    """
    Queue `a_task` (without arguments) to run at `run_after` (now when None),
    unless a run of it is already waiting: however many workers start, or however
    a run ended, there is one. Returns whether it queued one.

    django.tasks has no scheduler; the worker calls this for its PERIODIC_TASKS
    when it starts (newsroom/management/commands/db_worker.py) and each run
    queues the next. Only with the database backend: another one would run it at
    once, and the run would queue the next, for ever.
    """
    if not isinstance(a_task.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [SCHEDULE_LOCK_SPACE, a_task.module_path],
            )
        waiting = DBTaskResult.objects.filter(
            task_path=a_task.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        enqueue(a_task, run_after=run_after)
    return True
