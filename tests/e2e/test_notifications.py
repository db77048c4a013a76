"""A reader subscribes in Chromium and confirms from the mail the worker sent."""

import re

import pytest

from comments.models import Subscription
from tests import factories
from tests.e2e.conftest import screenshot
from tests.mailserver import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_guest_ticks_notify_and_confirms_from_the_mail(
    new_page, live_server, settings, smtp_server, rules, width
):
    settings.SITE_URL = live_server.url
    story = factories.make_article(title="Readers Have Their Say")
    reader = new_page(javascript=False, width=width)
    reader.goto(story.get_absolute_url())
    reader.get_by_label("Comment", exact=True).fill("Please keep me posted.")
    reader.get_by_label("Email (required) (Address never made public)").fill(
        "grace@example.com"
    )
    reader.get_by_label("Name (required)").fill("Grace Guest")
    reader.get_by_label("Notify me of new comments via email.").check()
    reader.get_by_label("Notify me of new posts via email.").check()
    screenshot(reader, f"notify-ticked-{width}")
    reader.get_by_role("button", name="Post Comment").click()
    # Without JavaScript, in one step.
    reader.get_by_text("Your comment is awaiting moderation.").wait_for()
    told = reader.locator(".messages").inner_text()
    assert (
        "A confirmation mail is on its way to grace@example.com: follow its link to "
        "get new comments on this article and new articles by email."
    ) in told
    screenshot(reader, f"notify-told-{width}")
    assert Subscription.objects.filter(status="pending").count() == 2

    run_worker(EMAIL_URL=smtp_server.url, SITE_URL=live_server.url)

    [confirmation] = smtp_server.messages(to="grace@example.com")
    text = confirmation.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/comments/confirm/\S+/", text).group(0)
    reader.goto(link)
    reader.get_by_role("button", name="Yes, subscribe me").click()
    reader.get_by_role("heading", name="You’re subscribed").wait_for()
    screenshot(reader, f"notify-confirmed-{width}")
    assert Subscription.objects.filter(status="confirmed").count() == 2
