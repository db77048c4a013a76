"""Readers like comments in Chromium, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from comments.models import Like
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, rules):
    return factories.make_article(title="Council Approves New Bridge")


def test_a_guest_likes_in_place_and_sees_it_after_a_reload(new_page, story):
    comment = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    page = new_page(width=390)
    page.goto(story.get_absolute_url())
    page.evaluate("window.stillTheSamePage = true")
    like = page.get_by_role("button", name="Like Ada's comment", exact=True)
    expect(like).to_have_attribute("aria-pressed", "false")

    like.click()

    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_text("Liked")
    expect(page.locator(f"#c-{comment.pk} .like-count")).to_have_text("1")
    assert page.evaluate("window.stillTheSamePage") is True
    assert Like.objects.filter(comment=comment).count() == 1
    screenshot(page, "like-in-place")

    page.reload()
    expect(
        page.get_by_role("button", name="Like Ada's comment", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Like Ada's comment", exact=True).click()
    expect(
        page.get_by_role("button", name="Like Ada's comment", exact=True)
    ).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"#c-{comment.pk} .like-count")).to_have_text("")
    assert not Like.objects.exists()


def test_without_javascript_a_like_is_a_page_and_a_button(new_page, story):
    comment = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    page = new_page(javascript=False)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Like Ada's comment").click()
    expect(page.get_by_role("heading", name="Like this comment?")).to_be_visible()
    page.get_by_role("button", name="Like").click()

    expect(page.get_by_text("You like Ada's comment.")).to_be_visible()
    assert page.url.endswith(f"#c-{comment.pk}")
    assert Like.objects.filter(comment=comment).count() == 1


def test_a_guest_likes_one_comment_after_another_in_place(new_page, story):
    """A stamp is good for one like: each answer brings the stamp for the next."""
    names = ["Ada", "Bob", "Cy"]
    for name in names:
        factories.make_comment(story, author_name=name, body=f"{name}'s point.")
    page = new_page()
    page.goto(story.get_absolute_url())
    page.evaluate("window.stillTheSamePage = true")

    for name in names:
        like = page.get_by_role("button", name=f"Like {name}'s comment", exact=True)
        like.click()
        expect(like).to_have_attribute("aria-pressed", "true")

    assert page.evaluate("window.stillTheSamePage") is True
    assert Like.objects.count() == 3
    assert len(set(Like.objects.values_list("form_token", flat=True))) == 3
