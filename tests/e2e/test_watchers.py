"""
The browser tests' watcher catches what it promises: a request to another host, a
Content Security Policy violation, a dialog, a script error or an error on the
console fails the test that caused it; an error page a test opens on purpose
doesn't (the one console error forgiven), a picture missing from it does.

The browser tests here cause one on purpose through `new_page`, as any test would,
check that the watcher saw it and that checking fails, then forget it so that they
pass. Were the watcher not attached, they would fail. The last test runs tests of
its own: a problem is the failure of the test that caused it, every one listed.
"""

import re

import pytest

from tests import factories

pytest_plugins = ["pytester"]


@pytest.fixture
def story(transactional_db):
    return factories.make_article(title="Readers Are Watched Over")


def expect_failure(page_watcher, *problems: str) -> None:
    """Checking fails and names each problem; then they are forgiven (on purpose)."""
    with pytest.raises(pytest.fail.Exception) as failure:
        page_watcher.check()
    for problem in problems:
        assert f"  - {problem}" in str(failure.value)
    page_watcher.problems.clear()


def test_a_popup_requesting_another_host_fails_the_test(new_page, page_watcher, story):
    page = new_page()
    # Answered here before it is sent (nothing may leave this machine); the request
    # is made all the same, and that is what the watcher sees.
    page.context.route(
        "http://tracker.invalid/**",
        lambda route: route.fulfill(body="Tracked.", content_type="text/plain"),
    )
    page.goto(story.get_absolute_url())
    with page.expect_popup() as popup:
        page.evaluate("window.open('http://tracker.invalid/pixel')")
    popup.value.wait_for_load_state()
    assert popup.value.inner_text("body") == "Tracked."

    # The popup was never given to the watcher: it is watched through its context.
    problem = "request left for another host: http://tracker.invalid/pixel"
    assert page_watcher.problems == [problem]
    expect_failure(page_watcher, problem)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_inline_style_or_script_on_our_page_fails_the_test(
    new_page, page_watcher, story, javascript
):
    page = new_page(javascript=javascript)
    page.goto(story.get_absolute_url())
    # The article rewritten in place keeps the policy our middleware sent with it.
    slipped_in = '<p style="color: red">Slipped in.</p><script>window.ran = 1</script>'
    page.set_content(page.content().replace("</main>", f"{slipped_in}</main>"))
    assert page.get_by_text("Slipped in.").is_visible()

    # Without JavaScript the script would not run anyway: only the style violates.
    problems = page_watcher.problems
    assert all(problem.startswith("CSP violation: ") for problem in problems)
    violated = sorted(re.search(r"[a-z]+-src", problem)[0] for problem in problems)
    assert violated == (["script-src", "style-src"] if javascript else ["style-src"])
    expect_failure(page_watcher, *problems)


def test_a_dialog_fails_the_test_and_the_page_goes_on(new_page, page_watcher, story):
    page = new_page()
    page.goto(story.get_absolute_url())
    page.evaluate("alert('Hello from a payload')")  # returns: the dialog was dismissed

    assert page.get_by_role("heading", level=1).inner_text() == story.title
    assert page_watcher.problems == ["dialog opened: Hello from a payload"]
    expect_failure(page_watcher, "dialog opened: Hello from a payload")


def test_a_script_error_fails_the_test(new_page, page_watcher, story):
    page = new_page()
    page.goto(story.get_absolute_url())
    # Thrown later by the page's own event loop: no script catches it.
    page.evaluate("setTimeout(() => { throw new TypeError('x is undefined') })")
    page.wait_for_timeout(100)

    assert page_watcher.problems == ["script error: x is undefined"]
    expect_failure(page_watcher, "script error: x is undefined")


def test_an_error_on_the_console_fails_the_test(new_page, page_watcher, story):
    page = new_page()
    page.goto(story.get_absolute_url())
    page.evaluate("console.error('Could not read the stamp')")
    page.evaluate("console.warn('A warning is not an error')")

    problem = "console error: Could not read the stamp"
    assert page_watcher.problems == [problem]
    expect_failure(page_watcher, problem)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_error_page_opened_on_purpose_passes_but_not_what_is_missing_from_it(
    new_page, page_watcher, story, javascript
):
    page = new_page(javascript=javascript)
    assert page.goto("/no/such/page/").status == 404
    assert page_watcher.problems == []

    page.goto(story.get_absolute_url())
    missing = page.url + "missing.png"
    page.set_content(
        page.content().replace("</main>", f'<img src="{missing}" alt=""></main>')
    )

    assert len(page_watcher.problems) == 1
    assert page_watcher.problems[0].startswith("console error: Failed to load")
    assert page_watcher.problems[0].endswith(f"({missing})")
    expect_failure(page_watcher, page_watcher.problems[0])


def test_problems_fail_the_test_that_caused_them_not_its_teardown(pytester):
    pytester.makeconftest(
        "from tests.e2e.conftest import page_watcher, pytest_runtest_call  # noqa"
    )
    pytester.makepyfile(
        """
        def test_quiet_page(page_watcher):
            pass

        def test_page_that_reaches_out(page_watcher):
            page_watcher.problems.append("request left for another host: http://x.invalid/")
            page_watcher.problems.append("CSP violation: inline style")

        def test_page_that_fails_anyway(page_watcher):
            page_watcher.problems.append("dialog opened: 1")
            assert 1 == 2
        """
    )
    result = pytester.runpytest("-p", "no:django", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=2, errors=0)
    result.stdout.fnmatch_lines(
        [
            "*_ test_page_that_reaches_out _*",
            "The browser saw what no page of ours should cause:",
            "  - request left for another host: http://x.invalid/",
            "  - CSP violation: inline style",
            "*_ test_page_that_fails_anyway _*",
            "*assert 1 == 2",
            "*- Captured browser problems call -*",
            "  - dialog opened: 1",
        ]
    )
