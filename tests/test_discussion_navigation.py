"""
How readers find their way around the discussion without seeing it whole: the
skip link to the form, headings in order, comment pages' navigations told apart.
"""

from html.parser import HTMLParser

from django.utils import timezone

from tests.factories import article_page, make_comment


class Outline(HTMLParser):
    """The page's headings (level, text) and its navigations' names, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.navs: list[str] = []
        self.links: dict[str, str] = {}  # text: address
        self.heading: int | None = None
        self.link: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = int(tag[1])
            self.headings.append((self.heading, ""))
        elif tag == "nav":
            self.navs.append(attrs.get("aria-label", ""))
        elif tag == "a":
            self.link = attrs.get("href", "")
            self.text = ""

    def handle_endtag(self, tag):
        if tag.startswith("h") and tag[1:].isdigit():
            self.heading = None
        elif tag == "a" and self.link is not None:
            self.links[self.text.strip()] = self.link
            self.link = None

    def handle_data(self, data):
        if self.heading is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        if self.link is not None:
            self.text += data


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def skipped_levels(headings: list[tuple[int, str]]) -> list[str]:
    """The headings that come more than one level below the one before them."""
    before = 0
    skipped = []
    for level, text in headings:
        if level > before + 1:
            skipped.append(f"h{level} {text.strip()!r} after h{before}")
        before = level
    return skipped


def test_the_skip_link_leads_to_the_comment_form(client, article):
    page = article_page(client, article)
    assert outline(page).links["Skip to the comment form"] == "#respond"
    # Focusable, so that following the link moves the keyboard's focus there.
    assert '<div id="respond" class="respond" tabindex="-1">' in page


def test_no_skip_link_to_the_form_when_comments_are_closed(client, article):
    article.comments_open = False
    article.save()
    assert "Skip to the comment form" not in article_page(client, article)


def test_headings_never_skip_a_level_without_comments(client, article):
    headings = outline(article_page(client, article)).headings
    assert [level for level, _ in headings] == [1, 2]
    assert headings[1][1].startswith("Leave a Reply")
    assert not skipped_levels(headings)


def test_headings_never_skip_a_level_with_comments_and_picks(client, article):
    make_comment(article, featured_at=timezone.now())
    make_comment(article)
    headings = outline(article_page(client, article)).headings
    assert [level for level, _ in headings] == [1, 2, 3, 2]
    assert not skipped_levels(headings)


def test_headings_never_skip_a_level_with_the_discussion_closed(client, article):
    make_comment(article)
    article.comments_open = False
    article.save()
    assert not skipped_levels(outline(article_page(client, article)).headings)


def test_skipped_levels_are_found():
    # The check above can fail: what the page had before (h3 after the h1).
    assert skipped_levels([(1, "Story"), (3, "Leave a Reply")]) == [
        "h3 'Leave a Reply' after h1"
    ]


def test_the_two_comment_page_navigations_have_names_of_their_own(
    client, article, rules
):
    rules.page_comments = True
    rules.comments_per_page = 1
    rules.save()
    make_comment(article)
    make_comment(article)

    navs = outline(article_page(client, article)).navs

    pages = [name for name in navs if name.startswith("Comment pages")]
    assert pages == ["Comment pages, top", "Comment pages, bottom"]
    assert len(set(navs)) == len(navs), navs  # no two navigations alike
