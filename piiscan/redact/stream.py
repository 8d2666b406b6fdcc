"""Redacting text and CSV files too big to hold in memory, as :mod:`piiscan.stream` scans them.

The whole-file writers decode the file, redact the text and encode it again:
about 30 times the file in memory (a 200 MB CSV took 6.6 GB; a 20 MB one
1.4 GB). Over :data:`THRESHOLD` (8 MiB, or the scanner's
:data:`piiscan.files.STREAM_THRESHOLD` if lower) these writers take over,
and the output is re-scanned the same streaming way; memory then stays flat
whatever the size:

* **Text**: read in chunks of ``chunk_chars`` characters, each scanned with
  ``overlap`` characters of context on either side exactly as
  :func:`piiscan.stream.scan_stream` does (so the findings are those of a
  whole-file scan), and written out up to the end of the last finding the
  chunk owns.
* **CSV/TSV**: records are tokenised with their exact character spans (the
  CSV writer's rule), the header and column classes come from the first
  :data:`~piiscan.tables.STREAM_HEAD_ROWS` rows as the streaming reader
  takes them, and rows are then redacted batch by batch; only changed
  fields are rewritten, so delimiter, quoting and line endings stay.

Both keep the encoding and BOM (undecodable bytes survive through
``surrogateescape``) and write atomically beside the destination. A record
longer than the ``attribute_bytes`` limit is an error, never held whole.
The output is then re-scanned by the caller in the same streaming way.
"""
from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import IO, Iterator

import regex

from .. import limits as _limits
from ..atomic import atomic_output
from ..finding import Finding
from ..readers.csvfile import sniff_delimiter, sniff_head
from ..readers.registry import open_regular
from ..readers.text import detect_stream_encoding, looks_binary, split_bom
from ..stream import DEFAULT_CHUNK_CHARS, DEFAULT_OVERLAP
from ..tables import cell_text

_READ = 1 << 16  # characters per read of the CSV tokeniser


class MalformedCSV(ValueError):
    """The CSV cannot be split into records (an unclosed quote): it is redacted as plain text."""


#: Text and CSV files over this many bytes are redacted (and verified) as they are read.
#: Lower than the scanner's threshold: a scan holds findings, a whole-file redaction ~30× the
#: file. The findings are the same either way for text; a table's columns are classified
#: from its first ~100 non-empty cells per column either way (see :mod:`piiscan.tables`).
THRESHOLD = 8 * 1024 * 1024


def writer_for(path: Path):
    """The writer for ``path``: this module's for a text or CSV file too big to hold in memory
    (as the scanner streams it), else the writer of its format (:func:`piiscan.redact.writers.writer_for`)."""
    if streams(path):
        return write
    from .writers import writer_for as format_writer

    return format_writer(path)


def streams(path: Path) -> str | None:
    """``"text"`` or ``"csv"`` when ``path`` is redacted by this module, else None:
    a text or CSV file over :data:`THRESHOLD` (or the scanner's threshold, if lower)."""
    from .. import files
    from ..readers import registry

    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= min(THRESHOLD, files.STREAM_THRESHOLD) or registry.is_archive(path.name) \
            or registry.unsupported_reason(path.name):
        return None
    module = registry.module_for(path.name)
    if module.__name__.endswith(".text"):
        return "text"
    if hasattr(module, "read_stream"):
        return "csv"
    return None


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    """The streaming writer: CSV by records, anything else as text."""
    if streams(src) == "csv":
        try:
            with _Source(src) as source, _Output(dst, src, source) as out:
                redact_csv_stream(source.text, src.name, out.text, redactor, report)
            return
        except MalformedCSV:
            report.notes.append("not well-formed CSV: redacted as plain text")
    with _Source(src) as source, _Output(dst, src, source) as out:
        redact_text_stream(source.text, out.text, redactor, report)


class _Source:
    """``src`` decoded as it is read, with its BOM and encoding (the scanner's detection)."""

    def __init__(self, src: Path):
        self.raw = open_regular(src)
        try:
            head = self.raw.read(16384)
            if looks_binary(head):
                from .writers import UnsupportedFormat

                raise UnsupportedFormat(f"{src}: binary file of an unsupported format")
            self.bom, bare = split_bom(head)
            self.raw.seek(len(self.bom))
            encoding = bare or detect_stream_encoding(self.raw)
            self.encoding = codecs.lookup(encoding).name
            self.text = io.TextIOWrapper(self.raw, encoding=self.encoding, errors="surrogateescape", newline="")
        except BaseException:
            self.raw.close()
            raise

    def __enter__(self) -> "_Source":
        return self

    def __exit__(self, *exc) -> None:
        self.text.close()


class _Output:
    """An atomic output in the source's encoding, BOM first."""

    def __init__(self, dst: Path, src: Path, source: _Source):
        self._ctx = atomic_output(dst, src)
        self._source = source

    def __enter__(self) -> "_Output":
        tmp = self._ctx.__enter__()
        self._raw = open(tmp, "wb")
        self._raw.write(self._source.bom)
        self.text = io.TextIOWrapper(self._raw, encoding=self._source.encoding, errors="surrogateescape", newline="")
        return self

    def __exit__(self, *exc) -> bool | None:
        try:
            self.text.close()  # flushes: a full disk fails here
        except BaseException as err:
            if exc[0] is None:
                self._ctx.__exit__(type(err), err, err.__traceback__)  # the temporary file is removed
                raise
        return self._ctx.__exit__(*exc)


# --- text ----------------------------------------------------------------------

def redact_text_stream(stream: IO[str], out: IO[str], redactor, report=None, *,
                       chunk_chars: int = DEFAULT_CHUNK_CHARS, overlap: int = DEFAULT_OVERLAP) -> None:
    """Write ``stream`` to ``out`` with every finding redacted, in chunks.

    >>> from piiscan.redact import Redactor
    >>> out = io.StringIO()
    >>> redact_text_stream(io.StringIO("电话：13800138000，" * 3), out, Redactor(), chunk_chars=7, overlap=40)
    >>> out.getvalue()
    '电话：138****8000，电话：138****8000，电话：138****8000，'
    """
    scan = redactor.scanner.scan
    buf, buf_start = "", 0  # text[buf_start : buf_start + len(buf)]
    own_start = 0  # this round redacts findings starting in [own_start, own_end)
    emitted = 0  # the text before this offset has been written
    eof = False
    while True:
        need = (own_start - buf_start) + chunk_chars + overlap
        pieces, have = [buf], len(buf)
        while not eof and have < need:
            piece = stream.read(max(need - have, 65536))
            if not piece:
                eof = True
                break
            pieces.append(piece)
            have += len(piece)
        buf = "".join(pieces)
        buf_end = buf_start + len(buf)
        own_end = buf_end if eof else own_start + chunk_chars
        found = [f for f in scan(buf) if f.type in redactor.types
                 and own_start <= f.start + buf_start < own_end and f.start + buf_start >= emitted]
        # Written up to the end of the last finding this round owns; never back before what a
        # finding reaching past an earlier round's end already wrote.
        cut = max([own_end, emitted] + [f.end + buf_start for f in found])
        seg_from = emitted - buf_start
        segment = buf[seg_from:cut - buf_start]
        if found:
            new, changes = redactor.redact(segment, findings=[f.shifted(-seg_from) for f in found])
            if report is not None:
                report.add(changes)
        else:
            new = segment
        out.write(new)
        emitted = cut
        if eof and emitted >= buf_end:
            return
        own_start = own_end
        keep_from = max(buf_start, min(own_start, emitted) - overlap)
        buf = buf[keep_from - buf_start:]
        buf_start = keep_from


# --- CSV -----------------------------------------------------------------------

def _field_pattern(delim: str) -> "regex.Pattern[str]":
    from .writers.csv import _field_pattern as pattern

    return pattern(delim)


class _Row:
    """One record: its text (terminator included) and its fields' spans in that text."""

    __slots__ = ("text", "fields")

    def __init__(self, text: str, fields: list[tuple[int, int, str, bool]]):
        self.text, self.fields = text, fields

    @property
    def values(self) -> list[str]:
        return [f[2] for f in self.fields]


def iter_records(stream: IO[str], delim: str, head: str = "") -> Iterator[_Row]:
    """The records of a CSV text with their exact spans, read as needed.

    The CSV writer's tokeniser (:func:`piiscan.redact.writers.csv.iter_fields`),
    applied to a window that holds the current record: a record is yielded
    once its terminator has been read. A record longer than the
    ``attribute_bytes`` limit raises :class:`~piiscan.limits.LimitExceeded`.
    """
    pattern = _field_pattern(delim)
    cap = _limits.current().attribute_bytes
    buf, pos, row_start, eof = head, 0, 0, False
    fields: list[tuple[int, int, str, bool]] = []
    read = _READ
    after_delim = False

    def more() -> bool:
        nonlocal buf, eof, read
        if eof:
            return False
        piece = stream.read(read)
        if not piece:
            eof = True
            return False
        buf += piece
        read = min(read * 2, 1 << 24)  # a long record: read in growing pieces, so re-matching stays linear
        return True

    while True:
        if pos >= len(buf) and not more():
            if fields:
                if after_delim:  # a trailing delimiter: one more, empty field
                    fields.append((pos - row_start, pos - row_start, "", False))
                yield _Row(buf[row_start:], fields)
            return
        m = pattern.match(buf, pos)
        if m is None or (m.end() >= len(buf) and not eof):
            if len(buf) - row_start > cap:
                raise _limits.LimitExceeded("attribute_bytes", len(buf) - row_start, cap, "a CSV record")
            if more():
                continue
            if m is None:
                raise MalformedCSV(f"malformed CSV near character {pos}")
        quoted = m.group("q") is not None
        value = m.group("q").replace('""', '"') if quoted else m.group("u")
        fields.append((m.start() - row_start, m.start("end") - row_start, value, quoted))
        end = m.group("end")
        if m.end() == pos:  # an empty match at the end of the text
            yield _Row(buf[row_start:], fields)
            return
        pos = m.end()
        after_delim = end == delim
        if after_delim:
            continue
        yield _Row(buf[row_start:pos], fields)
        fields, row_start, read = [], pos, _READ
        if row_start > _READ:  # drop what was yielded now and then, not at every row (that copies the rest)
            buf, pos, row_start = buf[row_start:], 0, 0


def redact_csv_stream(stream: IO[str], name: str, out: IO[str], redactor, report=None) -> None:
    """Write the CSV ``stream`` to ``out`` with every finding redacted, row by row.

    The rows are classified as :func:`piiscan.readers.csvfile.read_stream` and
    :func:`piiscan.tables.iter_table` classify them (header among the first
    rows, columns from the first :data:`~piiscan.tables.STREAM_HEAD_ROWS`),
    so the output's streaming re-scan sees the same columns.
    """
    from .. import tables
    from .writers.table import _label, _unique

    head = sniff_head(stream)
    if not head.strip():
        out.write(head)
        return
    delim = sniff_delimiter(head, name)
    records = iter_records(stream, delim, head)
    first = _take(records, tables.STREAM_HEAD_ROWS)
    values = [r.values for r in first]
    header, data, preface = tables.split_header(values)
    first_data = len(first) - len(data)
    names = _unique(list(header))
    col_index = {n: i for i, n in enumerate(names)}
    scan = tables.TableScan(names, data, redactor.scanner)
    labels = {c.index: _label(c) for c in scan.classes}
    # Rows above the header (titles, notes) are plain text, cell by cell, as redact_rows does.
    for row in first[:len(preface)]:
        out.write(_rewrite(row, {c: _plain(v, redactor, report) for c, v in enumerate(row.values)}, delim))
    for row in first[len(preface):first_data]:
        out.write(row.text)
    batch, next_row = first[first_data:], 1
    del first, values, data
    while batch:
        found = scan.scan_rows([r.values for r in batch], next_row)
        per_row: dict[int, dict[int, list[Finding]]] = {}
        for f in found:
            if f.type not in redactor.types or f.row is None:
                continue
            c = col_index.get(f.column, _extra_column(f.column))
            per_row.setdefault(f.row - next_row, {}).setdefault(c, []).append(f)
        for i, row in enumerate(batch):
            cells = per_row.get(i)
            if not cells:
                out.write(row.text)
                continue
            new = {c: _cell(row.values[c], fs, labels.get(c), redactor, report)
                   for c, fs in cells.items() if 0 <= c < len(row.fields)}
            out.write(_rewrite(row, new, delim))
        next_row += len(batch)
        batch = _take(records, tables._BATCH_ROWS)


def _take(records: Iterator[_Row], n: int) -> list[_Row]:
    out = []
    for r in records:
        out.append(r)
        if len(out) >= n:
            break
    return out


def _extra_column(name) -> int:
    """The index of a ragged row's extra column, named ``列N`` by the table scan."""
    if isinstance(name, str) and name.startswith("列") and name[1:].isdigit():
        return int(name[1:]) - 1
    return -1


def _plain(value: str, redactor, report) -> str | None:
    if not value.strip():
        return None
    new, changes = redactor.redact(value)
    if not changes:
        return None
    if report is not None:
        report.add(changes)
    return new


def _cell(raw: str, found: list[Finding], label: str | None, redactor, report) -> str | None:
    """A cell's new text (as :func:`piiscan.redact.writers.table.redact_rows` makes it), None if unchanged."""
    text, _lost = cell_text(raw)
    lead = trail = ""
    if raw.strip() == text and text:
        i = raw.index(text)
        lead, trail = raw[:i], raw[i + len(text):]
    new, changes = redactor.redact(text, label=label, findings=found)
    if not changes:
        return None
    if report is not None:
        report.add(changes)
    return lead + new + trail


def _rewrite(row: _Row, new: dict[int, str | None], delim: str) -> str:
    """``row``'s text with the fields in ``new`` replaced, quoted as the CSV writer quotes them."""
    parts, last = [], 0
    for c, (start, end, _value, quoted) in enumerate(row.fields):
        text = new.get(c)
        if text is None:
            continue
        if quoted or any(ch in text for ch in (delim, '"', "\n", "\r")):
            text = '"' + text.replace('"', '""') + '"'
        parts.append(row.text[last:start])
        parts.append(text)
        last = end
    parts.append(row.text[last:])
    return "".join(parts)
