import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_TITLE = "New Sign-Ups And Registration In China Suspended By LinkedIn"


def test_reader_goes_from_the_front_page_to_the_article(page):
    page.goto("/")
    screenshot(page, "home-desktop")
    page.get_by_role("link", name=SEED_TITLE).click()

    assert page.get_by_role("heading", level=1).inner_text() == SEED_TITLE
    assert page.locator(".story__body p").count() == 11
    screenshot(page, "article-desktop")


def test_article_reads_well_on_a_phone(new_page):
    page = new_page(width=390, height=844)
    page.goto("/")
    page.get_by_role("link", name=SEED_TITLE).click()

    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "article-phone")


def test_keyboard_users_can_skip_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
