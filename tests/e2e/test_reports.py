"""A reader reports a comment in Chromium, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from comments.models import Report
from tests import factories
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, rules):
    return factories.make_article(title="Council Approves New Bridge")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_reader_reports_a_comment(new_page, story, javascript):
    factories.make_comment(story, author_name="Fair", body="A fair point.")
    troll = factories.make_comment(
        story, author_name="Troll", body="Everyone who disagrees is an idiot."
    )
    page = new_page(javascript=javascript, width=390)
    page.goto(story.get_absolute_url())

    page.get_by_role("link", name="Report Troll's comment").click()
    expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
    expect(page.get_by_role("figure")).to_contain_text("is an idiot")
    page.get_by_label("Abuse or harassment").check()
    page.get_by_label("Anything a moderator should know").fill("Name-calling.")
    screenshot(page, f"report-form-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Report comment").click()

    expect(page.get_by_text("Thank you for your report.")).to_be_visible()
    assert page.url.endswith(f"#c-{troll.pk}")
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.note) == (
        troll.pk,
        "abuse",
        "Name-calling.",
    )
    if javascript:
        expect(page.locator(f"#c-{troll.pk} .report")).to_have_text("Reported")
    page.locator(f"#c-{troll.pk} .report").click()
    expect(page.get_by_text("You reported this comment on")).to_be_visible()
