"""
The documentation site: Sphinx reads the Markdown in this folder (through MyST, as
Wagtail's documentation does), so GitHub shows the same pages as they are and the
site adds the contents, search and links checked at every build.

`make docs` builds it into docs/_build/html with warnings as errors: a link to a
page or a heading that isn't there fails the build. Nothing is fetched while
building or reading it (Furo draws with the system's fonts, and no analytics).
"""

project = "Newsroom"
html_title = "Newsroom"
language = "en"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]

# Headings get GitHub's anchors (#moving-from-disqus), so a link written for GitHub
# works on the site too, and a link to a heading that isn't there is a warning.
myst_heading_anchors = 3

html_theme = "furo"
html_copy_source = False
