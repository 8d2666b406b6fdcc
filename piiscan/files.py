"""Scanning files and folders: pick a reader, scan what it yields, locate findings.

- Readers yield :class:`~piiscan.readers.Segment` (text), :class:`~piiscan.tables.Table`
  (scanned column by column, see :mod:`piiscan.tables`) or
  :class:`~piiscan.readers.registry.Note` (e.g. an image-only PDF page).
- Zip members are scanned as files and reported as ``archive.zip!inner/path.csv``.
- A file that cannot be read is a :class:`FileResult` with ``error`` (corrupt,
  encrypted, I/O); one not scanned on purpose has ``skipped`` (binary,
  unsupported format, too large). Neither stops the scan of other files.
- ``jobs > 1`` scans batches of files in worker processes; results come back in
  the same order and are identical to ``jobs=1``.
"""
from __future__ import annotations

import bisect
import collections
import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .finding import Finding
from .readers import ReadError, Segment
from .readers import registry
from .readers.text import NEWLINE as _NEWLINE
from .readers.text import looks_binary
from .scanner import Scanner
from .tables import ColumnClass, Table, iter_table, scan_table

#: Text files larger than this are streamed in chunks instead of read whole.
STREAM_THRESHOLD = 64 * 1024 * 1024

IGNORE_FILE = ".piiscanignore"


@dataclass
class FileResult:
    """What scanning one file gave: findings, or why it was not (fully) scanned.

    ``notes`` are things the user should know about a scanned file (columns
    whose numbers lost digits in Excel); ``unread`` lists content the reader
    could not read (an image-only page without OCR, a picture of a value): the
    file was not fully checked, so the CLI exits 2 for it, as for an error.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # unreadable: corrupt, encrypted, I/O error
    skipped: str | None = None  # deliberately not scanned: binary, too large, unsupported
    size: int = 0
    notes: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """Whether the file could not be checked in full: an error, or content left unread."""
        return bool(self.error or self.unread)


def reader_for(path: Path) -> Callable[[Path], Iterable[Any]]:
    """The reader for a file, chosen by its extension; text is the fallback."""
    return registry.reader_for(path)


def scan_file(path: str | os.PathLike, scanner: Scanner | None = None) -> list[Finding]:
    """Findings in one file (for a zip: in all its members), each carrying ``path`` and its location.

    Raises :class:`~piiscan.readers.ReadError` when the file (or a zip member)
    cannot be read, when it was not scanned on purpose (an unsupported format
    such as ``.doc``, a binary file), and when part of it was left unread (an
    image without the OCR extra, an image-only PDF page): the message gives
    the reason. An empty list therefore always means "scanned, nothing found".
    Use :func:`scan_results` to get errors and skips as data instead.
    """
    findings: list[Finding] = []
    for result in scan_file_results(Path(path), scanner or _default_scanner(), None):
        if result.error:
            raise ReadError(f"{result.path}: {result.error}")
        if result.skipped:
            raise ReadError(f"{result.path}: not scanned: {result.skipped}")
        if result.unread:
            raise ReadError(f"{result.path}: not read in full: {result.unread[0]}")
        findings.extend(result.findings)
    return findings


def scan_file_result(path: Path, scanner: Scanner, display_path: str | None = None) -> FileResult:
    """One file's result (a zip's members are merged into one result; a member's error is the archive's)."""
    results = scan_file_results(path, scanner, None, display_path)
    if len(results) == 1 and results[0].path == (display_path or str(path)):
        return results[0]
    merged = FileResult(display_path or str(path), size=_size(path))
    for r in results:
        merged.findings.extend(r.findings)
        merged.notes.extend(f"{r.path}: {n}" for n in r.notes)
        merged.unread.extend(f"{r.path}: {n}" for n in r.unread)
        if r.error:
            # A member that could not be read is not clean: the archive's result is an error.
            merged.error = "; ".join(filter(None, [merged.error, f"{r.path}: {r.error}"]))
    return merged


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def scan_file_results(path: Path, scanner: Scanner, max_file_size: int | None = None,
                      display_path: str | None = None) -> list[FileResult]:
    """Results for one file: one, or for a zip one per member (plus the zip's own if it failed).

    Never raises for a bad file: errors and skips are in the results. This is
    the unit of work for parallel engines (``jobs``, Dask).
    """
    shown = display_path or str(path)
    try:
        st = path.stat()
    except OSError as exc:
        return [FileResult(shown, error=exc.strerror or str(exc))]
    if stat.S_ISDIR(st.st_mode):
        return [FileResult(shown, error=_folder_error(path))]
    size = st.st_size
    if max_file_size is not None and size > max_file_size:
        return [FileResult(shown, skipped=f"too large ({size} bytes > {max_file_size})", size=size)]
    reason = registry.unsupported_reason(path.name)
    if reason:
        return [FileResult(shown, skipped=f"unsupported format: {reason}", size=size)]
    if registry.is_archive(path.name):
        return _scan_archive(path, shown, size, scanner, max_file_size)
    result = FileResult(shown, size=size)
    if _streams(path, size):
        found = list(_stream_findings(path, scanner, result))
        result.findings = [] if result.error else found
        return [result]
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.error = exc.strerror or str(exc)
        return [result]
    _scan_bytes(data, path.name, scanner, result)
    return [result]


def _folder_error(path: Path) -> str:
    """Why a folder (one :func:`iter_files` could not list) was not scanned."""
    try:
        with os.scandir(path):
            pass
    except OSError as exc:
        return f"cannot list folder: {exc.strerror or exc}"
    return "a folder, not a file: it could not be listed while walking"


def _streams(path: Path, size: int) -> bool:
    """Whether a file is read as it is scanned: text or a CSV table over :data:`STREAM_THRESHOLD`."""
    if size <= STREAM_THRESHOLD:
        return False
    module = registry.module_for(path.name)
    return module.__name__.endswith(".text") or hasattr(module, "read_stream")


def _stream_findings(path: Path, scanner: Scanner, result: FileResult) -> Iterator[Finding]:
    """The findings of a big text or CSV file as they are found: memory stays flat.

    Why the file was skipped or could not be read (part-way) is recorded on ``result``.
    """
    from .stream import scan_stream

    module = registry.module_for(path.name)
    try:
        if module.__name__.endswith(".text"):
            with path.open("rb") as fh:
                head = fh.read(8192)
            if looks_binary(head):
                result.skipped = "binary file (unsupported format)"
                return
            yield from scan_stream(path, scanner, path=result.path)
            return
        for table in module.read_stream(path):
            classes: list[ColumnClass] = []
            yield from iter_table(table, scanner, path=result.path, classes=classes)
            result.notes.extend(_class_notes(table, classes))
    except ReadError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = exc.strerror or str(exc)
    except MemoryError:
        result.error = "out of memory while reading"
    except Exception as exc:  # a reader library failing on hostile input must not stop the scan
        result.error = f"cannot read ({type(exc).__name__}: {str(exc)[:200]})"


def _scan_bytes(data: bytes, name: str, scanner: Scanner, result: FileResult) -> None:
    module = registry.module_for(name)
    if module.__name__.endswith(".text") and looks_binary(data):
        result.skipped = "binary file (unsupported format)"
        return
    try:
        _scan_items(module.read_bytes(data, name), scanner, result)
    except ReadError as exc:
        result.findings = []
        result.error = str(exc)
    except MemoryError:
        result.findings = []
        result.error = "out of memory while reading"
    except Exception as exc:  # a reader library failing on hostile input must not stop the scan
        result.findings = []
        result.error = f"cannot read ({type(exc).__name__}: {str(exc)[:200]})"


def _scan_items(items: Iterable[Any], scanner: Scanner, result: FileResult) -> None:
    # Consecutive text segments (a document's paragraphs) are scanned together,
    # so that the learned name stage reads them in one pass; a few at a time,
    # so that a long document is never held whole.
    segments: list[Any] = []
    chars = 0

    def flush() -> None:
        nonlocal chars
        found = scanner.scan_many([(s.text, s.label) for s in segments])
        for segment, f in zip(segments, found):
            result.findings.extend(_refined(segment, locate(f, segment, result.path)))
        segments.clear()
        chars = 0

    for item in items:
        if isinstance(item, (registry.Unread, registry.Note, Table)) and segments:
            flush()
        if isinstance(item, registry.Unread):
            result.unread.append(str(item))
        elif isinstance(item, registry.Note):
            result.notes.append(str(item))
        elif isinstance(item, Table):
            found, classes = scan_table(item, scanner, path=result.path)
            result.findings.extend(_refined(item, found))
            result.notes.extend(_class_notes(item, classes))
        else:
            segments.append(item)
            chars += len(item.text)
            if chars >= _SEGMENT_BATCH_CHARS:
                flush()
    if segments:
        flush()


#: Characters of consecutive text segments scanned together (see _scan_items).
_SEGMENT_BATCH_CHARS = 200_000


def _refined(item: Any, findings: Iterable[Finding]) -> Iterable[Finding]:
    """Findings as the item's reader completes them: OCR items (:mod:`piiscan.ocr.page`) add each
    value's pixel box and the recogniser's confidence as evidence."""
    refine = getattr(item, "refine", None)
    return refine(findings) if refine is not None else findings


def _class_notes(table: Table, classes: list[ColumnClass]) -> Iterator[str]:
    where = "".join(f"{k} {v} " for k, v in table.location.items())
    for c in classes:
        if c.note:
            yield f"{where}column {c.column!r}: {c.note}"


def _scan_archive(path: Path, shown: str, size: int, scanner: Scanner, max_file_size: int | None) -> list[FileResult]:
    from .readers import archive

    results: list[FileResult] = []
    try:
        with path.open("rb") as fh:
            for name, data in archive.iter_members(fh, prefix=f"{shown}!"):
                if isinstance(data, ReadError):
                    results.append(FileResult(name, error=str(data)))
                    continue
                r = FileResult(name, size=len(data))
                inner = name.rsplit("!", 1)[-1]
                reason = registry.unsupported_reason(inner)
                if reason:
                    r.skipped = f"unsupported format: {reason}"
                elif max_file_size is not None and len(data) > max_file_size:
                    r.skipped = f"too large ({len(data)} bytes > {max_file_size})"
                else:
                    _scan_bytes(data, inner, scanner, r)
                results.append(r)
    except ReadError as exc:
        # A bomb or a corrupt archive: what was read before stays, the archive reports why it stopped.
        results.append(FileResult(shown, error=str(exc), size=size))
    except OSError as exc:
        results.append(FileResult(shown, error=exc.strerror or str(exc), size=size))
    if not results:
        results.append(FileResult(shown, size=size, notes=["empty archive"]))
    return results


def locate(findings: list[Finding], segment: Segment, path: str) -> Iterator[Finding]:
    """Give findings their path and location within the file."""
    if not findings:
        return
    if segment.line_offsets:
        starts = [0] + [m.end() for m in _NEWLINE.finditer(segment.text)]
        for f in findings:
            line = bisect.bisect_right(starts, f.start)
            yield f.with_location(path=path, line=line, column=f.start - starts[line - 1] + 1, **segment.location)
    else:
        for f in findings:
            yield f.with_location(path=path, **segment.location)


# --- walking folders --------------------------------------------------------

class IgnoreRules:
    """The ``.piiscanignore`` rules of one tree, as the folder walk applies them.

    Every ``.piiscanignore`` (gitignore syntax) excludes what it matches,
    relative to the folder it sits in; a folder it matches is not entered, so
    nothing below it is scanned (a ``!`` pattern cannot bring a file back, and
    a ``.piiscanignore`` inside is never read), and the ``.piiscanignore``
    files themselves are not documents. :func:`iter_files` asks this class
    about every folder and file it meets, so it and :meth:`ignored` cannot
    disagree.

    ``read(folder)`` gives the text of ``folder/.piiscanignore`` (``folder``
    relative to the tree's top in POSIX form, ``""`` for the top) or None;
    each folder's file is read and parsed at most once. The work tree uses
    :meth:`for_folder`; ``piiscan check --staged/--since`` build the rules
    from git's objects with :meth:`from_texts`.
    """

    def __init__(self, read: Callable[[str], str | None]):
        self._read = read
        self._specs: dict[str, Any] = {}  # folder -> its spec, or None
        self._folders: dict[str, bool] = {"": False}  # folder -> ignored (never entered)

    @classmethod
    def for_folder(cls, root: str | os.PathLike) -> "IgnoreRules":
        """The rules found on disk under ``root``."""
        root = Path(root)
        return cls(lambda folder: _read_ignore(root / folder / IGNORE_FILE))

    @classmethod
    def from_texts(cls, files: dict[str, str]) -> "IgnoreRules":
        """The rules of ``.piiscanignore`` files given as ``{relative path: text}``."""
        return cls(lambda folder: files.get(_join(folder, IGNORE_FILE)))

    def ignored(self, rel: str) -> bool:
        """Whether the walk leaves out the file ``rel`` (or the folder ``rel/``), a POSIX path
        relative to the tree's top. Hidden folders and symlinks are the walk's own business."""
        if rel.endswith("/"):
            return self._folder_ignored(rel.rstrip("/"))
        folder, _, name = rel.rpartition("/")
        return name == IGNORE_FILE or self._folder_ignored(folder) or self._matches(folder, rel)

    def _folder_ignored(self, folder: str) -> bool:
        if folder not in self._folders:
            parent = folder.rpartition("/")[0]
            self._folders[folder] = self._folder_ignored(parent) or self._matches(parent, folder + "/")
        return self._folders[folder]

    def _matches(self, folder: str, rel: str) -> bool:
        """Whether the rules of ``folder`` or a folder above it match ``rel`` (inside ``folder``)."""
        base = folder
        while True:
            spec = self._spec(base)
            if spec is not None and spec.match_file(rel[len(base) + 1:] if base else rel):
                return True
            if not base:
                return False
            base = base.rpartition("/")[0]

    def _spec(self, folder: str):
        if folder not in self._specs:
            text = self._read(folder)
            if text is None:
                self._specs[folder] = None
            else:
                import pathspec

                self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        return self._specs[folder]


def _read_ignore(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def ignored(root: str | os.PathLike, rel: str) -> bool:
    """Whether a folder walk of ``root`` leaves out ``rel`` (a POSIX path relative to
    ``root``; a trailing ``/`` asks about a folder) because of ``.piiscanignore`` rules.
    For many paths, make one :class:`IgnoreRules` and ask it: the files are read once.

    >>> ignored(".", ".piiscanignore")
    True
    """
    return IgnoreRules.for_folder(root).ignored(rel)


def iter_files(
    paths: Iterable[str | os.PathLike],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
) -> Iterator[Path]:
    """Files under ``paths``: folders walked recursively in sorted order.

    ``include``/``exclude`` are glob patterns matched against the path
    relative to the folder given (``*.csv``, ``archive/**``). A
    ``.piiscanignore`` file (gitignore syntax) in the folder or any
    sub-folder excludes what it matches, relative to where it sits.
    Symlinks are not followed unless asked; hidden folders (``.git``) are
    not entered. A path given explicitly is always yielded. A folder that
    cannot be listed (permission denied, I/O error) is yielded itself, so it
    is never silently left out: :func:`scan_file_results` turns it into a
    :class:`FileResult` with ``error``.
    """
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        rules = IgnoreRules.for_folder(p)
        unlisted: list[OSError] = []
        for root, dirs, files in os.walk(p, onerror=unlisted.append, followlinks=follow_symlinks):
            yield from _unlisted(unlisted, p)
            root_rel = Path(root).relative_to(p).as_posix()
            root_rel = "" if root_rel == "." else root_rel
            dirs[:] = sorted(
                d for d in dirs
                if not d.startswith(".")
                and (follow_symlinks or not os.path.islink(os.path.join(root, d)))
                and not rules.ignored(_join(root_rel, d) + "/")
            )
            for name in sorted(files):
                full = Path(root, name)
                if full.is_symlink() and not follow_symlinks:
                    continue
                rel = _join(root_rel, name)
                if include and not any(glob_match(rel, g) for g in include):
                    continue
                if any(glob_match(rel, g) for g in exclude) or rules.ignored(rel):
                    continue
                yield full
        yield from _unlisted(unlisted, p)


def _unlisted(errors: list[OSError], top: Path) -> Iterator[Path]:
    """Folders the walk could not list, yielded as paths: scanning one reports why (an error, exit 2)."""
    while errors:
        exc = errors.pop(0)
        yield Path(exc.filename) if exc.filename else top


def _join(a: str, b: str) -> str:
    return f"{a}/{b}" if a else b


def glob_match(rel: str, pattern: str) -> bool:
    """Whether a ``--include``/``--exclude`` glob matches a path relative to the
    folder scanned, or its file name (the rule ``scan`` and ``check`` share).

    >>> glob_match("2020/notice.csv", "*.csv"), glob_match("2020/notice.csv", "2020/*"), glob_match("a/b.txt", "*.csv")
    (True, True, False)
    """
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern)


# --- scanning many files ------------------------------------------------------

def scan_path(path: str | os.PathLike, scanner: Scanner | None = None, *, jobs: int = 1) -> list[Finding]:
    """Findings in a file or, recursively, a folder; each carries its ``path``.

    Lenient: files that could not be read (errors) or were not scanned on
    purpose (skips: unsupported formats, binary files) add nothing here, so an
    empty list does not prove a folder clean. Use :func:`scan_results` to see
    every file's ``error`` and ``skipped`` reason.
    """
    out: list[Finding] = []
    for result in scan_results([path], scanner, jobs=jobs):
        out.extend(result.findings)
    return out


BATCH_FILES = 16  # files per task: a task costs ~ms of pickling, a file usually more
BATCH_BYTES = 8 * 1024**2


def scan_results(
    paths: Iterable[str | os.PathLike],
    scanner: Scanner | None = None,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    max_file_size: int | None = None,
    jobs: int = 1,
    stream_big: bool = False,
) -> Iterator[FileResult]:
    """:class:`FileResult` per file (per member for zips), in a stable (sorted walk) order.

    With ``jobs > 1`` batches of files are scanned in worker processes; the
    results are the same as with ``jobs=1`` and come in the same order.

    With ``stream_big``, a text or CSV file over :data:`STREAM_THRESHOLD` is
    scanned in this process while its result is read: its ``findings`` is an
    iterator to consume once, and its ``error``, ``skipped`` and ``notes``
    are known only after that. Memory then stays flat whatever the size and
    density of the file (``piiscan scan --format jsonl`` does this).
    """
    scanner = scanner or _default_scanner()
    files = list(iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks))
    if not stream_big:
        yield from _scan_files(files, scanner, max_file_size, jobs)
        return
    others: list[Path] = []
    for file in files:
        size = _size(file)
        if (max_file_size is not None and size > max_file_size) or registry.unsupported_reason(file.name) \
                or registry.is_archive(file.name) or not _streams(file, size):
            others.append(file)
            continue
        yield from _scan_files(others, scanner, max_file_size, jobs)
        others = []
        result = FileResult(str(file), size=size)
        result.findings = _stream_findings(file, scanner, result)  # type: ignore[assignment]
        yield result
    yield from _scan_files(others, scanner, max_file_size, jobs)


def _scan_files(files: list[Path], scanner: Scanner, max_file_size: int | None, jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(files) < 2:
        for file in files:
            yield from scan_file_results(file, scanner, max_file_size)
        return
    yield from _scan_parallel(files, scanner, max_file_size, jobs)


def _batches(files: list[Path], jobs: int) -> list[list[Path]]:
    # Small enough that every worker gets several (load balance), large enough to amortise a task.
    per = max(1, min(BATCH_FILES, len(files) // (jobs * 4) or 1))
    return batches(files, per, BATCH_BYTES)


def batches(files: Sequence[Path], max_files: int, max_bytes: int) -> list[list[Path]]:
    """Split ``files`` in order into batches of at most ``max_files`` files / ``max_bytes`` bytes
    (the unit of work for ``--jobs`` and Dask). A file larger than ``max_bytes`` gets a batch of its own.

    >>> [len(b) for b in batches([Path("a")] * 5, max_files=2, max_bytes=1)]
    [2, 2, 1]
    """
    out: list[list[Path]] = []
    cur: list[Path] = []
    size = 0
    for f in files:
        n = _size(f)  # 0 when unreadable: the worker reports the error
        if cur and (len(cur) >= max_files or size + n > max_bytes):
            out.append(cur)
            cur, size = [], 0
        cur.append(f)
        size += n
    if cur:
        out.append(cur)
    return out


def available_cores() -> int:
    """Cores this process may use (the default for ``--jobs`` and Dask workers)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_WORKER: dict[str, Any] = {}


def _init_worker(scanner: Scanner, max_file_size: int | None) -> None:
    _WORKER["scanner"] = scanner
    _WORKER["max_file_size"] = max_file_size


def _scan_batch(files: list[Path]) -> list[FileResult]:
    out: list[FileResult] = []
    for f in files:
        out.extend(scan_file_results(f, _WORKER["scanner"], _WORKER["max_file_size"]))
    return out


def _scan_parallel(files: list[Path], scanner: Scanner, max_file_size: int | None, jobs: int) -> Iterator[FileResult]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = _batches(files, jobs)
    # Only a few batches are in flight at once: the workers stay busy, and the
    # results of a scan of millions of files are not held far ahead of a
    # reader that writes them out and drops them (scan --format jsonl).
    window = 2 * jobs
    with ProcessPoolExecutor(max_workers=min(jobs, len(batches)), initializer=_init_worker,
                             initargs=(scanner, max_file_size)) as pool:
        pending: collections.deque = collections.deque()
        todo = iter(batches)

        def submit() -> None:
            batch = next(todo, None)
            if batch is None:
                return
            try:
                pending.append((batch, pool.submit(_scan_batch, batch)))
            except BrokenProcessPool:
                pending.append((batch, None))

        for _ in range(window):
            submit()
        while pending:
            batch, fut = pending.popleft()
            try:
                if fut is None:
                    raise BrokenProcessPool
                results = fut.result()
            except BrokenProcessPool:
                # A worker died (crash in a reader library, killed for memory): these files
                # get an error each, so exit code 2 says the scan is incomplete.
                results = [FileResult(str(f), error="scan worker died while reading this batch") for f in batch]
            submit()
            yield from results


# --- data frames ------------------------------------------------------------

def scan_dataframe(df: Any, scanner: Scanner | None = None) -> tuple[list[Finding], list[ColumnClass]]:
    """Findings in a pandas DataFrame and a classification of every column.

    Columns are classified from their names and values like any table; each
    finding carries ``row`` (1-based position in the frame) and ``column``
    (the column name). Returns ``(findings, classes)``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"姓名": ["张三"], "联系电话": ["13800138000"], "补贴金额": [18000]})
    >>> findings, classes = scan_dataframe(df)
    >>> [(f.type, f.row, f.column) for f in findings if f.type == "CN_MOBILE"]
    [('CN_MOBILE', 1, '联系电话')]
    >>> [(c.column, c.type, c.source) for c in classes][1:]
    [('联系电话', 'CN_MOBILE', 'header+values'), ('补贴金额', None, 'non-personal')]
    """
    scanner = scanner or _default_scanner()
    header = [str(c) for c in df.columns]
    frame = df.astype(object)
    rows = frame.where(frame.notna(), None).values.tolist()
    return scan_table(Table(rows, header=header), scanner)


_SCANNER: Scanner | None = None


def _default_scanner() -> Scanner:
    global _SCANNER
    if _SCANNER is None:
        _SCANNER = Scanner()
    return _SCANNER
