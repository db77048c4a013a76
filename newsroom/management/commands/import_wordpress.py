"""Import a WordPress export (WXR): posts, their comments and their old addresses."""

import time
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
)

from newsroom.interchange.importing import ImportReport
from newsroom.interchange.wordpress import WXRError, import_wxr


class ProgressBar:
    """One line on stderr, redrawn at most five times a second."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.shown_at = 0.0

    def __call__(self, done: int, size: int, report: ImportReport) -> None:
        now = time.monotonic()
        if now - self.shown_at < 0.2 and done < size:
            return
        self.shown_at = now
        share = done / size if size else 1
        filled = int(share * self.WIDTH)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} "
            f"{report.comments_imported:,} comments",
            ending="",
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("")


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools > Export > All content; .xml or .xml.gz): "
        "posts become articles with their comments, and the posts' old addresses "
        "redirect to them. Pages, attachments and readers' accounts are not "
        "imported. Safe to run again: what was imported is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The WXR file (.xml or .xml.gz).")
        parser.add_argument(
            "--with-pingbacks",
            action="store_true",
            help="Import pingbacks and trackbacks as comments (skipped by default).",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even when stderr is not a terminal.",
        )

    def handle(
        self,
        *args: Any,
        file: str,
        with_pingbacks: bool = False,
        progress: bool = False,
        **options: Any,
    ) -> None:
        show = progress or self.stderr.isatty()
        bar = ProgressBar(self.stderr) if show else None
        try:
            with open(file, "rb") as export:
                report = import_wxr(
                    export, with_pingbacks=with_pingbacks, on_progress=bar
                )
        except OSError as error:
            raise CommandError(f"Can't read {file}: {error.strerror}.") from None
        except WXRError as error:
            raise CommandError(f"{file}: {error}") from None
        finally:
            if bar is not None:
                bar.close()
        for line in report.lines():
            self.stdout.write(line)
