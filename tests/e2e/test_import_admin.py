"""
An editor imports a WordPress export from the admin in Chromium; the worker (a
real `db_worker` process) runs the import and the page shows the report.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests import factories
from tests.e2e.conftest import screenshot
from tests.mailserver import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path("/work/shared/samples/wordpress-export-1000-comments.wxr.gz")


@pytest.fixture
def import_root(settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def importer(transactional_db):
    user = factories.make_user(username="importer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_article", "view_article", "change_comment"]
        )
    )
    return user


def open_import_page(page) -> None:
    page.goto("/admin/")
    page.get_by_label("Username:").fill("importer")
    page.get_by_label("Password:").fill("a-Long-passw0rd")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Import from WordPress or Disqus").click()
    expect(
        page.get_by_role("heading", name="Import articles and comments")
    ).to_be_visible()


def test_editor_imports_the_sample_export_and_reads_the_report(
    new_page, importer, import_root
):
    page = new_page()
    open_import_page(page)
    page.get_by_label("Export file").set_input_files(SAMPLE)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the task worker")

    run_worker(IMPORT_ROOT=str(import_root))

    # The waiting page refreshes itself (no script): the report appears.
    expect(page.get_by_role("status")).to_have_text("Done.", timeout=10_000)
    report = page.locator(".import-report")
    expect(report).to_contain_text("Comments imported: 1,000 (1,000 approved).")
    expect(report).to_contain_text("pages (not posts): 1")
    screenshot(page, "import-report")
    article = Comment.objects.get(old_anchor="comment-1").article
    assert article.comments.count() == 1000

    # An old link to a comment: redirected, the fragment kept, the comment marked,
    # on one page of them all, as WordPress shows them by default.
    rules = DiscussionSettings.load()
    rules.page_comments = False
    rules.save()
    page.goto("/?p=4#comment-3")
    assert page.url.endswith(article.get_absolute_url() + "#comment-3")
    target = Comment.objects.get(old_anchor="comment-3")
    expect(page.locator(f"#c-{target.pk} > article")).to_have_css(
        "background-color", re.compile(r"rgb\((?!0, 0, 0\))")
    )

    # With the comments in pages (Newsroom's default) the article's first page (the
    # newest of 1,000) hasn't it: the page's script takes the reader to the page
    # that has.
    rules.page_comments = True
    rules.save()
    page.goto("/?p=4#comment-3")
    expect(page).to_have_url(re.compile(rf"/comment-page-1/#c-{target.pk}$"))
    expect(page.locator(f"#c-{target.pk} > article")).to_have_css(
        "background-color", re.compile(r"rgb\((?!0, 0, 0\))")
    )
    expect(page.locator(f"#c-{target.pk + 1} > article")).to_have_css(
        "background-color", "rgba(0, 0, 0, 0)"
    )


def test_a_file_that_is_not_an_export_is_a_form_error(
    new_page, importer, import_root, tmp_path
):
    notes = tmp_path / "notes.xml"
    notes.write_text("<?xml version='1.0'?><html><body>Hello</body></html>")
    page = new_page()
    open_import_page(page)
    page.get_by_label("Export file").set_input_files(notes)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "not a WordPress or Disqus export"
    )
