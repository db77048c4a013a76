"""
The site's articles and their discussions, written out for another system.

- **WXR 1.2** (`write_wxr`): the file WordPress's Tools → Export writes, RSS 2.0
  with the `wp:` elements. Written as WordPress 6.1's exporter writes it (the same
  elements in the same order, CDATA where it uses CDATA, the author on one line), so
  that the wordpress-importer plugin reads it with any of its three parsers
  (SimpleXML, XML, Regex). One difference: a commenter's website is in CDATA too,
  where WordPress writes it bare, so that the Regex parser, which decodes no entity
  outside CDATA, reads "?a=1&b=2" as written. Titles, paragraphs, comments and
  commenters' names are plain text here and HTML in WordPress, so they are
  HTML-escaped: a "<script>" in a comment arrives as text, not as markup.
- **JSON** (`write_json`): one document per article with every comment and all we
  hold about it, for any other system or an archive.

Both hold personal data: commenters' emails and IP addresses (and, in JSON, their
browsers and accounts). Files are created readable by their owner only.

Both stream: articles are read in chunks with their comments (one query per chunk
for each), and each article is written before the next chunk is read, so memory
holds a chunk, not the site.
"""

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import to_locale

from articles.models import Article
from articles.text import single_line
from comments.models import Comment, in_reading_order
from readers.identity import SITE_NAME

# Articles read at a time, each with all its comments.
CHUNK_SIZE = 20

# Characters XML 1.0 allows nowhere, not even in CDATA: one of them makes the whole
# file not well-formed, and every parser refuses it. Dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A comment's status as WordPress's wp:comment_approved says it.
APPROVED: dict[str, str] = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}
POST_STATUS: dict[str, str] = {
    Article.Status.PUBLISHED: "publish",
    Article.Status.DRAFT: "draft",
}
# The wp:author of articles without a byline.
DEFAULT_AUTHOR = "newsroom"


@dataclass
class Exported:
    articles: int = 0
    comments: int = 0

    def __str__(self) -> str:
        return (
            f"{self.articles} article{pluralize(self.articles)} and "
            f"{self.comments} comment{pluralize(self.comments)}"
        )


def with_comments(articles: QuerySet[Article]) -> Iterator[Article]:
    """The articles in id order, each with its comments (oldest first), by chunks."""
    chunks = (
        articles.order_by("pk")
        .prefetch_related(
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "id"))
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for article in chunks:
        yield article
        # Each comment points back to its article (the prefetch sets it): a cycle,
        # which only Python's rare full collections would free. Broken here, so
        # memory stays flat (87 MB at most for 50,000 comments, 126 MB without).
        article._prefetched_objects_cache.clear()  # type: ignore[attr-defined]


def absolute_url(article: Article) -> str:
    return settings.SITE_URL + article.get_absolute_url()


def open_private(path: Path) -> TextIO:
    """A new file (or one emptied) only its owner may read: it holds personal data."""
    return open(  # noqa: SIM115 - the caller closes it
        path,
        "w",
        encoding="utf-8",
        newline="\n",
        opener=lambda name, flags: os.open(name, flags, 0o600),
    )


# --- WXR ----------------------------------------------------------------------------


def cdata(text: str) -> str:
    """
    Text as WordPress's wxr_cdata() writes it: one CDATA section, where a "]]>" in
    the text ends one section and opens the next between "]]" and ">".
    """
    return "<![CDATA[" + NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def xml_text(text: str) -> str:
    return xml_escape(NOT_XML.sub("", text))


def as_html(text: str) -> str:
    """Plain text as the HTML WordPress stores: <, > and & escaped, quotes kept."""
    return escape(text, quote=False)


def block_content(paragraphs: list[str]) -> str:
    """Paragraphs as the block editor stores them; a line break becomes <br>."""
    return "\n\n".join(
        "<!-- wp:paragraph -->\n<p>"
        + as_html(paragraph).replace("\n", "<br>")
        + "</p>\n<!-- /wp:paragraph -->"
        for paragraph in paragraphs
    )


def local_date(moment: datetime) -> str:
    """A date as WordPress's post_date and comment_date: the site's local time."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def gmt_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def rss_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


def author_logins(bylines: list[str]) -> dict[str, str]:
    """
    A WordPress login for each byline ("Jane Doe" → "jane-doe"), distinct even when
    two bylines make the same one; articles without a byline get DEFAULT_AUTHOR.
    """
    logins: dict[str, str] = {}
    taken = set()
    for byline in sorted(bylines):
        base = slugify(byline)[:50] or DEFAULT_AUTHOR
        login, n = base, 1
        while login in taken:
            n += 1
            login = f"{base}-{n}"
        taken.add(login)
        logins[byline] = login
    return logins


def wxr_head(logins: dict[str, str]) -> str:
    site = xml_text(settings.SITE_URL)
    authors = "\n".join(
        f"\t\t<wp:author><wp:author_id>{number}</wp:author_id>"
        f"<wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_email>{cdata('')}</wp:author_email>"
        # On one line: WordPress's Regex parser reads a wp:author only whole on
        # one line of the file.
        f"<wp:author_display_name>{cdata(as_html(single_line(byline) or SITE_NAME))}"
        "</wp:author_display_name>"
        f"<wp:author_first_name>{cdata('')}</wp:author_first_name>"
        f"<wp:author_last_name>{cdata('')}</wp:author_last_name></wp:author>"
        for number, (byline, login) in enumerate(logins.items(), start=1)
    )
    now = timezone.now()
    return f"""\
<?xml version="1.0" encoding="UTF-8" ?>
<!-- A WordPress eXtended RSS file: the articles and comments of {SITE_NAME}. -->
<!-- It holds commenters' email and IP addresses: personal data. -->
<!-- To import it into WordPress: Tools: Import, "WordPress", upload this file. -->
<!-- generator="{SITE_NAME}" created="{now:%Y-%m-%d %H:%M}" -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>

<channel>
	<title>{SITE_NAME}</title>
	<link>{site}</link>
	<description></description>
	<pubDate>{rss_date(now)}</pubDate>
	<language>{to_locale(settings.LANGUAGE_CODE).replace("_", "-")}</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{site}</wp:base_site_url>
	<wp:base_blog_url>{site}</wp:base_blog_url>

{authors}

	<generator>{SITE_NAME}</generator>
"""


WXR_FOOT = """\
</channel>
</rss>
"""


def wxr_comment(comment: Comment) -> str:
    return f"""\
		<wp:comment>
			<wp:comment_id>{comment.pk}</wp:comment_id>
			<wp:comment_author>{cdata(as_html(comment.author_name))}</wp:comment_author>
			<wp:comment_author_email>{cdata(comment.author_email)}</wp:comment_author_email>
			<wp:comment_author_url>{cdata(comment.author_url)}</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(comment.ip_address or "")}</wp:comment_author_IP>
			<wp:comment_date>{cdata(local_date(comment.created_at))}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(gmt_date(comment.created_at))}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(as_html(comment.body))}</wp:comment_content>
			<wp:comment_approved>{cdata(APPROVED[comment.status])}</wp:comment_approved>
			<wp:comment_type>{cdata("comment")}</wp:comment_type>
			<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
"""  # noqa: E501


def wxr_item(article: Article, login: str, comments: list[Comment]) -> str:
    url = xml_text(absolute_url(article))
    return f"""\
	<item>
		<title>{cdata(as_html(article.title))}</title>
		<link>{url}</link>
		<pubDate>{rss_date(article.published_at)}</pubDate>
		<dc:creator>{cdata(login)}</dc:creator>
		<guid isPermaLink="false">{url}</guid>
		<description></description>
		<content:encoded>{cdata(block_content(article.paragraphs))}</content:encoded>
		<excerpt:encoded>{cdata("")}</excerpt:encoded>
		<wp:post_id>{article.pk}</wp:post_id>
		<wp:post_date>{cdata(local_date(article.published_at))}</wp:post_date>
		<wp:post_date_gmt>{cdata(gmt_date(article.published_at))}</wp:post_date_gmt>
		<wp:post_modified>{cdata(local_date(article.updated_at))}</wp:post_modified>
		<wp:post_modified_gmt>{cdata(gmt_date(article.updated_at))}</wp:post_modified_gmt>
		<wp:comment_status>{cdata("open" if article.comments_open else "closed")}</wp:comment_status>
		<wp:ping_status>{cdata("closed")}</wp:ping_status>
		<wp:post_name>{cdata(article.slug)}</wp:post_name>
		<wp:status>{cdata(POST_STATUS[article.status])}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
{"".join(wxr_comment(comment) for comment in comments)}\
	</item>
"""  # noqa: E501


def write_wxr(write: Callable[[str], object], articles: QuerySet[Article]) -> Exported:
    """
    Write `articles` and all their comments (every status: WordPress's own exporter
    leaves spam out, but spam is part of the moderation history) as one WXR file,
    piece by piece through `write`.
    """
    logins = author_logins(list(set(articles.values_list("byline", flat=True))))
    exported = Exported()
    write(wxr_head(logins))
    for article in with_comments(articles):
        comments = list(article.comments.all())
        write(wxr_item(article, logins[article.byline], comments))
        exported.articles += 1
        exported.comments += len(comments)
    write(WXR_FOOT)
    return exported


# --- JSON ---------------------------------------------------------------------------


def comment_document(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "status": comment.status,
        "created_at": comment.created_at.isoformat(),
        "author": {
            "name": comment.author_name,
            "email": comment.author_email,
            "url": comment.author_url,
            "ip": comment.ip_address,
            "user_agent": comment.user_agent,
            "provider": comment.author_provider,
            "account": comment.author_account,
        },
        "body": comment.body,
    }


def article_document(article: Article) -> dict[str, Any]:
    comments = in_reading_order(article.comments.all())
    return {
        "title": article.title,
        "slug": article.slug,
        "url": absolute_url(article),
        "byline": article.byline,
        "published_at": article.published_at.isoformat(),
        "status": article.status,
        "body": article.paragraphs,
        "comments": [comment_document(comment) for comment in comments],
    }


def write_json(directory: Path, articles: QuerySet[Article]) -> Exported:
    """One JSON document per article in `directory` (made if missing)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    exported = Exported()
    for article in with_comments(articles):
        document = article_document(article)
        # A slug is a safe file name: the article's URL pattern allows only
        # [-a-zA-Z0-9_] (get_absolute_url fails on any other).
        with open_private(directory / f"{article.slug}.json") as file:
            json.dump(document, file, ensure_ascii=False, indent=2)
            file.write("\n")
        exported.articles += 1
        exported.comments += len(document["comments"])
    return exported
