"""Import the comments of a Disqus export under the site's articles."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.interchange.disqus import DisqusError, import_disqus


class Command(BaseCommand):
    help = (
        "Import a Disqus export (.xml or .xml.gz: in the Disqus admin, "
        "https://<your site>.disqus.com/admin/discussions/export/). "
        "Each thread's comments go under the article at the same address (the "
        "host is ignored; addresses from a WordPress import count too); threads "
        "with no such article are listed and left out. Safe to run again: what was "
        "imported is skipped. The file holds commenters' email and IP addresses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The Disqus export (.xml or .xml.gz).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, "rb") as export:
                result = import_disqus(export)
        except OSError as error:
            raise CommandError(f"Can't read {file}: {error.strerror}.") from None
        except DisqusError as error:
            raise CommandError(f"{file}: {error}") from None
        for line in result.report.lines():
            self.stdout.write(line)
        if result.unmatched:
            self.stdout.write(
                "Threads with no article at their address (their comments were "
                "not imported):"
            )
            for link, comments in sorted(result.unmatched.items()):
                self.stdout.write(f"  {link}: {comments:,} comments")
