"""A moderator clears the queue with the keyboard, in place, and can undo."""

import re
import time

import pytest
from playwright.sync_api import expect

from comments.models import Comment, ModerationAction
from tests import factories
from tests.e2e.conftest import ARTIFACTS, screenshot
from tests.e2e.test_moderation import make_editor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def queue(transactional_db):
    story = factories.make_article(title="Council Approves New Bridge")
    make_editor()
    return [
        factories.make_comment(
            story,
            status="pending",
            author_name=f"Reader {n}",
            body=f"Waiting comment number {n}.",
            moderation_reason="held: first comment from this author",
        )
        for n in range(23)
    ]


def statuses() -> list[str]:
    return list(Comment.objects.order_by("created_at").values_list("status", flat=True))


def test_approve_20_and_spam_3_with_23_keystrokes_and_no_page_load(new_page, queue):
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE)
    expect(page).to_have_title("(23) Moderation queue | Newsroom")
    page.evaluate("window.stillTheSamePage = true")

    started = time.monotonic()
    keystrokes = 0
    for key in "a" * 20 + "s" * 3:
        page.keyboard.press(key)
        keystrokes += 1
        # Each decision answered before the next key, as a moderator reading along.
        expect(page.locator("#result_list tr.is-decided")).to_have_count(keystrokes)
    seconds = time.monotonic() - started

    assert statuses() == ["approved"] * 20 + ["spam"] * 3
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_title("(0) Moderation queue | Newsroom")
    expect(page.get_by_role("status")).to_contain_text("spam")
    screenshot(page, "keyboard-moderation")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "keyboard-moderation.txt").write_text(
        f"approve 20, spam 3: {keystrokes} keystrokes, {seconds:.1f} s, no page load\n"
    )


def test_j_k_move_o_opens_and_u_undoes(new_page, queue):
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")  # the second comment
    expect(page.locator("#result_list tr.is-current")).to_contain_text(
        "Waiting comment number 1."
    )
    page.keyboard.press("r")
    expect(page.locator("#result_list tr.is-decided")).to_have_count(1)
    assert statuses()[1] == "removed"

    page.keyboard.press("u")

    expect(page.get_by_role("status")).to_contain_text("back to pending")
    expect(page.locator("#result_list tr.is-decided")).to_have_count(0)
    assert statuses()[1] == "pending"
    assert list(
        ModerationAction.objects.filter(comment=queue[1])
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    ) == ["remove", "undo"]
    expect(page.locator("#result_list tr.is-current")).to_be_focused()

    page.keyboard.press("o")
    page.wait_for_url(f"**{QUEUE}{queue[1].pk}/change/")


def test_keys_do_nothing_while_typing_and_question_mark_lists_them(new_page, queue):
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.get_by_role("textbox").first.fill("")
    page.get_by_role("textbox").first.type("ars")

    assert set(statuses()) == {"pending"}
    page.locator("body").click()
    page.keyboard.press("?")
    expect(page.get_by_role("region", name="Keyboard keys")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("region", name="Keyboard keys")).to_be_hidden()


def test_without_javascript_the_buttons_still_post(new_page, queue):
    page = new_page(javascript=False)
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.get_by_role("button", name=f"Approve comment {queue[0].pk}").click()

    expect(
        page.get_by_text(f"Comment {queue[0].pk} by Reader 0: approved.")
    ).to_be_visible()
    assert statuses()[0] == "approved"


def test_s_says_spam_and_r_takes_the_chosen_reason(new_page, queue):
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.keyboard.press("s")
    expect(page.locator("#result_list tr.is-decided")).to_have_count(1)
    page.get_by_label("Reason for s and r").select_option("off_topic")
    page.locator("#result_list tr").nth(1).click(position={"x": 5, "y": 5})
    page.keyboard.press("r")
    expect(page.locator("#result_list tr.is-decided")).to_have_count(2)

    assert list(
        ModerationAction.objects.order_by("id").values_list("action", "reason")
    ) == [("spam", "spam"), ("remove", "off_topic")]


def test_reply_from_the_queue_with_the_keyboard_only(new_page, queue):
    page = new_page()
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.locator("summary", has_text="Reply").first.focus()
    page.keyboard.press("Enter")  # opens the box
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your reply to Reader 0")).to_be_focused()
    page.keyboard.type("Thanks for waiting, we are on it.")  # a, s, r: just letters
    assert set(statuses()) == {"pending"}
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Approve and reply").first).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{QUEUE}")
    expect(
        page.get_by_text(f"Your reply to comment {queue[0].pk} is published")
    ).to_be_visible()
    reply = Comment.objects.get(parent=queue[0])
    assert (reply.body, reply.status) == (
        "Thanks for waiting, we are on it.",
        "approved",
    )
    assert statuses()[0] == "approved"


def test_approve_all_shown_after_a_confirmation(new_page, queue):
    page = new_page(width=390)
    sign_in(page, "editor")
    page.goto(QUEUE)

    page.get_by_role("link", name="Approve all shown…").click()
    expect(
        page.get_by_role("heading", name="Approve 23 waiting comments?")
    ).to_be_visible()
    assert set(statuses()) == {"pending"}  # nothing yet
    screenshot(page, "approve-all-shown-390")
    page.get_by_role("button", name="Yes, approve 23 comments").click()

    expect(page.get_by_text("Approved 23 comments.")).to_be_visible()
    expect(page).to_have_title("(0) Moderation queue | Newsroom")
    assert set(statuses()) == {"approved"}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_draws_the_day(new_page, queue, width):
    page = new_page(width=width)
    sign_in(page, "editor")
    page.goto(QUEUE)
    for _ in range(3):
        page.keyboard.press("a")
    expect(page.locator("#result_list tr.is-decided")).to_have_count(3)

    page.goto("/admin/")

    chart = page.get_by_role("img", name="Comments per hour, last 48 hours")
    expect(chart).to_be_visible()
    expect(page.locator("#moderation-dashboard")).to_contain_text("Eve: 3 actions")
    screenshot(page, f"dashboard-{width}")


def test_the_keys_speak_the_editors_language(new_page, live_server, queue):
    from tests.e2e.test_admin_accessibility import signed_in

    page = new_page()
    signed_in(page, live_server, "editor", "zh-hans")
    page.goto(QUEUE)
    pending = page.locator("#changelist-filter a", has_text="待审核")
    expect(pending).to_have_text("待审核 (23)")

    page.keyboard.press("?")
    keys = page.get_by_role("region", name="键盘按键")
    expect(keys).to_contain_text("撤销上一个决定")
    page.keyboard.press("a")

    expect(page.locator("#result_list tr.is-decided")).to_have_count(1)
    expect(pending).to_have_text("待审核 (22)")
    expect(page).to_have_title(re.compile(r"^\(22\) "))
    expect(page.locator(".keys-bar")).to_contain_text("撤销")
    assert "Keyboard" not in page.locator(".keys-bar").inner_text()
