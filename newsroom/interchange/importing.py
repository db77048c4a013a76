"""
Writing imported articles and comments, whatever system they come from.

A reader (`newsroom.interchange.wordpress`, a Disqus reader) turns a file into
plain records; an `Importer` writes them:

    importer = Importer("wordpress:https://old.example.com")
    for record in records:
        if isinstance(record, ArticleRecord):
            importer.add_article(record)
        else:
            importer.add_comment(record)      # buffered, written in batches
    report = importer.finish()                # writes what is left; the report

What it guarantees, so each reader doesn't have to:

- **Once.** Every article and comment written is recorded in `Imported`, keyed by
  the source ("wordpress:<site>", "disqus:<forum>") and its id there. A second run
  finds them and counts them as skipped; a run cut short and started again
  continues where it stopped.
- **Batches.** Comments are written `batch_size` at a time with `bulk_create`, each
  batch in its own transaction with its `Imported` rows: a failure mid-batch leaves
  nothing of that batch, and memory stays flat however many comments a file holds
  (only the ids of replies whose parent has not been seen yet are kept).
- **What `Comment.save()` would do.** `bulk_create` skips `save()`, so `body_html`
  (`render_body`) and `depth` (the parent's plus one) are set here.
- **Threads.** A reply may come before its parent: it waits until the parent has
  been written, or the end of the import, where it becomes a top-level comment
  counted as "parent missing". A parent on another article counts the same.
- **Distrust.** Text arrives as plain text (`htmltext.html_to_text` for sources
  that send HTML); an invalid email, website or IP is dropped and counted; a name
  or text too long is cut and counted; an old anchor of an unexpected shape is
  dropped.
  Nothing a file holds is ever written as markup.
- **An article that exists already.** An article with the same slug that wasn't
  imported from this source receives the comments when its title is the same
  (the site already has the story); otherwise the import gets a new slug.

No notification is sent for an imported comment and no moderation rule runs:
statuses are taken from the source as they were decided there.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from ipaddress import ip_address
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
from comments.models import Comment, render_body
from comments.models.comment import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from newsroom.models import Imported, OldAddress

BATCH_SIZE = 1000
OLD_ANCHOR = re.compile(r"comment-\d{1,30}")
_url_validator = URLValidator(schemes=["http", "https"])

_title_length = Article._meta.get_field("title").max_length or 200
_slug_length = Article._meta.get_field("slug").max_length or 200
_agent_length = Comment._meta.get_field("user_agent").max_length or 500
_path_length = OldAddress._meta.get_field("path").max_length or 500
_source_id_length = Imported._meta.get_field("source_id").max_length or 100


@dataclass
class ArticleRecord:
    """An article as a source describes it. `slug` may be empty (made from title)."""

    source_id: str
    title: str
    body: str
    published_at: datetime
    status: str = Article.Status.PUBLISHED
    slug: str = ""
    comments_open: bool = True
    # Paths it had on the old site, query string included: "/?p=4".
    old_paths: list[str] = field(default_factory=list)


@dataclass
class CommentRecord:
    """A comment as a source describes it; `body` is plain text."""

    source_id: str
    article_source_id: str
    body: str
    status: str = Comment.Status.APPROVED
    parent_source_id: str | None = None
    created_at: datetime | None = None
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str = ""
    user_agent: str = ""
    # Its anchor on the old site, "comment-123", kept so old links still land.
    old_anchor: str = ""


@dataclass
class ImportReport:
    """What an import did, in counts: printed by the command, kept by the task."""

    articles_created: int = 0
    articles_attached: int = 0
    comments_by_status: Counter[str] = field(default_factory=Counter)
    # Title (and address) of each article that received comments: how many.
    comments_by_article: Counter[str] = field(default_factory=Counter)
    # Left out on purpose: "comments already imported", "pages", "pingbacks", …
    skipped: Counter[str] = field(default_factory=Counter)
    # Imported, but not all of it: "invalid email dropped", "parent missing", …
    problems: Counter[str] = field(default_factory=Counter)

    @property
    def comments_imported(self) -> int:
        return self.comments_by_status.total()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (a task's return value); `from_dict` reads it back."""
        return {
            "articles_created": self.articles_created,
            "articles_attached": self.articles_attached,
            "comments_by_status": dict(self.comments_by_status),
            "comments_by_article": dict(self.comments_by_article),
            "skipped": dict(self.skipped),
            "problems": dict(self.problems),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        return cls(
            articles_created=data.get("articles_created", 0),
            articles_attached=data.get("articles_attached", 0),
            comments_by_status=Counter(data.get("comments_by_status", {})),
            comments_by_article=Counter(data.get("comments_by_article", {})),
            skipped=Counter(data.get("skipped", {})),
            problems=Counter(data.get("problems", {})),
        )

    def lines(self) -> list[str]:
        """The report as lines of text, for a terminal or a page."""
        out = [
            f"Articles: {self.articles_created:,} created, "
            f"{self.articles_attached:,} existing ones received comments.",
            f"Comments imported: {self.comments_imported:,}"
            + (
                " ("
                + ", ".join(
                    f"{n:,} {status}"
                    for status, n in sorted(self.comments_by_status.items())
                )
                + ")"
                if self.comments_imported
                else ""
            )
            + ".",
        ]
        out += [f"  {title}: {n:,}" for title, n in self.comments_by_article.items()]
        if self.skipped:
            out.append("Skipped:")
            out += [f"  {what}: {n:,}" for what, n in sorted(self.skipped.items())]
        if self.problems:
            out.append("Imported with changes, or not at all:")
            out += [f"  {what}: {n:,}" for what, n in sorted(self.problems.items())]
        return out


class Importer:
    """
    Writes the records of one source (see the module docstring). `on_batch`, if
    given, is called with the report after each batch of comments is written.
    """

    def __init__(
        self,
        source: str,
        *,
        batch_size: int = BATCH_SIZE,
        on_batch: Callable[[ImportReport], None] | None = None,
    ) -> None:
        self.source = source
        self.batch_size = batch_size
        self.on_batch = on_batch
        self.report = ImportReport()
        # Article source id -> (pk, the label the report counts its comments under,
        # publication time), or None when that article was skipped.
        self.articles: dict[str, tuple[int, str, datetime] | None] = {}
        self.batch: list[CommentRecord] = []
        # Replies whose parent hasn't been written yet, by parent's source id.
        self.waiting: dict[str, list[CommentRecord]] = {}

    # --- Articles ------------------------------------------------------------------

    def add_article(self, record: ArticleRecord) -> Article | None:
        """
        Write an article, or find it from an earlier run; its comments follow.
        An id too long to keep in Imported leaves it out, with its comments: it
        could not be found again, and a second run would import it twice.
        """
        if len(record.source_id) > _source_id_length:
            self.skip_article(record.source_id, "articles whose id is too long")
            return None
        with transaction.atomic():
            self._lock()
            done = (
                Imported.objects.filter(
                    source=self.source,
                    kind=Imported.Kind.ARTICLE,
                    source_id=record.source_id,
                )
                .select_related("article")
                .first()
            )
            if done is not None:
                article = done.article
                self.report.skipped["articles already imported"] += 1
            else:
                article = self._write_article(record)
        self.use_article(record.source_id, article)
        return article

    def use_article(self, source_id: str, article: Article) -> None:
        """
        Comments of the source's article `source_id` go under `article`. Called by
        add_article, or by a reader for an article the site has already (a Disqus
        thread's page: Disqus holds no article text), which writes nothing for it.
        """
        self.articles[source_id] = (
            article.pk,
            f"{article.title} ({article.get_absolute_url()})",
            article.published_at,
        )

    def _lock(self) -> None:
        """
        Until the transaction ends, no other import of this source writes: the
        same file uploaded twice at once waits, then finds its rows imported,
        instead of failing on the unique constraint.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{self.source}"]
            )

    def skip_article(self, source_id: str, reason: str) -> None:
        """An article left out ("pages"): its comments are counted, not written."""
        self.articles[source_id] = None
        self.report.skipped[reason] += 1

    def skip(self, reason: str, count: int = 1) -> None:
        """Count something a reader left out on purpose ("pingbacks")."""
        self.report.skipped[reason] += count

    def _write_article(self, record: ArticleRecord) -> Article:
        title = record.title.strip() or "Untitled"
        status = record.status
        if status not in Article.Status.values:
            status = Article.Status.DRAFT
            self.report.problems["articles of an unknown status, kept as drafts"] += 1
        if len(title) > _title_length:
            title = title[:_title_length]
            self.report.problems["article titles cut to fit"] += 1
        slug = (
            slugify(record.slug) or slugify(title) or f"imported-{record.source_id}"
        )[:_slug_length].strip("-")
        existing = Article.objects.filter(slug=slug).first()
        if (
            existing is not None
            and existing.title.strip().casefold() == title.casefold()
            and not Imported.objects.filter(
                source=self.source, kind=Imported.Kind.ARTICLE, article=existing
            ).exists()
        ):
            article = existing
            self.report.articles_attached += 1
        else:
            if existing is not None:
                slug = self._free_slug(slug)
            # bulk_create sends no save signals: an old post is not announced to
            # the "new posts" subscribers as if it had just been published.
            [article] = Article.objects.bulk_create(
                [
                    Article(
                        title=title,
                        slug=slug,
                        body=record.body,
                        status=status,
                        published_at=record.published_at,
                        comments_open=record.comments_open,
                    )
                ]
            )
            self.report.articles_created += 1
        Imported.objects.create(
            source=self.source,
            kind=Imported.Kind.ARTICLE,
            source_id=record.source_id,
            article=article,
        )
        # Kept even when it is the article's address here: its old comment pages
        # ("…/comment-page-3/") may not exist here, and lead to the article.
        paths = {p for p in record.old_paths if p.startswith("/")}
        too_long = {p for p in paths if len(p) > _path_length}
        if too_long:
            self.report.problems["old addresses too long to keep"] += len(too_long)
        OldAddress.objects.bulk_create(
            [OldAddress(path=p, article=article) for p in sorted(paths - too_long)],
            ignore_conflicts=True,
        )
        return article

    @staticmethod
    def _free_slug(slug: str) -> str:
        taken = set(
            Article.objects.filter(slug__startswith=slug).values_list("slug", flat=True)
        )
        n = 2
        while (candidate := f"{slug[: _slug_length - 8]}-{n}") in taken:
            n += 1
        return candidate

    # --- Comments ------------------------------------------------------------------

    def add_comment(self, record: CommentRecord) -> None:
        """Queue a comment; a full batch is written at once."""
        if record.article_source_id not in self.articles:
            self.report.skipped["comments of an article not in the file"] += 1
            return
        if self.articles[record.article_source_id] is None:
            self.report.skipped["comments on skipped pages and posts"] += 1
            return
        if len(record.source_id) > _source_id_length:
            # Not kept in Imported, it would be imported again by each run.
            self.report.skipped["comments whose id is too long"] += 1
            return
        self.batch.append(record)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self, *, final: bool = False) -> None:
        """Write the queued comments, in one transaction."""
        batch, self.batch = self.batch, []
        if final:
            for replies in self.waiting.values():
                batch.extend(replies)
            self.waiting = {}
        if batch:
            with transaction.atomic():
                self._lock()
                self._write_comments(batch, final=final)
            # With DEBUG on (a local import), Django keeps the SQL of the last
            # 9,000 queries, a batch's INSERT being a megabyte: memory would grow
            # with the file. An import is a long job, as a request would be.
            reset_queries()
            if self.on_batch is not None:
                self.on_batch(self.report)

    def finish(self) -> ImportReport:
        """Write what is left; replies still missing their parent go top-level."""
        self.flush(final=True)
        return self.report

    def _write_comments(self, batch: list[CommentRecord], *, final: bool) -> None:
        fresh = self._fresh(batch)

        # Parents written earlier (this run or another): pk, depth, article.
        outside = {
            r.parent_source_id
            for r in fresh.values()
            if r.parent_source_id and r.parent_source_id not in fresh
        }
        written: dict[str, tuple[int, int, int]] = {
            source_id: (pk, depth, article_id)
            for source_id, pk, depth, article_id in Imported.objects.filter(
                source=self.source,
                kind=Imported.Kind.COMMENT,
                source_id__in=outside,
            ).values_list("source_id", "comment_id", "comment__depth", "article_id")
        }

        todo = list(fresh.values())
        while todo:
            ready, later = [], []
            for record in todo:
                parent = record.parent_source_id
                if not parent or parent in written:
                    ready.append(record)
                elif parent in fresh:
                    later.append(record)
                elif final:
                    self.report.problems["replies whose parent is missing"] += 1
                    record.parent_source_id = None
                    ready.append(record)
                else:
                    self.waiting.setdefault(parent, []).append(record)
            if not ready and later:
                # A loop of replies (a file can say anything): break it.
                self.report.problems["replies whose parent is missing"] += 1
                later[0].parent_source_id = None
                continue
            self._create(ready, written)
            todo = later

    def _fresh(self, batch: list[CommentRecord]) -> dict[str, CommentRecord]:
        """
        The batch's comments not imported yet, by source id, once each, with the
        replies that waited for a parent in it.
        """
        # Replies waiting for a parent that is in this batch join it.
        ids = {r.source_id for r in batch}
        pending_ids = list(ids)
        while pending_ids:
            joined = self.waiting.pop(pending_ids.pop(), [])
            batch.extend(joined)
            pending_ids.extend(r.source_id for r in joined)
            ids.update(r.source_id for r in joined)

        already = set(
            Imported.objects.filter(
                source=self.source, kind=Imported.Kind.COMMENT, source_id__in=ids
            ).values_list("source_id", flat=True)
        )
        fresh: dict[str, CommentRecord] = {}
        for record in batch:
            if record.source_id in already:
                self.report.skipped["comments already imported"] += 1
            elif record.source_id in fresh:
                self.report.skipped["comments appearing twice in the file"] += 1
            else:
                fresh[record.source_id] = record
        return fresh

    def _create(
        self, records: list[CommentRecord], written: dict[str, tuple[int, int, int]]
    ) -> None:
        comments = [self._comment(record, written) for record in records]
        Comment.objects.bulk_create(comments)
        Imported.objects.bulk_create(
            Imported(
                source=self.source,
                kind=Imported.Kind.COMMENT,
                source_id=record.source_id,
                article_id=comment.article_id,
                comment=comment,
            )
            for record, comment in zip(records, comments, strict=True)
        )
        for record, comment in zip(records, comments, strict=True):
            written[record.source_id] = (comment.pk, comment.depth, comment.article_id)
            self.report.comments_by_status[comment.status] += 1
            article = self.articles[record.article_source_id]
            assert article is not None  # add_comment keeps only known articles
            self.report.comments_by_article[article[1]] += 1

    def _comment(
        self, record: CommentRecord, written: dict[str, tuple[int, int, int]]
    ) -> Comment:
        article = self.articles[record.article_source_id]
        assert article is not None
        article_id, _, published_at = article
        problems = self.report.problems
        parent_id, depth = None, 0
        if record.parent_source_id:
            parent_pk, parent_depth, parent_article = written[record.parent_source_id]
            if parent_article == article_id:
                parent_id, depth = parent_pk, parent_depth + 1
            else:
                problems["replies whose parent is missing"] += 1
        body = record.body.replace("\x00", "")
        if len(body) > BODY_MAX_LENGTH:
            body = body[:BODY_MAX_LENGTH]
            problems["comment texts cut to fit"] += 1
        name = record.author_name.strip()
        if len(name) > NAME_MAX_LENGTH:
            name = name[:NAME_MAX_LENGTH]
            problems["names cut to fit"] += 1
        anchor = record.old_anchor
        if anchor and not OLD_ANCHOR.fullmatch(anchor):
            anchor = ""
            problems["old anchors of an unknown shape dropped"] += 1
        status = record.status
        if status not in Comment.Status.values:
            status = Comment.Status.PENDING
            problems["unknown statuses, held for moderation"] += 1
        if record.created_at is None:
            problems["dates missing (the article's date used)"] += 1
        return Comment(
            article_id=article_id,
            parent_id=parent_id,
            depth=depth,
            author_name=name,
            author_email=self._valid(
                record.author_email, EmailValidator(), EMAIL_MAX_LENGTH, "emails"
            ),
            author_url=self._valid(
                record.author_url, _url_validator, URL_MAX_LENGTH, "websites"
            ),
            ip_address=self._valid_ip(record.ip_address),
            user_agent=record.user_agent[:_agent_length],
            body=body,
            body_html=render_body(body),
            status=status,
            created_at=record.created_at or published_at or timezone.now(),
            old_anchor=anchor,
        )

    def _valid(
        self, value: str, validator: Callable[[str], None], max_length: int, what: str
    ) -> str:
        """The value if it passes; else "" and the report counts it."""
        value = value.strip()
        if not value or value in ("http://", "https://"):
            return ""
        try:
            validator(value)
        except ValidationError:
            self.report.problems[f"invalid {what} dropped"] += 1
            return ""
        if len(value) > max_length:
            self.report.problems[f"{what} too long, dropped"] += 1
            return ""
        return value

    def _valid_ip(self, value: str) -> str | None:
        value = value.strip()
        if not value:
            return None
        try:
            return str(ip_address(value))
        except ValueError:
            self.report.problems["invalid IP addresses dropped"] += 1
            return None
