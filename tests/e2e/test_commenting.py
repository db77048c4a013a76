"""Readers comment and reply in Chromium, with and without JavaScript."""

import itertools

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, rules):
    return factories.make_article(title="Readers Have Their Say")


def fill_guest_form(page, body, name="Grace Guest", email="grace@example.com"):
    page.get_by_label("Comment", exact=True).fill(body)
    page.get_by_label("Email (required) (Address never made public)").fill(email)
    page.get_by_label("Name (required)").fill(name)


def test_guest_is_held_editor_approves_and_another_reader_sees_it(
    new_page, story, live_server
):
    reader = new_page()
    reader.goto(story.get_absolute_url())
    fill_guest_form(reader, "My first thoughts on this.")
    reader.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get()
    assert reader.url.endswith(f"#c-{comment.pk}")
    held = reader.locator(f"#c-{comment.pk}")
    assert "Your comment is awaiting moderation." in held.inner_text()
    screenshot(reader, "comment-held")

    other = new_page()
    other.goto(story.get_absolute_url())
    assert other.locator(f"#c-{comment.pk}").count() == 0

    factories.make_user(username="editor", is_staff=True, is_superuser=True)
    editor = new_page()
    editor.goto("/admin/comments/comment/")
    editor.get_by_label("Username:").fill("editor")
    editor.get_by_label("Password:").fill("a-Long-passw0rd")
    editor.get_by_role("button", name="Log in").click()
    editor.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    editor.locator("select[name=action]").select_option("approve")
    editor.get_by_role("button", name="Run").click()
    expect(editor.locator(".messagelist")).to_contain_text("Approved 1 comment")

    other.reload()
    assert (
        "My first thoughts on this." in other.locator(f"#c-{comment.pk}").inner_text()
    )
    assert "One thought on “Readers Have Their Say”" in other.content()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guest_posts_a_reply_through_the_reply_link(new_page, story, javascript):
    parent = factories.make_comment(story, author_name="Ada", body="Top-level thought.")
    factories.make_comment(  # Grace is known
        story, author_name="Grace Guest", author_email="grace@example.com"
    )
    page = new_page(javascript=javascript)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Reply to Ada").click()

    if javascript:
        # The form moved under Ada's comment, without a page load.
        assert page.locator(f"#c-{parent.pk} #respond").count() == 1
        assert "?replytocom" not in page.url
    else:
        assert f"replytocom={parent.pk}" in page.url
    assert page.locator("#reply-title").inner_text().startswith("Leave a Reply to Ada")
    screenshot(page, f"reply-form-{'js' if javascript else 'nojs'}")

    fill_guest_form(page, f"A reply ({javascript=}).")
    page.get_by_role("button", name="Post Comment").click()

    reply = Comment.objects.get(body__startswith="A reply")
    assert (reply.parent_id, reply.status) == (parent.pk, "approved")
    assert page.locator(f"#c-{reply.pk}.depth-1").count() == 1


def test_the_reply_form_opens_between_the_comment_and_its_replies(new_page, story):
    top = factories.make_comment(story, author_name="Ada")
    reply = factories.make_comment(
        story, parent=top, author_name="Bea", featured_at=timezone.now()
    )
    factories.make_comment(story, parent=reply, author_name="Cy")
    page = new_page(width=390)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Reply to Ada").click()

    # Right under Ada's words, not after the whole thread below them.
    assert page.locator(f"#c-{top.pk} > article + #respond").count() == 1
    assert page.locator(f"#c-{top.pk} > #respond + ol.children > #c-{reply.pk}").count()
    screenshot(page, "reply-form-in-a-thread-phone")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_reply_at_the_deepest_level_names_whom_it_answers_and_ends_the_thread(
    new_page, story, rules, javascript
):
    rules.thread_depth = 2
    rules.save()
    top = factories.make_comment(story, author_name="Ada")
    bea = factories.make_comment(
        story, parent=top, author_name="Bea", author_is_staff=True
    )
    cy = factories.make_comment(story, parent=top, author_name="Cy")
    factories.make_comment(  # Grace is known
        story, author_name="Grace Guest", author_email="grace@example.com"
    )
    page = new_page(javascript=javascript)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Reply to Bea").click()

    # The same words with and without the script (not "Bea Staff", the marks
    # beside her name).
    expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Bea")
    assert "Staff" not in page.locator("#reply-title").inner_text()
    fill_guest_form(page, f"Answering Bea ({javascript=}).")
    page.get_by_role("button", name="Post Comment").click()

    answer = Comment.objects.get(body__startswith="Answering Bea")
    assert answer.parent_id == top.pk
    thread = page.locator(f"#c-{top.pk} > ol.children > li")
    expect(thread).to_have_count(3)
    ids = [item.get_attribute("id") for item in thread.all()]
    assert ids == [f"c-{bea.pk}", f"c-{cy.pk}", f"c-{answer.pk}"]


def test_cancel_reply_moves_the_form_back(page, story):
    factories.make_comment(story, author_name="Ada")
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="Reply to Ada").click()
    page.get_by_role("link", name="Cancel reply").click()

    assert page.locator(".comment #respond").count() == 0
    assert page.locator("#reply-title").inner_text().strip() == "Leave a Reply"
    assert page.locator("input[name=parent]").input_value() == ""


def test_bad_input_comes_back_with_a_message_and_the_text(new_page, story):
    page = new_page(javascript=False)
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "Please keep my words.", email="grace@example")
    page.get_by_label("Website", exact=True).fill("javascript:alert(1)")
    page.get_by_role("button", name="Post Comment").click()

    assert "Enter a valid email address." in page.content()
    assert "Enter a web address starting with http" in page.content()
    assert (
        page.get_by_label("Comment", exact=True).input_value()
        == "Please keep my words."
    )
    screenshot(page, "comment-form-errors")


ERROR_RED = "rgb(138, 28, 28)"  # --error-text


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_error_page_leads_to_each_field_in_error(new_page, story, javascript):
    parent = factories.make_comment(story, author_name="Ada", body="Top-level thought.")
    for width in (1280, 390):
        page = new_page(javascript=javascript, width=width)
        page.goto(story.get_absolute_url())
        page.get_by_role("link", name="Reply to Ada").click()
        # Blanks pass the browser's own checks (required), not the site's.
        fill_guest_form(page, "   ", name="   ", email="grace@example")
        page.get_by_label("Website", exact=True).fill("javascript:alert(1)")
        page.get_by_role("button", name="Post Comment").click()

        assert page.title().startswith("Error: Your comment on Readers Have Their Say")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your comment")
        summary = page.get_by_role("alert")
        expect(summary.get_by_role("heading")).to_have_text("There is a problem")
        if javascript:
            # The page's module script moves the focus once it has run.
            expect(page.locator("#error-summary")).to_be_focused()
        else:  # the page opened at the summary: Tab goes on from there
            page.keyboard.press("Tab")
            expect(summary.get_by_role("link").first).to_be_focused()
        # A reply stays a reply.
        expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Ada")
        cancel = page.get_by_role("link", name="Cancel reply")
        assert cancel.get_attribute("href") == f"{story.get_absolute_url()}#respond"
        screenshot(page, f"comment-form-errors-{width}{'' if javascript else '-nojs'}")

        fields = {
            "Comment": "Please type your comment.",
            "Email (required) (Address never made public)": (
                "Enter a valid email address."
            ),
            "Name (required)": "Please fill in your name.",
            "Website": "Enter a web address starting with http:// or https://.",
        }
        links = summary.get_by_role("link")
        expect(links).to_have_text(list(fields.values()))
        for label, error in fields.items():
            field = page.get_by_label(label, exact=True)
            expect(field).to_have_accessible_description(f"Error: {error}")
            expect(field).to_have_css("border-top-color", ERROR_RED)
        expect(
            page.get_by_label("Notify me of new comments via email.")
        ).not_to_have_css("border-top-color", ERROR_RED)

        summary.get_by_role("link", name="Enter a valid email address.").click()
        expect(page.get_by_label(list(fields)[1], exact=True)).to_be_focused()
        assert page.get_by_text(list(fields)[1], exact=True).is_visible()

    fill_guest_form(page, "Fixed, and still a reply.", email="grace@example.com")
    page.get_by_label("Website", exact=True).fill("")
    page.get_by_role("button", name="Post Comment").click()
    reply = Comment.objects.get(body="Fixed, and still a reply.")
    assert reply.parent_id == parent.pk


def test_a_nested_thread_on_desktop_and_phone(new_page, story):
    top = factories.make_comment(
        story, author_name="Ada Lovelace", body="Where it starts."
    )
    middle = factories.make_comment(
        story,
        parent=top,
        author_name="Charles Babbage",
        author_url="https://cb.example",
        body="A reply, with a link: https://example.com/engine",
    )
    gone = factories.make_comment(story, parent=middle, author_name="Gone")
    Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    parent = factories.make_comment(
        story, parent=gone, author_name="Grace Hopper", body="Deeper."
    )
    factories.make_comment(
        story, parent=parent, author_name="Edsger Dijkstra", body="The deepest."
    )
    factories.make_comment(
        story, parent=top, author_name="Mary Somerville", body="Back at level 2."
    )
    factories.make_comment(
        story, author_name="Alan Turing", body="Another thread.\n\nTwo paragraphs."
    )
    for width, name in [(1280, "desktop"), (390, "phone")]:
        page = new_page(width=width, height=900)
        page.goto(story.get_absolute_url() + "#comments")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"thread-{name}")


def test_each_level_is_indented_on_a_phone_without_sideways_scrolling(
    new_page, story, rules
):
    rules.thread_depth = 10  # the most the rules allow
    rules.save()
    thread, parent = [], None
    for level in range(10):
        parent = factories.make_comment(
            story,
            parent=parent,
            author_name=f"Reader at level {level + 1}",
            body="Words on a narrow screen, one after another, " * 3,
        )
        thread.append(parent)
    for width in (390, 320):
        page = new_page(width=width, height=900)
        page.goto(story.get_absolute_url() + "#comments")

        lefts = [
            page.locator(f"#c-{comment.pk} > article").bounding_box()["x"]
            for comment in thread
        ]
        steps = [deeper - left for left, deeper in itertools.pairwise(lefts)]
        assert min(steps) >= 10, (width, steps)  # one level each, visibly
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        deepest = page.locator(f"#c-{thread[-1].pk} > article").bounding_box()
        assert deepest["width"] >= 150, deepest  # still a column to read
        if width == 390:
            screenshot(page, "thread-ten-levels-phone")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_guest_edits_then_deletes_their_comment(new_page, story, javascript):
    factories.make_comment(  # Grace is known
        story, author_name="Grace Guest", author_email="grace@example.com"
    )
    page = new_page(javascript=javascript, width=390)
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "Teh council voted yes.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("You can edit or delete it until")).to_be_visible()
    comment = Comment.objects.get(body="Teh council voted yes.")

    if javascript:
        page.locator(f"#c-{comment.pk}").get_by_role(
            "link", name="Edit your comment"
        ).click()
    else:
        page.get_by_role("link", name="Edit or delete it").click()
    box = page.get_by_label("Your comment")
    expect(box).to_have_value("Teh council voted yes.")
    box.fill("The council voted yes.")
    screenshot(page, f"edit-comment-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Save changes").click()

    card = page.locator(f"#c-{comment.pk}")
    expect(card).to_contain_text("The council voted yes.")
    expect(card.locator(".edited")).to_have_text("edited")

    page.goto(f"/comments/{comment.pk}/delete/")
    page.get_by_role("button", name="Delete comment").click()
    expect(page.get_by_text("Your comment was deleted.")).to_be_visible()
    assert page.locator(f"#c-{comment.pk}").count() == 0


@pytest.mark.parametrize("javascript", [True, False])
def test_a_guest_posts_in_one_step_with_or_without_javascript(
    new_page, story, javascript
):
    """
    The shared page holds no stamp, and without JavaScript nothing fetches one:
    the comment is taken all the same, with no error. A newcomer's is held, as a
    first comment is, its reason telling moderators it came without the page's
    check; a known author's is published.
    """
    factories.make_comment(  # Grace is known
        story, author_name="Grace Guest", author_email="grace@example.com"
    )
    newcomer = new_page(javascript=javascript)
    newcomer.goto(story.get_absolute_url())
    fill_guest_form(newcomer, "Hello from a newcomer.", "Ned New", "ned@example.com")
    newcomer.get_by_role("button", name="Post Comment").click()

    expect(newcomer.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(newcomer.locator("#error-summary")).to_have_count(0)
    held = Comment.objects.get(body="Hello from a newcomer.")
    assert held.status == "pending"
    assert held.moderation_reason == (
        "held: first comment from this author"
        if javascript
        else "held: sent without the page's check"
    )

    known = new_page(javascript=javascript)
    known.goto(story.get_absolute_url())
    fill_guest_form(known, "Grace again, at once.")
    known.get_by_role("button", name="Post Comment").click()

    expect(known.get_by_text("You can edit or delete it until")).to_be_visible()
    expect(known.locator("#error-summary")).to_have_count(0)
    assert Comment.objects.get(body="Grace again, at once.").status == "approved"


@pytest.mark.parametrize("decision", ["spam", "pick"])
def test_a_comment_the_moderators_took_loses_its_edit_links(new_page, story, decision):
    """
    The script's cookie says until when the author may change a comment; the page
    says whether a moderator has taken it out of their hands since (spam of their
    held comment, which they still see as held; a pick of their published one):
    then the links, which would lead to a refusal, are gone on their next view.
    """
    from desk.decisions import feature, moderate

    if decision == "pick":  # Grace is known: her comment is published
        factories.make_comment(
            story, author_name="Grace Guest", author_email="grace@example.com"
        )
    page = new_page()
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "Mine to change, for now.")
    page.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(body="Mine to change, for now.")
    card = page.locator(f"#c-{comment.pk}")
    expect(card.get_by_role("link", name="Edit your comment")).to_be_visible()

    moderator = factories.make_user(username="mod", is_staff=True)
    one = Comment.objects.filter(pk=comment.pk)
    if decision == "pick":
        feature(one, moderator, on=True)
    else:
        moderate(one, "spam", moderator)
    page.reload()

    expect(card).to_contain_text("Mine to change, for now.")
    expect(card.get_by_role("link", name="Edit your comment")).to_have_count(0)
    expect(card.get_by_role("link", name="Delete your comment")).to_have_count(0)
