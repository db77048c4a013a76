"""
Reading a Disqus export (Disqus admin → Community → Export: an XML file, sent
gzipped by mail) and importing its comments under the site's articles.

The file is flat: `<category>`s, then every `<thread>` (a page that had comments:
its `<link>`, `<title>`, `<forum>`, `<isDeleted>`), then every `<post>` (a comment:
`<message>` as HTML, `<createdAt>`, `<isDeleted>`, `<isSpam>`, `<author>`,
`<ipAddress>`), which names its thread and its parent by their `dsq:id`. Parents
may come after their replies; the Importer waits for them.

Disqus holds no article text, so no article is made: a thread joins the article
whose address has the same path as the thread's `<link>` (the host, which may be
an old domain, is ignored), or the article that had that address before an import
(`OldAddress`). Threads with no such article are reported with their links, and
their comments are left out; so are the comments of deleted threads. A deleted
comment is imported as removed, spam as spam, every other one as approved: Disqus
exports only what its moderators let through, or deleted or marked.

A comment keeps its author's name, email and IP address; their Disqus account
(`<username>`, `<isAnonymous>`) is not kept, as readers' accounts are not in the
WordPress import. Messages are HTML: they become our plain text (`html_to_text`),
a link keeping its address beside its words.

The source is "disqus:<forum>", each comment's id its `dsq:id`: running the import
again skips what it wrote. Its old anchor is "comment-<dsq:id>", which is where
Disqus's own links to a comment point (`#comment-123`).

Streamed with defusedxml's iterparse: a file declaring entities or referring to
external ones is refused, and each thread or post is dropped once read.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - only for types and ParseError
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from articles.models import Article
from articles.text import single_line
from comments.models import Comment
from newsroom.interchange.htmltext import html_to_text
from newsroom.interchange.importing import (
    CommentRecord,
    Importer,
    ImportReport,
)
from newsroom.interchange.xmlfile import xml_events
from newsroom.models import OldAddress

DISQUS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


class DisqusError(Exception):
    """The file can't be read as a Disqus export; the message says why."""


@dataclass
class Thread:
    """A page that had comments on Disqus."""

    dsq_id: str
    forum: str
    link: str
    deleted: bool


@dataclass
class DisqusImport:
    report: ImportReport
    # Threads whose link matches no article: link → its comments, not imported.
    unmatched: Counter[str]


def text(element: ET.Element, name: str) -> str:
    return (element.findtext(DISQUS + name) or "").strip()


def flag(element: ET.Element, name: str) -> bool:
    return text(element, name).lower() == "true"


def dsq_id(element: ET.Element | None) -> str:
    return "" if element is None else element.get(DSQ_ID, "").strip()


def disqus_date(value: str) -> datetime | None:
    """ "2011-08-31T15:16:29Z"; a date without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def thread_of(element: ET.Element) -> Thread:
    return Thread(
        dsq_id=dsq_id(element),
        forum=text(element, "forum"),
        link=text(element, "link"),
        deleted=flag(element, "isDeleted"),
    )


def comment_of(element: ET.Element) -> CommentRecord:
    author = element.find(DISQUS + "author")
    if author is None:
        author = ET.Element("author")
    post_id = dsq_id(element)
    if flag(element, "isDeleted"):
        status = Comment.Status.REMOVED
    elif flag(element, "isSpam"):
        status = Comment.Status.SPAM
    else:
        status = Comment.Status.APPROVED
    return CommentRecord(
        source_id=post_id,
        article_source_id=dsq_id(element.find(DISQUS + "thread")),
        parent_source_id=dsq_id(element.find(DISQUS + "parent")) or None,
        body=html_to_text(text(element, "message")),
        status=status,
        created_at=disqus_date(text(element, "createdAt")),
        author_name=single_line(text(author, "name")),
        author_email=text(author, "email"),
        ip_address=text(element, "ipAddress"),
        old_anchor=f"comment-{post_id}",
    )


def read_disqus(file: BinaryIO) -> Iterator[Thread | CommentRecord]:
    """The threads and posts of a Disqus export (gzipped or not), in file order."""
    depth = 0
    root: ET.Element | None = None
    for event, element in xml_events(file, kind="a Disqus export", error=DisqusError):
        if event == "start":
            depth += 1
            if depth == 1:
                if element.tag != DISQUS + "disqus":
                    raise DisqusError(
                        "this is not a Disqus export (its root is "
                        f'<{element.tag}>, not <disqus xmlns="http://disqus.com">).'
                    )
                root = element
            continue
        depth -= 1
        if depth != 1 or root is None:
            continue
        if element.tag == DISQUS + "thread":
            yield thread_of(element)
        elif element.tag == DISQUS + "post":
            yield comment_of(element)
        root.remove(element)  # memory stays flat, however long the file


def articles_by_path() -> dict[str, Article]:
    """Every article under its address's path, and under its addresses of before."""
    articles = {
        article.pk: article
        for article in Article.objects.only("id", "title", "slug", "published_at")
    }
    found = {article.get_absolute_url(): article for article in articles.values()}
    for path, article_id in OldAddress.objects.values_list("path", "article_id"):
        found.setdefault(path, articles[article_id])
    return found


def article_at(link: str, articles: dict[str, Article]) -> Article | None:
    """The article a thread's link points to, whatever its host and query string."""
    parts = urlsplit(link)
    path = unquote(parts.path) or "/"
    candidates = [f"{path}?{parts.query}", path, path.rstrip("/") + "/"]
    return next((articles[c] for c in candidates if c in articles), None)


def import_disqus(
    file: BinaryIO,
    *,
    on_progress: Callable[[int, int, ImportReport], None] | None = None,
) -> DisqusImport:
    """
    Import the comments of a Disqus export. `on_progress` is called now and then
    with the bytes read, the file's size (as stored) and the report so far, as
    import_wxr does. Raises DisqusError; what was written before stays.
    """
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    articles = articles_by_path()
    importer: Importer | None = None
    # Thread dsq:id → why its comments are left out, "" when they are imported.
    threads: dict[str, str] = {}
    links: dict[str, str] = {}
    unmatched: Counter[str] = Counter()
    for n, record in enumerate(read_disqus(file)):
        if on_progress is not None and importer is not None and n % 250 == 0:
            on_progress(file.tell(), size, importer.report)
        if isinstance(record, Thread):
            importer = importer or Importer(f"disqus:{record.forum}")
            if importer.source != f"disqus:{record.forum}":
                threads[record.dsq_id] = "comments of threads of another forum"
                importer.skip("threads of another forum")
            elif record.deleted:
                threads[record.dsq_id] = "comments of deleted threads"
                importer.skip("deleted threads")
            elif (article := article_at(record.link, articles)) is not None:
                threads[record.dsq_id] = ""
                importer.use_article(record.dsq_id, article)
            else:
                threads[record.dsq_id] = "comments of threads with no article here"
                importer.skip("threads with no article here")
                links[record.dsq_id] = record.link
                unmatched.setdefault(record.link, 0)
        elif importer is None:
            raise DisqusError(
                "a <post> comes before any <thread>: a Disqus export lists "
                "threads first."
            )
        elif not record.source_id:
            importer.skip("comments without a dsq:id")
        elif reason := threads.get(
            record.article_source_id, "comments of unknown threads"
        ):
            importer.skip(reason)
            if record.article_source_id in links:
                unmatched[links[record.article_source_id]] += 1
        else:
            importer.add_comment(record)
    if importer is None:
        raise DisqusError("the file has no <thread>: nothing to import.")
    report = importer.finish()
    if on_progress is not None:
        on_progress(size, size, report)
    return DisqusImport(report, unmatched)
