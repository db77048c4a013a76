"""The article in English, Chinese and Arabic (right to left), as browsers ask."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db):
    article = factories.make_article(
        title="New Sign-Ups Suspended",
        body="The company paused new sign-ups.\n\nIt cited local law.",
    )
    ada = factories.make_comment(article, author_name="Ada", body="Is this for good?")
    factories.make_comment(article, parent=ada, author_name="Bo", body="Hard to say.")
    return article


@pytest.mark.parametrize(
    ("locale", "lang", "leave_a_reply", "reply"),
    [
        ("en-US", "en", "Leave a Reply", "Reply"),
        ("zh-CN", "zh-hans", "发表评论", "回复"),
        ("ar", "ar", "اترك تعليقًا", "رد"),
    ],
)
def test_the_article_in_the_browsers_language_on_a_phone(
    new_page, story, locale, lang, leave_a_reply, reply
):
    page = new_page(width=390, locale=locale)
    page.goto(story.get_absolute_url())

    assert page.get_attribute("html", "lang") == lang
    expect(page.get_by_role("heading", name=leave_a_reply, exact=True)).to_be_visible()
    # The script's words come from the same catalogs (/jsi18n/).
    page.locator("a.reply").first.click()
    expect(page.locator("#reply-title")).to_contain_text("Ada")
    assert page.locator("a.reply").first.inner_text() == reply
    screenshot(page, f"article-{lang}-390")


def test_arabic_reads_right_to_left(new_page, story):
    page = new_page(width=390, locale="ar")
    page.goto(story.get_absolute_url())

    assert page.get_attribute("html", "dir") == "rtl"
    ada = story.comments.get(author_name="Ada")
    header = page.locator(f"#c-{ada.pk} > article > header")
    avatar = header.locator(".avatar").bounding_box()
    name = header.locator("b").bounding_box()
    assert avatar["x"] > name["x"]  # the picture on the right, the name after it
    reply = page.locator(".children").first.bounding_box()
    thread = page.locator(".comment-list").bounding_box()
    # Replies step in from the right.
    assert reply["x"] + reply["width"] < thread["x"] + thread["width"]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390


def test_the_footer_switches_the_language(new_page, story):
    page = new_page(locale="en-US")
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="简体中文").click()

    expect(page.get_by_role("heading", name="发表评论", exact=True)).to_be_visible()
    page.goto("/")
    assert page.get_attribute("html", "lang") == "zh-hans"


def test_a_chinese_readers_own_pages_on_a_phone(new_page, story):
    reader = factories.make_verified_user(email="li@example.com", first_name="Li")
    mine = factories.make_comment(
        story, user=reader, author_name="Li", body="It reopens in May."
    )
    factories.make_comment(story, parent=mine, author_name="Bo", body="Good.")
    page = new_page(width=390, locale="zh-CN")
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("li@example.com")
    page.locator("input[name=password]").fill("a-Long-passw0rd")
    page.locator("form.account-form button[type=submit]").click()
    expect(page.get_by_text("您已以 Li 的身份登录。")).to_be_visible()

    page.goto(f"/comments/{mine.pk}/report/")
    expect(page.get_by_role("heading", name="举报评论")).to_be_visible()
    assert_accessible(page, "the report page in Chinese")
    screenshot(page, "report-zh-hans-390")

    page.goto("/comments/yours/")
    expect(page.get_by_text("1 条评论，最新的在前。")).to_be_visible()
    expect(page.get_by_text("1 条回复")).to_be_visible()
    assert_accessible(page, "your comments in Chinese")
    screenshot(page, "your-comments-zh-hans-390")
