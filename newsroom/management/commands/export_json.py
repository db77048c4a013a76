"""
Write each article and its comments as a JSON document, `<slug>.json`:

    {
      "title": "…", "slug": "…", "byline": "…",
      "url": "https://…/2021/03/10/slug/",     absolute, from SITE_URL
      "published_at": "2021-03-10T09:00:00+00:00",
      "status": "published" | "draft",
      "body": ["first paragraph", "second paragraph", …],
      "comments": [                              in reading order: each comment
        {                                        followed by its replies
          "id": 12, "parent": null | 11,         ids of this site
          "status": "approved" | "pending" | "spam" | "removed",
          "created_at": "2021-03-10T09:43:05+00:00",
          "author": {"name", "email", "url", "ip" (null if unknown), "user_agent",
                     "provider" ("" for guests, "account", "twitter_oauth2",
                     "facebook"), "account"},
          "body": "the text as typed, not HTML"
        }, …
      ]
    }
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.models import Article
from newsroom.interchange.exporting import write_json


class Command(BaseCommand):
    help = (
        "Write each article and all its comments as <slug>.json in a folder (see "
        "this command's source for the format). The files hold personal data: "
        "commenters' email and IP addresses, browsers and accounts. Keep them safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            default=Path(),
            help="The folder to write into, made if missing (readable by you only); "
            "the current folder if none.",
        )

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        exported = write_json(output, Article.objects.all())
        self.stderr.write(
            f"Exported {exported} to {output}.", style_func=self.style.SUCCESS
        )
