"""Scanning files and folders: pick a reader, scan what it yields, locate findings.

- Readers yield :class:`~piiscan.readers.Segment` (text), :class:`~piiscan.tables.Table`
  (scanned column by column, see :mod:`piiscan.tables`) or
  :class:`~piiscan.readers.registry.Note` (e.g. an image-only PDF page).
- Zip members are scanned as files and reported as ``archive.zip!inner/path.csv``.
- A file that cannot be read is a :class:`FileResult` with ``error`` (corrupt,
  encrypted, I/O, over a :mod:`~piiscan.limits` limit); one not scanned on
  purpose has ``skipped`` and a ``skip_kind`` (binary, unsupported format, too
  large, a symlink not followed, a FIFO or device, a symlink loop). Neither
  stops the scan of other files. Error texts are masked (:func:`~piiscan.masking.mask_text`):
  a library's message may quote the document.
- A file's name is scanned too (``part="file name"``): ``张三_11010519491231002X.txt``
  publishes an ID whatever the file holds.
- Formats read by native libraries or with a parse many times their size
  (Excel, PDF, Word, HTML, and zips, which may hold them) are read in a child
  process with capped memory (:mod:`piiscan.isolate`): a crash there is an
  error for that file, and the run goes on.
- ``jobs > 1`` scans batches of files in worker processes; results come back in
  the same order and are identical to ``jobs=1``.
"""
from __future__ import annotations

import bisect
import collections
import fnmatch
import itertools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import limits as _limits
from .finding import Finding
from .masking import mask_text
from .readers import ReadError, Segment
from .readers import registry
from .readers.text import NEWLINE as _NEWLINE
from .readers.text import looks_binary
from .scanner import Scanner
from .tables import ColumnClass, Table, iter_table, scan_table

#: Text files larger than this are streamed in chunks instead of read whole.
STREAM_THRESHOLD = 64 * 1024 * 1024

IGNORE_FILE = ".piiscanignore"

#: Why a file was not scanned (:attr:`FileResult.skip_kind`).
SKIP_UNSUPPORTED = "unsupported"  # a format piiscan cannot read (.doc, .pptx, an image without OCR)
SKIP_BINARY = "binary"  # bytes that are no text and no known format
SKIP_SIZE = "size"  # over --max-file-size
SKIP_SYMLINK = "symlink"  # a symbolic link the walk did not follow
SKIP_LOOP = "loop"  # a followed symlink leading back to a folder already walked
SKIP_SPECIAL = "special"  # a FIFO, device or socket: not a document, never opened

#: Skips of files that may hold personal information piiscan could not read:
#: ``piiscan check`` fails on them (exit 2) unless configured to accept them.
UNCHECKED_SKIPS = frozenset({SKIP_UNSUPPORTED, SKIP_BINARY})

#: The ``part`` of a finding in a file's (or zip member's) name.
FILE_NAME_PART = "file name"


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
    error: str | None = None  # unreadable: corrupt, encrypted, I/O error, over a limit
    skipped: str | None = None  # deliberately not scanned: binary, too large, unsupported, a symlink
    size: int = 0
    notes: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    skip_kind: str | None = None  # one of the SKIP_* constants when ``skipped``

    def skip(self, kind: str, reason: str) -> "FileResult":
        self.skip_kind, self.skipped = kind, reason
        return self

    @property
    def unchecked(self) -> bool:
        """Skipped, though it may hold personal information: an unsupported or binary format."""
        return self.skip_kind in UNCHECKED_SKIPS

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
            raise ReadError(f"{mask_text(result.path)}: {result.error}")
        if result.skipped:
            raise ReadError(f"{mask_text(result.path)}: not scanned: {result.skipped}")
        if result.unread:
            raise ReadError(f"{mask_text(result.path)}: not read in full: {result.unread[0]}")
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
    results = _file_results(path, scanner, max_file_size, shown)
    named = name_findings(path.name, scanner, shown)
    if named:
        own = next((r for r in results if r.path == shown), None)
        if own is None:  # an archive read member by member: its own name gets a result of its own
            own = FileResult(shown, size=_size(path))
            results.insert(0, own)
        own.findings[:0] = named
    return results


def _file_results(path: Path, scanner: Scanner, max_file_size: int | None, shown: str) -> list[FileResult]:
    if isinstance(path, SkippedPath):
        return [FileResult(shown).skip(path.skip_kind, path.reason)]
    try:
        st = path.stat()
    except OSError as exc:
        return [FileResult(shown, error=exc.strerror or str(exc))]
    kind = registry.file_kind(st.st_mode)
    if kind == "folder":
        return [FileResult(shown, error=_folder_error(path))]
    if kind is not None:
        # A FIFO would block the read until a writer comes, /dev/zero would never end: never opened.
        return [FileResult(shown).skip(SKIP_SPECIAL, f"not a regular file ({kind}): not read")]
    size = st.st_size
    if max_file_size is not None and size > max_file_size:
        return [FileResult(shown, size=size).skip(SKIP_SIZE, f"too large ({size} bytes > {max_file_size})")]
    reason = registry.unsupported_reason(path.name)
    if reason:
        return [FileResult(shown, size=size).skip(SKIP_UNSUPPORTED, f"unsupported format: {reason}")]
    if registry.is_archive(path.name):
        return _scan_archive(path, shown, size, scanner, max_file_size)
    result = FileResult(shown, size=size)
    if _streams(path, size):
        found = list(_stream_findings(path, scanner, result))
        result.findings = [] if result.error else found
        return [result]
    try:
        data = registry.read_file_bytes(path)
    except ReadError as exc:
        result.error = mask_text(str(exc))
        return [result]
    _scan_bytes(data, path.name, scanner, result)
    return [result]


def name_findings(name: str, scanner: Scanner, path: str) -> list[Finding]:
    """Findings in a file's name (or a zip member's path), with ``part="file name"``.

    Offsets index ``name``. The name is scanned like a line of text, so a
    number glued to letters or other digits is no finding, as in a document.
    """
    return [f.with_location(path=path, part=FILE_NAME_PART) for f in scanner.scan(name)] if name else []


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
            with registry.open_regular(path) as fh:
                head = fh.read(8192)
            if looks_binary(head):
                result.skip(SKIP_BINARY, "binary file (unsupported format)")
                return
            yield from scan_stream(path, scanner, path=result.path)
            return
        for table in module.read_stream(path):
            classes: list[ColumnClass] = []
            yield from iter_table(table, scanner, path=result.path, classes=classes)
            result.notes.extend(_class_notes(table, classes))
    except ReadError as exc:
        result.error = mask_text(str(exc))
    except OSError as exc:
        result.error = exc.strerror or type(exc).__name__
    except MemoryError:
        result.error = _limits.out_of_memory()
    except Exception as exc:  # a reader library failing on hostile input must not stop the scan
        result.error = _library_error(exc)


def _library_error(exc: BaseException) -> str:
    """A reader library's failure, for the report: its type, and the first line of its text masked.

    The text may quote the document (``Unrecognized boolean cell value: 13912345678``,
    a PDF dictionary dump): values in it are masked like everywhere else.
    """
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"cannot read ({type(exc).__name__}{': ' + mask_text(text) if text else ''})"


def _scan_bytes(data: bytes, name: str, scanner: Scanner, result: FileResult) -> None:
    module = registry.module_for(name)
    if module.__name__.endswith(".text") and looks_binary(data):
        result.skip(SKIP_BINARY, "binary file (unsupported format)")
        return
    try:
        _scan_items(module.read_bytes(data, name), scanner, result)
    except ReadError as exc:
        result.findings = []
        result.error = mask_text(str(exc))
    except MemoryError:
        result.findings = []
        result.error = _limits.out_of_memory()
    except RecursionError:
        result.findings = []
        result.error = "cannot read (nested too deeply)"
    except Exception as exc:  # a reader library failing on hostile input must not stop the scan
        result.findings = []
        result.error = _library_error(exc)


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
            result.unread.append(mask_text(str(item)))
        elif isinstance(item, registry.Note):
            result.notes.append(mask_text(str(item)))
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
    if result.findings:
        from .ocr import drop_doubles

        result.findings = drop_doubles(result.findings)


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
            yield mask_text(f"{where}column {c.column!r}: {c.note}")


def _scan_archive(path: Path, shown: str, size: int, scanner: Scanner, max_file_size: int | None) -> list[FileResult]:
    from .readers import archive

    results: list[FileResult] = []
    try:
        with registry.open_regular(path) as fh:
            for name, data in archive.iter_members(fh, prefix=f"{shown}!"):
                inner = name.rsplit("!", 1)[-1]
                if isinstance(data, ReadError):
                    r = FileResult(name, error=mask_text(str(data)))
                else:
                    r = FileResult(name, size=len(data))
                    reason = registry.unsupported_reason(inner)
                    if reason:
                        r.skip(SKIP_UNSUPPORTED, f"unsupported format: {reason}")
                    elif max_file_size is not None and len(data) > max_file_size:
                        r.skip(SKIP_SIZE, f"too large ({len(data)} bytes > {max_file_size})")
                    else:
                        _scan_bytes(data, PurePosixPath(inner).name, scanner, r)
                    del data
                # A member's path inside the archive is published with it, folders included.
                r.findings[:0] = name_findings(inner, scanner, name)
                results.append(r)
    except ReadError as exc:
        # A bomb or a corrupt archive: what was read before stays, the archive reports why it stopped.
        results.append(FileResult(shown, error=mask_text(str(exc)), size=size))
    except OSError as exc:
        results.append(FileResult(shown, error=exc.strerror or type(exc).__name__, size=size))
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


class SkippedPath(type(Path())):  # type: ignore[misc]
    """A path the folder walk lists without it being read, and why: a symlink not
    followed, a symlink loop. It is reported as skipped, never silently left out."""

    skip_kind: str = SKIP_SYMLINK
    reason: str = ""

    def __reduce__(self):  # keep the reason across processes (--jobs, Dask)
        return (skipped_path, (str(self), self.skip_kind, self.reason))


def skipped_path(path: str | os.PathLike, kind: str, reason: str) -> SkippedPath:
    p = SkippedPath(path)
    p.skip_kind, p.reason = kind, reason
    return p


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
    Hidden folders (``.git``) are not entered. A path given explicitly is
    always yielded. A folder that cannot be listed (permission denied, I/O
    error) is yielded itself, so it is never silently left out:
    :func:`scan_file_results` turns it into a :class:`FileResult` with ``error``.

    Symlinks are not followed unless asked; each one met is yielded as a
    :class:`SkippedPath` (reported as skipped, with the reason). With
    ``follow_symlinks``, a link to a folder already walked (a loop, or a
    second way to the same folder) is not entered again but yielded as a
    :class:`SkippedPath`: the walk always ends.
    """
    for p in paths:
        if not isinstance(p, SkippedPath):
            p = Path(p)
        if isinstance(p, SkippedPath) or not p.is_dir():
            yield p
            continue
        rules = IgnoreRules.for_folder(p)
        unlisted: list[OSError] = []
        seen = {_dir_key(p)}
        for root, dirs, files in os.walk(p, onerror=unlisted.append, followlinks=follow_symlinks):
            yield from _unlisted(unlisted, p)
            root_rel = Path(root).relative_to(p).as_posix()
            root_rel = "" if root_rel == "." else root_rel
            keep, skipped = [], []
            for d in sorted(dirs):
                rel = _join(root_rel, d)
                if d.startswith(".") or rules.ignored(rel + "/"):
                    continue
                full = os.path.join(root, d)
                if os.path.islink(full):
                    if not follow_symlinks:
                        skipped.append((rel, skipped_path(full, SKIP_SYMLINK,
                                                          "symbolic link to a folder, not followed (--follow-symlinks)")))
                        continue
                    key = _dir_key(Path(full))
                    if key in seen:
                        skipped.append((rel, skipped_path(full, SKIP_LOOP, "symbolic link to a folder already "
                                                                            "walked (a loop): not entered again")))
                        continue
                    seen.add(key)
                else:
                    seen.add(_dir_key(Path(full)))
                keep.append(d)
            dirs[:] = keep
            entries = [(_join(root_rel, name), Path(root, name)) for name in files] + skipped
            for rel, full in sorted(entries, key=lambda e: e[0]):
                if include and not any(glob_match(rel, g) for g in include):
                    continue
                if any(glob_match(rel, g) for g in exclude) or rules.ignored(rel):
                    continue
                if not isinstance(full, SkippedPath) and not follow_symlinks and full.is_symlink():
                    full = skipped_path(full, SKIP_SYMLINK, "symbolic link, not followed (--follow-symlinks)")
                yield full
        yield from _unlisted(unlisted, p)


def _dir_key(path: Path) -> tuple[int, int] | str:
    """What identifies a folder however it is reached: device and inode (the resolved path where stat fails)."""
    try:
        st = path.stat()
    except OSError:
        return os.path.realpath(path)
    return (st.st_dev, st.st_ino)


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
    isolate: str = "native",
) -> Iterator[FileResult]:
    """:class:`FileResult` per file (per member for zips), in a stable (sorted walk) order.

    With ``jobs > 1`` batches of files are scanned in worker processes; the
    results are the same as with ``jobs=1`` and come in the same order.

    With ``stream_big``, a text or CSV file over :data:`STREAM_THRESHOLD` is
    scanned in this process while its result is read: its ``findings`` is an
    iterator to consume once, and its ``error``, ``skipped`` and ``notes``
    are known only after that. Memory then stays flat whatever the size and
    density of the file (``piiscan scan --format jsonl`` does this).

    ``isolate`` (with ``jobs=1``; ``--jobs`` workers are separate processes
    already): ``"native"`` reads the formats of
    :data:`~piiscan.readers.registry.ISOLATED` in a child process, ``"all"``
    every file (for a scanner that runs native code itself, e.g. a model),
    ``"none"`` nothing.
    """
    scanner = scanner or _default_scanner()
    files = list(iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks))
    if not stream_big:
        yield from _scan_files(files, scanner, max_file_size, jobs, isolate)
        return
    others: list[Path] = []
    for file in files:
        size = _size(file)
        if (max_file_size is not None and size > max_file_size) or registry.unsupported_reason(file.name) \
                or registry.is_archive(file.name) or not _streams(file, size):
            others.append(file)
            continue
        yield from _scan_files(others, scanner, max_file_size, jobs, isolate)
        others = []
        result = FileResult(str(file), size=size)
        result.findings = itertools.chain(name_findings(file.name, scanner, result.path),  # type: ignore[assignment]
                                          _stream_findings(file, scanner, result))
        yield result
    yield from _scan_files(others, scanner, max_file_size, jobs, isolate)


def _scan_files(files: list[Path], scanner: Scanner, max_file_size: int | None, jobs: int,
                isolate: str = "native") -> Iterator[FileResult]:
    if jobs <= 1 or len(files) < 2:
        with _Isolation(scanner, max_file_size, isolate) as iso:
            for file in files:
                yield from iso.scan(file)
        return
    yield from _scan_parallel(files, scanner, max_file_size, jobs)


#: How :func:`scan_results` isolates reads in a child process: ``"native"`` the formats read by native
#: libraries (:func:`piiscan.readers.registry.needs_isolation`), ``"all"`` every file, ``"none"`` nothing.
ISOLATE_MODES = ("native", "all", "none")


class _Isolation:
    """Scans a file here, or in a child process when its reader may crash the interpreter."""

    def __init__(self, scanner: Scanner, max_file_size: int | None, mode: str = "native"):
        if mode not in ISOLATE_MODES:
            raise ValueError(f"isolate must be one of {', '.join(ISOLATE_MODES)}")
        self.scanner, self.max_file_size, self.mode = scanner, max_file_size, mode
        self._worker = None

    def __enter__(self) -> "_Isolation":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._worker is not None:
            self._worker.close()

    def wanted(self, file: Path) -> bool:
        if self.mode == "none" or isinstance(file, SkippedPath):
            return False
        return self.mode == "all" or registry.needs_isolation(file.name)

    def scan(self, file: Path) -> list[FileResult]:
        if not self.wanted(file):
            return scan_file_results(file, self.scanner, self.max_file_size)
        from .isolate import Isolated, WorkerCrashed

        if self._worker is None:
            self._worker = Isolated(_init_worker, (self.scanner, self.max_file_size, _limits.current()))
        try:
            return self._worker.call(_scan_one, file, timeout=_limits.current().seconds)
        except WorkerCrashed as exc:
            # The file is an error (exit 2): what crashed may hold personal information we never saw.
            return [FileResult(str(file), size=_size(file), error=f"{exc.reason}; the file was not checked")]
        except MemoryError:
            return [FileResult(str(file), size=_size(file), error=_limits.out_of_memory())]
        except Exception as exc:  # noqa: BLE001 - never expected (scan_file_results does not raise); never fatal
            return [FileResult(str(file), size=_size(file), error=_library_error(exc))]


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


def _init_worker(scanner: Scanner, max_file_size: int | None, limits: "_limits.Limits | None" = None) -> None:
    _WORKER["scanner"] = scanner
    _WORKER["max_file_size"] = max_file_size
    if limits is not None:  # the parent's --limit and [tool.piiscan.limits], whatever the start method
        _limits.configure(limits)
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # a worker process, never the main one
        from .isolate import quiet_worker

        quiet_worker()


def _scan_in_worker(file: Path) -> list[FileResult]:
    """One file in a worker process; formats parsed natively or into big trees under the memory cap
    (a reader past ``memory_bytes`` fails that file, not the machine)."""
    import contextlib
    import multiprocessing

    capped = multiprocessing.parent_process() is not None and registry.needs_isolation(file.name)
    with _limits.memory_cap() if capped else contextlib.nullcontext():
        return scan_file_results(file, _WORKER["scanner"], _WORKER["max_file_size"])


def _scan_one(file: Path) -> list[FileResult]:
    return _scan_in_worker(file)


def _scan_batch(files: list[Path]) -> list[FileResult]:
    out: list[FileResult] = []
    for f in files:
        out.extend(_scan_in_worker(f))
    return out


def _scan_parallel(files: list[Path], scanner: Scanner, max_file_size: int | None, jobs: int) -> Iterator[FileResult]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = _batches(files, jobs)
    # Only a few batches are in flight at once: the workers stay busy, and the
    # results of a scan of millions of files are not held far ahead of a
    # reader that writes them out and drops them (scan --format jsonl).
    window = 2 * jobs
    initargs = (scanner, max_file_size, _limits.current())

    def new_pool():
        return ProcessPoolExecutor(max_workers=min(jobs, len(batches)), initializer=_init_worker, initargs=initargs)

    pool, generation = new_pool(), 0
    isolation = _Isolation(scanner, max_file_size, "all")
    try:
        pending: collections.deque = collections.deque()
        todo = iter(batches)

        def submit() -> None:
            batch = next(todo, None)
            if batch is None:
                return
            try:
                pending.append((batch, pool.submit(_scan_batch, batch), generation))
            except BrokenProcessPool:
                pending.append((batch, None, generation))

        for _ in range(window):
            submit()
        while pending:
            batch, fut, born = pending.popleft()
            try:
                if fut is None:
                    raise BrokenProcessPool
                results = fut.result()
            except BrokenProcessPool:
                # A worker died (a crash in a reader library, killed for memory), and with it the
                # pool: every batch it had is read again file by file in an isolated worker, so
                # only the file that crashes is an error; a fresh pool takes the batches after.
                if born == generation:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool, generation = new_pool(), generation + 1
                results = [r for f in batch for r in isolation.scan(f)]
            submit()
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        isolation.__exit__(None, None, None)


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


def _default_scanner() -> Scanner:
    from .scanner import default_scanner

    return default_scanner()
