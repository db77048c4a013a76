"""
An export file as a stream of XML events, read safely: gzipped or not (told by its
first bytes, whatever its name), parsed with defusedxml, and every way it can fail
turned into one error with a sentence for the person who gave the file.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - only for types and ParseError
from collections.abc import Iterator
from typing import BinaryIO

import defusedxml
from defusedxml.ElementTree import iterparse

from newsroom.interchange.importing import Decompressed, open_export


def xml_events(
    file: BinaryIO, *, kind: str, error: type[Exception]
) -> Iterator[tuple[str, ET.Element]]:
    """
    The ("start" | "end", element) events of `file`, a `kind` of export ("a
    WordPress export"). A file that declares entities (the "billion laughs") or
    refers to external ones is refused before anything is read; that, broken XML,
    a file cut short or unreadable raise `error` saying so, with the line.
    """
    xml = open_export(file)
    try:
        yield from iterparse(xml, events=("start", "end"))
    except defusedxml.DefusedXmlException as refused:
        raise error(
            "refused: the file declares entities or refers to external ones "
            f"({type(refused).__name__}), which {kind} never does."
        ) from None
    except ET.ParseError as parse_error:
        line, column = parse_error.position
        what = str(parse_error).split(":")[0]
        cut = isinstance(xml, Decompressed) and xml.cut_short
        raise error(
            f"the file {'is cut short' if cut else 'is not well-formed XML'} "
            f"at line {line}, column {column} ({what}). Comments before that "
            "point were imported, in complete batches; run the import again on "
            "a complete file and it continues."
        ) from None
    except (EOFError, OSError) as read_error:
        raise error(f"the file can't be read: {read_error}") from None
