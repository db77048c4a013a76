"""
Whatever readers type, no page is wider than the screen: a name, a word or an
address of 200 characters without a space, on every page that shows one, at 320,
390 and 1280 px, left to right and right to left.

A guest posts them through the form as any reader would; the other pages are
opened as their readers reach them (a reply ten levels down, an editors' pick,
"Your comments" and the form of a signed-in reader, the edit page, the
moderators' queue and a comment's page in the admin). Each is measured by how far
the page scrolls sideways.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests import factories
from tests.e2e.conftest import screenshot
from tests.e2e.test_commenting import fill_guest_form
from tests.e2e.test_moderation import make_editor, sign_in
from tests.e2e.test_reader_accessibility import sideways

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 390, 1280]
NAME = ("Wolfeschlegelsteinhausenbergerdorff" * 6)[:200]
WORD = ("Donaudampfschifffahrtsgesellschaft" * 6)[:200]
ADDRESS = "https://example.com/" + ("very-long-path" * 14)[:180]
BODY = f"Read {ADDRESS} first. {WORD}!"


@pytest.fixture
def story(transactional_db, rules):
    return factories.make_article(title="Readers Type What They Like")


PAST_THE_EDGE = """() => [...document.querySelectorAll("body *")]
    .filter((e) => {
        const box = e.getBoundingClientRect();
        return box.width && (box.right > innerWidth + 1 || box.left < -1);
    })
    .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().width
        && (c.getBoundingClientRect().right > innerWidth + 1
            || c.getBoundingClientRect().left < -1)))
    .map((e) => e.localName + (e.className ? "." + e.className : ""))
"""


def assert_fits(page, what: str) -> None:
    """The page doesn't scroll sideways; else the boxes past its edge are named."""
    overflow = sideways(page)
    if overflow > 0:
        screenshot(page, f"too-wide-{what.replace(' ', '-')}")
        past = page.evaluate(PAST_THE_EDGE)
        pytest.fail(f"{what} scrolls sideways by {overflow} px: {past}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_guests_long_name_word_and_address_fit_every_page_they_see(
    new_page, story, width
):
    page = new_page(width=width)
    page.goto(story.get_absolute_url())
    fill_guest_form(page, BODY, name=NAME)
    page.get_by_label("Website", exact=True).fill(ADDRESS)
    page.get_by_label("Save my name, email, and website").check()
    page.get_by_role("button", name="Post Comment").click()

    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert_fits(page, f"the held comment at {width}")
    screenshot(page, f"long-words-held-{width}")

    comment = Comment.objects.get()
    page.goto(f"/comments/{comment.pk}/edit/")
    expect(page.get_by_label("Your comment")).to_have_value(BODY)
    assert_fits(page, f"the edit page at {width}")

    page.goto(f"{story.get_absolute_url()}?replytocom={comment.pk}#respond")
    expect(page.locator("#reply-title")).to_contain_text(NAME)
    assert_fits(page, f"the reply form at {width}")


def a_thread_ten_deep(story) -> list[Comment]:
    rules = DiscussionSettings.load()
    rules.thread_depth = 10
    rules.save()
    parent, thread = None, []
    for _ in range(10):
        parent = factories.make_comment(
            story, parent=parent, author_name=NAME, author_url=ADDRESS, body=BODY
        )
        thread.append(parent)
    Comment.objects.filter(pk=thread[-1].pk).update(featured_at=timezone.now())
    return thread


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_a_thread_ten_deep_and_an_editors_pick_fit(new_page, story, width, locale):
    thread = a_thread_ten_deep(story)
    page = new_page(width=width, locale=locale)
    page.goto(story.get_absolute_url())

    expect(page.locator(f"#c-{thread[-1].pk}")).to_be_attached()
    expect(page.locator(".picks")).to_be_visible()
    assert_fits(page, f"a thread ten deep ({locale}) at {width}")
    screenshot(page, f"long-words-thread-{locale}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_signed_in_readers_long_name_fits_their_pages(new_page, story, width):
    reader = factories.make_verified_user(
        email="grace@example.com", first_name=NAME[:150], username="grace"
    )
    factories.make_comment(story, user=reader, author_name=NAME, body=BODY)
    page = new_page(width=width)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator(".messages")).to_contain_text(NAME[:150])
    assert_fits(page, f"the signed-in message at {width}")

    page.goto(story.get_absolute_url() + "#respond")
    expect(page.locator(".identity")).to_be_visible()
    assert_fits(page, f"the form of a signed-in reader at {width}")

    page.goto("/comments/yours/")
    expect(page.locator(".your-comments__list")).to_contain_text(WORD)
    assert_fits(page, f"your comments at {width}")
    screenshot(page, f"long-words-your-comments-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_moderation_queue_and_a_comments_page_fit(new_page, story, width):
    held = factories.make_comment(
        story,
        status="pending",
        author_name=NAME,
        author_url=ADDRESS,
        author_email=f"{'x' * 80}@example.com",
        body=BODY,
        moderation_reason="held: first comment from this author",
    )
    make_editor()
    page = new_page(width=width)
    sign_in(page, "editor")

    page.goto("/admin/comments/comment/")
    expect(page.locator("#result_list")).to_contain_text(WORD[:50])
    assert_fits(page, f"the moderation queue at {width}")
    screenshot(page, f"long-words-queue-{width}")

    page.goto(f"/admin/comments/comment/{held.pk}/change/")
    expect(page.get_by_label("Your reply")).to_be_visible()
    assert_fits(page, f"a comment's page in the admin at {width}")
    screenshot(page, f"long-words-admin-comment-{width}")
