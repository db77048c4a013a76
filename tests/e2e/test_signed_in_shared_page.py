"""
A signed-in reader in Chromium gets the page every reader shares, byte for byte,
and its script fills in theirs: who they are in the form and the account links,
their likes, their comment awaiting moderation in place. Without JavaScript they
get their own page, as before.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, Like
from tests import factories
from tests.e2e.accessibility import violations
from tests.e2e.conftest import screenshot
from tests.fake_providers import providers_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kim(transactional_db, rules, settings):
    # X and Facebook offered: "Change" then lists them.
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    user = factories.make_user(
        email="kim@example.com", first_name="Kim", last_name="Reader"
    )
    user.emailaddress_set.create(email="kim@example.com", verified=True, primary=True)
    return user


@pytest.fixture
def story(kim):
    """Kim likes Ada's comment and has a reply to it awaiting moderation."""
    story = factories.make_article(title="Council Approves New Bridge")
    ada = factories.make_comment(story, author_name="Ada", body="Worth a like.")
    factories.make_comment(story, author_name="Bo", body="Another view.")
    Like.objects.create(comment=ada, user=kim, network="n")
    factories.make_comment(
        story, parent=ada, status="pending", user=kim, body="Kim's held reply."
    )
    return story


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("kim@example.com")
    page.get_by_label("Password").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_signed_in_reader_gets_the_shared_page_with_theirs_filled_in(new_page, story):
    url = story.get_absolute_url()
    anonymous = new_page().goto(url)
    page = new_page()
    sign_in(page)
    page.goto(url)  # their own page; its script says it runs
    asked = []
    page.on("request", lambda request: asked.append(request.url))

    shared = page.goto(url)

    assert shared.headers["etag"] == anonymous.headers["etag"]
    assert shared.body() == anonymous.body()
    respond = page.locator("#respond")
    expect(
        respond.get_by_text("You are commenting using your Newsroom account.")
    ).to_be_visible()
    expect(respond.locator(".identity .avatar")).to_have_text("KR")
    expect(respond.get_by_label("Name (required)")).to_be_hidden()
    # Every part of the guest's, the box to remember them too (a flex field).
    expect(respond.get_by_label("Save my name, email, and website")).to_be_hidden()
    expect(page.get_by_role("link", name="Your comments")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    liked = page.get_by_role("button", name="Like Ada's comment", exact=True)
    expect(liked).to_have_attribute("aria-pressed", "true")
    expect(liked).to_have_text("Liked")
    held = page.locator(".comment.pending", has_text="Kim's held reply.")
    expect(held).to_be_visible()
    expect(held).to_contain_text("Your comment is awaiting moderation.")
    assert held.evaluate("li => li.parentElement.closest('.comment').id") == (
        page.locator(".comment", has_text="Worth a like.").first.get_attribute("id")
    )
    assert any("/api/v1/me/" in asked_url for asked_url in asked)
    # A liked button's name ("Like Ada's comment") lacks its text ("Liked"): so on
    # every page with a like shown pressed, the reader's own too; not this one's.
    found = [v for v in violations(page) if v["rule"] != "label-content-name-mismatch"]
    assert not found, found
    screenshot(page, "signed-in-shared-page")

    # Another article, where they have nothing: what the browser keeps is enough.
    other = factories.make_article(title="Quiet Story")
    factories.make_comment(other, body="Nothing of Kim's here.")
    asked.clear()
    page.goto(other.get_absolute_url())
    expect(
        page.get_by_text("You are commenting using your Newsroom account.")
    ).to_be_visible()
    # Nor the form's stamp: that waits for the reader to start on the form.
    assert not [u for u in asked if "/api/" in u or "/stamp/" in u]


def test_a_like_given_on_the_page_costs_the_next_view_nothing(new_page, kim):
    quiet = factories.make_article(title="Quiet Story")
    factories.make_comment(quiet, author_name="Lu", body="Like me.")
    page = new_page()
    sign_in(page)
    page.goto(quiet.get_absolute_url())
    page.goto(quiet.get_absolute_url())  # shared: /me once, after signing in
    like = page.get_by_role("button", name="Like Lu's comment", exact=True)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    # The like alone: the token it needs was kept with the reader.
    assert [u for u in asked if "/comments/" in u or "/api/" in u] == [
        page.url.split("/20")[0] + f"/comments/{Comment.objects.get().pk}/like/"
    ], asked

    page.reload()

    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_have_text("Liked")
    assert not [u for u in asked if "/api/" in u or "/stamp/" in u], asked
    # Taken back, and kept so too.
    like.click()
    expect(like).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(like).to_have_text("Like")
    assert not [u for u in asked if "/api/" in u], asked


def test_signing_in_from_the_article_costs_its_next_views_nothing(new_page, kim):
    quiet = factories.make_article(title="Quiet Story")
    factories.make_comment(quiet, author_name="Lu", body="Like me.")
    page = new_page()
    page.goto(quiet.get_absolute_url())  # the script says it runs
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"/accounts/login/?next={quiet.get_absolute_url()}")
    page.get_by_label("Email").fill("kim@example.com")
    page.get_by_label("Password").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{quiet.get_absolute_url()}")  # their own page, a message

    page.goto(quiet.get_absolute_url())

    expect(
        page.get_by_text("You are commenting using your Newsroom account.")
    ).to_be_visible()
    assert not [u for u in asked if "/api/" in u], asked


def test_the_stamp_waits_for_the_reader_to_start(new_page, story):
    page = new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(story.get_absolute_url())
    page.locator("#respond").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert not [u for u in asked if "/stamp/" in u]

    with page.expect_request(lambda request: "/stamp/" in request.url):
        page.get_by_role("textbox", name="Comment").focus()


def test_a_session_gone_shows_when_the_reader_starts_to_write(new_page, kim):
    # Where Kim has nothing held (there /me is asked on every view).
    quiet = factories.make_article(title="Quiet Story")
    page = new_page()
    sign_in(page)
    page.goto(quiet.get_absolute_url())
    page.goto(quiet.get_absolute_url())
    commenting = page.get_by_text("You are commenting using your Newsroom account.")
    expect(commenting).to_be_visible()
    # The session cookie expires; what the browser keeps still says Kim.
    page.context.clear_cookies(name="sessionid")
    page.reload()
    expect(commenting).to_be_visible()

    page.get_by_role("textbox", name="Comment").focus()

    expect(page.get_by_label("Name (required)")).to_be_visible()
    expect(commenting).to_have_count(0)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_a_signed_in_reader_posts_from_the_shared_form(new_page, story):
    page = new_page()
    sign_in(page)
    page.goto(story.get_absolute_url())
    page.goto(story.get_absolute_url())
    expect(
        page.get_by_text("You are commenting using your Newsroom account.")
    ).to_be_visible()

    page.get_by_label("Comment", exact=True).fill("Posted signed in, shared page.")
    page.get_by_role("button", name="Post Comment").last.click()

    expect(page.get_by_text("Posted signed in, shared page.")).to_be_visible()
    assert story.comments.get(body="Posted signed in, shared page.").user.email == (
        "kim@example.com"
    )


def test_without_javascript_the_signed_in_page_is_their_own(new_page, story):
    page = new_page(javascript=False)
    sign_in(page)

    answer = page.goto(story.get_absolute_url())

    assert answer.headers["cache-control"] == "private, no-cache"
    assert "data-me=" not in answer.text()
    expect(
        page.get_by_text("You are commenting using your Newsroom account.")
    ).to_be_visible()
    expect(page.get_by_text("Kim's held reply.")).to_be_visible()
    expect(page.get_by_role("link", name="You like Ada's comment")).to_have_text(
        "Liked"
    )


def test_new_comments_shown_in_place_keep_the_readers_own(new_page, story, settings):
    settings.COMMENTS_LIVE_SECONDS = 1
    late = factories.make_comment(
        story, status="pending", author_name="Late", body="A late point."
    )
    page = new_page()
    sign_in(page)
    page.goto(story.get_absolute_url())
    page.goto(story.get_absolute_url())  # the shared page, filled in
    liked = page.get_by_role("button", name="Like Ada's comment", exact=True)
    expect(liked).to_have_attribute("aria-pressed", "true")

    late.status = "approved"
    late.save()
    page.get_by_role("button", name="1 new comment — show").click(timeout=15_000)

    expect(page.locator(f"#c-{late.pk}")).to_contain_text("A late point.")
    expect(liked).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Kim's held reply.")).to_be_visible()
