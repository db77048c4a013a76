"""
Comments keep their IP address and user agent for COMMENT_IP_RETENTION_DAYS; then
the task worker clears them, by itself, every hour (or cron through a command).
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks
from comments.models import Comment
from privacy import retention
from privacy.tasks import HOUSEKEEPING_INTERVAL, clear_old_comment_ips
from tests import factories
from tests.mailserver import run_worker, run_workers


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def old_and_fresh(article):
    old = factories.make_comment(
        article, created_at=days_ago(91), user_agent="Firefox/140"
    )
    fresh = factories.make_comment(
        article, created_at=days_ago(89), user_agent="Firefox/141"
    )
    return old, fresh


def addresses(comment: Comment) -> tuple:
    comment.refresh_from_db()
    return comment.ip_address, comment.user_agent


def test_old_comment_loses_its_address_and_a_fresh_one_keeps_it(old_and_fresh):
    old, fresh = old_and_fresh

    assert retention.clear_old_addresses() == 1

    assert addresses(old) == (None, "")
    assert addresses(fresh) == ("192.0.2.1", "Firefox/141")
    assert old.body and old.author_name  # the comment itself is untouched


def test_the_retention_follows_the_setting(settings, old_and_fresh):
    old, fresh = old_and_fresh
    settings.COMMENT_IP_RETENTION_DAYS = 30

    assert retention.clear_old_addresses() == 2

    assert addresses(fresh) == (None, "")


def test_a_user_agent_without_an_address_is_cleared_too(article):
    comment = factories.make_comment(
        article, created_at=days_ago(100), ip_address=None, user_agent="Safari/18"
    )

    retention.clear_old_addresses()

    assert addresses(comment) == (None, "")


def test_clearing_goes_in_batches_and_a_second_run_finds_nothing(article):
    comments = [
        factories.make_comment(article, created_at=days_ago(95)) for _ in range(5)
    ]

    assert retention.clear_old_addresses(batch_size=2) == 5
    assert retention.clear_old_addresses(batch_size=2) == 0

    assert {addresses(c) for c in comments} == {(None, "")}


def test_a_run_beside_another_run_stands_aside(old_and_fresh):
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", retention.LOCK)
        assert retention.clear_old_addresses() is None
        assert addresses(old_and_fresh[0])[0] == "192.0.2.1"
        # As the other run does when done: a closed connection's backend lets its
        # locks go a few milliseconds after close() returns, too late for the next.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", retention.LOCK)
    finally:
        other.close()
    assert retention.clear_old_addresses() == 1


def test_the_query_reads_the_index_of_comments_still_holding_an_address(article):
    kept = factories.make_comment(article, created_at=days_ago(120))
    # As a site a while after the clearing: thousands of old comments cleared, a
    # few still holding one. (On a table of one row every index costs the same,
    # and the planner's choice between them is a coin toss.)
    columns = [f.column for f in Comment._meta.concrete_fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO comments_comment ({names}) SELECT {names}"  # noqa: S608
            " FROM comments_comment, generate_series(1, 3000) WHERE id = %s",
            [kept.pk],
        )
        cursor.execute(
            "UPDATE comments_comment SET ip_address = NULL, user_agent = ''"
            " WHERE id <> %s",
            [kept.pk],
        )
        cursor.execute("ANALYZE comments_comment")
    before = retention.cutoff()
    query = (
        Comment.objects.keeping_addresses()
        .filter(created_at__lt=before)
        .order_by("created_at")
        .values("pk")[:5000]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "comment_address_kept_idx" in plan


def test_the_command_for_cron_clears_old_addresses(old_and_fresh, capsys):
    call_command("clear_old_comment_ips")

    assert "of 1 comment(s) older than 90 days" in capsys.readouterr().out
    assert addresses(old_and_fresh[0]) == (None, "")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_clears_old_addresses_and_schedules_the_next_hour(
    old_and_fresh,
):
    """Nothing queued by hand: the worker itself runs the clearing, then queues it
    again in an hour; a second worker starting adds no second round."""
    old, fresh = old_and_fresh

    run_worker()

    assert addresses(old) == (None, "")
    assert addresses(fresh)[0] == "192.0.2.1"
    path = clear_old_comment_ips.module_path
    runs = DBTaskResult.objects.filter(task_path=path)
    assert runs.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    [next_run] = runs.filter(status=TaskResultStatus.READY)
    in_an_hour = timezone.now() + HOUSEKEEPING_INTERVAL
    assert abs((next_run.run_after - in_an_hour).total_seconds()) < 60

    run_workers(2)

    assert runs.filter(status=TaskResultStatus.READY).count() == 1
    assert runs.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1


def test_keep_scheduled_queues_one_run_only(db):
    assert tasks.keep_scheduled(clear_old_comment_ips)
    assert not tasks.keep_scheduled(clear_old_comment_ips)

    assert (
        DBTaskResult.objects.filter(task_path=clear_old_comment_ips.module_path).count()
        == 1
    )


def test_the_comment_page_in_the_admin_says_old_comments_have_no_address(
    editor_client, article, settings
):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    comment = factories.make_comment(article, created_at=days_ago(40), ip_address=None)

    page = editor_client.get(f"/admin/comments/comment/{comment.pk}/change/")

    assert "kept 30 days after a comment is posted" in page.content.decode()


def test_the_round_queued_before_the_move_to_privacy_keeps_its_place(db):
    """
    A site upgraded with its next clearing queued under the task's old name
    (comments.tasks) finds it under the new one: still one round waiting, none
    failing to import.
    """
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("privacy", None)])
    assert tasks.keep_scheduled(clear_old_comment_ips)
    queued = DBTaskResult.objects.get(task_path=clear_old_comment_ips.module_path)
    queued.task_path = "comments.tasks.clear_old_comment_ips"
    queued.save(update_fields=["task_path"])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    queued.refresh_from_db()
    assert queued.task_path == clear_old_comment_ips.module_path
    assert not tasks.keep_scheduled(clear_old_comment_ips)
