"""
Reads go to the replica only where staleness is harmless, and a reader who has just
written reads the primary (newsroom.routers, newsroom.middleware.replica_reads).

The "replica" here is a test mirror of the primary, as settings make it when
DATABASE_REPLICA_URL is set: a second connection to the same database, so what
each alias was asked shows which way the router sent a query. `make cluster-check`
does the same against a real streaming replica.
"""

import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from bench.harness import free_port
from comments.models import Comment
from newsroom import routers
from newsroom.routers import RECENT_WRITE_COOKIE, ReplicaRouter, replica_reads_allowed
from tests import factories
from tests.factories import post_comment

pytestmark = [
    pytest.mark.usefixtures("rules"),
    # Transactional: the mirror is another connection, which sees only committed
    # rows.
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    """
    The alias "replica" as a mirror of the primary's test database, made before
    each test's database setup (a wider scope runs first), which must know it.
    """
    primary = connections["default"].settings_dict
    connections.settings["replica"] = primary | {
        "TEST": primary["TEST"] | {"MIRROR": "default"}
    }
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


class Queries:
    """The queries each alias ran in a block."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections["replica"])
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def test_anonymous_article_page_reads_the_replica(replica, article):
    with Queries() as queries:
        response = Client().get(article.get_absolute_url())

    assert response.status_code == 200
    assert len(queries.replica) > 0
    # Only the rules are read on the primary, by get_or_create, which is a write.
    assert all("discussionsettings" in q["sql"] for q in queries.primary)


def test_anonymous_cached_page_reads_only_the_replica(replica, article):
    Client().get(article.get_absolute_url())  # into the page cache

    with Queries() as queries:
        Client().get(article.get_absolute_url())

    assert len(queries.replica) == 1  # the article's state, for the cache key
    assert len(queries.primary) == 0


def test_feeds_read_the_replica(replica, article):
    factories.make_comment(article)

    with Queries() as queries:
        articles = Client().get("/feed/")
        comments = Client().get(article.get_feed_url())

    assert (articles.status_code, comments.status_code) == (200, 200)
    assert len(queries.replica) > 0
    assert len(queries.primary) == 0


def test_posting_reads_and_writes_the_primary(replica, article):
    client = Client()
    form = factories.comment_form(client, article)

    with Queries() as queries:
        response = post_comment(client, article, form, body="Written to the primary.")

    assert response.status_code == 302
    assert Comment.objects.filter(body="Written to the primary.").exists()
    assert len(queries.primary) > 0
    assert len(queries.replica) == 0


def test_reader_who_just_posted_reads_the_primary(replica, article):
    client = Client()
    response = post_comment(client, article, body="Is it there?")
    assert RECENT_WRITE_COOKIE in response.cookies
    max_age = response.cookies[RECENT_WRITE_COOKIE]["max-age"]
    assert max_age == settings.READ_YOUR_WRITES_SECONDS

    with Queries() as queries:
        page = client.get(response["Location"])

    assert "Is it there?" in page.content.decode()
    assert len(queries.replica) == 0
    # Another reader, who wrote nothing, still reads the replica.
    with Queries() as queries:
        Client().get(article.get_absolute_url())
    assert len(queries.replica) > 0


def test_a_forged_recent_write_cookie_is_ignored(replica, article):
    client = Client()
    client.cookies[RECENT_WRITE_COOKIE] = "1"

    with Queries() as queries:
        client.get(article.get_absolute_url())

    assert len(queries.replica) > 0


def test_a_failed_post_marks_nothing(replica, article):
    response = Client().post(f"/comments/post/{article.pk}/", {})

    assert response.status_code >= 400
    assert RECENT_WRITE_COOKIE not in response.cookies


def test_signed_in_reader_reads_the_primary(replica, article):
    client = Client()
    client.force_login(factories.make_user())

    with Queries() as queries:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert len(queries.replica) == 0


def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    router = ReplicaRouter()

    with replica_reads_allowed():
        assert router.db_for_read(Article) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
        assert router.db_for_write(Article) == "default"


def test_an_unreachable_replica_sends_reads_to_the_primary(replica, article):
    replica.close()
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = str(free_port())  # nobody listens there
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            response = Client().get(article.get_absolute_url())
        read_on_primary = len(on_primary)  # before the next request clears the log
        tried_again_at = routers._replica_down_until
        Client().get(article.get_absolute_url())
        down_until = routers._replica_down_until
    finally:
        replica.settings_dict["PORT"] = port
        routers._replica_down_until = 0.0

    assert response.status_code == 200
    assert read_on_primary > 0
    assert replica.connection is None
    assert tried_again_at > time.monotonic()  # in a few seconds
    assert down_until == tried_again_at  # not at once, by the next reader


def test_migrations_run_on_the_primary_only(replica):
    router = ReplicaRouter()

    assert router.allow_migrate("default", "comments")
    assert not router.allow_migrate("replica", "comments")
    call_command("migrate", database="replica", verbosity=0)  # a no-op there
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert cursor.fetchone()[0] > 0  # the primary's own, seen through the mirror
