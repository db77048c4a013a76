"""
Browser tests: Playwright for Python driving Debian's Chromium against live_server.

Chromium comes from Debian (`/usr/bin/chromium`); no browser is ever downloaded.
Without it these tests are skipped, unless NEWSROOM_REQUIRE_BROWSER=1 (CI), where a
missing browser fails the run.
"""

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Request,
    WebError,
)
from playwright.sync_api import Error as PlaywrightError

from tests.fake_providers import PNG

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Host names as urlsplit() gives them: "::1" without its brackets.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any other host, name or address, fails to resolve without a DNS server being
    # asked: a page that reaches for one is reported by the watcher below, and
    # nothing leaves the machine meanwhile.
    "--host-resolver-rules=MAP * ~NOTFOUND, "
    + ", ".join(f"EXCLUDE {host}" for host in sorted(LOCAL_HOSTS)),
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


def _answered_with_an_error_status(message: ConsoleMessage) -> bool:
    """
    Chromium reports a page answered with an error status (a 404, a 403, a 400) as
    "Failed to load resource". Only the page's own address: a stylesheet, script
    or picture missing from a page is still a problem.
    """
    return (
        message.text.startswith("Failed to load resource: the server responded")
        and message.page is not None
        and message.location.get("url") == message.page.url
    )


def _a_refused_like(message: ConsoleMessage) -> bool:
    """
    A like refused (too many, a stamp used up) answers 400 with its reason, which
    the page's script shows beside the button (comments.reader_action_views.like);
    Chromium logs any fetch answered with an error status.
    """
    return message.text.startswith(
        "Failed to load resource: the server responded with a status of 400"
    ) and bool(re.search(r"/comments/\d+/like/$", message.location.get("url", "")))


# Console errors that are no fault of our pages, each under the reason it is
# forgiven: the one place to add one.
ALLOWED_CONSOLE_ERRORS = {
    "an error page a test opened on purpose": _answered_with_an_error_status,
    "a like refused on purpose, said in place": _a_refused_like,
}


class PageWatcher:
    """
    What the browser did that no page of ours should make it do: open a dialog,
    violate the Content Security Policy, send a request to another host, throw a
    script error no script caught, or report any other error on the console.

    It listens on browser contexts rather than pages, so that a popup or a tab
    opened from a page is watched too (a context's `weberror` is each of its pages'
    `pageerror`). Chromium reports every CSP violation as a console error, with
    JavaScript on or off (a `securitypolicyviolation` listener would need
    JavaScript, which several tests switch off). Console errors that are not ours
    are forgiven in one place, ALLOWED_CONSOLE_ERRORS, each with its reason.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.contexts: list[BrowserContext] = []

    def watch(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("dialog", self._on_dialog)
        context.on("weberror", self._on_script_error)
        self.contexts.append(context)

    def _on_request(self, request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.hostname not in LOCAL_HOSTS:
            self.problems.append(f"request left for another host: {request.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation: {message.text}")
        elif message.type == "error" and not any(
            allowed(message) for allowed in ALLOWED_CONSOLE_ERRORS.values()
        ):
            where = message.location.get("url")
            self.problems.append(
                f"console error: {message.text}" + (f" ({where})" if where else "")
            )

    def _on_script_error(self, error: WebError) -> None:
        self.problems.append(f"script error: {error.error.message}")

    def _on_dialog(self, dialog: Dialog) -> None:
        # Raising in a listener takes Playwright's connection down: the test would
        # end on "Target page, context or browser has been closed", and every later
        # browser test with it. Dismissed, the page goes on; the test fails after.
        self.problems.append(f"dialog opened: {dialog.message}")
        dialog.dismiss()

    def check(self) -> None:
        """Fail, listing every problem, once the browser has told all it saw."""
        for context in self.contexts:
            for page in context.pages:
                # A round trip to each page delivers the events it sent before it
                # (a page in mid-navigation can't answer; it is not waited for).
                with contextlib.suppress(PlaywrightError):
                    page.evaluate("0")
        if self.problems:
            pytest.fail(self.report(), pytrace=False)

    def report(self) -> str:
        lines = (f"  - {problem}" for problem in self.problems)
        return "\n".join(["The browser saw what no page of ours should cause:", *lines])


PAGE_WATCHER = pytest.StashKey[PageWatcher]()


@pytest.fixture
def page_watcher(request) -> PageWatcher:
    """The watcher of this test's pages, checked when the test has run (below)."""
    watcher = PageWatcher()
    request.node.stash[PAGE_WATCHER] = watcher
    return watcher


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """
    A problem the browser saw fails the test that caused it, as its own failure.

    Checked in a fixture's teardown, it would be reported as an error beside a
    passed test. A test that failed anyway keeps its failure, with the problems
    shown under it.
    """
    watcher = item.stash.get(PAGE_WATCHER, None)
    try:
        result = yield
    except BaseException:
        if watcher is not None and watcher.problems:
            item.add_report_section("call", "browser problems", watcher.report())
        raise
    if watcher is not None:
        watcher.check()
    return result


@pytest.fixture
def new_page(browser, live_server, page_watcher, settings):
    """
    Open pages in fresh browser contexts (separate cookies: separate readers).

    Every page is watched: a dialog, a Content Security Policy violation, a
    request to another host, a script error or a console error fails the test
    that caused it. The site's address is
    the live server's, so links and provider callbacks lead back to it. Other
    options go to the context as they are (color_scheme, reduced_motion, …).
    """
    settings.SITE_URL = live_server.url
    contexts = []

    def open_page(
        *,
        javascript: bool = True,
        width: int = 1280,
        height: int = 900,
        locale: str | None = None,
        **options,
    ):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            locale=locale,  # the browser's languages (Accept-Language)
            **options,  # color_scheme, reduced_motion…
        )
        page_watcher.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def served_media(settings, tmp_path):
    """
    Pictures served from a folder of the test's own, as nginx serves /media/ in
    production, holding the one tests.factories.make_reader_with_history gives
    Grace: a page with her comment shows it rather than a broken picture.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    picture = settings.MEDIA_ROOT / "avatars" / "grace.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(PNG)
    return settings.MEDIA_ROOT


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
