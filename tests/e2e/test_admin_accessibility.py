"""
The admin pages we customised pass axe-core's WCAG 2.2 A and AA rules, with their
keyboard bar, key list and open Reply box showing, in each of the site's
languages (an editor's browser or language link chooses it); and the check
itself fails on a page that breaks a rule.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from comments.models import Ban
from tests import factories
from tests.e2e.accessibility import assert_accessible, violations
from tests.e2e.test_moderation import make_editor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def held(transactional_db):
    story = factories.make_article(title="Council Approves New Bridge")
    from django.contrib.auth.models import Permission

    make_editor().user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_moderationaction", "add_article", "view_article"]
        )
    )
    first = factories.make_comment(
        story,
        status="pending",
        author_name="Ada",
        body="Is the bridge <b>really</b> safe?",
        moderation_reason="held: first comment from this author",
    )
    factories.make_comment(story, status="approved", parent=None, author_name="Bo")
    factories.make_comment(story, status="spam", author_name="Spammer")
    Ban.objects.create(kind=Ban.Kind.EMAIL, email="spam@example.com", reason="Spam")
    return first


def test_the_check_fails_on_a_page_that_breaks_a_rule(page):
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main>'
        '<input type="text" name="q"><p style="color:#bbb;background:#fff">faint</p>'
        "</main></html>"
    )

    rules = {found["rule"] for found in violations(page)}

    assert {"label", "color-contrast"} <= rules
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page, "a page with an unlabelled field")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_queue_with_its_keys_and_an_open_reply_box(new_page, held, width):
    page = new_page(width=width)
    sign_in(page, "editor")
    page.goto(QUEUE)
    page.keyboard.press("?")
    expect(page.get_by_role("region", name="Keyboard keys")).to_be_visible()
    page.locator("summary", has_text="Reply").first.click()
    expect(page.get_by_label("Your reply to Ada")).to_be_visible()

    assert_accessible(page, f"the moderation queue at {width} px")


def signed_in(page, live_server, username: str, language: str) -> None:
    """
    The editor's session and choice of language (the cookie the footer's links
    set) handed to the browser, so that each state costs one page load.
    """
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value,
        settings.LANGUAGE_COOKIE_NAME: language,
    }
    page.context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url}
            for name, value in cookies.items()
        ]
    )


@pytest.mark.parametrize("language", ["en", "zh-hans", "ar"])
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/admin/", id="dashboard"),
        pytest.param("/admin/articles/article/import/", id="import"),
        pytest.param(f"{QUEUE}?status=all&q=bridge", id="queue-searched"),
        pytest.param(f"{QUEUE}approve-shown/", id="approve-shown"),
        pytest.param("/admin/comments/ban/", id="bans"),
        pytest.param("/admin/comments/moderationaction/", id="moderation-log"),
    ],
)
def test_admin_page(new_page, live_server, held, path, language):
    page = new_page()
    signed_in(page, live_server, "editor", language)
    page.goto(path)
    assert page.get_attribute("html", "lang") == language
    if "q=bridge" in path:
        expect(page.locator("#searchbar")).to_have_value("bridge")

    assert_accessible(page, f"{path} in {language}")


def test_one_comment_page(new_page, held):
    page = new_page()
    sign_in(page, "editor")
    page.goto(f"{QUEUE}{held.pk}/change/")

    assert_accessible(page, "a comment's page")
