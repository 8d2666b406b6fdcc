"""Resource limits every reader enforces before it allocates, so hostile input ends in a clear error.

A 2 MB file can declare a sheet of 10⁶ × 16k cells, a PDF stream that
inflates to 4 GB or an HTML attribute of 800 MB. Readers check what a file
*declares* against these limits first, and then count what they actually
inflate, because declared sizes can lie. Exceeding a limit raises
:class:`LimitExceeded` (a :class:`~piiscan.readers.ReadError`): that file is
reported with the limit it hit and exit code 2, and the scan of the other
files goes on.

The defaults fit a 2-core machine with 4 GB of memory; ``--limit NAME=VALUE``
and ``[tool.piiscan.limits]`` raise them for bigger inputs.

>>> current().part_bytes == DEFAULT.part_bytes
True
>>> with using(replace(DEFAULT, pages=2)):
...     current().pages
2
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, fields, replace
from typing import Iterator

from .readers import ReadError

MiB = 1024**2


@dataclass(frozen=True)
class Limits:
    #: bytes of one decompressed part: a zip member, an Office XML part, a PDF stream
    part_bytes: int = 256 * MiB
    #: bytes decompressed from one file (all its parts) or one archive tree
    file_bytes: int = 1024 * MiB
    #: inflated/compressed ratio tolerated for parts over 1 MiB (zip bombs)
    ratio: float = 200.0
    #: members of one archive
    members: int = 10_000
    #: archives inside archives
    depth: int = 3
    #: cells of one sheet (rows × columns as declared, then as read)
    cells: int = 5_000_000
    #: pages of one PDF
    pages: int = 10_000
    #: nesting of elements in HTML/XML
    nesting: int = 10_000
    #: bytes of one HTML/XML attribute value or one text line
    attribute_bytes: int = 16 * MiB

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


DEFAULT = Limits()
_current = DEFAULT


class LimitExceeded(ReadError):
    """A file asks for more than a limit allows; the message names the limit and how to raise it."""

    def __init__(self, name: str, value: int | float, limit: int | float, what: str = ""):
        self.name, self.value, self.limit = name, value, limit
        super().__init__(f"{what or name} exceeds the limit {name}={limit} ({value}); "
                         f"raise it with --limit {name}=N if the file is trusted")


def current() -> Limits:
    """The limits in force in this process."""
    return _current


def configure(limits: Limits) -> None:
    """Set the limits for this process (worker processes get them from their parent's initializer)."""
    global _current
    _current = limits


@contextlib.contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Limits in force inside a ``with`` block (tests, the API)."""
    global _current
    before, _current = _current, limits
    try:
        yield limits
    finally:
        _current = before


def check(name: str, value: int | float, what: str = "") -> None:
    """Raise :class:`LimitExceeded` when ``value`` exceeds the limit ``name``.

    >>> check("pages", 3)
    >>> with using(replace(DEFAULT, pages=2)):
    ...     check("pages", 3, "PDF pages")
    Traceback (most recent call last):
        ...
    piiscan.limits.LimitExceeded: PDF pages exceeds the limit pages=2 (3); raise it with --limit pages=N if the file is trusted
    """
    limit = getattr(_current, name)
    if value > limit:
        raise LimitExceeded(name, value, limit, what)


__all__ = ["DEFAULT", "LimitExceeded", "Limits", "check", "configure", "current", "replace", "using"]
