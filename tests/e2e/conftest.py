"""
Browser tests: Playwright for Python driving Debian's Chromium against live_server.

Chromium comes from Debian (`/usr/bin/chromium`); no browser is ever downloaded.
Without it these tests are skipped, unless NEWSROOM_REQUIRE_BROWSER=1 (CI), where a
missing browser fails the run.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


@pytest.fixture
def new_page(browser, live_server):
    """
    Open pages in fresh browser contexts (separate cookies: separate readers).

    Every page is watched: a dialog, a Content Security Policy violation or a
    request to another host fails the test that caused it.
    """
    from urllib.parse import urlsplit

    contexts = []
    problems: list[str] = []

    def watch_request(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host not in LOCAL_HOSTS:
            problems.append(f"request left for another host: {request.url}")

    def watch_console(message):
        if "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")

    def open_page(*, javascript: bool = True, width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
        )
        contexts.append(context)
        page = context.new_page()
        page.on(
            "dialog", lambda dialog: pytest.fail(f"dialog opened: {dialog.message}")
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
