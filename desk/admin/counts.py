"""
Counting large tables cheaply: exact up to COUNT_CAP rows, beyond that
PostgreSQL's estimate.
"""

import json
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

from comments.models import Comment, Report

Status = Comment.Status


COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """
    Counts exactly up to COUNT_CAP rows, then uses PostgreSQL's estimate: a page
    of a 100,000-comment view never costs a full count.
    """

    object_list: QuerySet[Any]  # ModelAdmin paginates querysets, never lists

    @cached_property
    def count(self) -> int:
        queryset = self.object_list.order_by()
        exact = queryset[: COUNT_CAP + 1].count()
        if exact <= COUNT_CAP:
            return exact
        plan = json.loads(queryset.explain(format="json"))
        return max(exact, int(plan[0]["Plan"]["Plan Rows"]))


def status_counts(article_id: int | None = None) -> dict[str, int]:
    """
    Comments per status, and those with readers' open reports as "reported",
    each counted up to COUNT_CAP + 1: one query whose cost is bounded whatever the
    size of the table. Each branch reads one index
    (comment_pending_idx for the queue, comment_status_idx or comment_article_idx
    for the others) and stops after COUNT_CAP + 1 rows.
    """
    table = Comment._meta.db_table
    where = "status = %s" + (" AND article_id = %s" if article_id else "")
    branch = f"(SELECT status FROM {table} WHERE {where} LIMIT %s)"  # noqa: S608
    params: list = []
    for status in Status.values:
        params += [status, *([article_id] if article_id else []), COUNT_CAP + 1]
    branches = " UNION ALL ".join([branch] * len(Status.values))
    # Comments with readers' open reports (report_open_idx), as "reported".
    reports = Report._meta.db_table
    reported = (
        f"(SELECT 'reported' FROM (SELECT DISTINCT r.comment_id FROM {reports} r "  # noqa: S608
        f"JOIN {table} c ON c.id = r.comment_id WHERE r.resolved_at IS NULL"
        + (" AND c.article_id = %s" if article_id else "")
        + " LIMIT %s) AS open_reports)"
    )
    params += [*([article_id] if article_id else []), COUNT_CAP + 1]
    # Only the table names and placeholders are formatted into the SQL.
    sql = (
        f"SELECT status, count(*) FROM ({branches} UNION ALL {reported}) AS capped "  # noqa: S608
        "GROUP BY status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def count_label(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"
