"""Small factories: real rows in the real database, with sensible defaults."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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


def comment_form(client, article, **fields) -> dict:
    """What a reader's browser would post: the page's own form, filled in."""
    import re

    page = client.get(article.get_absolute_url()).content.decode()
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
