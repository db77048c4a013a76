import itertools

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db):
    return factories.make_article(
        title="Browsers Read The News Too",
        body="\n\n".join(
            f"Paragraph {n} of the story, with some words." for n in range(11)
        ),
    )


def test_reader_goes_from_the_front_page_to_the_article(page, story):
    page.goto("/")
    screenshot(page, "home-desktop")
    page.get_by_role("link", name=story.title).click()

    assert page.get_by_role("heading", level=1).inner_text() == story.title
    assert page.locator(".story__body p").count() == 11
    screenshot(page, "article-desktop")


def test_article_reads_well_on_a_phone(new_page, story):
    page = new_page(width=390, height=844)
    page.goto(story.get_absolute_url())

    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "article-phone")


def test_keyboard_users_can_skip_to_the_content(page, story):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_keyboard_users_skip_past_the_comments_to_the_form(new_page, story, javascript):
    for n in range(13):
        factories.make_comment(story, author_name=f"Reader {n}", body=f"Point {n}.")
    page = new_page(javascript=javascript)
    page.goto(story.get_absolute_url())

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the comment form")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown while it has the focus
    if javascript:
        screenshot(page, "skip-link-to-the-form")
    page.keyboard.press("Enter")

    expect(page.locator("#respond")).to_be_focused()
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_in_viewport()
    if javascript:
        screenshot(page, "skip-to-the-comment-form")
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Comment")).to_be_focused()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_comments_links_are_targets_of_24_pixels_at_least(new_page, story, width):
    """
    WCAG 2.2's target size (2.5.8), measured: names (even "Al"), dates and the
    Reply, Like and Report links. Links inside a comment's text are exempt, as
    words in a sentence.
    """
    top = factories.make_comment(story, author_name="Al", author_url="https://a.test")
    factories.make_comment(
        story, parent=top, author_name="Bea", author_is_staff=True, body="Yes."
    )
    factories.make_comment(story, author_name="Cy", author_url="https://c.test")
    page = new_page(width=width)
    page.goto(story.get_absolute_url())

    links = page.locator(
        ".comment > article > header a, .comment > article > a, .comment .likes a"
    ).all()

    assert len(links) == 3 * 4 + 2  # name (when a link), date, reply, like, report
    for link in links:
        box = link.bounding_box()
        name = link.get_attribute("aria-label") or link.inner_text()
        assert box["height"] >= 24, (name, box)
        assert box["width"] >= 24, (name, box)


@pytest.mark.parametrize("comments", [0, 2])
def test_headings_never_skip_a_level(page, story, comments):
    for n in range(comments):
        factories.make_comment(story, author_name=f"Reader {n}")
    page.goto(story.get_absolute_url())
    levels = (
        "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
        ".map((h) => Number(h.tagName[1]))"
    )

    outlines = [page.evaluate(levels)]
    if comments:
        # The reply form, moved into a comment by the page's script.
        page.get_by_role("link", name="Reply to Reader 1").click()
        outlines.append(page.evaluate(levels))

    for outline in outlines:
        assert outline[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(outline)), outline


def test_the_structured_data_block_is_allowed_by_the_policy_and_parses(page, story):
    """
    A <script type="application/ld+json"> is data, never run: the Content Security
    Policy (script-src 'self', nothing inline) reports no violation for it (the
    page watcher fails this test if it does), and what a reader typed to break out
    of it stays text.
    """
    hostile = "</script><script>window.__pwned = 1</script><!-- & -->"
    first = factories.make_comment(story, author_name="Ada <b>", body=hostile)
    factories.make_comment(story, parent=first, author_name="Bob", body="Agreed.")

    page.goto(story.get_absolute_url())

    data = page.evaluate(
        "JSON.parse(document.querySelector("
        "'script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.title
    assert data["commentCount"] == 2
    assert [(c["author"]["name"], c["text"]) for c in data["comment"]] == [
        ("Ada <b>", hostile),
        ("Bob", "Agreed."),
    ]
    assert page.evaluate("window.__pwned") is None
    # The data; the scripts' catalog, comments.js, reader.js and sign-in.js.
    assert page.locator("script").count() == 5


@pytest.fixture
def seven_threads(story):
    """Seven threads at three a page, the fifth imported from WordPress."""
    threads = factories.make_threads(story, 7, per_page=3)
    threads[5].old_anchor = "comment-45"
    threads[5].save()
    return threads


@pytest.mark.parametrize("width", [1280, 390])
def test_the_article_opens_on_a_full_page_of_comments(new_page, seven_threads, width):
    """
    Counted from the newest end: the page the article opens on holds three
    threads, never the one left over, and the oldest page holds it.
    """
    page = new_page(width=width)
    page.goto(story_url(seven_threads))

    shown = page.locator(".comment-list > li")
    expect(shown).to_have_count(3)
    expect(shown.first).to_contain_text("Thread 4.")
    expect(page.locator(".comment-pages").first).to_contain_text("Page 3 of 3")
    screenshot(page, f"comment-pages-newest-{width}")
    page.get_by_role("link", name="« Older Comments").first.click()
    page.get_by_role("link", name="« Older Comments").first.click()
    expect(page.locator(".comment-pages").first).to_contain_text("Page 1 of 3")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Thread 0.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_old_wordpress_link_to_a_comment_page_finds_its_comment(
    new_page, seven_threads
):
    """
    WordPress counted its pages from the oldest comment: its page 2 held threads
    3 to 5, and its links to comment 45 (thread 5) name that page. Here page 2
    holds threads 1 to 3: the page's script finds the comment on page 3.
    """
    page = new_page()
    page.goto(f"{story_url(seven_threads)}comment-page-2/#comment-45")

    page.wait_for_url(f"**/comment-page-3/#c-{seven_threads[5].pk}")
    comment = page.locator(f"#c-{seven_threads[5].pk}")
    expect(comment).to_contain_text("Thread 5.")
    expect(comment).to_be_in_viewport()


def story_url(comments) -> str:
    return comments[0].article.get_absolute_url()
