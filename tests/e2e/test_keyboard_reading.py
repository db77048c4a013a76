"""
A reader who uses only the keyboard (Tab, Shift+Tab, Enter, Space and typing)
goes the whole way: from the skip link to the comment form, a comment as a guest,
a reply, signing in with a site account through the form's button, and out again.
Every element the keyboard lands on shows that it has the focus.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MOST_TAB_STOPS = 40

# The focus indicator as the browser draws it: an outline or a shadow of some
# width, in a colour that is not see-through.
FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    const visible = (colour) => !/^(transparent|rgba\\(.*, 0\\))$/.test(colour);
    const outline = style.outlineStyle !== "none"
        && parseFloat(style.outlineWidth) > 0 && visible(style.outlineColor);
    const shadow = style.boxShadow !== "none";
    return outline || shadow;
}"""


@pytest.fixture
def story(transactional_db, rules):
    return factories.make_article(title="Council Approves New Bridge")


def assert_focus_is_visible(page) -> None:
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert page.evaluate(FOCUS_RING), f"no visible focus on {focused}"


def press(page, key: str) -> None:
    page.keyboard.press(key)
    assert_focus_is_visible(page)


def press_to_leave(page, key: str) -> None:
    """Press `key` on a button that sends a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def tab_to(page, target, *, key: str = "Tab") -> None:
    """Tab (or Shift+Tab) until `target` has the focus, checking every stop."""
    for _ in range(MOST_TAB_STOPS):
        press(page, key)
        if target.evaluate("(element) => element === document.activeElement"):
            return
    pytest.fail(f"{key} never reached {target}")


def test_the_whole_reader_journey_with_the_keyboard_only(page, story):
    ada = factories.make_comment(story, author_name="Ada", body="Is it safe?")
    factories.make_verified_user(
        username="rita", email="rita@example.com", first_name="Rita"
    )
    page.goto(story.get_absolute_url())

    # The skip links come first: "Skip to content", then the form's.
    tab_to(page, page.get_by_role("link", name="Skip to content"))
    tab_to(page, page.get_by_role("link", name="Skip to the comment form"))
    press(page, "Enter")
    expect(page.locator("#respond")).to_be_focused()

    # A guest's comment, the details remembered (Space ticks the box).
    tab_to(page, page.get_by_label("Comment", exact=True))
    page.keyboard.type("Will the bridge take lorries?")
    tab_to(page, page.get_by_label("Email (required) (Address never made public)"))
    page.keyboard.type("grace@example.com")
    tab_to(page, page.get_by_label("Name (required)"))
    page.keyboard.type("Grace Guest")
    remember = page.get_by_label("Save my name, email, and website")
    tab_to(page, remember)
    press(page, "Space")
    expect(remember).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Post Comment"))
    press_to_leave(page, "Enter")
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert Comment.objects.filter(body="Will the bridge take lorries?").exists()

    # A reply to Ada, whose comment is above the one just posted.
    tab_to(page, page.get_by_role("link", name="Reply to Ada"), key="Shift+Tab")
    press(page, "Enter")
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Ada")
    page.keyboard.type("And buses?")
    expect(page.get_by_label("Name (required)")).to_have_value("Grace Guest")
    tab_to(page, page.get_by_role("button", name="Post Comment"))
    press_to_leave(page, "Space")
    expect(page.get_by_text("And buses?")).to_be_visible()
    reply = Comment.objects.get(body="And buses?")
    assert reply.parent_id == ada.pk

    # Signing in with a site account, from the form's own button: back up to the
    # skip link first, the way a reader who knows it would.
    skip_to_form = page.get_by_role("link", name="Skip to the comment form")
    tab_to(page, skip_to_form, key="Shift+Tab")
    press(page, "Enter")
    tab_to(page, page.get_by_role("button", name="Log in with your Newsroom account"))
    press_to_leave(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type("rita@example.com")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type("a-Long-passw0rd")
    press_to_leave(page, "Enter")
    expect(page.get_by_text("You are commenting using your")).to_be_visible()

    # And out again.
    tab_to(page, skip_to_form, key="Shift+Tab")
    press(page, "Enter")
    tab_to(page, page.get_by_role("button", name="Log Out", exact=True))
    press_to_leave(page, "Enter")
    expect(
        page.get_by_role("button", name="Log in with your Newsroom account")
    ).to_be_visible()


def test_the_focus_check_fails_on_an_element_without_a_ring(page):
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title>'
        "<style>a:focus { outline: none }</style>"
        '<main><a href="#x">hidden focus</a></main></html>'
    )

    with pytest.raises(AssertionError, match="no visible focus"):
        press(page, "Tab")
