"""Write the articles and their comments as a WordPress export file (WXR 1.2)."""

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Article
from newsroom.interchange.exporting import open_private, write_wxr


class Command(BaseCommand):
    help = (
        "Write the articles and all their comments as a WordPress export file "
        "(WXR 1.2), which WordPress's Tools → Import → WordPress reads. The file "
        "holds personal data: commenters' email and IP addresses. Keep it safe and "
        "delete it once imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="The file to write (readable by you only); standard output if none.",
        )
        parser.add_argument(
            "--article",
            dest="slugs",
            metavar="SLUG",
            nargs="+",
            action="extend",
            default=[],
            help="Only these articles (by slug); all of them if none.",
        )

    def handle(
        self, *args: Any, output: Path | None, slugs: list[str], **options: Any
    ) -> None:
        articles = Article.objects.all()
        if slugs:
            articles = articles.filter(slug__in=slugs)
            missing = set(slugs) - set(articles.values_list("slug", flat=True))
            if missing:
                raise CommandError(
                    f"No article has the slug {', '.join(sorted(missing))}."
                )
        if output is None:
            exported = write_wxr(partial(self.stdout.write, ending=""), articles)
        else:
            with open_private(output) as file:
                exported = write_wxr(file.write, articles)
        self.stderr.write(f"Exported {exported}.", style_func=self.style.SUCCESS)
