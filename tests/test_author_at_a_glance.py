"""The moderation queue shows each comment's author at a glance, in bounded queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Ban
from tests.factories import make_article, make_comment

QUEUE = "/admin/comments/comment/"


def author_cell(page: str, comment) -> str:
    return page.split(f'name="_selected_action" value="{comment.pk}"')[1].split(
        "</tr>"
    )[0]


def test_the_authors_record_against_known_data(moderator_client, article):
    other = make_article(title="Another story")
    since = timezone.now() - datetime.timedelta(days=400)
    email = "rae@example.com"
    make_comment(article, author_email=email, created_at=since)
    make_comment(other, author_email=email)
    make_comment(other, author_email=email)
    for status in ("spam", "spam", "removed"):
        make_comment(article, author_email=email, status=status)
    waiting = make_comment(article, author_email=email, status="pending")
    make_comment(article, author_email="someone@example.com")

    cell = author_cell(moderator_client.get(QUEUE).text, waiting)

    assert "3 approved · 1 held · 2 spam · 1 removed" in cell
    assert f"since {timezone.localtime(since):%B %Y}" in cell
    assert "author=email%3Arae%40example.com" in cell


def test_bans_and_marks_show(moderator_client, article, django_user_model):
    reader = django_user_model.objects.create_user("rae")
    banned = make_comment(article, user=reader, status="pending")
    marked = make_comment(article, author_email="hot@example.com", status="pending")
    Ban.objects.create(kind="account", user=reader, reason="trolling")
    Ban.objects.create(kind="email", email="hot@example.com", effect="hold", reason="x")

    page = moderator_client.get(QUEUE).text

    assert "author-mark--banned" in author_cell(page, banned)
    assert "author-mark--held" in author_cell(page, marked)
    assert "author-mark--banned" not in author_cell(page, marked)


def test_their_comments_across_articles(moderator_client, article):
    other = make_article(title="Another story")
    mine = [
        make_comment(article, author_email="rae@example.com"),
        make_comment(other, author_email="rae@example.com", status="spam"),
    ]
    theirs = make_comment(article, author_email="bob@example.com")

    page = moderator_client.get(
        QUEUE, {"status": "all", "author": "email:rae@example.com"}
    ).text

    assert all(f'name="_selected_action" value="{c.pk}"' in page for c in mine)
    assert f'name="_selected_action" value="{theirs.pk}"' not in page


@pytest.mark.parametrize("authors", [3, 40])
def test_the_record_costs_the_same_queries_for_few_or_many_authors(
    moderator_client, article, authors
):
    def queries_for_queue() -> int:
        with CaptureQueriesContext(connection) as context:
            assert moderator_client.get(QUEUE).status_code == 200
        return len(context)

    for n in range(authors):
        make_comment(article, author_email=f"a{n}@example.com", status="pending")
        make_comment(article, author_email=f"a{n}@example.com")
    first = queries_for_queue()
    make_comment(article, author_email="new@example.com", status="pending")

    assert queries_for_queue() == first
    assert re.search(r"\d+ approved", moderator_client.get(QUEUE).text)
