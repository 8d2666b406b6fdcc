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
    #: bytes of one HTML/XML attribute value or one text line (or CSV record)
    attribute_bytes: int = 16 * MiB
    #: seconds one file may take when read in an isolated worker process (a hang in a native library)
    seconds: float = 600.0
    #: memory a worker process (an isolated reader, a --jobs worker) may take on top of what it
    #: holds while it reads one file of a format parsed natively or into a tree (Excel, PDF, Word,
    #: HTML, zip); past it allocations fail and that file is an error (Linux: RLIMIT_DATA)
    memory_bytes: int = 768 * MiB

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


def cap_memory(limits: Limits | None = None) -> int | None:
    """Cap this process's data memory at what it uses now plus ``memory_bytes``.

    Called in worker processes only (never in the main one): a reader that
    would grow past the cap gets a :class:`MemoryError` (or, in native code,
    aborts the worker, which :mod:`piiscan.isolate` reports) instead of
    taking the machine's memory. Returns the cap set, or None where the
    platform has no such limit.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    limits = limits or _current
    used = _vm_data()
    if used is None or not hasattr(resource, "RLIMIT_DATA"):
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = used + limits.memory_bytes
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ValueError, OSError):
        return None
    return cap


@contextlib.contextmanager
def memory_cap(limits: Limits | None = None) -> Iterator[int | None]:
    """:func:`cap_memory` for the ``with`` block only: the soft limit is put back afterwards.

    Worker processes read formats parsed by native libraries or into trees
    many times their size under it, and everything else without it, so a
    table's result does not depend on ``--jobs``.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        yield None
        return
    if not hasattr(resource, "RLIMIT_DATA"):  # pragma: no cover
        yield None
        return
    before = resource.getrlimit(resource.RLIMIT_DATA)
    cap = cap_memory(limits)
    try:
        yield cap
    finally:
        if cap is not None:
            try:
                resource.setrlimit(resource.RLIMIT_DATA, before)
            except (ValueError, OSError):
                pass


def _vm_data() -> int | None:
    """Bytes of data memory this process uses (``VmData``), None where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def out_of_memory() -> str:
    """What to say when a read ran out of memory: the limit, and how to raise it."""
    limit = _current.memory_bytes
    return (f"out of memory while reading (a worker may use memory_bytes={limit} more); "
            f"raise it with --limit memory_bytes=N if the file is trusted")


class LimitSpecError(ValueError):
    """A ``--limit NAME=VALUE`` or ``[tool.piiscan.limits]`` entry that cannot be used."""


_UNITS = {"k": 1024, "m": MiB, "g": 1024**3, "t": 1024**4}


def parse_value(name: str, value: object) -> int | float:
    """The value of limit ``name`` from the command line or a config file.

    Byte limits take a unit (``512M``, ``2G``, ``64k``); ``ratio`` and
    ``seconds`` may be fractional; every limit must be positive.

    >>> parse_value("part_bytes", "512M"), parse_value("pages", 20000), parse_value("ratio", "500")
    (536870912, 20000, 500.0)
    >>> parse_value("pages", "many")
    Traceback (most recent call last):
        ...
    piiscan.limits.LimitSpecError: limit pages: 'many' is not a number
    """
    name = _canonical(name)
    kind = {f.name: f.type for f in fields(Limits)}[name]
    if isinstance(value, bool):
        raise LimitSpecError(f"limit {name}: {value!r} is not a number")
    if isinstance(value, (int, float)):
        number: float = value
    elif isinstance(value, str):
        text = value.strip().lower().replace("_", "")
        if name.endswith("_bytes"):
            text = text.removesuffix("ib").removesuffix("b")
        scale = 1
        if name.endswith("_bytes") and text and text[-1] in _UNITS:
            scale, text = _UNITS[text[-1]], text[:-1]
        try:
            number = float(text) * scale
        except ValueError:
            raise LimitSpecError(f"limit {name}: {value!r} is not a number") from None
    else:
        raise LimitSpecError(f"limit {name}: {value!r} is not a number")
    if not number > 0 or number != number or number == float("inf"):
        raise LimitSpecError(f"limit {name}: must be a positive number, not {value!r}")
    return float(number) if kind in ("float", float) else int(number)


def _canonical(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in Limits.names():
        raise LimitSpecError(f"unknown limit {name!r}; known: {', '.join(Limits.names())}")
    return key


def parse_assignment(spec: str) -> tuple[str, int | float]:
    """``NAME=VALUE`` (``--limit part_bytes=512M``) as ``(name, value)``.

    >>> parse_assignment("part-bytes=1G")
    ('part_bytes', 1073741824)
    """
    name, sep, value = spec.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise LimitSpecError(f"{spec!r}: expected NAME=VALUE, e.g. part_bytes=512M; known: {', '.join(Limits.names())}")
    return _canonical(name), parse_value(name, value)


def with_values(base: Limits, values: dict[str, object] | Iterator[tuple[str, object]]) -> Limits:
    """``base`` with the limits in ``values`` (names with ``-`` or ``_``) raised or lowered.

    >>> with_values(DEFAULT, {"pages": 3, "part-bytes": "1M"}).pages
    3
    """
    items = values.items() if isinstance(values, dict) else values
    changes = {_canonical(k): parse_value(k, v) for k, v in items}
    return replace(base, **changes)


def describe(limits: Limits | None = None) -> str:
    """The limits as ``name=value`` pairs, for messages and the README.

    >>> describe(replace(DEFAULT, pages=3)).split()[6]
    'pages=3'
    """
    limits = limits or _current
    return " ".join(f"{n}={getattr(limits, n)}" for n in Limits.names())


__all__ = ["DEFAULT", "LimitExceeded", "LimitSpecError", "Limits", "cap_memory", "check", "memory_cap", "out_of_memory", "configure", "current", "describe",
           "parse_assignment", "parse_value", "replace", "using", "with_values"]
