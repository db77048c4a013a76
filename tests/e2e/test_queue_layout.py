"""
The queue as a moderator reads it in Chromium: each comment a block whose text is
text, eight or more of them on a laptop's screen, a decided row showing its new
state at once and the status line with Undo always in view; its search box
named by a label of its own; the Reported view reached and worked without
JavaScript.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Report
from tests.e2e import test_keyboard_moderation
from tests.e2e.accessibility import AXE
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_moderation import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "/admin/comments/comment/"
queue = test_keyboard_moderation.queue  # its 23 waiting comments, a fixture

# The rows wholly in the viewport, below anything stuck to its top.
ROWS_IN_VIEW = """() => {
    const bar = document.querySelector(".keys-bar");
    const top = bar ? Math.max(0, bar.getBoundingClientRect().bottom) : 0;
    return [...document.querySelectorAll("#result_list tbody tr")].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.top >= top - 1 && box.bottom <= window.innerHeight + 1;
    }).length;
}"""


@pytest.fixture
def long_queue(queue):
    """The keyboard's queue of 23, each text three lines long, as readers write."""
    for comment in queue:
        comment.body += " The bridge's toll plan was rejected twice before, and this"
        comment.body += " third version is the first with a cap on rises." * 3
        comment.save(update_fields=["body"])
    return queue


def test_eight_comments_fit_a_laptop_screen_as_text(new_page, long_queue):
    page = new_page(width=1280, height=800)
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.locator("#result_list tbody tr").first.evaluate(
        "(row) => window.scrollTo(0, row.getBoundingClientRect().top + scrollY"
        " - document.querySelector('.keys-bar').offsetHeight)"
    )

    page.screenshot(path=str(ARTIFACTS / "queue-1280x800.png"))
    assert page.evaluate(ROWS_IN_VIEW) >= 8
    first = page.locator("#result_list tbody tr").first
    # The text is text, not a link; the author and why it waits are beside it.
    expect(first.get_by_role("link", name="Waiting comment")).to_have_count(0)
    expect(first.get_by_text("the bridge's toll plan").first).to_be_visible()
    expect(first).to_contain_text("Reader 0")
    expect(first).to_contain_text("Waiting comment number 0.")
    expect(first).to_contain_text("held: first comment from this author")


def test_a_decided_row_shows_its_new_state_at_once(new_page, long_queue):
    page = new_page(width=1280, height=800)
    sign_in(page, "editor")
    page.goto(QUEUE)
    row = page.locator("#result_list tbody tr").nth(1)
    expect(row).to_contain_text("0 approved · 1 held")

    row.get_by_role("button", name=f"Approve comment {long_queue[1].pk}").click()

    expect(row.locator(".status")).to_have_text("Approved")
    # The approved comment's buttons, not the pending one's.
    expect(
        row.get_by_role("button", name=f"Unapprove comment {long_queue[1].pk}")
    ).to_be_visible()
    expect(
        row.get_by_role(
            "button", name=f"Approve comment {long_queue[1].pk}", exact=True
        )
    ).to_have_count(0)
    expect(row).not_to_contain_text("held: first comment")
    expect(row).to_contain_text("1 approved · 0 held")


def test_the_status_line_with_undo_stays_in_view(new_page, long_queue):
    page = new_page(width=1280, height=800)
    sign_in(page, "editor")
    page.goto(QUEUE)
    far = long_queue[20]
    button = page.get_by_role("button", name=f"Spam comment {far.pk}")
    button.scroll_into_view_if_needed()

    button.click()

    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Comment {far.pk} by Reader 20: spam.")
    expect(status).to_be_in_viewport(ratio=1)
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_in_viewport(ratio=1)
    undo.click()
    expect(status).to_contain_text("back to pending")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reported_view_works_without_javascript(new_page, long_queue, width):
    reported = long_queue[3]
    Report.objects.create(comment=reported, reason="abuse", browser="b")
    page = new_page(javascript=False, width=width)
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.get_by_role("link", name="Reported (1)").click()

    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Abuse")
    page.get_by_role("button", name=f"Dismiss reports comment {reported.pk}").click()
    expect(page.get_by_text("Readers' reports of comment")).to_be_visible()
    assert page.url.endswith("?status=reported")
    expect(page.get_by_role("link", name="Reported (0)")).to_be_visible()


@pytest.mark.parametrize(
    "query", ["", "?status=all&q=bridge", "?q=nothing-like-this"], ids=str
)
def test_the_search_box_has_a_label_of_its_own(new_page, long_queue, query):
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
