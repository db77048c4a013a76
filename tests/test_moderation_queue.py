"""The Comments list in the admin: the moderation queue, its filters and search."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests import factories

QUEUE = "/admin/comments/comment/"


def rows(html: str) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)
    ]


def test_queue_opens_on_pending_oldest_first(editor_client, article):
    newer = factories.make_comment(article, status="pending")
    older = factories.make_comment(article, status="pending")
    Comment.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    approved = factories.make_comment(article, status="approved")

    html = editor_client.get(QUEUE).content.decode()

    assert rows(html) == [older.pk, newer.pk]
    assert approved.pk not in rows(html)


def test_status_filter_shows_counts_per_status(editor_client, article):
    for status, n in [("pending", 3), ("approved", 2), ("spam", 1)]:
        for _ in range(n):
            factories.make_comment(article, status=status)

    html = editor_client.get(QUEUE).content.decode()

    for label in ["Pending (3)", "Approved (2)", "Spam (1)", "Removed (0)", "All (6)"]:
        assert label in html
    approved = editor_client.get(QUEUE + "?status=approved").content.decode()
    assert len(rows(approved)) == 2
    assert len(rows(editor_client.get(QUEUE + "?status=all").content.decode())) == 6


def test_article_filter_and_link(editor_client, article):
    other = factories.make_article(title="Another story")
    mine = factories.make_comment(article, status="pending")
    factories.make_comment(other, status="pending")

    html = editor_client.get(QUEUE + f"?article={article.pk}").content.decode()

    assert rows(html) == [mine.pk]
    assert "Pending (1)" in html  # counts follow the article


def test_date_filter(editor_client, article):
    old = factories.make_comment(article, status="pending")
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    today = factories.make_comment(article, status="pending")
    since = (timezone.now() - datetime.timedelta(days=7)).isoformat()

    html = editor_client.get(QUEUE, {"created_at__gte": since}).content.decode()

    assert rows(html) == [today.pk]


@pytest.mark.parametrize(
    "term",
    [
        "zeppelin",
        "ZEPPELIN",
        "hindenburg@airships",
        "203.0.113.77",
        "203.0.113",
        "blimp.example",
    ],
)
def test_search_finds_by_body_word_email_ip_and_website(editor_client, article, term):
    wanted = factories.make_comment(
        article,
        status="pending",
        body="The zeppelin landed safely.",
        author_email="hindenburg@airships.example",
        author_url="https://blimp.example/",
        ip_address="203.0.113.77",
    )
    factories.make_comment(article, status="pending", body="Nothing to see.")

    html = editor_client.get(QUEUE, {"q": term}).content.decode()

    assert rows(html) == [wanted.pk]


def test_search_by_name_across_statuses(editor_client, article):
    spam = factories.make_comment(article, status="spam", author_name="Cheap Pills")
    html = editor_client.get(QUEUE, {"q": "cheap pills", "status": "all"}).content
    assert rows(html.decode()) == [spam.pk]


def test_search_uses_the_trigram_index(db):
    from comments.models import search_document

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    plan = (
        Comment.objects.order_by()
        .alias(doc=search_document())
        .filter(doc__contains="ZEPPELIN")
        .explain()
    )
    assert "comment_search_idx" in plan


def test_columns_show_identity_reason_and_replies(editor_client, article):
    reader = factories.make_user(password=None, first_name="Site", last_name="Reader")
    held = factories.make_comment(
        article,
        status="pending",
        user=reader,
        moderation_reason="held: 3 links, limit 2",
    )
    factories.make_comment(article, parent=held, status="approved")
    factories.make_comment(article, parent=held, status="pending")
    guest = factories.make_comment(article, status="pending", author_name="Gus Guest")

    html = editor_client.get(QUEUE).content.decode()

    assert "held: 3 links, limit 2" in html
    assert re.search(r'Gus Guest</b> <span class="identity">Guest</span>', html)
    assert re.search(r'<span class="identity">Site account</span>', html)
    row = re.search(rf'value="{held.pk}".*?</tr>', html, re.S).group(0)
    assert "Replies: 2" in row
    assert guest.pk in rows(html)


def make_queue(article, n: int) -> None:
    """n pending comments, half by signed-in readers, one in five with a reply."""
    users = [factories.make_user(password=None) for _ in range(3)]
    parents = Comment.objects.bulk_create(
        Comment(
            article=article,
            status="pending",
            user=users[i % 3] if i % 2 else None,
            author_name=f"Reader {i}",
            author_email=f"reader{i}@example.com",
            body=f"Comment {i}.",
            body_html=f"<p>Comment {i}.</p>",
            ip_address="192.0.2.1",
        )
        for i in range(n)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=parent,
            depth=1,
            status="approved",
            body="A reply.",
            body_html="<p>A reply.</p>",
        )
        for parent in parents[::5]
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url", [QUEUE, QUEUE + "?status=all", QUEUE + "?q=comment&status=all"]
)
def test_queue_query_count_does_not_grow_with_comments(editor_client, article, url):
    make_queue(article, 20)
    with_20 = count_queries(editor_client, url)
    make_queue(article, 180)
    with_200 = count_queries(editor_client, url)
    assert with_20 == with_200


def test_large_views_are_not_fully_counted(editor_client, article, monkeypatch):
    from desk.admin import counts

    monkeypatch.setattr(counts, "COUNT_CAP", 5)
    make_queue(article, 12)
    with CaptureQueriesContext(connection) as context:
        html = editor_client.get(QUEUE).content.decode()
    sql = [q["sql"] for q in context.captured_queries]
    assert any("LIMIT 6" in s and "COUNT(*)" in s for s in sql)
    assert any(s.startswith("EXPLAIN") for s in sql)
    assert len(rows(html)) == 12  # estimate used for paging; rows all shown
    assert "Pending (5+)" in html  # the status count stops at the cap too


def test_pending_count_on_admin_index(editor_client, article):
    factories.make_comment(article, status="pending")
    factories.make_comment(article, status="pending")
    html = editor_client.get("/admin/").content.decode()
    assert re.search(r"Comments pending</a></th>\s*<td><strong>2</strong>", html)


def test_social_identities_in_a_fixed_number_of_queries(editor_client, article):
    from allauth.socialaccount.models import SocialAccount

    def add(provider: str, n: int) -> None:
        for i in range(n):
            user = factories.make_user(password=None)
            SocialAccount.objects.create(
                user=user, provider=provider, uid=f"{i}{user.pk}"
            )
            factories.make_comment(article, status="pending", user=user)

    add("twitter_oauth2", 1)
    add("facebook", 1)
    few = count_queries(editor_client, QUEUE)
    html = editor_client.get(QUEUE).content.decode()
    assert '<span class="identity">Twitter</span>' in html
    assert '<span class="identity">Facebook</span>' in html
    add("twitter_oauth2", 10)
    add("facebook", 10)
    assert count_queries(editor_client, QUEUE) == few


@pytest.mark.parametrize(
    ("held", "reason"),
    [
        ("first", "held: first comment from this author"),
        ("links", "held: 3 links, limit 2"),
        ("history", "held: 2 of their last 5 comments rejected"),
        ("reported", "held: reported by 3 readers"),
        ("unchecked", "held: sent without the page's check"),
    ],
)
def test_the_queue_filters_by_the_rule_that_held_a_comment(
    moderator_client, article, held, reason
):
    from tests.factories import make_comment

    wanted = make_comment(article, status="pending", moderation_reason=reason)
    other = make_comment(
        article, status="pending", moderation_reason="held: moderation word “x” in body"
    )

    page = moderator_client.get(f"/admin/comments/comment/?held={held}").text

    assert f'value="{wanted.pk}"' in page
    assert f'value="{other.pk}"' not in page
