"""
axe-core in Chromium: the WCAG 2.2 A and AA rules run on a page as it stands.

axe-core comes from npm (`tests/a11y/package.json`, installed by `make test`). It
is handed to the page through Playwright's evaluate, which the DevTools protocol
runs outside the page's Content Security Policy: the policy stays as readers get
it, and the page watcher still reports any violation the page itself causes.
"""

import json
import os
from pathlib import Path

import pytest

AXE = (
    Path(__file__).resolve().parents[1]
    / "a11y"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the bar the pages are held to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page) -> list[dict]:
    """axe-core's WCAG A/AA violations on the page: rule, impact and where."""
    if not AXE.exists():
        message = f"axe-core not found at {AXE} (make test installs it with npm)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async (tags) => {
            const only = {runOnly: {type: "tag", values: tags}};
            const result = await axe.run(document, only);
            return result.violations.map((v) => ({
                rule: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )
    return found


def assert_accessible(page, what: str) -> None:
    """Fail naming each rule broken on the page, and where."""
    found = violations(page)
    assert not found, f"axe-core found WCAG violations on {what}:\n" + json.dumps(
        found, indent=2
    )
