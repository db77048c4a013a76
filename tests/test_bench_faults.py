"""
make faults (bench/faults.py) waits until the mail queue is drained: no mail
queued, no task to run or running. The worker keeps its hourly round (clearing
old comments' addresses, comments.tasks.keep_scheduled) queued an hour ahead, so
that round always waits: it is the schedule, not work left. Counted as work, the
queue never drained and every scenario ended `ok: False` with all its mail sent.

A real worker process and a real SMTP server, on the test database.
"""

import pytest
from django.db import connection
from django.utils import timezone

from bench import faults
from comments import tasks
from comments.models import OutboundMail
from newsroom.management.commands.db_worker import PERIODIC_TASKS
from privacy.tasks import clear_old_comment_ips
from tests import factories
from tests.mailserver import run_worker
from tests.test_notification_delivery import approved_comment, subscriber

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("rules"),
]

ROUNDS = [periodic.module_path for periodic in PERIODIC_TASKS]


def sql(query: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def comment_for_a_subscriber():
    article = factories.make_article()
    subscriber(article)
    approved_comment(article)


def test_the_queue_a_worker_emptied_is_drained_with_its_next_round_waiting(
    smtp_server,
):
    comment_for_a_subscriber()

    run_worker(EMAIL_URL=smtp_server.url)

    assert len(smtp_server.received) == 1
    assert tasks.keep_scheduled(clear_old_comment_ips) is False  # one waits
    state = faults.queue_state(sql, ROUNDS)
    assert state == {"mails": {"sent": 1}, "ready_tasks": 0, "running_tasks": 0}
    assert faults.is_idle(state)


def test_a_round_that_is_due_and_a_retry_that_waits_are_work_left(smtp_server):
    tasks.keep_scheduled(clear_old_comment_ips)  # due now: not yet run
    assert not faults.is_idle(faults.queue_state(sql, ROUNDS))

    smtp_server.stop()
    comment_for_a_subscriber()
    run_worker(EMAIL_URL=smtp_server.url, MAIL_RETRY_DELAY="3600")

    mail = OutboundMail.objects.get()
    assert mail.next_attempt_at > timezone.now()
    state = faults.queue_state(sql, ROUNDS)
    # The retry waits for its time, as the next round does, but is owed.
    assert (state["mails"], state["ready_tasks"]) == ({"queued": 1}, 1)
    assert not faults.is_idle(state)
