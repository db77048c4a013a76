"""
The README is the way in: what Newsroom is, the two commands, and links to the
documentation's pages. The site's build (`make docs`) checks the links between
those pages; the README is no page of it, so its links are checked here.
"""

import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def broken_links(markdown: str, folder: Path) -> list[str]:
    """The links of a Markdown text to files of the repository that aren't there."""
    return [
        target
        for target in LINK.findall(markdown)
        if "://" not in target
        and not target.startswith(("#", "mailto:"))
        and not (folder / target.split("#")[0]).exists()
    ]


def test_every_link_in_the_readme_leads_to_a_file():
    readme = (BASE / "README.md").read_text()

    assert LINK.search(readme)
    assert broken_links(readme, BASE) == []


def test_a_link_to_a_page_that_moved_is_noticed():
    text = "Read [the queue](docs/moderation.md) and [the old one](docs/queue.md#keys)."

    assert broken_links(text, BASE) == ["docs/queue.md#keys"]


def test_the_quick_start_is_the_two_commands():
    readme = (BASE / "README.md").read_text()
    quick_start = readme.split("\n## Quick start\n")[1].split("\n## ")[0]
    commands = re.findall(r"^make \S+", quick_start, re.MULTILINE)

    assert commands == ["make run", "make test"]
