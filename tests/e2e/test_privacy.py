"""
Personal data in Chromium: an officer exports and erases a reader's data in the
admin; a reader downloads theirs and deletes their account.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from comments.models import Comment
from newsroom.models import PersonalDataRequest
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-Long-passw0rd"


@pytest.fixture
def story(transactional_db):
    return factories.make_article(title="Council Approves New Bridge")


@pytest.fixture
def grace(story, served_media):
    return factories.make_reader_with_history(story)


def admin_sign_in(page) -> None:
    factories.make_user(username="officer", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("Username:").fill("officer")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def reader_sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_an_officer_exports_then_erases_a_readers_data(new_page, story, grace):
    reader = new_page()
    reader.goto(story.get_absolute_url())
    expect(reader.get_by_text("Grace Hopper")).to_be_visible()

    officer = new_page()
    admin_sign_in(officer)
    officer.get_by_role("link", name="Personal data requests").click()
    officer.get_by_role("link", name="Export or erase personal data").click()
    officer.get_by_label("Email address:").fill("Grace@Example.com")
    with officer.expect_download() as download:
        officer.get_by_role("button", name="Download their data (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert {c["name"] for c in data["comments"]} == {"Grace Hopper", "G. Hopper"}

    officer.get_by_label("Remove the comments").check()
    officer.get_by_role("button", name="Erase their data…").click()
    expect(officer.locator("#erase-summary")).to_contain_text("remove 2 comments")
    officer.get_by_role("button", name="Yes, erase it").click()

    expect(officer.locator(".messagelist")).to_contain_text("comments removed: 2")
    assert set(PersonalDataRequest.objects.values_list("action", flat=True)) == {
        "export",
        "erase",
    }
    reader.reload()
    expect(reader.get_by_text("Bob answers.")).to_be_visible()
    for gone in ["Grace Hopper", "G. Hopper", "words of Grace"]:
        assert gone not in reader.content()


def test_a_reader_deletes_their_account_with_their_password(new_page, story, grace):
    page = new_page()
    reader_sign_in(page)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Your data").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    assert json.loads(download.value.path().read_text(encoding="utf-8"))["accounts"]

    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert not get_user_model().objects.filter(username="grace").exists()
    assert Comment.objects.get(pk=grace["signed_in"].pk).display_name == "Anonymous"


def test_the_keyboard_reaches_the_delete_button(new_page, story, grace):
    page = new_page()
    reader_sign_in(page)
    page.goto("/accounts/data/")
    page.get_by_label("Keep them, shown as “Anonymous”").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Delete my account")).to_be_focused()


@pytest.mark.parametrize("width", [1280, 390])
def test_personal_data_screenshots(new_page, story, grace, width):
    officer = new_page(width=width)
    admin_sign_in(officer)
    officer.goto("/admin/newsroom/personaldatarequest/add/")
    officer.get_by_label("Email address:").fill("not an address")
    officer.get_by_role("button", name="Erase their data…").click()
    expect(officer.get_by_text("Please correct the error below.")).to_be_visible()
    screenshot(officer, f"personal-data-tool-{width}")
    officer.get_by_label("Email address:").fill("grace@example.com")
    officer.get_by_role("button", name="Erase their data…").click()
    screenshot(officer, f"personal-data-confirm-{width}")
    officer.goto("/admin/")
    screenshot(officer, f"personal-data-admin-index-{width}")

    reader = new_page(width=width)
    reader_sign_in(reader)
    reader.goto("/accounts/data/")
    screenshot(reader, f"your-data-{width}")
    reader.get_by_label("Your password").fill(PASSWORD)
    reader.get_by_role("button", name="Delete my account").click()
    expect(
        reader.get_by_role("heading", name="Your account is deleted")
    ).to_be_visible()
    screenshot(reader, f"account-deleted-{width}")
    officer.goto("/admin/newsroom/personaldatarequest/")
    screenshot(officer, f"personal-data-log-{width}")


def test_a_reader_finds_their_comments_from_the_header(new_page, story, grace):
    page = new_page(width=390)
    reader_sign_in(page)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Your comments").click()

    expect(page.get_by_role("heading", name="Your comments")).to_be_visible()
    expect(page.get_by_text("Signed-in words of Grace.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your subscriptions")).to_be_visible()
    screenshot(page, "your-comments-390")
