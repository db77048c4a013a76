"""
HTML as our plain text, for the sources that send HTML (WordPress's content and
names, Disqus's messages): what a reader wrote, never markup.
"""

import re
from html.parser import HTMLParser


class _TextOfHTML(HTMLParser):
    BLOCKS = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
        "blockquote", "pre", "table", "tr", "figure", "figcaption", "section",
        "article", "header", "footer", "dl", "dt", "dd", "hr",
    }  # fmt: skip
    HIDDEN = {"script", "style", "template", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.link: tuple[str, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.link = (dict(attrs).get("href") or "", len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.link:
            href, start = self.link
            self.link = None
            text = "".join(self.parts[start:]).strip()
            # A link's address is kept beside its words (render_body links it
            # again), unless the words are the address.
            if href.startswith(("http://", "https://")) and href.rstrip("/") not in (
                text.rstrip("/"),
                "",
            ):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """
    HTML (an article's or a comment's) as our plain text: block elements become
    paragraphs separated by a blank line, <br> a line break, entities decoded,
    comments (WordPress's `<!-- wp:paragraph -->`) and every tag dropped. A link
    keeps its address in brackets after its words.
    """
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    # The parser decoded the entities (convert_charrefs): decoding again would turn
    # a comment's "&lt;" (written as "&amp;lt;") into "<".
    text = "".join(parser.parts).replace("\r\n", "\n").replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
