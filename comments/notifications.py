"""
"Notify me of new comments / new posts via email": the site's side.

These functions run in web requests, inside the transaction that saves a comment or
an article, and only ever write rows: subscriptions, and tasks for the worker
(comments/tasks.py), which does the fanning out and the sending. So a slow or absent
mail server can't slow or break posting, and a rolled-back comment leaves no mail
behind.

- `subscribe()`: the two checkboxes of the "Leave a Reply" form, and the account
  page. Double opt-in: a guest's address (or a signed-in reader's unverified one)
  gets one confirmation mail and nothing else until its link is followed. What it
  did (`Subscribed`) is told to the reader after posting.
- `comment_posted()`: called by `posting.save_comment`; `comment_approved()`: called
  when an editor approves a held comment.
- Articles: `comments` knows Article only through its foreign key, so it learns
  that one became published from Article's save signals (connected in apps.py).
  The admin's "Publish" action saves each article so the signal fires.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comments import digests, tasks
from comments.models import Comment, OutboundMail, Subscription
from readers import tokens

# One confirmation mail per address at most this often, so the form can't be used
# to mail-bomb someone else's address.
CONFIRMATIONS_PER_DAY = 3


def verified_email(user) -> str | None:
    """
    The address we may mail a signed-in reader at, or None: one they verified
    with django-allauth (a site account's, or one an X reader added and
    confirmed). Facebook's addresses arrive unverified and don't count.
    """
    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary")
        .values_list("email", flat=True)
        .first()
    )
    return address.strip().lower() if address else None


@dataclass(frozen=True)
class Subscribed:
    """
    What subscribing did: the address and its subscriptions ("" and none for a
    signed-in reader with no confirmed address), and whether a confirmation mail
    is on its way to it.
    """

    email: str
    subscriptions: list[Subscription] = field(default_factory=list)
    confirmation_sent: bool = False

    @property
    def message(self) -> str:
        """What the reader who ticked the form's boxes is told."""
        status = Subscription.Status
        pending = [s for s in self.subscriptions if s.status == status.PENDING]
        confirmed = [s for s in self.subscriptions if s.status == status.CONFIRMED]
        if not self.email:
            return _(
                "To get new comments or articles by email, add and confirm an email "
                "address on your account’s Email page."
            )
        said = []
        if pending and self.confirmation_sent:
            said.append(
                _(
                    "A confirmation mail is on its way to %(email)s: follow its "
                    "link to get %(topics)s by email."
                )
                % {"email": self.email, "topics": topics(pending)}
            )
        elif pending:
            said.append(
                _(
                    "%(email)s has been sent %(count)s confirmation mails today, the "
                    "most we send in a day: follow the link in one of them to get "
                    "%(topics)s by email."
                )
                % {
                    "email": self.email,
                    "count": CONFIRMATIONS_PER_DAY,
                    "topics": topics(pending),
                }
            )
        if confirmed:
            said.append(
                _("You will get %(topics)s by email at %(email)s.")
                % {"topics": topics(confirmed), "email": self.email}
            )
        return " ".join(said)


def topics(subscriptions: list[Subscription]) -> str:
    names: dict[str, str] = {
        Subscription.Topic.COMMENTS: _("new comments on this article"),
        Subscription.Topic.POSTS: _("new articles"),
    }
    chosen = [names[s.topic] for s in subscriptions if s.topic in names]
    if len(chosen) == 2:
        return _("%(first)s and %(second)s") % {"first": chosen[0], "second": chosen[1]}
    return "".join(chosen)


def comment_posted(
    request, comment: Comment, *, notify_comments: bool, notify_posts: bool
) -> Subscribed | None:
    """
    A comment was just saved (inside save_comment's transaction). The author's
    boxes are honoured whatever its status, spam included: a confirmation mail
    that came only for held comments would tell a banned author they are banned.
    Spam alerts nobody and announces nothing. Returns what the boxes did, if any
    was ticked.
    """
    subscribed = None
    if notify_comments or notify_posts:
        user = request.user if request.user.is_authenticated else None
        email = verified_email(user) if user else comment.author_email
        subscribed = Subscribed(email="")
        if email:
            subscribed = subscribe(
                email=email,
                user=user,
                verified=user is not None,
                article=comment.article if notify_comments else None,
                posts=notify_posts,
            )
    if comment.status == Comment.Status.APPROVED:
        tasks.enqueue(tasks.comment_published, comment.pk)
    elif comment.status == Comment.Status.PENDING:
        tasks.enqueue(tasks.comment_held, comment.pk)
    return subscribed


def comment_approved(comment: Comment) -> None:
    """An editor approved a comment: its article's subscribers hear of it now."""
    tasks.enqueue(tasks.comment_published, comment.pk)


def comments_approved(comment_ids: list[int]) -> None:
    """Comments approved in bulk: one task row, whatever their number."""
    if comment_ids:
        tasks.enqueue(tasks.comments_published, list(comment_ids))


@transaction.atomic
def subscribe(
    *, email: str, user=None, verified: bool = False, article=None, posts=False
) -> Subscribed:
    """
    Subscribe an address to comments on `article` and/or to new articles. A
    verified address is confirmed at once; any other gets a confirmation mail
    (at most CONFIRMATIONS_PER_DAY a day). Returns the subscriptions touched, and
    whether a confirmation mail was sent.
    """
    email = email.strip().lower()
    wanted = []
    if article is not None:
        wanted.append((Subscription.Topic.COMMENTS, article))
    if posts:
        wanted.append((Subscription.Topic.POSTS, None))
    now = timezone.now()
    touched, to_confirm = [], []
    for topic, on_article in wanted:
        subscription, _created = Subscription.objects.select_for_update().get_or_create(
            email=email, topic=topic, article=on_article, defaults={"user": user}
        )
        if user is not None and subscription.user_id is None:
            subscription.user = user
        # The language of the page the reader subscribed from: their mail's.
        subscription.language = get_language() or ""
        if subscription.status == Subscription.Status.UNSUBSCRIBED:
            subscription.status = Subscription.Status.PENDING
            subscription.requested_at = now
            subscription.unsubscribed_at = None
        if subscription.status == Subscription.Status.PENDING:
            if verified:
                subscription.status = Subscription.Status.CONFIRMED
                subscription.confirmed_at = now
            else:
                to_confirm.append(subscription)
        subscription.save()
        touched.append(subscription)
    sent = bool(to_confirm) and send_confirmation(email, to_confirm)
    return Subscribed(email, touched, confirmation_sent=sent)


def send_confirmation(email: str, subscriptions: list[Subscription]) -> bool:
    """Ask the worker to send the confirmation mail; False if too many were today."""
    recently = OutboundMail.objects.filter(
        kind="confirm",
        to__contains=[email],
        created_at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if recently >= CONFIRMATIONS_PER_DAY:
        return False
    ids = [s.pk for s in subscriptions]
    with digests.in_language_of(subscriptions[0]):
        mail = digests.build_mail(
            kind="confirm",
            to=email,
            subject=_("Please confirm your subscription to Newsroom"),
            template="comments/email/confirm",
            context={
                "subscriptions": subscriptions,
                "confirm_url": tokens.confirm_url(ids, email),
                "email": email,
            },
            unsubscribe=ids,
        )
    tasks.enqueue(tasks.deliver_mail, str(mail.pk))
    return True


def confirm(ids: list[int], email: str, signed_at) -> tuple[str, list[Subscription]]:
    """
    Follow a confirmation link. Returns what happened ("confirmed", "already" or
    "stale") and the subscriptions concerned.
    """
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(pk__in=ids, email=email)
            .order_by("pk")
        )
        now = timezone.now()
        confirmed = []
        for subscription in subscriptions:
            if (
                subscription.status == Subscription.Status.PENDING
                and subscription.requested_at.replace(microsecond=0) <= signed_at
            ):
                subscription.status = Subscription.Status.CONFIRMED
                subscription.confirmed_at = now
                subscription.save(update_fields=["status", "confirmed_at"])
                confirmed.append(subscription)
    if confirmed:
        return "confirmed", confirmed
    if subscriptions and all(
        s.status == Subscription.Status.CONFIRMED for s in subscriptions
    ):
        return "already", subscriptions
    return "stale", subscriptions


def unsubscribe(ids: list[int]) -> list[Subscription]:
    """Idempotent: unsubscribing twice is unsubscribing once."""
    now = timezone.now()
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        for subscription in subscriptions:
            if subscription.status != Subscription.Status.UNSUBSCRIBED:
                subscription.status = Subscription.Status.UNSUBSCRIBED
                subscription.unsubscribed_at = now
                subscription.save(update_fields=["status", "unsubscribed_at"])
        # Whatever was waiting for them is dropped by the digest (status check).
    return subscriptions


# --- Articles: told by Article's save signals -------------------------------------


def article_saving(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: note whether this save makes the article published."""
    if raw:
        return
    was_published = (
        instance.pk is not None
        and sender.objects.filter(pk=instance.pk, status="published").exists()
    )
    instance._becomes_published = instance.status == "published" and not was_published


def article_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save: a newly published (or scheduled) article is announced once."""
    if raw or not getattr(instance, "_becomes_published", False):
        return
    instance._becomes_published = False
    tasks.enqueue(tasks.article_published, instance.pk, run_after=instance.published_at)
