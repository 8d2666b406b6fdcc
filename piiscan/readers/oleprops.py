"""Document properties of legacy OLE2 files (``.xls``): every text property of every section.

Excel 97–2003 (and WPS, which still saves ``.xls`` by default) keeps the
title, subject, author, keywords, comments, manager, company, category and
any custom properties in two property-set streams beside the workbook
(``\\x05SummaryInformation``, ``\\x05DocumentSummaryInformation``; [MS-OLEPS]).
No viewer shows them on the sheet, and they travel with the published file.

olefile (BSD) opens the container; its own metadata helper reads only the
first section of each stream, and the custom properties (with their names)
are in the second, so the sections are walked here. Only string values are
returned — numbers, dates and thumbnails hold nothing a reader can type in.

Each text comes with a label: the property's name (``title``, ``company``)
or, for a custom property, the name its author gave it (户主电话), which is
context for the detectors as a column header is.

>>> list(text_properties(b"not an OLE file"))
[]
"""
from __future__ import annotations

import codecs
import io
import struct
from typing import Iterator, NamedTuple

_STREAMS = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")
_VT_LPSTR, _VT_LPWSTR, _VT_BSTR = 0x1E, 0x1F, 0x08
_VT_VECTOR, _VT_VARIANT = 0x1000, 0x0C
_CODEPAGE = 1  # property id of the section's code page
_DICTIONARY = 0  # property id of the custom properties' names
_MAX_STRING = 1 << 20
# Property ids of the first section of each stream ([MS-OLEPS] 2.25.2, 2.25.3).
_NAMES = {
    "\x05SummaryInformation": {2: "title", 3: "subject", 4: "author", 5: "keywords", 6: "comments",
                                7: "template", 8: "last saved by", 18: "application"},
    "\x05DocumentSummaryInformation": {2: "category", 13: "titles of parts", 14: "manager", 15: "company",
                                        26: "content type", 27: "content status", 28: "language", 29: "version"},
}



class Property(NamedTuple):
    """One text property: its name, its text, and whether its author named it (a custom property)."""

    name: str
    text: str
    custom: bool = False


def text_properties(data: bytes) -> Iterator[Property]:
    """Every text property in ``data``'s property sets.

    A malformed stream ends that stream's properties: what was read so far is
    kept, the workbook's cells are read either way.
    """
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile is a dependency
        return
    if not olefile.isOleFile(io.BytesIO(data)):
        return
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a broken container is the cell reader's error to report
        return
    try:
        for name in _STREAMS:
            if not ole.exists(name):
                continue
            try:
                stream = ole.openstream(name).read()
            except Exception:  # noqa: BLE001
                continue
            yield from _property_sets(stream, _NAMES[name])
    finally:
        ole.close()


def _property_sets(stream: bytes, names: dict[int, str]) -> Iterator[Property]:
    try:
        (count,) = struct.unpack_from("<I", stream, 24)
        offsets = [struct.unpack_from("<I", stream, 28 + 20 * i + 16)[0] for i in range(min(count, 8))]
    except struct.error:
        return
    for n, offset in enumerate(offsets):
        try:
            # Only the first section's ids are standard; the second holds custom properties.
            yield from _section(stream, offset, names if n == 0 else {})
        except (struct.error, UnicodeDecodeError, LookupError, ValueError):
            continue


def _section(stream: bytes, base: int, names: dict[int, str]) -> Iterator[Property]:
    _size, count = struct.unpack_from("<II", stream, base)
    entries = [struct.unpack_from("<II", stream, base + 8 + 8 * i) for i in range(min(count, 4096))]
    codepage = 1252
    for pid, off in entries:
        if pid == _CODEPAGE:
            vt, value = struct.unpack_from("<Ih", stream, base + off)
            codepage = value & 0xFFFF
    encoding = _encoding(codepage)
    custom: dict[int, str] = {}
    for pid, off in entries:
        if pid == _DICTIONARY:
            custom = dict(_dictionary(stream, base + off, encoding))
            # The names themselves are text the author typed: scanned too.
            yield from (Property("custom property name", name) for name in custom.values())
    for pid, off in entries:
        if pid in (_DICTIONARY, _CODEPAGE):
            continue
        at = base + off
        (vt,) = struct.unpack_from("<I", stream, at)
        for text in _values(stream, at + 4, vt & 0xFFFF, encoding):
            if text and pid in custom:
                yield Property(custom[pid], text, custom=True)
            elif text:
                yield Property(names.get(pid, f"property {pid}"), text)


def _values(stream: bytes, at: int, vt: int, encoding: str) -> Iterator[str]:
    if vt in (_VT_LPSTR, _VT_BSTR):
        yield _lpstr(stream, at, encoding)[0]
    elif vt == _VT_LPWSTR:
        yield _lpwstr(stream, at)[0]
    elif vt & _VT_VECTOR and (vt & 0xFFF) in (_VT_LPSTR, _VT_LPWSTR, _VT_VARIANT):
        (n,) = struct.unpack_from("<I", stream, at)
        at += 4
        for _ in range(min(n, 4096)):
            inner = vt & 0xFFF
            if inner == _VT_VARIANT:
                (inner,) = struct.unpack_from("<I", stream, at)
                at += 4
                if inner not in (_VT_LPSTR, _VT_LPWSTR):
                    at += 4  # a number (heading pairs count their parts with VT_I4)
                    continue
            text, at = _lpwstr(stream, at) if inner == _VT_LPWSTR else _lpstr(stream, at, encoding)
            yield text


def _lpstr(stream: bytes, at: int, encoding: str) -> tuple[str, int]:
    (n,) = struct.unpack_from("<I", stream, at)
    n = min(n, _MAX_STRING)
    raw = stream[at + 4: at + 4 + n]
    # Strings are padded to 4 bytes.
    return raw.split(b"\0", 1)[0].decode(encoding, "replace"), at + 4 + ((n + 3) & ~3)


def _lpwstr(stream: bytes, at: int) -> tuple[str, int]:
    (n,) = struct.unpack_from("<I", stream, at)
    n = min(n, _MAX_STRING)
    raw = stream[at + 4: at + 4 + 2 * n]
    return raw.decode("utf-16-le", "replace").split("\0", 1)[0], at + 4 + ((2 * n + 3) & ~3)


def _dictionary(stream: bytes, at: int, encoding: str) -> Iterator[tuple[int, str]]:
    (n,) = struct.unpack_from("<I", stream, at)
    at += 4
    wide = encoding == "utf-16-le"
    for _ in range(min(n, 4096)):
        pid, length = struct.unpack_from("<II", stream, at)
        at += 4
        if wide:
            name = stream[at + 4: at + 4 + 2 * length].decode("utf-16-le", "replace")
            at += 4 + ((2 * length + 3) & ~3)
        else:
            name = stream[at + 4: at + 4 + length].decode(encoding, "replace")
            at += 4 + length
        if name.strip("\0"):
            yield pid, name.split("\0", 1)[0]


def _encoding(codepage: int) -> str:
    if codepage == 1200:
        return "utf-16-le"
    if codepage == 65001:
        return "utf-8"
    try:
        return codecs.lookup(f"cp{codepage}").name
    except LookupError:
        return "latin-1"
