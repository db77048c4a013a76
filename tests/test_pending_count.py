"""The queue's size: in the site header for editors, never for readers."""

import re

from comments.models import Comment
from tests import factories
from tests.factories import article_page


def test_editor_sees_pending_count_linking_to_the_queue(moderator_client, article):
    factories.make_comment(article, status="pending")
    factories.make_comment(article, status="pending")
    factories.make_comment(article, status="approved")

    html = moderator_client.get("/").content.decode()

    assert re.search(
        r'<a class="pending-link" href="/admin/comments/comment/">Comments to moderate '
        r'<span class="pending-link__count">2</span></a>',
        html,
    )


def test_readers_see_no_count_and_pay_no_query_for_it(
    client, article, django_assert_num_queries
):
    factories.make_comment(article, status="pending")
    with django_assert_num_queries(1):  # the article list only
        html = client.get("/").content.decode()
    assert "pending-link" not in html
    client.force_login(factories.make_user(password=None))
    assert "pending-link" not in client.get("/").content.decode()


def test_editors_article_page_stays_within_six_queries(
    editor_client, article, django_assert_max_num_queries
):
    factories.make_comment(article, status="pending")
    with django_assert_max_num_queries(6):
        html = article_page(editor_client, article)
    assert 'Comments to moderate <span class="pending-link__count">1</span>' in html


def test_pending_count_uses_the_partial_index(db):
    from django.db import connection

    from comments.models import Comment

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    plan = Comment.objects.filter(status="pending").order_by().explain()
    assert "comment_pending_idx" in plan


def test_the_count_is_written_with_thousands_separators(editor_client, article):
    Comment.objects.bulk_create(
        Comment(article=article, body="x", body_html="<p>x</p>", status="pending")
        for _ in range(1_200)
    )

    assert "<strong>1,200</strong>" in editor_client.get("/admin/").content.decode()
    queue = editor_client.get("/admin/comments/comment/").content.decode()
    assert "<title>(1,200) Moderation queue" in queue
