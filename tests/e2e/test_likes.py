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


@pytest.fixture
def real_rules(transactional_db):
    """The settings as they ship: a form shown for 3 seconds before it is posted."""
    from comments.models import DiscussionSettings

    assert DiscussionSettings.load().min_seconds_to_post == 3


@pytest.mark.parametrize("javascript", [True, False])
def test_a_quick_reader_likes_at_once(new_page, real_rules, javascript):
    """
    Following a link to a comment and liking it at once, in the 3 seconds the
    comment form asks a reader to take: the like is given, in place with
    JavaScript; without it, on a page that says what Like does, in one click.
    """
    story = factories.make_article(title="Council Approves New Bridge")
    comment = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    page = new_page(javascript=javascript)
    page.goto(f"{story.get_absolute_url()}#c-{comment.pk}")

    if javascript:
        page.evaluate("window.stillTheSamePage = true")
        like = page.get_by_role("button", name="Like Ada's comment", exact=True)
        like.click()
        expect(like).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#c-{comment.pk} .like-count")).to_have_text("1")
        assert page.evaluate("window.stillTheSamePage") is True
    else:
        page.get_by_role("link", name="Like Ada's comment").click()
        expect(page.get_by_text("adds yours to its likes")).to_be_visible()
        page.get_by_role("button", name="Like").click()
        expect(page.get_by_text("You like Ada's comment.")).to_be_visible()
    assert Like.objects.filter(comment=comment).count() == 1


def test_a_refused_like_is_said_in_place_and_the_next_may_work(new_page, story):
    """A like refused (here: the network's 100 in 10 minutes) says why, in place."""
    from comments.liking import LIKES_PER_ADDRESS
    from readers.client_ip import network_key

    others = [factories.make_comment(story) for _ in range(LIKES_PER_ADDRESS)]
    comment = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    given = Like.objects.bulk_create(
        Like(comment=other, browser=f"b{n}", network=network_key("127.0.0.1"))
        for n, other in enumerate(others)
    )
    page = new_page()
    page.goto(story.get_absolute_url())
    page.evaluate("window.stillTheSamePage = true")
    like = page.get_by_role("button", name="Like Ada's comment", exact=True)

    like.click()

    expect(page.get_by_role("alert")).to_have_text(
        "You have liked many comments in a short time. Please wait a few minutes."
    )
    expect(like).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.stillTheSamePage") is True

    Like.objects.filter(pk=given[0].pk).delete()  # a few minutes later
    like.click()

    expect(like).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Like.objects.filter(comment=comment).count() == 1
