"""
The checks' statement of every post (comments.history.gather) is prepared once per
database connection by psycopg itself (the database OPTIONS' prepare_threshold)
and then only executed; a failure leaves the connection able to prepare it again.
Django's own statements bind their parameters in the client, which psycopg never
prepares: they are sent whole, as before.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from comments.history import ask
from tests.factories import post_comment

pytestmark = pytest.mark.django_db


def prepared() -> dict[str, tuple[str, int]]:
    """The connection's prepared statements: their text and how often they ran."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, statement, generic_plans + custom_plans"
            " FROM pg_prepared_statements"
        )
        return {name: (text, runs) for name, text, runs in cursor.fetchall()}


def test_a_post_prepares_its_checks_once_then_executes_them(client, article, rules):
    post_comment(client, article, email="first@example.com", body="First.")
    first = prepared()
    checks = [name for name, (text, _) in first.items() if "form_token" in text]
    assert len(checks) == 1
    post_comment(client, article, email="second@example.com", body="Second.")
    second = prepared()
    assert second.keys() == first.keys()
    assert second[checks[0]][1] == first[checks[0]][1] + 1


def test_only_the_checks_are_prepared(client, article, rules):
    """
    Django's cursors bind parameters in the client, and psycopg prepares none of
    their statements whatever prepare_threshold says: the page, the form and the
    post's own inserts leave nothing prepared but the checks.
    """
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 0
    client.get(article.get_absolute_url())
    post_comment(client, article, email="first@example.com", body="First.")
    texts = [text for text, _ in prepared().values()]
    assert len(texts) == 1 and "form_token" in texts[0]


def test_a_failed_first_execution_does_not_leave_the_connection_stuck():
    query = "SELECT id FROM comments_comment WHERE id = %(pk)s /* stuck test */"

    def run(pk):
        with transaction.atomic():
            return ask(query, {"pk": pk})

    with pytest.raises(DatabaseError):
        run("not a number")
    assert run(0) is None
    assert run(0) is None
    assert any("stuck test" in text for text, _ in prepared().values())


def test_without_prepared_statements_the_checks_are_sent_whole(client, article, rules):
    connection.ensure_connection()
    # What DATABASE_PREPARED_STATEMENTS=0 sets (tests/test_settings.py).
    connection.connection.prepare_threshold = None
    try:
        post_comment(client, article, email="pooled@example.com", body="Pooled.")
        assert prepared() == {}
    finally:
        connection.connection.prepare_threshold = 0
