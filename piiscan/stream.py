"""Scanning text too large to hold in memory: chunks with overlap, flat memory.

A big text file (a log export, a dump of a disclosure platform) is read in
chunks of ``chunk_chars`` characters. Each chunk is scanned together with
``overlap`` characters of text on either side, so that

* a value that straddles a chunk boundary is inside the scanned window whole,
* the context words the detectors look at (24 characters back, a few after)
  and the edge guards (no digit or letter right before or after) see the
  same neighbours as in a whole-text scan.

Every position of the text is *owned* by exactly one chunk, and a finding is
reported only by the chunk that owns its start; so a value on a boundary is
reported exactly once, and the findings equal those of
``scanner.scan(whole_text)`` as long as no single value plus its context is
longer than ``overlap`` (4,096 characters by default; the longest built-in
value is an e-mail address of a few hundred characters).

Memory is ``O(chunk_chars + 2 * overlap)`` whatever the size of the input.

>>> import io
>>> from piiscan.scanner import Scanner
>>> text = "联系电话：13800138000。" * 3
>>> [(f.start, f.line, f.column) for f in scan_stream(io.StringIO(text), Scanner(), chunk_chars=10, overlap=40)]
[(5, 1, 6), (22, 1, 23), (39, 1, 40)]
"""
from __future__ import annotations

import bisect
import io
import os
from pathlib import Path
from typing import IO, Iterator, Union

from .finding import Finding
# The same line breaks as piiscan.files.locate, so line/column agree with scan_file.
from .readers.text import NEWLINE as _NEWLINE
from .readers.text import text_stream
from .scanner import Scanner

DEFAULT_CHUNK_CHARS = 1 << 20  # 1 M characters: ~3 MB of Chinese UTF-8 per scan call
DEFAULT_OVERLAP = 4096


Source = Union[str, os.PathLike, IO[str], IO[bytes]]


def scan_stream(
    source: Source,
    scanner: Scanner | None = None,
    *,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    overlap: int = DEFAULT_OVERLAP,
    encoding: str | None = None,
    label: str | None = None,
    path: str | None = None,
) -> Iterator[Finding]:
    """Findings in a large text, in order, with absolute offsets and line/column.

    ``source`` is a path, a text stream (``io.StringIO``, ``sys.stdin``) or a
    binary stream. Bytes are decoded with ``encoding`` or, when not given,
    the encoding detected from the first megabyte (BOM, UTF-8, GB18030, ...);
    undecodable bytes become U+FFFD, as with the whole-file text reader.
    Line endings are kept as they are (``\\r\\n`` counts as one line break),
    so ``start``/``end`` are character offsets into the decoded text exactly
    as :func:`piiscan.files.scan_file` would give them.

    ``path`` is copied onto every finding (defaults to ``source`` when that
    is a path). ``label`` is context for the whole text, as in
    :meth:`Scanner.scan`.
    """
    if chunk_chars < 1:
        raise ValueError("chunk_chars must be at least 1")
    if overlap < 2:
        # A "\r\n" split across a boundary must be seen whole on both sides.
        raise ValueError("overlap must be at least 2")
    scanner = scanner or _default_scanner()
    if isinstance(source, (str, os.PathLike)):
        shown = path if path is not None else str(source)
        from .readers.registry import open_regular

        with open_regular(source) as raw:  # a FIFO or a device is refused, never read
            yield from _scan_text_stream(text_stream(raw, encoding), scanner, chunk_chars, overlap, label, shown)
        return
    if isinstance(source, io.TextIOBase) or _is_text(source):
        yield from _scan_text_stream(source, scanner, chunk_chars, overlap, label, path)  # type: ignore[arg-type]
        return
    yield from _scan_text_stream(text_stream(source, encoding), scanner, chunk_chars, overlap, label, path)  # type: ignore[arg-type]


def _is_text(stream: object) -> bool:
    try:
        return isinstance(stream.read(0), str)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any stream that cannot say is treated as bytes
        return False


def _scan_text_stream(
    stream: IO[str],
    scanner: Scanner,
    chunk_chars: int,
    overlap: int,
    label: str | None,
    path: str | None,
) -> Iterator[Finding]:
    buf = ""  # text[buf_start : buf_start + len(buf)]
    buf_start = 0
    own_start = 0  # this round reports findings starting in [own_start, own_end)
    eof = False
    line = 1  # line number at own_start
    line_start = 0  # absolute offset where that line starts
    while True:
        # Fill: the owned chunk plus `overlap` characters after it.
        need = (own_start - buf_start) + chunk_chars + overlap
        pieces = [buf]
        have = len(buf)
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
        if own_end <= own_start and eof:
            return

        findings = scanner.scan(buf, label=label)
        # Line starts owned by this round: the end of each line break that
        # falls in (own_start, own_end]. A break is judged in a window that
        # holds it whole, so "\r\n" across a boundary counts once.
        lo, hi = own_start - buf_start, own_end - buf_start
        starts = [m.end() + buf_start for m in _NEWLINE.finditer(buf, max(0, lo - 1), min(len(buf), hi + 1))]
        starts = [s for s in starts if own_start < s <= own_end]
        for f in findings:
            a = f.start + buf_start
            if a < own_start or a >= own_end:
                continue
            k = bisect.bisect_right(starts, a)
            ln, ls = (line + k, starts[k - 1]) if k else (line, line_start)
            yield Finding(
                f.type, a, f.end + buf_start, f.value, f.confidence, f.detector,
                path=path if path is not None else f.path, line=ln, column=a - ls + 1,
                page=f.page, sheet=f.sheet, row=f.row, part=f.part, box=f.box, evidence=f.evidence,
            )
        # A line start exactly at own_end belongs to this round's count only
        # if it is the end of a break inside the owned text; it is, by the
        # (own_start, own_end] rule, and the next round excludes it.
        if starts:
            line += len(starts)
            line_start = starts[-1]
        if eof:
            return
        keep_from = max(buf_start, own_end - overlap)
        buf = buf[keep_from - buf_start:]
        buf_start = keep_from
        own_start = own_end


def scan_csv_stream(path: str | os.PathLike, scanner: Scanner | None = None) -> Iterator[Finding]:
    """Findings in a CSV/TSV file of any size, row by row, with ``path``, ``row`` and ``column``.

    The file is parsed while it is scanned and the findings are yielded batch
    by batch, so neither is ever held whole: memory stays flat even for a
    table where every cell holds personal information (``scan_file`` gives
    the same findings as a list). Raises
    :class:`~piiscan.readers.ReadError` for a file that cannot be read.
    """
    from .readers import csvfile
    from .tables import iter_table

    scanner = scanner or _default_scanner()
    for table in csvfile.read_stream(Path(path)):
        yield from iter_table(table, scanner, path=str(path))


def _default_scanner() -> Scanner:
    from .scanner import default_scanner

    return default_scanner()

