"""CSV/TSV: encoding detected (UTF-8 ± BOM, GB18030/GBK, UTF-16), delimiter sniffed, read as a table.

Named ``csvfile`` so that it does not shadow the standard library's ``csv``.
Cells stay text, so an 18-digit ID keeps every digit (unlike a spreadsheet
program opening the file).

A file too big to hold in memory is read with :func:`read_stream`: one table
whose rows are parsed as they are scanned (see :func:`piiscan.tables.scan_table`).
"""
from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..tables import Table
from . import ReadError
from .registry import open_regular, read_file_bytes
from .text import decode, looks_binary, text_stream

_DELIMITERS = ",\t;|"


def sniff_delimiter(text: str, name: str = "") -> str:
    """The delimiter of a CSV text: sniffed from its first lines; tab for .tsv, else comma.

    The one delimiter rule of piiscan: the CSV reader and the CSV redact
    writer both use it, so a file is split the same way when scanned and
    when redacted. ``name`` is the file name (only its extension matters);
    the signature is stable for other modules to import.

    >>> sniff_delimiter('姓名\\t电话\\n张三\\t13800138000\\n')
    '\\t'
    >>> sniff_delimiter('姓名;电话\\n张三;13800138000\\n')
    ';'
    """
    head = "\n".join(text[:16384].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    # The sniffer gives up on one-column or ragged files: count instead.
    first = head.split("\n", 1)[0]
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    return "\t" if name.lower().endswith((".tsv", ".tab")) else ","


def read_bytes(data: bytes, name: str = "") -> Iterator[Table]:
    if looks_binary(data):
        raise ReadError("binary content in a CSV file")
    text, _ = decode(data)
    if not text.strip():
        return
    yield Table(list(_rows(io.StringIO(text, newline=""), sniff_delimiter(text, name))))


def read(path: Path) -> Iterator[Table]:
    return read_bytes(read_file_bytes(path), path.name)


def read_stream(path: Path) -> Iterator[Table]:
    """``path`` as one table whose rows are parsed while they are scanned: memory stays flat.

    The same encoding, delimiter and cells as :func:`read`, for files of any size.
    A record longer than the ``attribute_bytes`` limit is an error, never held whole.
    """
    with open_regular(path) as raw:
        # The same sample as read_bytes judges (peek() would give only the buffer).
        sample = raw.read(16384)
        raw.seek(0)
        if looks_binary(sample):
            raise ReadError("binary content in a CSV file")
        stream = text_stream(raw)
        head = sniff_head(stream)
        if not head.strip():
            return
        delimiter = sniff_delimiter(head, path.name)
        yield Table(_rows(itertools.chain(io.StringIO(head, newline=""), bounded_lines(stream)), delimiter))


def sniff_head(stream: IO[str]) -> str:
    """The head of a CSV text stream the delimiter is sniffed from: whole lines, read on past
    any blank lines it opens with. The streaming reader and the streaming redact writer
    both use it, so a big file is split the same way when scanned and when redacted."""
    head = stream.read(16384) + stream.readline()
    while head and not head.strip():
        more = stream.read(16384)
        if not more:
            break
        head += more + stream.readline()
    return head


def _rows(lines: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """Rows of CSV ``lines``; a parse error is a :class:`ReadError` naming the line.

    (The codecs that detection picks, utf-8-sig and utf-16, consume a BOM.)
    csv's field size limit (128 K characters) bounds an unclosed quote.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise ReadError(f"malformed CSV (line {reader.line_num}): {exc}") from None


def bounded_lines(stream: IO[str]) -> Iterator[str]:
    """The lines of a text stream, each read with a cap: a line longer than the
    ``attribute_bytes`` limit (a file without line breaks) is a
    :class:`~piiscan.limits.LimitExceeded`, never read into memory whole."""
    from .. import limits

    cap = limits.current().attribute_bytes
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        if len(line) > cap:
            raise limits.LimitExceeded("attribute_bytes", len(line), cap, "a line of the file")
        yield line
