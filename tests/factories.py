"""Small factories: real rows in the real database, with sensible defaults."""

import datetime
import itertools
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

_sequence = itertools.count(1)


def make_article(**fields) -> Article:
    n = next(_sequence)
    defaults = {
        "title": f"Article number {n}",
        "slug": f"article-number-{n}",
        "byline": "A Reporter",
        "body": "First paragraph.\n\nSecond paragraph.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    return Article.objects.create(**(defaults | fields))


def make_user(
    *, groups: tuple[str, ...] = (), password: str = "a-Long-passw0rd", **fields
):
    n = next(_sequence)
    defaults = {"username": f"user{n}", "email": f"user{n}@example.com"}
    user = get_user_model().objects.create_user(
        password=password, **(defaults | fields)
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_staff(*groups: str, **fields):
    """A member of staff in `groups` ("Editors", "Moderators"), without a password."""
    return make_user(password=None, groups=groups, is_staff=True, **fields)


def make_verified_user(**fields):
    """A reader whose email address was verified (through django-allauth)."""
    user = make_user(**fields)
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    return user


def make_comment(article, *, parent=None, status="approved", **fields):
    from comments.models import Comment

    n = next(_sequence)
    defaults = {
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.com",
        "body": f"Comment number {n}.",
        "ip_address": "192.0.2.1",
    }
    return Comment.objects.create(
        article=article, parent=parent, status=status, **(defaults | fields)
    )


def make_threads(article, count: int, *, per_page: int, **fields) -> list:
    """
    `count` top-level comments ("Thread 0." …, by "Reader 0" …), in pages of
    `per_page` (pages are on by default); `fields` apply to each.
    """
    from comments.models import DiscussionSettings

    rules = DiscussionSettings.load()
    rules.comments_per_page = per_page
    rules.save()
    return [
        make_comment(article, author_name=f"Reader {n}", body=f"Thread {n}.", **fields)
        for n in range(count)
    ]


def article_page(client, article, *, comment_page: int | None = None, **query) -> str:
    """
    The article's page as `client` sees it, decoded: page `comment_page` of its
    comments when given, and `query` as the query string (e.g. replytocom=).
    """
    url = article.get_absolute_url()
    if comment_page is not None:
        url += f"comment-page-{comment_page}/"
    return client.get(url, query).content.decode()


def every_comment_page(client, article) -> list[str]:
    """Each page of the article's comments (paged, as by default), decoded."""
    first = article_page(client, article, comment_page=1)
    pages = re.search(r"Page 1 of (\d+)", first)
    return [first] + [
        article_page(client, article, comment_page=number)
        for number in range(2, int(pages[1]) + 1 if pages else 2)
    ]


def textarea(page: str) -> str:
    """The text in the comment form's box: the draft the page kept."""
    return re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1).strip()


def comment_form(client, article, **fields) -> dict:
    """What a reader's browser would post: the page's own form, filled in."""
    page = article_page(client, article)
    stamp = stamp_of(client, article, page)
    data = {
        "body": "A thoughtful comment.",
        "name": "Grace Guest",
        "email": "grace@example.com",
        "url": "",
        "stamp": stamp,
        "parent": "",
        "homepage": "",
    }
    # A signed-in reader's page is their own, with their CSRF token.
    if token := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page):
        data["csrfmiddlewaretoken"] = token[1]
    return data | fields


def stamp_of(client, article, page: str) -> str:
    """
    The comment form's stamp: the page's own, or, on the page every anonymous
    reader shares (which holds none), the one its script fetches.
    """
    if found := re.search(r'name="stamp" value="([^"]+)"', page):
        return found[1]
    return client.get(reverse("comments:stamp", args=[article.pk])).json()["stamp"]


def post_comment(
    client,
    article,
    form: dict | None = None,
    *,
    remote_addr: str = "",
    headers: dict | None = None,
    **fields,
):
    """
    Post a comment to `article` as `client`'s browser would: `form` if the test took
    it earlier (comment_form, or a form of its own), else the page's form as it is
    now; `fields` filled in either way, from the address `remote_addr` if given.
    """
    data = (comment_form(client, article) if form is None else form) | fields
    extra = {"REMOTE_ADDR": remote_addr} if remote_addr else {}
    return client.post(
        reverse("comments:post", args=[article.pk]), data, headers=headers, **extra
    )


def bulk_action(client, action: str, *comments):
    """
    An admin action on `comments` from the moderation queue. Posted to the list of
    all statuses: the queue opens on pending comments and acts only on what it shows.
    """
    return client.post(
        "/admin/comments/comment/?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )


def make_reader_with_history(article, **fields):
    """
    Grace: an account with a verified and an unverified address and an X login,
    a comment signed in, a guest comment under another verified address of hers
    (typed in capitals), a subscription with a notice waiting, a mail to her, a ban
    on her address and an editor's edit of her comment. Bob replies to her.
    """
    from allauth.socialaccount.models import SocialAccount

    from comments.models import (
        Ban,
        ModerationAction,
        Notice,
        OutboundMail,
        Subscription,
    )

    user = make_verified_user(
        username="grace", email="grace@example.com", first_name="Grace", **fields
    )
    user.emailaddress_set.create(email="ghopper@example.org", verified=True)
    user.emailaddress_set.create(email="maybe-grace@example.net", verified=False)
    SocialAccount.objects.create(user=user, provider="twitter_oauth2", uid="4242")
    signed_in = make_comment(
        article,
        user=user,
        author_name="Grace Hopper",
        author_email="grace@example.com",
        author_provider="twitter_oauth2",
        author_account="@ghopper (X id 4242)",
        author_avatar="avatars/grace.png",
        body="Signed-in words of Grace.",
        ip_address="203.0.113.7",
        user_agent="GraceBrowser/1.0",
    )
    as_guest = make_comment(
        article,
        author_name="G. Hopper",
        author_email="GHopper@Example.org",
        author_url="https://grace.example.org/",
        body="Guest words of Grace.",
        ip_address="203.0.113.8",
        status="spam",
    )
    unproven = make_comment(
        article,
        author_name="Not Grace",
        author_email="maybe-grace@example.net",
        body="Words under an unverified address.",
    )
    reply = make_comment(
        article,
        parent=signed_in,
        author_name="Bob Builder",
        author_email="bob@example.com",
        body="Bob answers.",
        ip_address="198.51.100.9",
    )
    subscription = Subscription.objects.create(
        email="grace@example.com",
        user=user,
        topic=Subscription.Topic.COMMENTS,
        article=article,
        status=Subscription.Status.CONFIRMED,
    )
    Notice.objects.create(subscription=subscription, comment=reply, is_reply=True)
    Subscription.objects.create(
        email="bob@example.com", topic=Subscription.Topic.POSTS, status="confirmed"
    )
    OutboundMail.objects.create(
        to=["Grace@Example.com"], subject="A reply to your comment", body="…"
    )
    OutboundMail.objects.create(to=["bob@example.com"], subject="For Bob", body="…")
    Ban.objects.create(kind="email", email="ghopper@example.org", reason="Shouting")
    ModerationAction.objects.create(
        comment=signed_in,
        action="edit",
        changes={"author_url": ["https://old.grace.example/", ""]},
        note="tidied",
    )
    return {
        "user": user,
        "signed_in": signed_in,
        "as_guest": as_guest,
        "unproven": unproven,
        "reply": reply,
        "subscription": subscription,
    }
