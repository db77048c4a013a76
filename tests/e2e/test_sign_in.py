"""
Readers sign in from the comment form in Chromium: a site account (sign up, verify
the address from the mail, comment) and X against a fake provider on 127.0.0.1
(the real allauth code talks to it over HTTP); then Log Out and Change.
"""

import re

import pytest
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories
from tests.e2e.conftest import screenshot
from tests.fake_providers import FakeProviders, providers_settings
from tests.mailserver import deliver_queued_mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    settings.SOCIALACCOUNT_PROVIDERS = providers_settings()
    cache.clear()
    return factories.make_article(title="Readers Sign In To Have Their Say")


def allow_form_action(settings, origin: str) -> None:
    """The Content Security Policy lets forms lead to the provider, wherever it is."""
    settings.SECURE_CSP = settings.SECURE_CSP | {
        "form-action": [*settings.SECURE_CSP["form-action"], origin]
    }


@pytest.fixture
def fake_x(monkeypatch, settings):
    """X's authorization server and API, served on 127.0.0.1 for this test."""
    fake = FakeProviders()
    server = fake.serve()
    allow_form_action(settings, fake.base_url)
    monkeypatch.setattr(
        TwitterOAuth2Adapter, "authorize_url", f"{fake.base_url}/authorize"
    )
    monkeypatch.setattr(
        TwitterOAuth2Adapter, "access_token_url", f"{fake.base_url}/2/oauth2/token"
    )
    monkeypatch.setattr(
        TwitterOAuth2Adapter, "profile_url", f"{fake.base_url}/2/users/me"
    )
    yield fake
    server.shutdown()
    server.server_close()


def record_status_on_submit(page):
    """Keep the status text as it was when the form left (a new page follows)."""
    page.evaluate(
        """document.getElementById("commentform").addEventListener("submit", () => {
             const s = document.querySelector(".sign-in__status");
             sessionStorage.setItem("status", s ? s.textContent : "");
           })"""
    )


def test_signed_out_form_on_desktop_and_phone(new_page, story):
    for width in (1280, 390):
        page = new_page(width=width)
        page.goto(story.get_absolute_url() + "#respond")
        icons = page.get_by_role("list", name="Log in to comment")
        for name in (
            "Log in with your Newsroom account",
            "Log in with Twitter",
            "Log in with Facebook",
        ):
            assert icons.get_by_role("button", name=name).is_visible()
        page.get_by_role("button", name="Log in with Twitter").focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"  # visible focus
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"sign-in-form-signed-out-{width}")


def test_enter_in_a_guest_field_still_posts_the_comment(page, story):
    page.goto(story.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Posted with Enter.")
    page.get_by_label("Email (required) (Address never made public)").fill(
        "e@example.com"
    )
    page.get_by_label("Name (required)").fill("Enter Key")
    page.get_by_label("Name (required)").press("Enter")

    page.wait_for_url(re.compile(r"#c-\d+$"))
    assert Comment.objects.get().body == "Posted with Enter."


def test_sign_up_verify_and_comment_with_a_site_account(new_page, story, smtp_server):
    page = new_page()
    page.goto(story.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Typed before I had an account.")
    page.get_by_role("button", name="Log in with your Newsroom account").click()

    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Name").fill("Rita Reader")
    page.get_by_label("Email").fill("rita@example.com")
    page.get_by_label("Password", exact=True).fill("a-Long-passw0rd-here")
    page.get_by_label("Password (again)").fill("a-Long-passw0rd-here")
    screenshot(page, "sign-up")
    page.get_by_role("button", name="Sign Up").click()
    assert "Verify Your Email Address" in page.content()
    outbox = deliver_queued_mail(smtp_server)

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", outbox[-1].body)
    page.goto(link.group(0))
    screenshot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"#respond$"))
    assert "You are commenting using your Newsroom account." in page.inner_text(
        "#respond"
    )
    assert (
        page.get_by_label("Comment", exact=True).input_value()
        == "Typed before I had an account."
    )
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sign-in-form-site-account-{width}")

    page.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get()
    assert (comment.author_name, comment.author_provider) == ("Rita Reader", "account")
    assert "Your comment is awaiting moderation." in page.inner_text(f"#c-{comment.pk}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_in_with_x_then_comment_log_out_and_change(
    new_page, story, fake_x, javascript
):
    page = new_page(javascript=javascript)
    page.goto(story.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Typed before signing in with X.")
    if javascript:
        record_status_on_submit(page)
    page.get_by_role("button", name="Log in with Twitter").click()

    assert page.url.startswith(f"{fake_x.base_url}/authorize?")
    page.get_by_role("link", name="Authorize app").click()

    page.wait_for_url(re.compile(r"#respond$"))
    if javascript:  # the status said what was happening while X was reached
        status = page.evaluate("sessionStorage.getItem('status')")
        assert status == "Connecting to Twitter…"
    respond = page.locator("#respond")
    assert "You are commenting using your Twitter account." in respond.inner_text()
    assert "( Log Out / Change )" in respond.inner_text().replace("\xa0", " ")
    assert (
        page.get_by_label("Comment", exact=True).input_value()
        == "Typed before signing in with X."
    )
    avatar = respond.locator("img.avatar")
    assert avatar.evaluate("img => img.complete && img.naturalWidth") == 96
    if javascript:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"sign-in-form-twitter-{width}")
        page.set_viewport_size({"width": 1280, "height": 900})

    # Change: the other ways to sign in appear.
    assert not page.get_by_role("button", name="Log in with Facebook").is_visible()
    page.get_by_role("link", name="Change").click()
    assert page.get_by_role("button", name="Log in with Facebook").is_visible()
    assert page.get_by_role(
        "button", name="Log in with your Newsroom account"
    ).is_visible()
    assert page.get_by_role("button", name="Log in with Twitter").count() == 0
    if javascript:
        screenshot(page, "sign-in-form-change")

    page.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get()
    assert comment.author_provider == "twitter_oauth2"
    card = page.locator(f"#c-{comment.pk}")
    assert "Ada Lovelace" in card.inner_text()
    assert card.locator("img.avatar").evaluate("img => img.naturalWidth") == 96

    page.get_by_label("Comment", exact=True).fill("Half a thought.")
    page.get_by_role("button", name="Log Out", exact=True).click()
    page.wait_for_url(re.compile(r"#respond$"))
    assert "Fill in your details below or click an icon to log in:" in page.content()
    assert page.get_by_label("Comment", exact=True).input_value() == "Half a thought."
    assert page.get_by_role("button", name="Log in with Twitter").is_visible()


def test_cancelling_at_x_ends_on_a_page_back_to_the_article(new_page, story, fake_x):
    page = new_page(width=390)
    page.goto(story.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Still here after cancelling.")
    page.get_by_role("button", name="Log in with Twitter").click()
    page.get_by_role("link", name="Cancel").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in cancelled"
    screenshot(page, "sign-in-cancelled-390")
    page.get_by_role("link", name="Back to the article").click()

    assert "Fill in your details below or click an icon to log in:" in page.content()
    # The page every reader shares; its script puts the draft back (api /me).
    expect(page.get_by_label("Comment", exact=True)).to_have_value(
        "Still here after cancelling."
    )


def test_the_sign_in_page_leads_back_to_the_article(new_page, story):
    for width in (1280, 390):
        page = new_page(width=width)
        page.goto(story.get_absolute_url())
        page.get_by_label("Comment", exact=True).fill("Maybe later.")
        page.get_by_role("button", name="Log in with your Newsroom account").click()

        back = page.get_by_role(
            "link", name="Back to “Readers Sign In To Have Their Say”"
        )
        assert back.is_visible()
        assert back.bounding_box()["height"] >= 24  # WCAG 2.2's target size
        screenshot(page, f"account-login-way-back-{width}")
        back.click()

        page.wait_for_url(re.compile(r"#respond$"))
        expect(page.get_by_label("Comment", exact=True)).to_have_value("Maybe later.")


def test_the_draft_survives_the_help_page_of_a_provider_without_keys(
    page, transactional_db, rules, settings
):
    settings.DEBUG = True  # the help page shows only in development
    article = factories.make_article(title="A Provider Without Keys")
    page.goto(article.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Typed before trying X.")
    page.get_by_role("button", name="Log in with Twitter (not set up yet)").click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Signing in with Twitter is not set up"
    page.reload()  # a GET: nothing is posted again, nothing is lost
    assert heading.inner_text() == "Signing in with Twitter is not set up"
    page.get_by_role("link", name="Back to the article").click()

    comment = page.get_by_label("Comment", exact=True)
    expect(comment).to_have_value("Typed before trying X.")
    page.reload()  # what the script learnt is kept: no /me this time
    expect(comment).to_have_value("Typed before trying X.")


def test_account_pages_look_like_the_site(new_page, story):
    user = factories.make_user(email="kim@example.com", first_name="Kim")
    user.emailaddress_set.create(email="kim@example.com", verified=True, primary=True)
    page = new_page(width=390)
    page.goto("/accounts/login/")
    screenshot(page, "account-login-390")
    page.get_by_label("Email").fill("kim@example.com")
    page.get_by_label("Password").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Sign In").click()

    page.goto("/accounts/email/")
    assert page.locator(".masthead").is_visible()
    assert page.get_by_role("link", name="Password").is_visible()
    screenshot(page, "account-email-390")


@pytest.fixture
def fake_facebook(monkeypatch, settings):
    """Facebook's dialog and Graph API on 127.0.0.1 (what the FACEBOOK_* URLs do)."""
    fake = FakeProviders()
    server = fake.serve()
    allow_form_action(settings, fake.base_url)
    graph = f"{fake.base_url}/v23.0"
    monkeypatch.setattr(
        FacebookOAuth2Adapter, "authorize_url", f"{fake.base_url}/v23.0/dialog/oauth"
    )
    monkeypatch.setattr(
        FacebookOAuth2Adapter, "access_token_url", f"{graph}/oauth/access_token"
    )
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", graph)
    yield fake
    server.shutdown()
    server.server_close()


def test_sign_in_with_facebook_then_comment(page, story, fake_facebook):
    page.goto(story.get_absolute_url())
    page.get_by_label("Comment", exact=True).fill("Typed before Facebook.")
    page.get_by_role("button", name="Log in with Facebook").click()
    page.get_by_role("link", name="Authorize app").click()

    page.wait_for_url(re.compile(r"#respond$"))
    respond = page.locator("#respond")
    assert "You are commenting using your Facebook account." in respond.inner_text()
    assert respond.locator("img.avatar").evaluate("img => img.naturalWidth") == 96
    page.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get()
    assert (comment.body, comment.author_name) == (
        "Typed before Facebook.",
        "Grace Hopper",
    )
    assert comment.author_provider == "facebook"
