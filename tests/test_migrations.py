"""
Each app's migrations form one straight line.

Two branches joined by a merge migration leave an order nobody reviewed; the house
rule is to rebase and renumber instead. Django's own `makemigrations --check` (run
by CI) only refuses two unmerged leaves, not a merge, so this test refuses both.
"""

import pytest
from django.db.migrations.loader import MigrationLoader

OUR_APPS = ["articles", "comments", "newsroom"]


def forks_and_merges(app_label: str) -> list[str]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    problems = []
    for key, node in graph.node_map.items():
        if key[0] != app_label:
            continue
        parents = sorted(p.key[1] for p in node.parents if p.key[0] == app_label)
        children = sorted(c.key[1] for c in node.children if c.key[0] == app_label)
        if len(parents) > 1:
            problems.append(f"{key[1]} merges {', '.join(parents)}")
        if len(children) > 1:
            problems.append(f"{key[1]} forks into {', '.join(children)}")
    return sorted(problems)


@pytest.mark.parametrize("app_label", OUR_APPS)
def test_migrations_are_one_straight_line(app_label):
    assert forks_and_merges(app_label) == []


def test_a_moderation_action_added_makes_no_migration():
    """
    The actions' choices are named in migrations, not listed: five migrations did
    nothing but restate the list, one for each action added.
    """
    from django.db.migrations.writer import MigrationWriter

    from comments.models import ModerationAction

    field = ModerationAction._meta.get_field("action")
    choices = field.deconstruct()[3]["choices"]
    written, _ = MigrationWriter.serialize(choices)
    assert callable(choices)
    assert "approve" not in written and "Approved" not in written
    # The history ends on the same callable, so makemigrations sees no change.
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    migrated = state.apps.get_model("comments", "ModerationAction")
    assert migrated._meta.get_field("action").deconstruct()[3]["choices"] is choices
