"""CSV/TSV: same encoding, delimiter, quoting and line endings; same shape.

Rather than parse and re-serialise (which would re-quote every field and
normalise line endings), the file is tokenised into fields with their exact
character spans and only the fields whose value changes are rewritten in
place. A field that was quoted stays quoted; an unquoted field gets quotes
only if its new value needs them (masks never do). Each cell is scanned
with its column header as context.
"""
from __future__ import annotations

from pathlib import Path

import regex

from ...readers.csvfile import sniff_delimiter
from .table import redact_table
from .text import decode_exact, encode_exact
from . import write_bytes_atomic

_NEWLINE = "\r\n|\n|\r"


def _field_pattern(delim: str, quote: str = '"') -> "regex.Pattern[str]":
    d, q = regex.escape(delim), regex.escape(quote)
    # A quoted field ("" escapes a quote), or an unquoted one (a stray quote
    # inside is tolerated, as Python's csv module does), then its terminator.
    return regex.compile(
        rf"(?:{q}(?P<q>(?:[^{q}]|{q}{q})*){q}|(?P<u>(?:[^{d}{q}\r\n][^{d}\r\n]*)?))"
        rf"(?P<end>{d}|{_NEWLINE}|\Z)"
    )


def iter_fields(text: str, delim: str):
    """Yield (row, col, start, end, value, quoted) for every field; start/end span the raw field."""
    pattern = _field_pattern(delim)
    pos, row, col, n = 0, 0, 0, len(text)
    while pos < n:
        m = pattern.match(text, pos)
        if m is None:
            raise ValueError(f"malformed CSV near character {pos}")
        quoted = m.group("q") is not None
        value = m.group("q").replace('""', '"') if quoted else m.group("u")
        yield row, col, m.start(), m.start("end"), value, quoted
        end = m.group("end")
        if m.end() == pos:  # empty match at end of text
            break
        pos = m.end()
        if end == delim:
            col += 1
            if pos == n:  # trailing delimiter: one more, empty field
                yield row, col, pos, pos, "", False
        else:
            row, col = row + 1, 0


def redact_csv_text(text: str, delim: str, redactor, report=None) -> str:
    fields = list(iter_fields(text, delim))
    rows: list[list[str]] = []
    for row, _col, _s, _e, value, _q in fields:
        while len(rows) <= row:
            rows.append([])
        rows[row].append(value)
    edit = redact_table(rows, redactor, report)
    new_cells, drop = edit.cells, set(edit.drop)
    if not new_cells and not drop:
        return text
    parts: list[str] = []
    last = 0
    for row, col, start, end, value, quoted in fields:
        if drop and row >= edit.header_row and col in drop:
            # The column goes: its field and the delimiter after it (the one before it
            # when it ends the row), so the other fields keep their text byte for byte.
            width = len(rows[row])
            kept_after = any(c not in drop for c in range(col + 1, width))
            kept_before = any(c not in drop for c in range(col))
            if kept_after or not kept_before:
                parts.append(text[last:start])
                last = end + (len(delim) if col + 1 < width else 0)
            else:
                parts.append(text[last:_start_of_delim_before(text, start, delim)])
                last = end
            continue
        new = new_cells.get((row, col))
        if new is None:
            continue
        if quoted or any(c in new for c in (delim, '"', "\n", "\r")):
            new = '"' + new.replace('"', '""') + '"'
        parts.append(text[last:start])
        parts.append(new)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _start_of_delim_before(text: str, start: int, delim: str) -> int:
    """Where the delimiter ending the previous field begins (a field's text starts right after it)."""
    return start - len(delim) if text.startswith(delim, start - len(delim)) else start


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    text, bom, encoding = decode_exact(src.read_bytes())
    # The reader's rule: the re-scan must split the file into the same cells.
    delim = sniff_delimiter(text, src.name)
    try:
        out = redact_csv_text(text, delim, redactor, report)
    except ValueError:
        # Not parseable as CSV (an unbalanced quote): redact it as plain text.
        out, changes = redactor.redact(text)
        report.add(changes)
        report.notes.append("not well-formed CSV: redacted as plain text")
    write_bytes_atomic(dst, encode_exact(out, bom, encoding), src)
