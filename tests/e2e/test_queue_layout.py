"""
The queue's search box in Chromium: named by a label of its own, not by its icon.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e import test_keyboard_moderation
from tests.e2e.accessibility import AXE
from tests.e2e.test_moderation import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "/admin/comments/comment/"
queue = test_keyboard_moderation.queue  # its 23 waiting comments, a fixture


@pytest.mark.parametrize(
    "query", ["", "?status=all&q=bridge", "?q=nothing-like-this"], ids=str
)
def test_the_search_box_has_a_label_of_its_own(new_page, queue, query):
    """axe's label-title-only (a best practice, outside the WCAG rules we run)."""
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE + query)
    page.evaluate(AXE.read_text())

    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: "rule",
            values: ["label-title-only", "label"]}})).violations.map((v) => v.id)"""
    )

    assert found == []
    expect(page.get_by_role("textbox", name="Search comments")).to_be_visible()
