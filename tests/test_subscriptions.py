"""
Subscribing from the "Leave a Reply" form, the links in mail, and the account page.
Everything here happens in web requests: nothing may be sent from them.
"""

import datetime
import socket
import time

import pytest
from django.contrib.messages import get_messages
from django.core import mail, signing
from django_tasks_db.models import DBTaskResult

from comments import notifications
from comments.models import Comment, OutboundMail, Subscription
from readers import tokens
from tests import factories
from tests.factories import article_page, comment_form, post_comment

pytestmark = pytest.mark.usefixtures("rules")


def queued(task_name: str) -> int:
    return DBTaskResult.objects.filter(
        task_path=f"comments.tasks.{task_name}", status="READY"
    ).count()


def test_form_offers_both_notifications_with_real_labels(client, article):
    page = article_page(client, article)
    assert (
        '<label for="id_notify_comments">Notify me of new comments via email.' in page
    )
    assert '<label for="id_notify_posts">Notify me of new posts via email.' in page
    assert 'type="checkbox" name="notify_comments"' in page

    client.force_login(factories.make_user())
    page = article_page(client, article)
    assert "Notify me of new comments via email." in page
    assert "Notify me of new posts via email." in page


def test_ticking_the_boxes_asks_for_confirmation_and_sends_nothing_yet(client, article):
    post_comment(client, article, notify_comments="on", notify_posts="on")

    subscriptions = Subscription.objects.order_by("topic")
    assert [(s.topic, s.status, s.email) for s in subscriptions] == [
        ("comments", "pending", "grace@example.com"),
        ("posts", "pending", "grace@example.com"),
    ]
    confirmation = OutboundMail.objects.get()
    assert (confirmation.kind, confirmation.to) == ("confirm", ["grace@example.com"])
    assert queued("deliver_mail") == 1
    assert mail.outbox == []  # the request itself sent nothing


def test_unticked_boxes_subscribe_nobody(client, article):
    post_comment(client, article)
    assert not Subscription.objects.exists()
    assert not OutboundMail.objects.exists()


# --- What the reader is told after posting -------------------------------------------


def told(response) -> list[str]:
    """The messages the post left for the page it redirects to."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_ticking_the_boxes_says_a_confirmation_mail_was_sent(client, article):
    response = post_comment(client, article, notify_comments="on", notify_posts="on")

    said = (
        "A confirmation mail is on its way to grace@example.com: follow its link "
        "to get "
        "new comments on this article and new articles by email."
    )
    assert said in told(response)
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in page  # a first-time guest
    assert said in page.split('class="messages"')[1].split("</div>")[0]


def test_spam_is_told_the_same_as_a_held_comment(client, article, rules):
    held = told(post_comment(client, article, body="Hello", notify_comments="on"))
    rules.disallowed_words = "casino"
    rules.save()
    Subscription.objects.all().delete()
    OutboundMail.objects.all().delete()

    spam = told(post_comment(client, article, body="casino", notify_comments="on"))

    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == [
        "pending",
        "spam",
    ]
    # Last, after "Your comment was posted…" (its time may differ by a minute).
    assert spam[-1] == held[-1]
    assert spam[-1].startswith("A confirmation mail is on its way to grace@example")


def test_a_reader_with_a_verified_address_is_told_they_are_subscribed(client, article):
    client.force_login(factories.make_verified_user(email="reader@example.com"))

    response = post_comment(client, article, notify_posts="on")

    assert "You will get new articles by email at reader@example.com." in told(response)


def test_a_reader_without_an_address_is_told_how_to_get_mail(client, article):
    client.force_login(factories.make_user(email=""))

    response = post_comment(client, article, notify_comments="on")

    assert (
        "To get new comments or articles by email, add and confirm an email address "
        "on your account’s Email page."
    ) in told(response)


def test_past_the_days_confirmations_the_reader_is_told_so(article):
    for _ in range(notifications.CONFIRMATIONS_PER_DAY):
        notifications.subscribe(email="grace@example.com", posts=True)
    Subscription.objects.all().delete()

    subscribed = notifications.subscribe(email="grace@example.com", article=article)

    assert not subscribed.confirmation_sent
    assert subscribed.message == (
        "grace@example.com has been sent 3 confirmation mails today, the most we "
        "send in a day: follow the link in one of them to get new comments on this "
        "article by email."
    )


def test_a_confirmed_address_is_told_apart_from_one_to_confirm(article):
    notifications.subscribe(email="grace@example.com", posts=True, verified=True)

    subscribed = notifications.subscribe(
        email="grace@example.com", article=article, posts=True
    )

    assert subscribed.message == (
        "A confirmation mail is on its way to grace@example.com: follow its link "
        "to get "
        "new comments on this article by email. You will get new articles by email "
        "at grace@example.com."
    )


def test_unticked_boxes_say_nothing_of_mail(client, article):
    response = post_comment(client, article)

    assert not any("mail" in message for message in told(response))


def test_a_hung_mail_server_does_not_slow_posting(client, article, settings):
    with socket.socket() as blackhole:  # accepts connections, never answers
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen()
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": blackhole.getsockname()[1]},
            }
        }
        data = comment_form(client, article, notify_comments="on")
        started = time.perf_counter()
        response = post_comment(client, article, data)
        elapsed = time.perf_counter() - started
        blackhole.setblocking(False)
        with pytest.raises(BlockingIOError):
            blackhole.accept()  # nobody even tried to connect

    assert response.status_code == 302
    assert elapsed < 1.0
    assert OutboundMail.objects.get().status == "queued"


def test_spam_alerts_nobody_and_asks_its_author_to_confirm_as_if_held(
    client, article, rules
):
    """Its author is not told it is spam: the same confirmation mail as when held."""
    rules.disallowed_words = "casino"
    rules.save()
    post_comment(
        client, article, body="casino", notify_comments="on", notify_posts="on"
    )
    assert Comment.objects.get().status == "spam"
    assert set(Subscription.objects.values_list("status", flat=True)) == {"pending"}
    assert OutboundMail.objects.get().kind == "confirm"
    assert not DBTaskResult.objects.filter(
        task_path__startswith="comments.tasks.comment_"
    ).exists()


def test_held_comment_alerts_moderators_and_approved_one_notifies(client, article):
    post_comment(client, article, body="First time here.")
    assert queued("comment_held") == 1 and queued("comment_published") == 0
    factories.make_comment(
        article, author_name="Grace Guest", author_email="ann@example.com"
    )
    post_comment(client, article, body="Known reader.", email="ann@example.com")
    assert queued("comment_published") == 1


def test_signed_in_reader_with_verified_address_is_subscribed_at_once(client, article):
    client.force_login(factories.make_verified_user(email="Reader@Example.com"))
    post_comment(client, article, notify_comments="on")

    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.email) == (
        "confirmed",
        "reader@example.com",
    )
    assert not OutboundMail.objects.exists()


def test_signed_in_reader_without_an_address_is_not_subscribed(client, article):
    client.force_login(factories.make_user(email=""))
    post_comment(client, article, notify_comments="on")
    assert not Subscription.objects.exists()


def test_one_address_gets_at_most_three_confirmations_a_day(article):
    for _ in range(5):
        notifications.subscribe(
            email="victim@example.com", article=factories.make_article()
        )
    assert OutboundMail.objects.filter(kind="confirm").count() == 3


# --- Confirmation links -------------------------------------------------------------


def confirm_path(article, email="grace@example.com"):
    [subscription] = notifications.subscribe(email=email, article=article).subscriptions
    return f"/comments/confirm/{tokens.confirm_token([subscription.pk], email)}/"


def test_following_the_link_asks_before_confirming(client, article):
    path = confirm_path(article)

    page = client.get(path)

    assert page.status_code == 200
    assert "Yes, subscribe me" in page.content.decode()
    assert Subscription.objects.get().status == "pending"
    client.post(path)
    assert Subscription.objects.get().status == "confirmed"


def test_a_replayed_confirmation_says_so(client, article):
    path = confirm_path(article)
    client.post(path)

    page = client.post(path)

    assert page.status_code == 200
    assert "You were already subscribed" in page.content.decode()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJpZHMiOlsxXX0:1vQ:forged", ""],
)
def test_a_bad_confirmation_link_gives_a_clear_page(client, article, token):
    confirm_path(article)
    page = client.get(f"/comments/confirm/{token}x/")
    assert page.status_code == 400
    assert "This confirmation link is not valid" in page.content.decode()
    assert Subscription.objects.get().status == "pending"


def test_a_tampered_confirmation_link_is_refused(client, article):
    path = confirm_path(article)
    page = client.post(path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:])
    assert page.status_code == 400
    assert Subscription.objects.get().status == "pending"


def test_an_expired_confirmation_link_gives_a_clear_page(client, article):
    subscribed = notifications.subscribe(email="g@example.com", article=article)
    [subscription] = subscribed.subscriptions

    class EightDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)

    token = EightDaysAgo(salt=tokens.CONFIRM_SALT).sign_object(
        {"ids": [subscription.pk], "email": "g@example.com"}, compress=True
    )
    page = client.post(f"/comments/confirm/{token}/")

    assert page.status_code == 410
    assert "This confirmation link has expired" in page.content.decode()
    assert Subscription.objects.get().status == "pending"


def test_an_old_confirmation_link_cannot_undo_an_unsubscribe(client, article):
    path = confirm_path(article)
    client.post(path)
    notifications.unsubscribe([Subscription.objects.get().pk])
    Subscription.objects.update(
        requested_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )

    page = client.post(path)

    assert page.status_code == 410
    assert "no longer valid" in page.content.decode()
    assert Subscription.objects.get().status == "unsubscribed"


# --- Unsubscribe links --------------------------------------------------------------


def unsubscribe_path(article):
    [subscription] = notifications.subscribe(
        email="grace@example.com", article=article, verified=True
    ).subscriptions
    return f"/comments/unsubscribe/{tokens.unsubscribe_token([subscription.pk])}/"


def test_following_an_unsubscribe_link_shows_one_button(client, article):
    page = client.get(unsubscribe_path(article))
    assert page.status_code == 200
    assert ">Unsubscribe</button>" in page.content.decode()
    assert Subscription.objects.get().status == "confirmed"


def test_one_click_unsubscribe_needs_no_csrf_token_and_is_idempotent(article):
    from django.test import Client

    mail_program = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(article)
    for _ in range(2):
        response = mail_program.post(
            path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == "unsubscribed"


def test_a_bad_unsubscribe_link_gives_a_clear_page(client, article):
    path = unsubscribe_path(article)
    page = client.post(path.replace(":", ":x"))
    assert page.status_code == 400
    assert "This unsubscribe link is not valid" in page.content.decode()
    assert Subscription.objects.get().status == "confirmed"


def test_ticking_the_box_again_after_unsubscribing_asks_again(client, article):
    notifications.unsubscribe(
        [
            s.pk
            for s in notifications.subscribe(
                email="grace@example.com", article=article, verified=True
            ).subscriptions
        ]
    )
    post_comment(client, article, notify_comments="on")
    assert Subscription.objects.get().status == "pending"
    assert OutboundMail.objects.filter(kind="confirm").count() == 1


# --- The account page ---------------------------------------------------------------


def test_subscriptions_page_needs_signing_in(client):
    response = client.get("/comments/subscriptions/")
    assert response.status_code == 302
    assert "next=/comments/subscriptions/" in response["Location"]


def test_reader_sees_and_changes_subscriptions(client, article):
    user = factories.make_verified_user(email="reader@example.com")
    other = factories.make_article(title="Another story")
    notifications.subscribe(email="reader@example.com", article=article, verified=True)
    notifications.subscribe(email="reader@example.com", article=other, verified=True)
    notifications.subscribe(email="someone@example.com", article=article, verified=True)
    client.force_login(user)

    page = client.get("/comments/subscriptions/").content.decode()
    assert article.title in page and "Another story" in page
    assert "someone@example.com" not in page

    keep = Subscription.objects.get(article=other, email="reader@example.com")
    response = client.post(
        "/comments/subscriptions/", {"keep": [keep.pk], "posts": "1"}
    )

    assert response.status_code == 302
    mine = Subscription.objects.filter(email="reader@example.com")
    assert dict(mine.values_list("topic", "status").filter(article=article)) == {
        "comments": "unsubscribed"
    }
    assert mine.get(article=other).status == "confirmed"
    assert mine.get(topic="posts").status == "confirmed"


# --- Articles -----------------------------------------------------------------------


def test_publishing_an_article_is_announced_once(db):
    draft = factories.make_article(status="draft")
    assert queued("article_published") == 0
    draft.status = "published"
    draft.save()
    draft.title = "Edited after publishing"
    draft.save()
    assert queued("article_published") == 1


def test_a_scheduled_article_is_announced_when_it_appears(db):
    later = factories.make_article(
        published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    )
    task = DBTaskResult.objects.get(task_path="comments.tasks.article_published")
    assert task.run_after == later.published_at


# --- EMAIL_URL ----------------------------------------------------------------------


def test_email_url_is_read_into_a_mailer():
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.settings import mailer_from_url

    assert mailer_from_url("")["BACKEND"].endswith("console.EmailBackend")
    readable = {"BACKEND": "newsroom.console_mail.EmailBackend"}
    assert mailer_from_url("", debug=True) == readable
    assert mailer_from_url("console://", debug=True) == readable
    assert mailer_from_url("smtp://u%40x:p%3Ass@mail.example.com:587?tls=1") == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.com",
            "port": 587,
            "use_tls": True,
            "use_ssl": False,
            "timeout": 10.0,
            "username": "u@x",
            "password": "p:ss",
        },
    }
    smtps = mailer_from_url("smtps://mail.example.com")["OPTIONS"]
    assert (smtps["port"], smtps["use_ssl"], smtps["use_tls"]) == (465, True, False)
    for bad in ("http://x", "smtp://x?tls=maybe", "smtps://x?tls=1"):
        with pytest.raises(ImproperlyConfigured):
            mailer_from_url(bad)


def test_moderators_are_staff_who_edit_or_may_change_comments(db):
    from django.contrib.auth.models import Permission

    from comments.tasks import moderators

    editor = factories.make_user(is_staff=True, groups=("Editors",))
    moderator = factories.make_user(is_staff=True, groups=("Moderators",))
    allowed = factories.make_user(is_staff=True)
    allowed.user_permissions.add(Permission.objects.get(codename="change_comment"))
    boss = factories.make_user(is_staff=True, is_superuser=True)
    factories.make_user(groups=("Editors",))  # not staff
    factories.make_user(is_staff=True)  # staff, but no say over comments
    factories.make_user(is_staff=True, groups=("Editors",), email="")  # no address
    factories.make_user(is_staff=True, groups=("Editors",), is_active=False)

    assert set(moderators()) == {editor, moderator, allowed, boss}


def test_signed_in_readers_are_mailed_only_at_a_verified_address(db):
    from comments.notifications import verified_email
    from tests.factories import make_user

    reader = make_user(email="unverified@example.com")
    assert verified_email(reader) is None
    reader.emailaddress_set.create(
        email="Seen@Example.com", verified=True, primary=True
    )
    assert verified_email(reader) == "seen@example.com"
