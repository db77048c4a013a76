"""
What spam robots get through now that the page holds no stamp: each kind of robot
below posts as it would, against the form's rules (a stamp of this article, the
time a person needs, the honeypot) and the origin check, and the test says which
get a comment stored. docs/security.md tells the same table.

Only robots that wait as long as a person takes get through, as before the page
was shared: to the moderation rules, the flood limit, duplicates and bans.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import article_page, post_comment, stamp_of

WAIT = 1  # rules.min_seconds_to_post, in seconds


def typed(n: str) -> dict:
    return {"body": f"Buy cheap {n}", "name": "Robot", "email": f"{n}@spam.example"}


def from_the_cached_form(client, article, n):
    """Posts the shared page's form as it is: its stamp is empty."""
    article_page(client, article)
    return post_comment(client, article, typed(n) | {"stamp": ""})


def twice_at_once(client, article, n):
    """Posts, then at once posts the form that came back stamped."""
    back = from_the_cached_form(client, article, n).content.decode()
    stamp = stamp_of(client, article, back)
    return post_comment(client, article, typed(n) | {"stamp": stamp})


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
    """Posts the cached form, waits, then posts what came back."""
    back = from_the_cached_form(client, article, n).content.decode()
    time.sleep(WAIT)
    stamp = stamp_of(client, article, back)
    return post_comment(client, article, typed(n) | {"stamp": stamp})


ROBOTS = {
    from_the_cached_form: False,
    twice_at_once: False,
    fetched_stamp_at_once: False,
    every_field: False,
    from_another_site: False,
    fetched_stamp_and_waited: True,
    twice_and_waited: True,
}


@pytest.mark.slow  # the robots that wait take a second each
@pytest.mark.parametrize("robot", ROBOTS, ids=lambda robot: robot.__name__)
def test_only_robots_that_wait_like_a_person_get_through(article, rules, robot):
    rules.min_seconds_to_post = WAIT
    rules.save()
    client = Client(enforce_csrf_checks=True)

    robot(client, article, robot.__name__)

    stored = Comment.objects.filter(body=f"Buy cheap {robot.__name__}").exists()
    assert stored is ROBOTS[robot]


def test_the_stamp_names_its_article(article, rules):
    """A stamp fetched for one article is no good for another."""
    from tests.factories import make_article

    other = make_article()
    client = Client()
    stamp = client.get(reverse("comments:stamp", args=[other.pk])).json()["stamp"]

    answer = post_comment(client, article, typed("elsewhere") | {"stamp": stamp})

    assert answer.status_code == 400
    assert not Comment.objects.filter(body="Buy cheap elsewhere").exists()
