"""
SQL that the ORM writes once.

A few statements run on every request: the checks of a post (comments.history)
and the article behind a shared page (newsroom.pagecache). They are sent as SQL
text, since building and compiling a QuerySet each time cost more CPU than
PostgreSQL spends answering (bench/README.md). Their SQL is still the rule's own:
compiled once per process from the QuerySet that states the rule
(BanQuerySet.on(), ArticleQuerySet.published(), identity.staff_members()), with
marked values where each call's values go. So a rule has one definition, and the
statement changes when it does.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router

# Django's placeholder; an escaped percent sign (%%) passes through unchanged.
PLACEHOLDER = "%s"
# A moment no rule's constant is: the mark where a call's "now" goes.
MARKED_TIME = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Statement:
    """SQL with %(name)s parameters, and the values the rule itself put in it."""

    sql: str
    constants: dict[str, Any] = field(default_factory=dict)

    def params(self, **values: Any) -> dict[str, Any]:
        """The statement's parameters: the rule's constants and this call's values."""
        return self.constants | values

    def row(self, model: type[models.Model], **values: Any) -> tuple[Any, ...] | None:
        """
        The statement's first row with this call's `values`, read where the ORM
        reads `model` (the replica, when the request allows it); None for none.
        """
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(self.sql, self.params(**values))
            found: tuple[Any, ...] | None = cursor.fetchone()
        return found


def compiled(
    queryset: models.QuerySet[Any, Any], prefix: str, **marks: Any
) -> Statement:
    """
    `queryset`'s SQL as a Statement. The QuerySet was built with the values in
    `marks` (name=value) where each call gives its own: they become %(name)s.
    Its other values (constants of the rule, such as a status) become
    %(prefix_N)s, with their values in `constants`. A mark must be a value no
    constant equals (an unlikely date, a negative id); one the SQL does not
    hold is an error, since calls would give that value for nothing.
    """
    sql, values = queryset.query.sql_with_params()
    names = {str(mark): name for name, mark in marks.items()}
    constants: dict[str, Any] = {}
    found: set[str] = set()
    pieces = sql.split(PLACEHOLDER)
    if len(pieces) != len(values) + 1:
        raise ValueError(f"Can't tell the parameters of {sql!r} apart.")
    text = pieces[0]
    for value, piece in zip(values, pieces[1:], strict=True):
        name = names.get(str(value))
        if name is None:
            name = f"{prefix}_{len(constants)}"
            constants[name] = value
        found.add(name)
        text += f"%({name})s{piece}"
    if missing := set(marks) - found:
        raise ValueError(f"The query holds no {', '.join(sorted(missing))}.")
    return Statement(text, constants)
