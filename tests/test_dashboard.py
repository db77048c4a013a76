"""The moderators' picture of the day: figures against known data, bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.dashboard import dashboard
from comments.models import Comment, ModerationAction, Report
from tests.factories import make_article, make_comment


@pytest.fixture
def now():
    return timezone.now().replace(minute=30, second=0, microsecond=0)


def test_comments_per_hour_by_outcome_and_reports(article, now):
    an_hour_ago = now - datetime.timedelta(hours=1)
    for status in ["approved", "approved", "spam", "pending"]:
        make_comment(article, status=status, created_at=an_hour_ago)
    make_comment(article, status="removed", created_at=now)
    make_comment(article, created_at=now - datetime.timedelta(hours=60))  # too old
    reported = make_comment(article, created_at=now)
    Report.objects.create(comment=reported, reason="spam", browser="b")

    day = dashboard(now)

    assert len(day.hours) == 48
    last, before = day.hours[-1], day.hours[-2]
    assert before.counts == {"approved": 2, "spam": 1, "pending": 1}
    assert last.counts == {"removed": 1, "approved": 1} and last.reported == 1
    assert sum(h.total for h in day.hours) == 6
    svg = str(day.chart)
    assert svg.startswith("<svg") and "Approved: 2" in svg and "Reported: 1" in svg


def test_median_wait_busiest_articles_and_moderators(article, editor, now):
    other = make_article(title="Busier story")
    for minutes in (10, 20, 90):
        comment = make_comment(
            article,
            status="approved",
            created_at=now - datetime.timedelta(minutes=minutes),
        )
        ModerationAction.objects.create(
            comment=comment,
            action="approve",
            actor=editor,
            from_status="pending",
            to_status="approved",
            created_at=now,
        )
    for _ in range(3):
        make_comment(other, status="pending")
    make_comment(article, status="pending")

    day = dashboard(now)

    assert day.median_wait == datetime.timedelta(minutes=20)
    assert day.median_wait_text == "20 min"
    assert [(title, n) for _, title, n in day.busiest] == [
        ("Busier story", 3),
        (article.title, 1),
    ]
    assert day.moderators == [(editor.get_full_name() or editor.username, 3)]


@pytest.mark.parametrize("count", [10, 1000])
def test_its_queries_are_the_same_for_few_or_many_comments(article, now, count):
    Comment.objects.bulk_create(
        Comment(
            article=article,
            body="x",
            body_html="<p>x</p>",
            status="approved",
            created_at=now - datetime.timedelta(minutes=n % 2000),
        )
        for n in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        dashboard(now)
    assert len(queries) == 5


def test_moderators_see_it_on_the_admin_front_page(moderator_client, article):
    make_comment(article, status="pending")

    page = moderator_client.get("/admin/").content.decode()

    assert "The last 48 hours" in page
    assert '<svg class="dashboard-chart"' in page
    assert "Median wait for a moderator" in page


def test_readers_never_reach_it(client, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    assert client.get("/admin/").status_code == 302
