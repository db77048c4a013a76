"""An editor clears the moderation queue in Chromium; readers then see the comments."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db):
    return factories.make_article(title="Council Approves New Bridge")


def sign_in(page, username: str) -> None:
    page.goto("/admin/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Log in").click()


def make_editor():
    """The e2e database is flushed: the editor gets the moderation rights directly."""
    from django.contrib.auth.models import Permission

    editor = factories.make_user(username="editor", is_staff=True, first_name="Eve")
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "add_ban", "view_ban"],
        )
    )
    return editor


def test_editor_clears_a_queue_of_three_with_one_bulk_action(new_page, story):
    held = [
        factories.make_comment(
            story,
            status="pending",
            body=f"Held opinion number {i}.",
            moderation_reason="held: first comment from this author",
        )
        for i in (1, 2, 3)
    ]
    factories.make_comment(story, status="approved", body="Already public.")
    make_editor()

    reader = new_page()
    reader.goto(story.get_absolute_url())
    assert "Held opinion" not in reader.content()

    editor = new_page()
    sign_in(editor, "editor")
    editor.get_by_role("link", name="Comments pending").click()
    expect(editor.get_by_role("link", name="Pending (3)")).to_be_visible()
    screenshot(editor, "moderation-queue")

    editor.locator("#action-toggle").check()
    editor.locator("select[name=action]").select_option("approve")
    editor.get_by_role("button", name="Run").click()

    expect(editor.get_by_text("Approved 3 comments.")).to_be_visible()
    expect(editor.get_by_role("link", name="Pending (0)")).to_be_visible()
    assert set(Comment.objects.values_list("status", flat=True)) == {"approved"}

    reader.reload()
    for comment in held:
        assert comment.body in reader.locator(f"#c-{comment.pk}").inner_text()
    assert "4 thoughts on" in reader.content()


@pytest.mark.parametrize("width", [1280, 390])
def test_queue_and_comment_page_screenshots(new_page, story, width):
    reader = factories.make_user(first_name="Sam", last_name="Signed")
    first = factories.make_comment(
        story,
        status="pending",
        body="Visit http://cheap.example and http://pills.example for deals!",
        author_name="Deal Hunter",
        author_email="deals@cheap.example",
        ip_address="203.0.113.9",
        moderation_reason="held: 2 links, limit 2",
    )
    factories.make_comment(
        story,
        status="spam",
        body="Same again.",
        author_email="deals@cheap.example",
        ip_address="203.0.113.9",
    )
    factories.make_comment(
        story,
        status="pending",
        user=reader,
        author_name="Sam Signed",
        body="The bridge will cut my commute in half. " * 4,
        moderation_reason="held: first comment from this author",
    )
    factories.make_comment(story, parent=first, status="approved", body="Reply.")
    make_editor()

    page = new_page(width=width)
    sign_in(page, "editor")
    page.goto("/admin/comments/comment/")
    screenshot(page, f"moderation-queue-{width}")
    # Every comment's status and buttons on screen, with no sideways scrolling.
    assert page.evaluate(
        "document.querySelector('#result_list').scrollWidth"
        " <= document.querySelector('#changelist').clientWidth"
    )
    expect(page.locator("#result_list .status").first).to_be_in_viewport()

    page.goto(f"/admin/comments/comment/{first.pk}/change/")
    expect(
        page.get_by_role("heading", name="The author's other comments")
    ).to_be_visible()
    screenshot(page, f"moderation-comment-{width}")

    page.get_by_label("Your reply").fill("Please keep it on topic.")
    page.get_by_role("button", name="Approve and reply").click()
    expect(
        page.get_by_text(re.compile(r"Your reply to comment \d+ is published\."))
    ).to_be_visible()
    page.get_by_label("Reason", exact=True).fill("Link spam")
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.get_by_text("Banned Email deals@cheap.example")).to_be_visible()
    screenshot(page, f"moderation-comment-after-{width}")

    page.goto("/")
    expect(page.get_by_role("link", name="Comments to moderate 1")).to_be_visible()
    screenshot(page, f"site-header-editor-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_features_a_comment_and_readers_see_the_pick(new_page, story, width):
    factories.make_comment(story, author_name="Ola", body="A comment nobody picks.")
    chosen = factories.make_comment(
        story,
        author_name="Priya Patel",
        body="The bridge's toll plan was rejected twice before; this is the third "
        "version, and the first with a cap on rises.",
    )
    make_editor()

    editor = new_page(width=width)
    sign_in(editor, "editor")
    editor.goto("/admin/comments/comment/?status=approved")
    editor.get_by_role("button", name=f"Feature comment {chosen.pk}").click()
    expect(editor.get_by_text("is now an editors' pick")).to_be_visible()
    expect(
        editor.get_by_role("button", name=f"Unfeature comment {chosen.pk}")
    ).to_be_visible()

    reader = new_page(width=width)
    reader.goto(story.get_absolute_url())
    picks = reader.get_by_role("region", name="Editors' picks")
    expect(picks).to_contain_text("third version")
    expect(picks).not_to_contain_text("nobody picks")
    expect(reader.locator(f"#c-{chosen.pk} .pick-mark")).to_have_text("Editors' pick")
    picks.scroll_into_view_if_needed()
    screenshot(reader, f"editors-picks-{width}")

    picks.get_by_role(
        "link", name="Read in the discussion: Priya Patel's comment"
    ).click()
    reader.wait_for_url(f"**#c-{chosen.pk}")
