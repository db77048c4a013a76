"""
An export file as a stream of XML events, read safely: gzipped or not (told by its
first bytes, whatever its name), parsed with defusedxml, and every way it can fail
turned into one error with a sentence for the person who gave the file.
"""

import gzip
import xml.etree.ElementTree as ET  # noqa: S405 - only for types and ParseError
import zlib
from collections.abc import Iterator
from typing import BinaryIO

import defusedxml
from defusedxml.ElementTree import iterparse


class Decompressed:
    """
    A gzip file's bytes. A file cut short ends where it was cut, instead of
    raising, so the XML parser names the line where the text stops.
    """

    def __init__(self, file: BinaryIO) -> None:
        self.gzip = gzip.GzipFile(fileobj=file, mode="rb")
        self.cut_short = False

    def read(self, size: int = -1) -> bytes:
        try:
            return self.gzip.read(size)
        except (EOFError, zlib.error):
            self.cut_short = True
            return b""


def open_export(file: BinaryIO) -> BinaryIO | Decompressed:
    """An export's XML bytes: gzip is recognised by its magic bytes, not its name."""
    start = file.read(2)
    file.seek(0)
    return Decompressed(file) if start == b"\x1f\x8b" else file


def root_element(file: BinaryIO) -> str:
    """
    The name of an export's root element ("rss" for WordPress, "disqus"), read
    with defusedxml, which refuses entity declarations (DefusedXmlException).
    Raises ParseError when the file is not XML. The file is rewound.
    """
    try:
        for _, element in iterparse(open_export(file), events=("start",)):
            return str(element.tag).rpartition("}")[2]
        return ""
    finally:
        file.seek(0)


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
