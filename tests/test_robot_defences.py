"""
What spam robots get through now that the page holds no stamp: each kind of robot
below posts as it would, against the form's rules (a stamp of this article, the
time a person needs, the honeypot), the origin check and the moderation rule for
forms sent without a stamp, and the test says what becomes of its comment.
docs/security.md tells the same table.

Only robots that wait as long as a person takes are published at once, as before
the page was shared, and those that know a regular's name and email, as prior
approval always allowed; the bare form, which a reader without JavaScript sends
too, is taken but held for a moderator. The first-comment rule is off here, so
that what holds a robot is the stamp's absence, not its being new.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import article_page, make_comment, post_comment, stamp_of

WAIT = 1  # rules.min_seconds_to_post, in seconds


def typed(n: str) -> dict:
    return {"body": f"Buy cheap {n}", "name": "Robot", "email": f"{n}@spam.example"}


def from_the_cached_form(client, article, n):
    """Posts the shared page's form as it is, as without JavaScript: no stamp."""
    article_page(client, article)
    return post_comment(client, article, typed(n) | {"stamp": ""})


def twice_at_once(client, article, n):
    """Posts the cached form, then at once again with a stamp."""
    back = from_the_cached_form(client, article, n).content.decode()
    stamp = stamp_of(client, article, back)
    return post_comment(client, article, typed(n) | {"stamp": stamp})


def as_a_regular(client, article, n):
    """Posts the cached form as it is, signed with a regular's name and email."""
    make_comment(article, author_name="Robot", author_email=f"{n}@spam.example")
    return from_the_cached_form(client, article, n)


def fetched_stamp_at_once(client, article, n):
    """Runs the page's script for its stamp and posts at once."""
    return post_comment(client, article, **typed(n))


def every_field(client, article, n):
    """Fetches a stamp, waits, and fills in every field, the honeypot too."""
    stamp = stamp_of(client, article, article_page(client, article))
    time.sleep(WAIT)
    fields = typed(n) | {"stamp": stamp, "homepage": "http://spam.example"}
    return post_comment(client, article, fields)


def from_another_site(client, article, n):
    """A browser made to post by another site's page, stamp and all, waiting."""
    stamp = stamp_of(client, article, article_page(client, article))
    time.sleep(WAIT)
    return post_comment(
        client,
        article,
        typed(n) | {"stamp": stamp},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://spam.example"},
    )


def fetched_stamp_and_waited(client, article, n):
    """Fetches a stamp as the script does and waits as long as a person."""
    stamp = stamp_of(client, article, article_page(client, article))
    time.sleep(WAIT)
    return post_comment(client, article, typed(n) | {"stamp": stamp})


def twice_and_waited(client, article, n):
    """Posts the cached form, then again with a stamp, waiting as a person."""
    back = from_the_cached_form(client, article, n).content.decode()
    time.sleep(WAIT)
    stamp = stamp_of(client, article, back)
    return post_comment(client, article, typed(n) | {"stamp": stamp})


NOTHING, HELD, PUBLISHED = None, "pending", "approved"
ROBOTS = {
    from_the_cached_form: HELD,
    twice_at_once: HELD,
    fetched_stamp_at_once: NOTHING,
    every_field: NOTHING,
    from_another_site: NOTHING,
    twice_and_waited: HELD,  # the second time, the same text is a duplicate
    as_a_regular: PUBLISHED,
    fetched_stamp_and_waited: PUBLISHED,
}


@pytest.mark.slow  # the robots that wait take a second each
@pytest.mark.parametrize("robot", ROBOTS, ids=lambda robot: robot.__name__)
def test_only_robots_that_wait_like_a_person_are_published(article, rules, robot):
    rules.min_seconds_to_post = WAIT
    rules.require_prior_approval = False
    rules.save()
    client = Client(enforce_csrf_checks=True)

    robot(client, article, robot.__name__)

    stored = Comment.objects.filter(body=f"Buy cheap {robot.__name__}")
    assert set(stored.values_list("status", flat=True)) == (
        {ROBOTS[robot]} if ROBOTS[robot] else set()
    )


def test_the_stamp_names_its_article(article, rules):
    """A stamp fetched for one article is no good for another."""
    from tests.factories import make_article

    other = make_article()
    client = Client()
    stamp = client.get(reverse("comments:stamp", args=[other.pk])).json()["stamp"]

    answer = post_comment(client, article, typed("elsewhere") | {"stamp": stamp})

    assert answer.status_code == 400
    assert not Comment.objects.filter(body="Buy cheap elsewhere").exists()
