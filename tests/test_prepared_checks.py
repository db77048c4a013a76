"""
The checks' statement of every post (comments.history.gather) is prepared once per
database connection and then only executed; a failure in the round trip that
prepared it leaves the connection able to prepare it again.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from comments.history import execute_prepared
from tests.factories import post_comment

pytestmark = pytest.mark.django_db


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE name LIKE 'comments\\_%'"
        )
        return {name for (name,) in cursor.fetchall()}


def test_a_post_prepares_its_checks_once_then_executes_them(client, article, rules):
    post_comment(client, article, email="first@example.com", body="First.")
    prepared = prepared_names()
    assert prepared
    with CaptureQueriesContext(connection) as queries:
        post_comment(client, article, email="second@example.com", body="Second.")
    assert prepared_names() == prepared
    checks = [q["sql"] for q in queries if "comments_" in q["sql"][:40]]
    assert any(sql.startswith("EXECUTE comments_") for sql in checks)
    assert not any("PREPARE" in sql for sql in checks)


def test_a_failed_first_execution_does_not_leave_the_connection_stuck():
    query = "SELECT id FROM comments_comment WHERE id = %(pk)s /* stuck test */"

    def ask(pk):
        with transaction.atomic(), connection.cursor() as cursor:
            execute_prepared(cursor, query, {"pk": pk})
            return cursor.fetchall()

    # PREPARE succeeds, EXECUTE fails; the prepared statement outlives the rollback.
    with pytest.raises(DatabaseError):
        ask("not a number")
    assert ask(0) == []
    assert ask(0) == []


def test_without_prepared_statements_the_checks_are_sent_whole(
    client, article, rules, settings
):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        post_comment(client, article, email="pooled@example.com", body="Pooled.")
    sent = " ".join(q["sql"] for q in queries)
    assert "EXECUTE comments_" not in sent and "PREPARE" not in sent
    assert "form_token" in sent  # the checks, asked in full
