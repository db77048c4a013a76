"""
A worker killed outright (SIGKILL, out of memory) leaves the task it was running
marked RUNNING, and what the task had not committed is rolled back. The next worker
to start puts such a task back in the queue, unless its worker is still alive.

Real worker processes, really killed: the test holds a lock on the subscription
that the comment's fan-out must lock, so the worker is caught inside its task.
"""

import contextlib
import signal
import subprocess
import time

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from comments import notifications
from comments.models import Comment, Notice, Subscription
from tests import factories
from tests.mailserver import BASE_DIR, run_worker, wait_for, worker_command

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rules")]


def start_worker(worker_id: str, **env: str) -> subprocess.Popen:
    """A long-running worker, as in production."""
    command, environment = worker_command(**env)
    command = [c for c in command if c not in ("--batch", "--interval=0")]
    return subprocess.Popen(
        [*command, "--interval=0.05", f"--worker-id={worker_id}"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def waiting_for_a_lock() -> bool:
    """Whether a session of the test database waits for a lock."""
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first snapshot.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def fan_out_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path="comments.tasks.comment_published")


@pytest.fixture
def fan_out_caught_in_a_worker(smtp_server):
    """
    A comment approved on an article with a subscriber, and worker "first" inside
    the comment's fan-out, waiting for the subscription the test keeps locked.
    Gives the worker process; the lock goes when the test leaves the block, the
    worker (if still alive) when the test ends.
    """
    article = factories.make_article()
    notifications.subscribe(email="sub@example.com", article=article, verified=True)
    comment = factories.make_comment(article, status="pending")
    comment.status = Comment.Status.APPROVED
    comment.save()
    notifications.comment_approved(comment)
    workers = []

    @contextlib.contextmanager
    def caught():
        with transaction.atomic():
            Subscription.objects.select_for_update().get()
            workers.append(start_worker("first", EMAIL_URL=smtp_server.url))
            wait_for(waiting_for_a_lock)
            yield workers[0]

    yield caught
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_a_fan_out_cut_short_by_a_killed_worker_is_run_by_the_next_worker(
    smtp_server, fan_out_caught_in_a_worker
):
    with fan_out_caught_in_a_worker() as worker:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    task = fan_out_task()
    assert (task.status, task.worker_ids) == ("RUNNING", ["first"])
    assert smtp_server.received == []

    result = run_worker(EMAIL_URL=smtp_server.url)

    assert "left running by worker first, which died: requeued" in result.stdout
    assert len(smtp_server.received) == 1
    task.refresh_from_db()
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["first", "test-worker-0"])


def test_a_task_running_on_a_live_worker_is_left_to_it(
    smtp_server, fan_out_caught_in_a_worker
):
    with fan_out_caught_in_a_worker():
        result = run_worker(EMAIL_URL=smtp_server.url)  # "test-worker-0"

        assert "requeued" not in result.stdout
        task = fan_out_task()
        assert (task.status, task.worker_ids) == ("RUNNING", ["first"])

    # Released, the first worker finishes its own task: one mail, from it.
    wait_for(lambda: len(smtp_server.received) == 1)
    time.sleep(0.5)  # time for a second one to arrive
    assert len(smtp_server.received) == 1
    assert fan_out_task().worker_ids == ["first"]
    assert len(Notice.objects.all()) == 1
