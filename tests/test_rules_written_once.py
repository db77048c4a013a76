"""
A rule has one definition. The statements that run on every request are SQL
text for speed (bench/README.md), but the text is the QuerySet's own, compiled
once (readers.statements): the article behind a shared page is
ArticleQuerySet.published(), the bans posting finds are BanQuerySet.on(), and
the staff whose names are kept are identity.staff_members().
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Ban
from readers.identity import NAME_FIELDS, display_name, staff_members, staff_name
from tests import factories

pytestmark = pytest.mark.django_db


def pieces(queryset) -> list[str]:
    """The SQL a QuerySet compiles to, cut at its parameters."""
    sql, _ = queryset.query.sql_with_params()
    return [piece for piece in sql.split("%s") if piece.strip()]


def holds_in_order(text: str, parts: list[str]) -> bool:
    pattern = ".*?".join(re.escape(part) for part in parts)
    return re.search(pattern, text, re.DOTALL) is not None


def posting_sql(client, article) -> str:
    """Everything a post sends to PostgreSQL."""
    with CaptureQueriesContext(connection) as queries:
        factories.post_comment(client, article, email="a@example.com", body="Hi.")
    return "\n".join(query["sql"] for query in queries)


def test_an_article_the_home_page_lists_is_on_its_shared_page(client):
    """
    The shared page's article was found by SQL of its own, by PostgreSQL's
    clock at the start of the transaction, where published() and the home page
    go by the app's: an article published a moment ago (here: since the test's
    transaction began; in production: by an app server's clock a little ahead
    of the database's) was listed, and its page was "not found".
    """
    factories.make_article()  # the transaction begins
    article = factories.make_article(published_at=timezone.now())
    assert article.title in client.get(reverse("home")).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
    later = factories.make_article(
        published_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert client.get(later.get_absolute_url()).status_code == 404


def test_posting_asks_for_bans_in_the_sql_of_ban_queryset_on(client, article, rules):
    sent = posting_sql(client, article)
    on = Ban.objects.on(user_id=1, email="a@example.com", ip_address="192.0.2.1")
    assert holds_in_order(sent, pieces(on.values_list("effect", "reason")))


def test_posting_asks_for_the_staff_in_the_sql_of_staff_members(client, article, rules):
    sent = posting_sql(client, article)
    assert holds_in_order(sent, pieces(staff_members().values_list(*NAME_FIELDS)))


def test_the_staff_names_posting_keeps_are_their_display_names(article, rules):
    from comments.history import gather
    from comments.models import Comment

    staff = [
        factories.make_staff(first_name="Eddie", last_name="Editor"),
        factories.make_staff(first_name="", last_name="Lastonly"),
        factories.make_staff(first_name="  Spaced  ", last_name=""),
        factories.make_staff(first_name="", last_name=""),
    ]
    gone = factories.make_staff(first_name="Gone", last_name="Away", is_active=False)
    reader = factories.make_user(first_name="Rita", last_name="Reader")
    names = gather(Comment(article=article, body="Hello."), rules).staff_names
    for user in staff:
        assert display_name(user) in names
        values = [getattr(user, field) for field in NAME_FIELDS]
        assert staff_name(values) == display_name(user)
    assert display_name(gone) not in names
    assert display_name(reader) not in names


def test_a_mark_the_rule_does_not_hold_is_refused():
    from readers.statements import compiled

    marked = datetime.datetime(1901, 2, 3, tzinfo=datetime.UTC)
    statement = compiled(Ban.objects.active(marked), "ban", now=marked)
    assert "%(now)s" in statement.sql and statement.constants == {}
    with pytest.raises(ValueError, match="holds no slug"):
        compiled(Ban.objects.active(marked), "ban", now=marked, slug="a-slug")
