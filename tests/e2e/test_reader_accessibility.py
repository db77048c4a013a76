"""
Every page readers use passes axe-core's WCAG 2.2 A and AA rules: in light and
dark colours, and at 320 px wide (a 640 px window at 200% zoom) without scrolling
sideways. One test per page and mode, so a failure names both, and the rule.

The pages a reader reaches by their address alone are held to it in every
language too (English, Chinese, Arabic right to left): a translation can break
a rule the English page keeps (a link whose name no longer holds its text).

Each page is opened as a reader reaches it: the comment form's states by filling
it in, the edit page's refusals by editing, the error pages by what causes them
(a form whose cookie was lost, a post too large to read), the account pages
signed in as Grace, who has comments, addresses, an X account and subscriptions
to show.
"""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from desk.decisions import feature, moderate
from tests import factories
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import screenshot
from tests.e2e.test_commenting import fill_guest_form
from tests.e2e.test_privacy import reader_sign_in
from tests.fake_providers import providers_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, rules, settings, served_media):
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    cache.clear()
    return factories.make_article(title="Council Approves New Bridge")


def home(page, story):
    page.goto("/")


def article_without_comments(page, story):
    page.goto(story.get_absolute_url())


def article_with_1000_comments(page, story):
    # On one page, the most a page can show ("Break comments into pages" off).
    rules = DiscussionSettings.load()
    rules.page_comments = False
    rules.save()
    Comment.objects.bulk_create(
        Comment(
            article=story,
            status=Comment.Status.APPROVED,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.com",
            body=f"Comment number {n}, with a few words to read.",
            ip_address="192.0.2.1",
        )
        for n in range(1000)
    )
    page.goto(story.get_absolute_url())
    expect(page.locator(".comment-list > li")).to_have_count(1000)


def article_paged(page, story):
    rules = DiscussionSettings.load()
    rules.page_comments = True
    rules.comments_per_page = 5
    rules.save()
    for n in range(12):
        factories.make_comment(story, author_name=f"Reader {n}")
    page.goto(story.get_absolute_url() + "comment-page-2/")
    expect(page.get_by_role("navigation").first).to_be_visible()


def article_with_picks(page, story):
    ada = factories.make_comment(story, author_name="Ada", body="Worth a read.")
    factories.make_comment(story, parent=ada, author_name="Bo", body="Agreed.")
    feature(Comment.objects.filter(pk=ada.pk), None, on=True)
    page.goto(story.get_absolute_url())
    expect(page.locator(".picks")).to_be_visible()


def form_empty(page, story):
    factories.make_comment(story, author_name="Ada")
    page.goto(story.get_absolute_url() + "#respond")


def form_errors(page, story):
    # Blanks pass the browser's own checks (required), not the site's.
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "   ", name="   ", email="grace@example")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert "/comments/post/" in page.url


def form_reply(page, story):
    ada = factories.make_comment(story, author_name="Ada")
    page.goto(f"{story.get_absolute_url()}?replytocom={ada.pk}#respond")
    expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Ada")


def form_held(page, story):
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "My first thoughts on this.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()


def form_signed_in(page, story):
    factories.make_reader_with_history(story)
    reader_sign_in(page)
    page.goto(story.get_absolute_url() + "#respond")
    expect(page.get_by_role("button", name="Post Comment")).to_be_visible()


def posted_as_grace(page, story) -> Comment:
    """Grace, known, posts a comment and may edit it from this browser."""
    factories.make_comment(
        story, author_name="Grace Guest", author_email="grace@example.com"
    )
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "Teh council voted yes.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("You can edit or delete it until")).to_be_visible()
    return Comment.objects.get(body="Teh council voted yes.")


def edit_too_quickly(page, story):
    comment = posted_as_grace(page, story)
    rules = DiscussionSettings.load()
    rules.flood_interval = 15
    rules.save()
    for body in ("The council voted yes.", "The council voted yes!"):
        page.goto(f"/comments/{comment.pk}/edit/")
        page.get_by_label("Your comment").fill(body)
        page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("too quickly")


def edit_in_moderators_hands(page, story):
    comment = posted_as_grace(page, story)
    moderate(Comment.objects.filter(pk=comment.pk), "unapprove", None)
    page.goto(f"/comments/{comment.pk}/edit/")
    expect(page.get_by_role("alert")).to_contain_text("in the moderators")


def sign_up(page, story):
    page.goto("/accounts/signup/")


def log_in(page, story):
    page.goto("/accounts/login/")


def password_reset(page, story):
    page.goto("/accounts/password/reset/")


def signed_in(path):
    def open_signed_in(page, story):
        factories.make_reader_with_history(story)
        reader_sign_in(page)
        page.goto(path)

    return open_signed_in


def api_token_made(page, story):
    """The API tokens page, showing a token just made (a long unbroken word)."""
    signed_in("/accounts/api-tokens/")(page, story)
    page.get_by_label("What the token is for").fill("My newsletter")
    page.get_by_role("button", name="Make a token").click()
    expect(page.locator("#new-token")).to_contain_text("nr_")


def not_found(page, story):
    response = page.goto("/no/such/page/")
    assert response.status == 404


def csrf_failure(page, story):
    # A form that needs Django's token (the comment form of the shared page has
    # none: readers.crossorigin), sent without it.
    page.goto(story.get_absolute_url())
    page.evaluate(
        """() => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/accounts/login/";
            const send = document.createElement("button");
            send.textContent = "Send without a token";
            form.append(send);
            document.body.append(form);
        }"""
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Send without a token").click()
    assert answer.value.status == 403
    page.wait_for_load_state()


def bad_request(page, story):
    page.goto(story.get_absolute_url())
    fill_guest_form(page, "")
    # Set by script, the text escapes the box's maxlength, as a forged post would.
    page.get_by_label("Comment", exact=True).evaluate(
        "(box) => { box.value = 'x'.repeat(1024 * 1024 + 10); }"
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Post Comment").click()
    assert answer.value.status == 400


def like_page(page, story):
    comment = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    page.goto(f"/comments/{comment.pk}/like/")


def like_refused(page, story):
    """A like said no to in place: its network liked 100 comments just now."""
    from comments.liking import LIKES_PER_ADDRESS
    from comments.models import Like
    from readers.client_ip import network_key

    liked = [factories.make_comment(story) for _ in range(LIKES_PER_ADDRESS)]
    Like.objects.bulk_create(
        Like(comment=comment, browser=f"b{n}", network=network_key("127.0.0.1"))
        for n, comment in enumerate(liked)
    )
    factories.make_comment(story, author_name="Ada", body="Worth a like.")
    page.goto(story.get_absolute_url())
    page.get_by_role("button", name="Like Ada's comment", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("liked many comments")


PAGES = [
    pytest.param(home, id="home"),
    pytest.param(article_without_comments, id="article-without-comments"),
    pytest.param(article_with_1000_comments, id="article-with-1000-comments"),
    pytest.param(article_paged, id="article-paged"),
    pytest.param(article_with_picks, id="article-with-picks"),
    pytest.param(form_empty, id="comment-form-empty"),
    pytest.param(form_errors, id="comment-form-errors"),
    pytest.param(form_reply, id="comment-form-reply"),
    pytest.param(form_held, id="comment-form-held"),
    pytest.param(form_signed_in, id="comment-form-signed-in"),
    pytest.param(edit_too_quickly, id="edit-comment-too-quickly"),
    pytest.param(like_page, id="like-page"),
    pytest.param(like_refused, id="like-refused"),
    pytest.param(edit_in_moderators_hands, id="edit-comment-in-moderators-hands"),
    pytest.param(sign_up, id="sign-up"),
    pytest.param(log_in, id="log-in"),
    pytest.param(password_reset, id="password-reset"),
    pytest.param(signed_in("/accounts/email/"), id="email-addresses"),
    pytest.param(signed_in("/accounts/3rdparty/"), id="connected-accounts"),
    pytest.param(signed_in("/comments/subscriptions/"), id="subscriptions"),
    pytest.param(signed_in("/comments/yours/"), id="your-comments"),
    pytest.param(signed_in("/accounts/data/"), id="your-data"),
    pytest.param(api_token_made, id="api-tokens"),
    pytest.param(not_found, id="404"),
    pytest.param(csrf_failure, id="403-csrf"),
    pytest.param(bad_request, id="400"),
]


@pytest.mark.parametrize("opens", PAGES)
def test_page_passes_axe(new_page, story, opens):
    page = new_page()
    opens(page, story)

    assert_accessible(page, f"{opens.__name__} at {page.url}")


# The pages opened by their address alone, whatever the language (the others are
# reached by clicking English names).
IN_EVERY_LANGUAGE = [
    pytest.param(home, id="home"),
    pytest.param(article_paged, id="article-paged"),
    pytest.param(article_with_picks, id="article-with-picks"),
    pytest.param(form_empty, id="comment-form-empty"),
    pytest.param(like_page, id="like-page"),
    pytest.param(sign_up, id="sign-up"),
    pytest.param(log_in, id="log-in"),
    pytest.param(not_found, id="404"),
]


@pytest.mark.parametrize("locale", ["zh-CN", "ar"])
@pytest.mark.parametrize("opens", IN_EVERY_LANGUAGE)
def test_page_passes_axe_in_every_language(new_page, story, opens, locale):
    page = new_page(locale=locale)
    opens(page, story)
    assert page.get_attribute("html", "lang") in ("zh-hans", "ar")

    assert_accessible(page, f"{opens.__name__} in {locale} at {page.url}")


@pytest.mark.parametrize("opens", PAGES)
def test_page_passes_axe_in_dark_colours(new_page, story, opens):
    page = new_page(color_scheme="dark")
    opens(page, story)
    # The dark colours are the ones axe checks (--bg in the dark scheme).
    expect(page.locator("body")).to_have_css("background-color", "rgb(20, 20, 20)")

    assert_accessible(page, f"{opens.__name__} in dark colours at {page.url}")


def sideways(page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0: it doesn't)."""
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )


def test_the_sideways_check_sees_a_page_wider_than_the_screen(new_page):
    page = new_page(width=320)
    page.set_content('<!doctype html><div style="width: 400px">wide</div>')

    assert sideways(page) > 0


@pytest.mark.parametrize("opens", PAGES)
def test_page_does_not_scroll_sideways_at_320_px(new_page, story, opens):
    page = new_page(width=320, height=640)
    opens(page, story)

    overflow = sideways(page)
    assert overflow <= 0, f"{opens.__name__} scrolls sideways by {overflow} px"
    if opens in (form_empty, form_errors, not_found, csrf_failure):
        screenshot(page, f"reader-320-{opens.__name__}")


MOVING = """() => {
    const moving = [...document.querySelectorAll("*")].filter((element) => {
        const style = getComputedStyle(element);
        const lasts = (times) => times.split(",").some((time) => parseFloat(time) > 0);
        return style.animationName !== "none" || lasts(style.transitionDuration);
    });
    return {
        running: document.getAnimations().length,
        moving: moving.map((e) => e.id || e.className || e.localName),
    };
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_new_comment_is_highlighted_without_motion_when_asked(
    new_page, story, settings, motion
):
    settings.COMMENTS_LIVE_SECONDS = 1
    factories.make_comment(story, author_name="First")
    late = factories.make_comment(story, status="pending", author_name="Late")
    page = new_page(reduced_motion=motion)
    page.goto(story.get_absolute_url())

    Comment.objects.filter(pk=late.pk).update(status="approved")
    page.get_by_role("button", name="1 new comment — show").click(timeout=15_000)

    expect(page.locator(f"#c-{late.pk}")).to_be_focused()
    now = page.evaluate(MOVING)
    if motion == "reduce":
        assert now == {"running": 0, "moving": []}
        # Still marked as new, without moving.
        expect(page.locator(f"#c-{late.pk} > article")).not_to_have_css(
            "outline-style", "none"
        )
    else:  # the check sees the highlight when motion is welcome
        assert now["running"] == 1
        assert now["moving"] == ["article"]  # the new comment's, fading
