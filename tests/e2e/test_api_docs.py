"""The API's browsable documentation (Swagger UI) in Chromium, under the site's CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_api_documentation_lists_the_operations(page, db):
    page.goto("/api/v1/docs")

    expect(
        page.get_by_text("/api/v1/articles/{article_id}/comments/").first
    ).to_be_visible()
