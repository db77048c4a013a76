"""desk.decisions.transition(): what each editor's action does to each status."""

import pytest

from desk.decisions import transition

STATUSES = ["pending", "approved", "spam", "removed"]
EXPECTED = {
    # action: {status now: status after} (missing: the action doesn't apply)
    "approve": {"pending": "approved", "spam": "approved", "removed": "approved"},
    "unapprove": {"approved": "pending"},
    "spam": {"pending": "spam", "approved": "spam", "removed": "spam"},
    "not_spam": {"spam": "pending"},
    "remove": {"pending": "removed", "approved": "removed", "spam": "removed"},
    "restore": {"removed": "pending"},
}


@pytest.mark.parametrize("action", EXPECTED)
@pytest.mark.parametrize("status", STATUSES)
def test_every_action_from_every_status(action, status):
    assert transition(action, status, None) == EXPECTED[action].get(status)


@pytest.mark.parametrize(
    ("action", "status", "previous", "after"),
    [
        ("not_spam", "spam", "approved", "approved"),
        ("not_spam", "spam", "pending", "pending"),
        ("restore", "removed", "approved", "approved"),
        ("restore", "removed", "spam", "spam"),
        ("restore", "removed", "removed", "pending"),
        ("restore", "removed", "", "pending"),
    ],
)
def test_not_spam_and_restore_go_back_to_the_status_before(
    action, status, previous, after
):
    assert transition(action, status, previous) == after


@pytest.mark.parametrize("action", ["edit", "reply", "ban", "delete", ""])
def test_other_actions_change_no_status(action):
    assert all(transition(action, status, None) is None for status in STATUSES)
