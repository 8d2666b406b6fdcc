"""Reading a file's items again (segments and tables) for the checks that need more than findings.

Column rules need a table's headers and every cell of a column no detector
reports (出生日期 holds dates), fragment joining needs every masked value with
the names on its row, and the k-anonymity check needs the quasi-identifier
columns: none of that is in a :class:`~piiscan.files.FileResult`. This module
reads a file (or each member of a zip) with the same readers the scan uses,
yielding ``(display path, item)``; errors are left to the scan, which
reports them (a file that cannot be read here could not be scanned either).
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..readers import ReadError, registry
from ..readers.text import looks_binary
from ..tables import STREAM_HEAD_ROWS, Table, split_header

#: Formats whose readers yield tables: only these are read again for column rules.
TABLE_FORMATS = frozenset({".csv", ".tsv", ".tab", ".xlsx", ".xlsm", ".xls", ".docx", ".docm",
                           ".html", ".htm", ".xhtml", ".shtml", ".pdf"})


def has_tables(name: str) -> bool:
    """Whether a file (or a zip, whose members may be tables) can hold tables."""
    suffix = Path(name.rsplit("!", 1)[-1]).suffix.lower()
    return suffix in TABLE_FORMATS or registry.is_archive(name)


def iter_items(path: Path, shown: str | None = None, *, tables_only: bool = False) -> Iterator[tuple[str, Any]]:
    """``(display path, item)`` for every segment and table of ``path`` (zip members as ``a.zip!b.csv``)."""
    shown = shown or str(path)
    try:
        if registry.is_archive(path.name):
            from ..readers import archive

            with path.open("rb") as fh:
                for name, data in archive.iter_members(fh, prefix=f"{shown}!"):
                    if isinstance(data, ReadError):
                        continue
                    inner = name.rsplit("!", 1)[-1]
                    if registry.unsupported_reason(inner) or (tables_only and not has_tables(inner)):
                        continue
                    yield from ((name, item) for item in _read_bytes(data, inner))
            return
        if registry.unsupported_reason(path.name) or (tables_only and not has_tables(path.name)):
            return
        data = path.read_bytes()
    except (ReadError, OSError):
        return
    yield from ((shown, item) for item in _read_bytes(data, path.name))


def _read_bytes(data: bytes, name: str) -> Iterator[Any]:
    module = registry.module_for(name)
    if module.__name__.endswith(".text") and looks_binary(data):
        return
    try:
        yield from module.read_bytes(data, name)
    except Exception:  # noqa: BLE001 - the scan reports why the file cannot be read
        return


def table_parts(table: Table) -> tuple[list[str], Iterator[Sequence[Any]], int]:
    """(header names, data rows, number of the first data row), as :func:`piiscan.tables.iter_table` splits them.

    Row numbers and header names agree with the scan's findings (``row``, ``column``).
    """
    rows = table.rows
    if isinstance(rows, Sequence):
        head, rest = list(rows), iter(())
    else:
        it = iter(rows)
        head, rest = list(itertools.islice(it, STREAM_HEAD_ROWS)), it
    if table.header is not None:
        header, data = list(table.header), head
        width = max([len(header)] + [len(r) for r in data])
        header += [f"列{i + 1}" for i in range(len(header), width)]
    else:
        header, data, _preface = split_header(head)
    return header, itertools.chain(data, rest), table.first_row
