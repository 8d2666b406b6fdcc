"""Just enough of [MS-CFB] and [MS-OLEPS] to build legacy Office files with property streams.

xlwt writes a workbook with its ``Workbook`` stream only, and no library on PyPI writes
OLE2 property sets, so the tests assemble the container themselves: version 3, 512-byte
sectors, every stream padded to the 4096-byte mini-stream cutoff (no mini stream), the
directory as a chain of right siblings.
"""
from __future__ import annotations

import struct

_SECTOR = 512
_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_FMTID_SUMMARY = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
_FMTID_DOCSUMMARY = bytes.fromhex("02d5cdd59c2e1b10939708002b2cf9ae")
_FMTID_USER = bytes.fromhex("05d5cdd59c2e1b10939708002b2cf9ae")


def cfb(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file holding ``streams`` (name → bytes) under the root storage."""
    names = list(streams)
    bodies = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    bodies = [b + b"\0" * (-len(b) % _SECTOR) for b in bodies]
    dir_entries = 1 + len(names)
    dir_sectors = -(-dir_entries * 128 // _SECTOR)
    data_sectors = sum(len(b) // _SECTOR for b in bodies)
    fat_sectors = 1
    while (fat_sectors + dir_sectors + data_sectors) > fat_sectors * 128:
        fat_sectors += 1
    assert fat_sectors <= 109
    fat: list[int] = [_FAT] * fat_sectors
    dir_start = len(fat)
    fat += [len(fat) + i + 1 for i in range(dir_sectors - 1)] + [_END]
    starts = []
    for body in bodies:
        n = len(body) // _SECTOR
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(n - 1)] + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return struct.pack("<64sHBBIII16sIQQIII", raw, len(raw), kind, 1, 0xFFFFFFFF, right, child,
                           b"\0" * 16, 0, 0, 0, start, size, 0)

    directory = entry("Root Entry", 5, 1 if names else 0xFFFFFFFF, 0xFFFFFFFF, _END, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        directory += entry(name, 2, 0xFFFFFFFF, right, starts[i], len(bodies[i]))
    directory += b"\0" * (dir_sectors * _SECTOR - len(directory))

    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, fat_sectors,
                            dir_start, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == _SECTOR
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(bodies)


def _lpstr(text: str, encoding: str) -> bytes:
    raw = text.encode(encoding) + b"\0"
    return struct.pack("<II", 0x1E, len(raw)) + raw + b"\0" * (-len(raw) % 4)


def _section(props: dict[int, bytes], dictionary: dict[int, str] | None = None, codepage: int = 936) -> bytes:
    items = {1: struct.pack("<Ihh", 2, codepage - 65536 if codepage > 32767 else codepage, 0), **props}
    if dictionary:
        d = struct.pack("<I", len(dictionary))
        for pid, name in dictionary.items():
            raw = name.encode("gbk") + b"\0"
            d += struct.pack("<II", pid, len(raw)) + raw
        items[0] = d + b"\0" * (-len(d) % 4)
    offset = 8 + 8 * len(items)
    table, body = b"", b""
    for pid, value in items.items():
        table += struct.pack("<II", pid, offset + len(body))
        body += value
    return struct.pack("<II", 8 + len(table) + len(body), len(items)) + table + body


def property_stream(sections: list[tuple[bytes, bytes]]) -> bytes:
    head = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\0" * 16, len(sections))
    offset = len(head) + 20 * len(sections)
    table, body = b"", b""
    for fmtid, section in sections:
        table += fmtid + struct.pack("<I", offset + len(body))
        body += section
    return head + table + body


def summary(title: str = "", author: str = "", comments: str = "") -> bytes:
    """A ``SummaryInformation`` stream (GBK strings, as Chinese Excel and WPS write them)."""
    props = {pid: _lpstr(v, "gbk") for pid, v in ((2, title), (4, author), (6, comments)) if v}
    return property_stream([(_FMTID_SUMMARY, _section(props))])


def doc_summary(company: str = "", custom: dict[str, str] | None = None) -> bytes:
    """A ``DocumentSummaryInformation`` stream; ``custom`` properties go into its second section."""
    first = _section({15: _lpstr(company, "gbk")} if company else {})
    sections = [(_FMTID_DOCSUMMARY, first)]
    if custom:
        ids = {i + 2: name for i, name in enumerate(custom)}
        props = {pid: _lpstr(custom[name], "gbk") for pid, name in ids.items()}
        sections.append((_FMTID_USER, _section(props, dictionary=ids)))
    return property_stream(sections)


def xls_with_properties(workbook_stream: bytes, **streams: bytes) -> bytes:
    """A legacy ``.xls``: the ``Workbook`` stream of an xlwt file plus property streams."""
    named = {"Workbook": workbook_stream}
    if "summary" in streams:
        named["\x05SummaryInformation"] = streams["summary"]
    if "doc_summary" in streams:
        named["\x05DocumentSummaryInformation"] = streams["doc_summary"]
    return cfb(named)
