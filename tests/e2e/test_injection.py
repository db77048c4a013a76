"""The injection corpus in Chromium: nothing runs, nothing appears, nothing leaves."""

import pytest
from django.test import Client

from tests import factories
from tests.e2e.conftest import screenshot
from tests.test_injection import CASES, post_payload

pytestmark = pytest.mark.django_db(transaction=True)

# On the article page no reader markup may become an element at all; the admin has
# images and SVG icons of its own, so there only the payloads' markers count. The
# article's one script element of its own without a source is its data for search
# engines (a data block, never run); the others are our static files and the
# scripts' catalog of words (/jsi18n/).
PWNED = """(selector) => ({
    pwned: window.__pwned === 1,
    marked: document.querySelectorAll(selector).length,
    handlers: [...document.querySelectorAll('*')].filter(
        el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    scripts: [...document.scripts].filter(
        s => !s.src.includes('/static/') && !s.src.includes('/jsi18n/')
            && s.type !== 'application/ld+json').length,
    data_blocks: document.querySelectorAll('script[type="application/ld+json"]').length,
})"""

ARTICLE_FOREIGN = (
    "[data-pwn], #pwn, iframe, object, embed, math, style, form[action*=evil], "
    ".comment-list svg, .comment-list img"
)
ADMIN_FOREIGN = "[data-pwn], #pwn, iframe, object, embed, math, form[action*=evil]"


def test_no_payload_runs_or_appears_on_the_article_or_in_the_admin(new_page, rules):
    rules.require_prior_approval = False
    rules.link_limit = 0
    rules.save()
    article = factories.make_article(title="Hostile Input Everywhere")
    guest, reader = Client(), Client()
    reader.force_login(factories.make_user())
    for field, payload in CASES:
        post_payload(guest, article, field, payload)
    for field, payload in CASES:
        if field == "body":
            post_payload(reader, article, field, payload)
    factories.make_user(username="editor", is_staff=True, is_superuser=True)

    page = new_page()
    page.goto(article.get_absolute_url())
    page.mouse.move(200, 400)
    assert page.evaluate(PWNED, ARTICLE_FOREIGN) == {
        "pwned": False,
        "marked": 0,
        "handlers": 0,
        "scripts": 0,
        "data_blocks": 1,
    }
    # Every text a reader typed stays inside the data block, which still parses.
    data = page.evaluate(
        "JSON.parse(document.querySelector("
        "'script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["commentCount"] > 100
    screenshot(page, "injection-article")

    editor = new_page()
    editor.goto("/admin/login/?next=/admin/comments/comment/%3Fall%3D")
    editor.get_by_label("Username:").fill("editor")
    editor.get_by_label("Password:").fill("a-Long-passw0rd")
    editor.get_by_role("button", name="Log in").click()
    editor.wait_for_load_state()
    assert editor.evaluate(PWNED, ADMIN_FOREIGN)["pwned"] is False
    assert editor.evaluate(PWNED, ADMIN_FOREIGN)["marked"] == 0
    editor.goto(
        "/admin/comments/comment/1/change/".replace("1", str(_first_comment_id()))
    )
    assert editor.evaluate(PWNED, ADMIN_FOREIGN)["pwned"] is False
    assert editor.evaluate(PWNED, ADMIN_FOREIGN)["marked"] == 0


def _first_comment_id() -> int:
    from comments.models import Comment

    return Comment.objects.order_by("pk").values_list("pk", flat=True)[0]
