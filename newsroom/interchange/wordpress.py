"""
Reading a WordPress export (WXR, "WordPress eXtended RSS", versions 1.0 to 1.2).

`WXRReader(path)` yields plain records, streaming: a `Site` first (the address
the export came from: the import's source), then for each post an
`ArticleRecord` followed by its `CommentRecord`s, or a `Skipped` for what is not a
post (pages, attachments, menu items, trashed posts). Elements are dropped as soon
as they are read, so memory stays flat whatever the size of the file, even for one
post with a hundred thousand comments.

The file is parsed with defusedxml: a file that declares entities (the "billion
laughs") or refers to external ones is refused before anything is read. A gzip
file is recognised by its first bytes, whatever its name. Errors (a file cut
short, broken XML, not a WordPress export) raise `WXRError` with the line.

Readers' accounts are not read (`wp:comment_user_id`): a comment keeps the name,
email and website it was posted with. Pingbacks and trackbacks are counted as
`Skipped` unless asked for (`with_pingbacks`), then read as comments.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only for types and ParseError
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from articles.models import Article
from comments.models import Comment
from newsroom.interchange.htmltext import html_to_text
from newsroom.interchange.importing import (
    BATCH_SIZE,
    ArticleRecord,
    CommentRecord,
    Importer,
    ImportReport,
)
from newsroom.interchange.xmlfile import xml_events

WP_NAMESPACE = re.compile(r"http://wordpress\.org/export/1\.\d+/")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"

ARTICLE_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "future": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
PINGBACKS = {"pingback", "trackback"}
# What the reader empties as it goes, so they may be larger than one element (see
# interchange.xmlfile): the channel of items, an item of comments.
CONTAINERS = frozenset({"channel", "item"})
# What an item holds that makes the article; anything else in it is dropped as read.
ARTICLE_FIELDS = {
    "title",
    "link",
    "pubDate",
    "content:encoded",
    "wp:post_id",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:comment_status",
    "wp:post_name",
    "wp:status",
    "wp:post_type",
}
# WordPress's own shortcodes, which classic-editor posts hold as text: the tags go,
# a caption's words stay. Other bracketed text ("[sic]") is the author's.
SHORTCODES = re.compile(
    r"\[/?(?:caption|gallery|audio|video|playlist|embed)\b[^\]]*\]", re.IGNORECASE
)


class WXRError(Exception):
    """The file can't be read as a WordPress export; the message says why."""


@dataclass
class Site:
    """The site the export came from (wp:base_site_url)."""

    url: str
    wxr_version: str

    @property
    def source(self) -> str:
        return f"wordpress:{self.url}"


@dataclass
class Skipped:
    """Something in the file that is not imported, and why ("pages")."""

    reason: str
    source_id: str = ""
    comments: int = 0


Record = Site | ArticleRecord | CommentRecord | Skipped


def wordpress_date(value: str | None) -> datetime | None:
    """A WordPress date ("2021-03-10 09:43:05", taken as UTC); None for 0000-00-00."""
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def rss_date(value: str | None) -> datetime | None:
    """An RSS date; None for a draft's "Mon, 30 Nov -0001 …" (WordPress's zero)."""
    if not value or " -0001 " in value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def path_of(url: str) -> str:
    """An address as a request shows it: path and query ("/?p=4")."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path) or "/"
    return f"{path}?{parts.query}" if parts.query else path


class WXRReader:
    """
    The records of a WXR file, streaming (see the module docstring).
    `bytes_read` and `size` (of the file as stored: compressed, if it is) tell
    how far it has come.
    """

    def __init__(self, file: BinaryIO, *, with_pingbacks: bool = False) -> None:
        self.file = file
        self.with_pingbacks = with_pingbacks
        file.seek(0, 2)
        self.size = file.tell()
        file.seek(0)

    @property
    def bytes_read(self) -> int:
        return self.file.tell()

    def __iter__(self) -> Iterator[Record]:
        yield from self._records(
            xml_events(
                self.file,
                kind="a WordPress export",
                error=WXRError,
                containers=CONTAINERS,
            )
        )

    def _records(self, events: Iterator[tuple[str, ET.Element]]) -> Iterator[Record]:
        stack: list[ET.Element] = []
        site: Site | None = None
        version = ""
        item: ET.Element | None = None
        fields: dict[str, ET.Element] = {}  # the item's, by name, the last of each
        article: ArticleRecord | Skipped | None = None
        for event, element in events:
            if event == "start":
                stack.append(element)
                if opens_a_post(element, stack, site):
                    item, article, fields = element, None, {}
                continue
            stack.pop()
            name = local(element.tag)
            if name == "wp:wxr_version":
                version = (element.text or "").strip()
            elif name == "wp:base_site_url" and site is None:
                site = Site((element.text or "").strip().rstrip("/"), version)
                yield site
            elif name == "wp:comment" and item is not None and stack[-1] is not item:
                # Not where WordPress writes a comment (inside another one, or
                # another field): counted, and dropped with what holds it.
                yield Skipped("comments not directly in a post")
            elif name == "wp:comment" and item is not None:
                if article is None:
                    article = self._article(item)
                    if isinstance(article, ArticleRecord):
                        yield article
                if isinstance(article, ArticleRecord):
                    yield self._comment(element, article.source_id)
                else:
                    article.comments += 1
                item.remove(element)  # memory stays flat, however many comments
                continue
            elif item is not None and len(stack) == 3 and stack[-1] is item:
                # Only the last of each field counts: the rest goes, so an item of
                # a million parts takes no more memory than one of a few.
                if (earlier := fields.pop(name, None)) is not None:
                    item.remove(earlier)
                if name in ARTICLE_FIELDS:
                    fields[name] = element
                else:
                    item.remove(element)
            elif element is item:
                if article is None:
                    article = self._article(item)
                    yield article  # a post without comments, or a skipped item
                elif isinstance(article, Skipped):
                    yield article  # told at its end, its comments counted
                item = article = None
            if len(stack) <= 2 and stack:
                # A child of <channel> (or <channel> itself) is done: drop it.
                stack[-1].remove(element)

    def _article(self, item: ET.Element) -> ArticleRecord | Skipped:
        fields = {local(child.tag): child.text or "" for child in item}
        post_id = fields.get("wp:post_id", "").strip()
        post_type = fields.get("wp:post_type", "post").strip() or "post"
        wp_status = fields.get("wp:status", "publish").strip()
        if post_type != "post":
            return Skipped(f"{post_type}s (not posts)", post_id)
        if wp_status in ("trash", "auto-draft", "inherit") or not post_id:
            return Skipped(f"posts in {wp_status or 'no'} status", post_id)
        published_at = (
            wordpress_date(fields.get("wp:post_date_gmt"))
            or rss_date(fields.get("pubDate"))
            or wordpress_date(fields.get("wp:post_date"))
            or datetime.now(UTC)
        )
        link = fields.get("link", "").strip()
        old_paths = [f"/?p={post_id}"]
        if link:
            old_paths.append(path_of(link))
        return ArticleRecord(
            source_id=post_id,
            title=html_to_text(fields.get("title", "")).replace("\n", " "),
            slug=unquote(fields.get("wp:post_name", "")),
            body=html_to_text(SHORTCODES.sub("", fields.get("content:encoded", ""))),
            published_at=published_at,
            status=ARTICLE_STATUS.get(wp_status, Article.Status.DRAFT),
            comments_open=fields.get("wp:comment_status", "open").strip() == "open",
            old_paths=old_paths,
        )

    def _comment(self, element: ET.Element, post_id: str) -> CommentRecord | Skipped:
        fields = {local(child.tag): child.text or "" for child in element}
        comment_type = fields.get("wp:comment_type", "").strip()
        if comment_type in PINGBACKS and not self.with_pingbacks:
            return Skipped("pingbacks and trackbacks")
        if comment_type not in ("", "comment", *PINGBACKS):
            # Plugins keep other things as comments (WooCommerce's order notes,
            # reviews): not readers' comments, and possibly private.
            return Skipped(f"comments of type {comment_type[:40]!r}")
        comment_id = fields.get("wp:comment_id", "").strip()
        parent = fields.get("wp:comment_parent", "0").strip()
        return CommentRecord(
            source_id=comment_id,
            article_source_id=post_id,
            body=html_to_text(fields.get("wp:comment_content", "")),
            status=COMMENT_STATUS.get(
                fields.get("wp:comment_approved", "").strip(), "unknown"
            ),
            parent_source_id=parent if parent not in ("", "0") else None,
            created_at=wordpress_date(fields.get("wp:comment_date_gmt"))
            or wordpress_date(fields.get("wp:comment_date")),
            author_name=html_to_text(fields.get("wp:comment_author", "")).replace(
                "\n", " "
            ),
            author_email=fields.get("wp:comment_author_email", ""),
            author_url=fields.get("wp:comment_author_url", ""),
            ip_address=fields.get("wp:comment_author_IP", ""),
            user_agent=fields.get("wp:comment_agent", "").strip(),
            old_anchor=f"comment-{comment_id}",
        )


def local(tag: str) -> str:
    """A tag as WordPress writes it: "wp:comment_id", "content:encoded", "title"."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        if WP_NAMESPACE.fullmatch(namespace):
            return f"wp:{name}"
        if namespace == CONTENT_NAMESPACE:
            return f"content:{name}"
        return f"{{{namespace}}}{name}"
    return tag


def import_wxr(
    file: BinaryIO,
    *,
    with_pingbacks: bool = False,
    on_progress: Callable[[int, int, ImportReport], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """
    Import a WXR file: its posts, their comments and old addresses. `on_progress`
    is called now and then with the bytes read, the file's size and the report
    so far. Raises WXRError; what was written before stays (see Importer).
    """
    reader = WXRReader(file, with_pingbacks=with_pingbacks)
    importer: Importer | None = None
    for n, record in enumerate(reader):
        if isinstance(record, Site):
            importer = Importer(record.source, batch_size=batch_size)
            continue
        assert importer is not None  # the reader yields the Site first
        if isinstance(record, ArticleRecord):
            importer.add_article(record)
        elif isinstance(record, CommentRecord):
            importer.add_comment(record)
        elif record.source_id:
            importer.skip_article(record.source_id, record.reason)
            if record.comments:
                importer.skip("comments on skipped pages and posts", record.comments)
        else:
            importer.skip(record.reason)
        if on_progress is not None and n % 250 == 0:
            on_progress(reader.bytes_read, reader.size, importer.report)
    if importer is None:
        raise WXRError("this is not a WordPress export (no wp:base_site_url).")
    report = importer.finish()
    if on_progress is not None:
        on_progress(reader.size, reader.size, report)
    return report


def opens_a_post(
    element: ET.Element, stack: list[ET.Element], site: "Site | None"
) -> bool:
    """
    Whether `element`, just opened at the depth `stack` says, is a post (an
    <item> of the channel); a file that isn't a WordPress export is refused.
    """
    if len(stack) == 1 and element.tag != "rss":
        raise WXRError(
            f"this is not a WordPress export (its root is "
            f"<{local(element.tag)}>, not <rss>)."
        )
    if element.tag != "item" or len(stack) != 3:
        return False
    if site is None:
        raise WXRError(
            "this is not a WordPress export "
            "(no wp:base_site_url before the first item)."
        )
    return True
