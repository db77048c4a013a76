"""
How the moderation queue copes with 100,000 comments.

Run: DEBUG=1 .venv/bin/python bench/moderation_queue.py
Inserts 100,000 comments (5% pending, 85% approved, 8% spam, 2% removed) over 200
articles into the development database, runs VACUUM ANALYZE as autovacuum would,
gives the last 48 hours a moderators' day (one in ten comments held then decided,
after 1 to 90 minutes, by three moderators; one in a hundred reported), times the
admin pages an editor uses through Django's test client (the second of two
requests), prints each page's time, number of queries and slowest query against
its budget, and deletes what it inserted. SHOW_SQL=1 prints the slowest query of
each page. KEEP=1 keeps the data, to look at the dashboard on `make run` (sign in
as bench-editor, password "bench-editor"); run it again without KEEP to clear it.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COMMENTS = 100_000
BUDGET_MS = 300
PAGES = [
    ("queue (pending)", "/admin/comments/comment/"),
    ("queue page 10", "/admin/comments/comment/?p=10"),
    ("approved, newest", "/admin/comments/comment/?status=approved"),
    ("all statuses", "/admin/comments/comment/?status=all"),
    ("one article", "/admin/comments/comment/?status=all&article={article}"),
    ("search word", "/admin/comments/comment/?status=all&q=zeppelin"),
    ("search email", "/admin/comments/comment/?status=all&q=reader4242%40"),
    ("search IP", "/admin/comments/comment/?status=all&q=10.0.42.42"),
    ("past 7 days", "/admin/comments/comment/?status=all&created_at__gte={week}"),
    ("admin index", "/admin/"),
    ("one comment", "/admin/comments/comment/{comment}/change/"),
]


def main() -> None:
    clear()
    try:
        run()
    finally:
        if not os.environ.get("KEEP"):
            clear()


def clear() -> None:
    with connection.cursor() as cursor:
        for table in ("comments_moderationaction", "comments_report"):
            cursor.execute(
                f"DELETE FROM {table} WHERE comment_id IN (SELECT c.id FROM "
                "comments_comment c JOIN newsroom_article a ON a.id = c.article_id "
                "WHERE a.slug LIKE 'bench-%%')"
            )
        for table in ("comments_comment", "comments_discussionversion"):
            cursor.execute(
                f"DELETE FROM {table} WHERE article_id IN "
                "(SELECT id FROM newsroom_article WHERE slug LIKE 'bench-%%')"
            )
        cursor.execute("DELETE FROM newsroom_article WHERE slug LIKE 'bench-%%'")
    get_user_model().objects.filter(username__startswith="bench-").delete()


def run() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO newsroom_article
                (title, slug, byline, body, status, published_at, comments_open,
                 source, source_url, created_at, updated_at)
            SELECT 'Bench ' || n, 'bench-' || n, '', 'Body.', 'published',
                   now() - n * interval '1 hour', true, '', '', now(), now()
            FROM generate_series(1, 200) n
            """
        )
        cursor.execute(
            """
            INSERT INTO comments_comment
                (article_id, depth, author_name, author_email, author_url, body,
                 body_html, status, moderation_reason, created_at, ip_address,
                 user_agent, form_token, author_provider, author_account,
                 author_avatar, old_anchor)
            SELECT a.id, 0, 'Reader ' || n, 'reader' || n || '@example.com', '',
                   'Comment ' || n || CASE WHEN n %% 1000 = 0 THEN ' zeppelin'
                   ELSE ' about the news of the day' END, '<p>x</p>',
                   CASE WHEN n %% 100 < 5 THEN 'pending'
                        WHEN n %% 100 < 90 THEN 'approved'
                        WHEN n %% 100 < 98 THEN 'spam' ELSE 'removed' END,
                   '', now() - n * interval '1 minute',
                   ('10.0.' || (n / 1000) %% 256 || '.' || n %% 256)::inet, '',
                   gen_random_uuid(), '', '', '', ''
            FROM generate_series(1, %s) n
            JOIN LATERAL (
                SELECT id FROM newsroom_article
                WHERE slug = 'bench-' || (1 + n %% 200)
            ) a ON true
            """,
            [COMMENTS],
        )
        moderators = [
            get_user_model().objects.create_user(
                f"bench-moderator-{n}", first_name=name, is_staff=True
            )
            for n, name in enumerate(["Ana", "Bruno", "Chen"])
        ]
        # The moderators' day: one comment in ten of the last 48 hours was held and
        # decided by one of them 1 to 90 minutes later; one in a hundred reported.
        cursor.execute(
            """
            INSERT INTO comments_moderationaction
                (comment_id, action, actor_id, from_status, to_status, changes,
                 note, reason, created_at)
            SELECT c.id,
                   CASE c.status WHEN 'approved' THEN 'approve' WHEN 'spam' THEN
                   'spam' ELSE 'remove' END,
                   (%s::int[])[1 + c.id %% 3], 'pending', c.status, '{}', '',
                   CASE c.status WHEN 'spam' THEN 'spam' WHEN 'removed' THEN
                   'abuse' ELSE '' END,
                   c.created_at + (1 + c.id %% 90) * interval '1 minute'
            FROM comments_comment c
            WHERE c.created_at > now() - interval '48 hours'
              AND c.status <> 'pending' AND c.id %% 10 = 0
              AND c.article_id IN
                  (SELECT id FROM newsroom_article WHERE slug LIKE 'bench-%%')
            """,
            [[m.pk for m in moderators]],
        )
        cursor.execute(
            """
            INSERT INTO comments_report
                (comment_id, reason, note, browser, created_at, resolution)
            SELECT c.id, 'abuse', '', 'bench-' || c.id,
                   c.created_at + interval '5 minutes', ''
            FROM comments_comment c
            WHERE c.created_at > now() - interval '48 hours' AND c.id % 100 = 7
              AND c.article_id IN
                  (SELECT id FROM newsroom_article WHERE slug LIKE 'bench-%')
            """
        )
        cursor.execute("VACUUM ANALYZE comments_comment")
        cursor.execute(
            "SELECT min(id) FROM newsroom_article WHERE slug LIKE 'bench-%%'"
        )
        article = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM comments_comment")
        comment = cursor.fetchone()[0]
    editor = get_user_model().objects.create_superuser(
        "bench-editor", "", "bench-editor"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    week = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() - 7 * 86400))
    print(f"{COMMENTS:,} comments. Budget {BUDGET_MS} ms a page.\n")
    print(f"{'page':<20} {'ms':>7} {'queries':>8}  {'slowest query':>14}  result")
    failed = False
    for name, url in PAGES:
        url = url.format(article=article, comment=comment, week=week)
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        ok = response.status_code == 200 and elapsed <= BUDGET_MS
        failed |= not ok
        top = max(queries.captured_queries, key=lambda q: float(q["time"]))
        slowest = float(top["time"]) * 1000
        if os.environ.get("SHOW_SQL"):
            print(top["sql"][:300])
        print(
            f"{name:<20} {elapsed:7.1f} {len(queries.captured_queries):8d}  "
            f"{slowest:11.1f} ms  "
            f"{'ok' if ok else 'OVER BUDGET'} ({response.status_code})"
        )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
