"""
An export file as a stream of XML events, read safely: gzipped or not (told by its
first bytes, whatever its name), parsed with defusedxml, within size limits, and
every way it can fail turned into one error with a sentence for the person who gave
the file.

The limits keep a worker's memory flat whatever the file holds. The parser keeps an
element whole, with its text and its children, until it ends, so one element may
span at most IMPORT_MAX_ELEMENT_SIZE bytes: a comment of 100 MB, which gzip makes
100 KB, took the worker from 80 MB to 246 MB. Only the root and the containers a
reader empties as it goes (a WordPress export's <channel> and <item>: a post's
comments) may be larger, and then only their parts: the text between two of their
parts counts as one element. The whole file, uncompressed, may be
IMPORT_MAX_XML_SIZE bytes: a small gzip can hold gigabytes.
"""

import gzip
import xml.etree.ElementTree as ET  # noqa: S405 - only for types and ParseError
import zlib
from collections.abc import Iterator
from typing import BinaryIO

import defusedxml
from defusedxml.ElementTree import iterparse
from django.conf import settings


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


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


class Measured:
    """
    The XML bytes as the parser reads them, counted: past IMPORT_MAX_XML_SIZE in
    all, or past IMPORT_MAX_ELEMENT_SIZE since the element being read began
    (`element_began`, moved on by xml_events), a read raises `error`.
    """

    def __init__(self, xml: BinaryIO | Decompressed, *, error: type[Exception]):
        self.xml = xml
        self.error = error
        self.bytes_read = 0
        self.lines = 1
        self.element_began = 0

    def read(self, size: int = -1) -> bytes:
        data = self.xml.read(size)
        self.bytes_read += len(data)
        self.lines += data.count(b"\n")
        limit = settings.IMPORT_MAX_XML_SIZE
        if self.bytes_read > limit:
            raise self.error(
                f"the file is larger than {megabytes(limit)} once uncompressed "
                "(IMPORT_MAX_XML_SIZE): ask whoever runs the site to raise the "
                "limit. Comments before that point were imported, in complete "
                "batches."
            )
        limit = settings.IMPORT_MAX_ELEMENT_SIZE
        if self.bytes_read - self.element_began > limit:
            raise self.error(
                f"the file holds an element larger than {megabytes(limit)} "
                f"(IMPORT_MAX_ELEMENT_SIZE) at line {self.lines}, which no export "
                "of comments needs. Comments before that point were imported, in "
                "complete batches."
            )
        return data


def xml_events(
    file: BinaryIO,
    *,
    kind: str,
    error: type[Exception],
    containers: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, ET.Element]]:
    """
    The ("start" | "end", element) events of `file`, a `kind` of export ("a
    WordPress export"). A file that declares entities (the "billion laughs") or
    refers to external ones is refused before anything is read; that, broken XML,
    a file cut short or unreadable, or one past the limits (see the module
    docstring; the root and the `containers`, by tag, have none of their own)
    raise `error` saying so, with the line.
    """
    xml = open_export(file)
    measured = Measured(xml, error=error)
    depth = 0
    bounded = 0  # open elements from the outermost one with a limit of its own
    try:
        for event, element in iterparse(measured, events=("start", "end")):
            if event == "start":
                depth += 1
                if bounded or (depth > 1 and element.tag not in containers):
                    bounded += 1
            else:
                depth -= 1
                bounded = max(bounded - 1, 0)
            if not bounded or (event == "start" and bounded == 1):
                # A container's text runs from one event to the next; an element
                # with a limit from its start. It began in the chunk just read: at
                # most one chunk (16 KB) before what is counted.
                measured.element_began = measured.bytes_read
            yield event, element
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
