"""A reader keeps the page open; a comment approved elsewhere is offered and shown."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot
from tests.e2e.test_moderation import make_editor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, settings):
    settings.COMMENTS_LIVE_SECONDS = 1  # configuration: ask every second
    return factories.make_article(title="Council Approves New Bridge")


def test_a_comment_approved_in_another_browser_appears_without_a_reload(
    new_page, story
):
    factories.make_comment(story, author_name="First", body="The first word.")
    held = factories.make_comment(
        story, status="pending", author_name="Late", body="A late but good point."
    )
    make_editor()
    reader = new_page(width=390)
    reader.goto(story.get_absolute_url())
    reader.get_by_role("textbox", name="Comment").fill("Half-written reply, kept.")
    reader.evaluate("window.stillTheSamePage = true")
    assert reader.get_by_role("button", name="new comment").count() == 0

    editor = new_page()
    sign_in(editor, "editor")
    editor.goto("/admin/comments/comment/")
    editor.get_by_role("button", name=f"Approve comment {held.pk}").click()
    expect(editor.get_by_text("approved.")).to_be_visible()

    offer = reader.get_by_role("button", name="1 new comment — show")
    expect(offer).to_be_visible(timeout=15_000)
    screenshot(reader, "live-new-comment-offered")
    offer.click()

    new = reader.locator(f"#c-{held.pk}")
    expect(new).to_contain_text("A late but good point.")
    expect(new).to_be_focused()
    expect(reader.get_by_role("heading", name="2 thoughts on")).to_be_visible()
    expect(reader.locator(".live-news")).to_have_text("Showing 1 new comment.")
    assert reader.evaluate("window.stillTheSamePage") is True
    assert (
        reader.get_by_role("textbox", name="Comment").input_value()
        == "Half-written reply, kept."
    )


def test_a_new_reply_is_shown_in_its_thread(new_page, story):
    top = factories.make_comment(story, author_name="Ada", body="Where it starts.")
    reply = factories.make_comment(story, parent=top, author_name="Bea")
    held = factories.make_comment(
        story, parent=reply, status="pending", author_name="Cy", body="Deeper."
    )
    reader = new_page()
    reader.goto(story.get_absolute_url())
    reader.get_by_role("link", name="Reply to Bea").click()
    reader.get_by_role("textbox", name="Comment").fill("Replying to Bea.")

    Comment.objects.filter(pk=held.pk).update(status="approved")
    reader.get_by_role("button", name="1 new comment — show").click(timeout=15_000)

    new = reader.locator(f"#c-{top.pk} > ol.children > #c-{reply.pk}")
    expect(new.locator(f"> ol.children > #c-{held.pk}")).to_contain_text("Deeper.")
    # The form went back under the list, with what was typed in it.
    assert reader.locator(".comment #respond").count() == 0
    assert (
        reader.get_by_role("textbox", name="Comment").input_value()
        == "Replying to Bea."
    )


def test_without_javascript_nothing_polls(new_page, story):
    factories.make_comment(story, body="The first word.")
    reader = new_page(javascript=False)
    requests = []
    reader.on("request", lambda request: requests.append(request.url))
    reader.goto(story.get_absolute_url())
    reader.wait_for_timeout(2500)

    assert not [url for url in requests if "/comments/live/" in url]
    assert reader.locator(".live-news").inner_text() == ""


@pytest.fixture
def paged_story(story):
    """Five threads at two a page: pages 1 (the oldest), 2 and 3 (the newest)."""
    return factories.make_threads(story, 5, per_page=2)


def test_a_new_comment_on_another_page_is_said_to_be_there_and_reached(
    new_page, paged_story
):
    """
    Reading the oldest page, a new thread lands on the newest: the notice says
    so and its link takes the reader to it, with what they were typing.
    """
    story = paged_story[0].article
    reader = new_page(width=390)
    reader.goto(f"{story.get_absolute_url()}comment-page-1/")
    reader.get_by_role("textbox", name="Comment").fill("Half-written, kept.")

    new = factories.make_comment(story, author_name="Late", body="A new thread.")

    go = reader.get_by_role("link", name="1 new comment on another page — go to it")
    expect(go).to_be_visible(timeout=15_000)
    assert reader.get_by_role("button", name="new comment").count() == 0
    screenshot(reader, "live-new-comment-elsewhere")
    assert_accessible(reader, "a new comment on another page, offered")
    assert go.bounding_box()["height"] >= 24
    go.click()

    reader.wait_for_url(f"**/comment-page-3/#c-{new.pk}")
    expect(reader.locator(f"#c-{new.pk}")).to_contain_text("A new thread.")
    expect(reader.locator(f"#c-{new.pk}")).to_be_in_viewport()
    expect(reader.get_by_role("textbox", name="Comment")).to_have_value(
        "Half-written, kept."
    )


def test_new_comments_here_are_shown_and_one_elsewhere_is_pointed_to(
    new_page, paged_story
):
    """
    On the page the article opens on: a new thread joins it, and a reply to a
    thread on an older page is on that page. Neither is counted where it isn't.
    """
    story = paged_story[0].article
    reader = new_page()
    reader.goto(story.get_absolute_url())

    reply = factories.make_comment(story, parent=paged_story[0], body="Old thread.")
    thread = factories.make_comment(story, author_name="Late", body="A new thread.")

    offer = reader.get_by_role("button", name="1 new comment — show")
    expect(offer).to_be_visible(timeout=15_000)
    go = reader.get_by_role("link", name="1 new comment on another page — go to it")
    expect(go).to_have_attribute("href", f"/comments/{reply.pk}/")
    offer.click()

    expect(reader.locator(f"#c-{thread.pk}")).to_be_focused()
    news = reader.locator(".live-news")
    expect(news).to_contain_text("Showing 1 new comment.")
    expect(news.get_by_role("link")).to_have_text(
        "1 new comment on another page — go to it"
    )
    assert reader.locator(f"#c-{reply.pk}").count() == 0
