"""Import an export of another comment system, whichever it is."""

import xml.etree.ElementTree as ET  # noqa: S405 - only for ParseError
from typing import Any

import defusedxml
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.interchange.xmlfile import root_element

# The command that reads each kind of export, by its root element.
COMMANDS = {"rss": "import_wordpress", "disqus": "import_disqus"}


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) or a Disqus export, whichever the file is "
        "(.xml or .xml.gz): import_wordpress or import_disqus does the work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The export (.xml or .xml.gz).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, "rb") as export:
                root = root_element(export)
        except OSError as error:
            raise CommandError(f"Can't read {file}: {error.strerror}.") from None
        except defusedxml.DefusedXmlException:
            raise CommandError(
                f"{file}: refused: the file declares entities, which an export never "
                "does."
            ) from None
        except (ET.ParseError, EOFError):
            raise CommandError(
                f"{file}: not an export (not XML, or cut short)."
            ) from None
        if root not in COMMANDS:
            raise CommandError(
                f"{file}: <{root}> is neither a WordPress nor a Disqus export."
            )
        call_command(COMMANDS[root], file, stdout=self.stdout, stderr=self.stderr)
