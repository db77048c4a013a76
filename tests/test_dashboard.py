"""The moderators' picture of the day: figures against known data, bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, ModerationAction, Report
from desk.dashboard import dashboard
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


def add_comments(article, count: int, now) -> None:
    """
    `count` comments over the last 72 hours in every status, one in a hundred
    reported and every held one decided, inserted by PostgreSQL itself.
    """
    comments = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {comments}
                (article_id, depth, author_name, author_email, author_url, body,
                 body_html, status, moderation_reason, created_at, ip_address,
                 user_agent, form_token, author_provider, author_account,
                 author_avatar, old_anchor)
            SELECT %(article)s, 0, 'Reader ' || n, 'r' || n || '@example.com', '',
                   'Comment ' || n, '<p>x</p>',
                   (ARRAY['approved', 'pending', 'spam', 'removed'])[1 + n %% 4],
                   '', %(now)s - (n %% 4320) * interval '1 minute',
                   NULL, '', gen_random_uuid(), '', '', '', ''
            FROM generate_series(1, %(count)s) n
            """,  # noqa: S608 - the table name from the model
            {"article": article.pk, "now": now, "count": count},
        )
    added = Comment.objects.filter(article=article)
    Report.objects.bulk_create(
        Report(comment_id=pk, reason="spam", browser=f"b{pk}")
        for pk in added.values_list("pk", flat=True)[: max(1, count // 100)]
    )


@pytest.mark.slow
def test_its_queries_are_the_same_for_ten_or_100_000_comments(
    article, now, moderator_client
):
    add_comments(article, 10, now)
    with CaptureQueriesContext(connection) as few:
        assert moderator_client.get("/admin/").status_code == 200
    with CaptureQueriesContext(connection) as own:
        dashboard(now)
    assert len(own) == 8  # five, and the spam classifier's three

    add_comments(article, 100_000 - 10, now)
    assert Comment.objects.count() == 100_000
    with CaptureQueriesContext(connection) as many:
        page = moderator_client.get("/admin/").content.decode()
    with CaptureQueriesContext(connection) as own:
        day = dashboard(now)

    assert len(own) == 8  # five, and the spam classifier's three
    assert len(many) == len(few)
    # And the figures follow: 48 hours of the 72, in every status.
    assert sum(h.total for h in day.hours) > 60_000
    assert "Comments per hour, last 48 hours" in page


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
