"""
`manage.py db_worker`: django-tasks-db's worker, which first gives back to the
queue the tasks of workers that died while running them.

django-tasks-db marks a task RUNNING when a worker claims it, and only that worker
ever finishes it. A worker killed outright (SIGKILL, out of memory) leaves its
task RUNNING for good, and whatever the task had not committed is lost: a comment
whose subscribers are never told, a digest never sent, a mail left "queued" with
nothing left to send it. Every task of ours (comments/tasks.py, privacy/tasks.py)
is safe to run again, so a starting worker puts such tasks back in the queue, and
they run as if new. (A mail whose send had begun stays "sending": `deliver` never
sends it again.)

Which workers are alive, PostgreSQL knows: each worker holds an advisory lock named
after its id, on a connection of its own, for as long as it lives, and the lock
goes with the process however it dies. A RUNNING task whose worker's lock is free
is an orphan. (Should that connection drop while its worker lives on, say through a
PostgreSQL restart, a starting worker may run its task a second time beside it:
harmless, for the same reason.)

It then makes sure the periodic tasks (PERIODIC_TASKS below: privacy's clearing of
old comments' IP addresses) are queued: django.tasks has no scheduler, so each run
of such a task queues the next, and a starting worker queues one if none waits (a
first start, a run that died). Any number of workers may start at once: one run
is queued.

This command overrides django-tasks-db's of the same name because `newsroom` comes
before `django_tasks_db` in INSTALLED_APPS.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand
from django_tasks_db.models import DBTaskResult

from comments import tasks
from privacy.tasks import clear_old_comment_ips

logger = logging.getLogger(__name__)

# Tasks that queue their own next run; the worker queues one when none waits.
PERIODIC_TASKS = [clear_old_comment_ips]

# The first half of the two-part advisory lock key: the lock space of worker ids.
LOCK_SPACE = 0x6E770001

# The connection that holds this process's lock, kept for the life of the process.
_alive = None


def hold_alive_lock(worker_id: str) -> None:
    """Take this worker's lock on a connection the worker's own code never closes."""
    global _alive
    _alive = connections.create_connection(DEFAULT_DB_ALIAS)
    with _alive.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, worker_id]
        )


def is_alive(worker_id: str) -> bool:
    """Whether a worker with this id holds its lock (then it is running)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, worker_id]
        )
        [(free,)] = cursor.fetchall()
        if free:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_SPACE, worker_id]
            )
    return not free


def requeue_orphaned_tasks(own_id: str) -> list[DBTaskResult]:
    """
    Put back in the queue the RUNNING tasks whose worker has died: its lock is free,
    or it had this worker's id (a restarted worker given the same id).
    """
    with transaction.atomic():
        running = list(
            DBTaskResult.objects.running()
            .select_for_update(skip_locked=True)
            .only("id", "task_path", "worker_ids")
        )
        orphans = [
            task
            for task in running
            if not task.worker_ids
            or task.worker_ids[-1] == own_id
            or not is_alive(task.worker_ids[-1])
        ]
        DBTaskResult.objects.filter(pk__in=[task.pk for task in orphans]).update(
            status=TaskResultStatus.READY, started_at=None
        )
    return orphans


class Command(WorkerCommand):
    help = (
        "Run a database background worker; first requeue the tasks of workers "
        "that died while running them."
    )

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"]
        hold_alive_lock(worker_id)
        for task in requeue_orphaned_tasks(worker_id):
            logger.warning(
                "Task %s (%s) was left running by worker %s, which died: requeued.",
                task.pk,
                task.task_path,
                task.worker_ids[-1] if task.worker_ids else "?",
            )
        for periodic in PERIODIC_TASKS:
            tasks.keep_scheduled(periodic)
        super().handle(*args, **options)
