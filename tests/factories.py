"""Small factories: real rows in the real database, with sensible defaults."""

import datetime
import itertools
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from newsroom.models import Article

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


def article_page(client, article, *, comment_page: int | None = None, **query) -> str:
    """
    The article's page as `client` sees it, decoded: page `comment_page` of its
    comments when given, and `query` as the query string (e.g. replytocom=).
    """
    url = article.get_absolute_url()
    if comment_page is not None:
        url += f"comment-page-{comment_page}/"
    return client.get(url, query).content.decode()


def textarea(page: str) -> str:
    """The text in the comment form's box: the draft the page kept."""
    return re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1).strip()


def comment_form(client, article, **fields) -> dict:
    """What a reader's browser would post: the page's own form, filled in."""
    page = article_page(client, article)
    stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
    data = {
        "body": "A thoughtful comment.",
        "name": "Grace Guest",
        "email": "grace@example.com",
        "url": "",
        "stamp": stamp,
        "parent": "",
        "homepage": "",
    }
    return data | fields


def post_comment(
    client, article, form: dict | None = None, *, remote_addr: str = "", **fields
):
    """
    Post a comment to `article` as `client`'s browser would: `form` if the test took
    it earlier (comment_form, or a form of its own), else the page's form as it is
    now; `fields` filled in either way, from the address `remote_addr` if given.
    """
    data = (comment_form(client, article) if form is None else form) | fields
    extra = {"REMOTE_ADDR": remote_addr} if remote_addr else {}
    return client.post(reverse("comments:post", args=[article.pk]), data, **extra)


def bulk_action(client, action: str, *comments):
    """
    An admin action on `comments` from the moderation queue. Posted to the list of
    all statuses: the queue opens on pending comments and acts only on what it shows.
    """
    return client.post(
        "/admin/comments/comment/?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )
