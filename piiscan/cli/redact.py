"""``piiscan redact`` and ``piiscan restore``: write de-identified copies in the same format.

After writing, every output is scanned again with the same scanner; a file in
which anything is still found is a failed redaction: it is deleted (unless
``--in-place``), reported in red, and the command exits 1.

The file system is treated as hostile too (README, "Security"):

* ``--out`` may not be the input's own folder, and no output may land on an
  input or on another output (two ``notice.csv`` from two folders): exit 2
  before anything is written;
* nothing is written through a symlink (at the output path or in the folders
  under ``--out``); symlinks met in a walk are not followed, FIFOs and devices
  are never opened;
* file names are redacted like contents (``张三_11010519491231002X.txt`` is
  written as ``张*_110105********002X.txt``; ``--in-place`` renames it);
* formats read by native libraries are redacted and verified in a child
  process (:mod:`piiscan.isolate`): a crash there fails that file only;
* temporary files stay beside their output and leftovers of killed runs are
  removed (:func:`piiscan.atomic.remove_stale`).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from .. import limits as _limits
from ..atomic import remove_stale
from ..files import SkippedPath, iter_files
from ..finding import ENTITY_TYPES
from ..masking import mask_text, mask_value
from ..readers import ReadError, registry
from ..redact import KeyMissingError, RedactionError, Redactor, redact_file
from ..redact.filenames import redact_name, redact_path
from ..redact.keys import ENV_VAR, load_key
from ..redact.strategies import STRATEGIES
from ..redact.verify import Unverified, rescan
from ..scanner import Scanner
from .limits_option import limit_option
from .scan import _scanner, ner_option, ocr_option, profile_option, types_option

from . import EXIT_CLEAN, EXIT_ERROR
from . import EXIT_FOUND as EXIT_LEAK  # an output still holding personal information


def _parse_keep(_ctx, _param, values: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    keep: dict[str, tuple[int, int]] = {}
    for v in values:
        try:
            etype, nums = v.split("=", 1)
            first, last = (int(x) for x in nums.split(",", 1))
        except ValueError:
            raise click.BadParameter(f"{v!r}: expected TYPE=FIRST,LAST, e.g. CN_RESIDENT_ID=6,4") from None
        etype = etype.strip().upper()
        if etype not in ENTITY_TYPES:
            raise click.BadParameter(f"unknown type {etype}; choose from {', '.join(ENTITY_TYPES)}")
        keep[etype] = (first, last)
    return keep


def _parse_strategy(_ctx, _param, value: str) -> str | dict[str, str]:
    """``mask`` for all types, or ``CN_RESIDENT_ID=encrypt,PERSON_NAME=tag`` (others: mask)."""
    if "=" not in value:
        if value not in STRATEGIES:
            raise click.BadParameter(f"{value!r}; choose from {', '.join(STRATEGIES)}")
        return value
    per_type: dict[str, str] = {}
    for item in value.split(","):
        etype, _, name = item.partition("=")
        etype, name = etype.strip().upper(), name.strip()
        if etype not in ENTITY_TYPES or name not in STRATEGIES:
            raise click.BadParameter(f"{item!r}: expected TYPE=STRATEGY with STRATEGY in {', '.join(STRATEGIES)}")
        per_type[etype] = name
    return per_type


@dataclass
class Target:
    """One input and where its redacted copy goes; ``skipped`` says why it is not redacted."""

    src: Path
    dst: Path | None = None
    skipped: str | None = None


def _targets(paths: tuple[str, ...], out: Path | None, in_place: bool, include=(), exclude=(),
             redactor: Redactor | None = None) -> list[Target]:
    """Every input and its destination. One folder given: its tree goes straight under ``out``;
    several paths: each keeps its own name under ``out``. Output names are redacted.

    Raises :class:`click.UsageError` (exit 2, nothing written) when ``out`` is an input's
    own folder, or when an output would land on an input or on another output.
    """
    out_resolved = out.resolve() if out else None
    single_dir = len(paths) == 1 and Path(paths[0]).is_dir()
    targets: list[Target] = []
    for p in map(Path, paths):
        folder = p if p.is_dir() else p.parent
        if out_resolved is not None and out_resolved == folder.resolve():
            raise click.UsageError(
                f"--out {mask_text(str(out))} is the folder of the input {mask_text(str(p))}: the copies would "
                "replace the originals. Give another folder, or --in-place to overwrite the inputs on purpose.")
        # Globs match paths relative to the folder given, exactly as for ``scan``.
        for src in iter_files([p], include=include, exclude=exclude):
            if isinstance(src, SkippedPath):
                targets.append(Target(src, skipped=src.reason))
                continue
            kind = _kind(src)
            if kind is not None:  # a FIFO would block the read, /dev/zero never end: never opened
                targets.append(Target(src, skipped=f"not a regular file ({kind}): not read"))
                continue
            if out_resolved and out_resolved in src.resolve().parents:
                continue  # never redact our own output when --out sits inside the input
            if in_place:
                name = redact_name(src.name, redactor)[0] if redactor is not None else src.name
                targets.append(Target(src, src.with_name(name)))
                continue
            assert out is not None
            rel = (src.relative_to(p) if p.is_dir() else Path(src.name)).as_posix()
            if redactor is not None:
                rel = redact_path(rel, redactor)[0]
            targets.append(Target(src, out / rel if single_dir else out / (p.name if p.is_dir() else "") / rel))
    _refuse_collisions(targets)
    return targets


def _refuse_collisions(targets: list[Target]) -> None:
    inputs = {os.path.realpath(t.src): t for t in targets}
    seen: dict[str, Target] = {}
    for t in targets:
        if t.dst is None:
            continue
        key = os.path.realpath(t.dst)
        if key in inputs and inputs[key] is not t:
            raise click.UsageError(f"the copy of {mask_text(str(t.src))} would overwrite the input "
                                   f"{mask_text(str(inputs[key].src))}: choose an --out folder outside the inputs")
        if key in seen:
            raise click.UsageError(f"{mask_text(str(seen[key].src))} and {mask_text(str(t.src))} would both be "
                                   f"written to {mask_text(str(t.dst))}: redact them into separate --out folders "
                                   "(or give their common parent folder, whose tree is mirrored)")
        seen[key] = t


def _unsafe_destination(t: Target, out: Path | None, in_place: bool) -> str | None:
    """Why ``t`` must not be written, or None: a symlink on the way, a name already taken."""
    if in_place:
        if t.src.is_symlink():
            return "a symbolic link: give the file it points to, to redact it in place"
        if t.dst != t.src and (t.dst.exists() or t.dst.is_symlink()):
            return f"its redacted name {mask_text(t.dst.name)} is taken by another file"
        return None
    assert out is not None and t.dst is not None
    # Folders created under --out must be ours: a symlink planted there leads outside it.
    folder = t.dst.parent
    while True:
        if folder.is_symlink():
            return f"{mask_text(str(folder))} is a symbolic link: refusing to write through it"
        if folder == out or folder == folder.parent or out not in folder.parents:
            break
        folder = folder.parent
    if t.dst.is_symlink():
        return f"{mask_text(str(t.dst))} is a symbolic link: refusing to write through it"
    return None


def _kind(path: Path) -> str | None:
    """What a non-regular file is (``FIFO``…), None for a regular file or one that cannot be stat'ed
    (reading it then reports why)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    kind = registry.file_kind(mode)
    return None if kind == "folder" else kind


_REDACTOR: dict[str, object] = {}


def _init_redactor(redactor: Redactor, limits: _limits.Limits) -> None:
    _REDACTOR["r"] = redactor
    _limits.configure(limits)


def _redact_and_verify(src: Path, dst: Path, in_place: bool, pdf_mode: str, redactor: Redactor | None = None):
    """Write ``dst`` and scan it again: ``(report, findings left or why it could not be verified)``.

    Without ``redactor``: in the isolated child (formats read by native libraries or into big
    trees), under the memory cap."""
    if redactor is None:
        with _limits.memory_cap():
            return _redact_and_verify(src, dst, in_place, pdf_mode, _REDACTOR["r"])  # type: ignore[arg-type]
    from ..profiles import leftovers, prepare_document

    prepare_document(redactor, src)  # court-name: the names of this document, in order
    report = redact_file(src, dst, redactor=redactor, in_place=in_place, pdf_mode=pdf_mode)
    left = rescan(dst, redactor, report)
    if not isinstance(left, Unverified) and getattr(redactor, "profile", None) is not None:
        for f in leftovers(redactor, dst):  # cells of forbidden columns a writer could not remove (PDF)
            left.add(f)
    return report, left


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder (mirrors the input tree).")
@click.option("--in-place", is_flag=True, help="Overwrite the inputs instead of writing to --out.")
@click.option("--strategy", "-s", default="mask", show_default=True, callback=_parse_strategy,
              metavar="|".join(STRATEGIES),
              help="How to replace values; per type: CN_RESIDENT_ID=encrypt,PERSON_NAME=tag (others mask).")
@types_option("Only redact these types ({types}).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, help="Redact findings at or above this confidence (default 0.5).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), help=f"Secret key for pseudonymize/encrypt/fake (else ${ENV_VAR}).")
@click.option("--keep", multiple=True, callback=_parse_keep, metavar="TYPE=FIRST,LAST",
              help="mask: characters kept at each end, e.g. CN_RESIDENT_ID=1,1 (repeatable).")
@click.option("--pdf-mode", type=click.Choice(["text", "image"]), default="text", show_default=True,
              help="PDF: 'text' removes glyphs and keeps the rest as text; 'image' rasterises pages (no text kept).")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files matching GLOB.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB.")
@limit_option
@profile_option
@ocr_option
@ner_option
def redact(paths, out, in_place, strategy, types, min_confidence, key_file, keep, pdf_mode, include, exclude, profile,
           ner):
    """Write redacted copies of files, each in its own format, and verify them.

    \b
    Examples:
      piiscan redact samples/ --out redacted/
      piiscan redact notice.pdf --out public/ --strategy tag
      PIISCAN_KEY=... piiscan redact export.csv --out release/ --strategy pseudonymize
      piiscan redact --profile court-judgment 判决书/ --out public/   # the profile's rules: 张某, deletions
    Every output is scanned again; anything still found is a failure (exit 1).
    Exit codes: 0 clean, 1 something left in an output, 2 usage/read error.
    """
    err = sys.stderr
    if bool(out) == bool(in_place):
        raise click.UsageError("give exactly one of --out DIR or --in-place")
    if profile is not None and (strategy != "mask" or keep or types):
        raise click.UsageError("--profile decides strategies, kept positions and types: "
                               "drop --strategy/--keep/--types, or write a profile of your own")
    try:
        key = load_key(key_file)
        opts = {"keep": keep} if keep else {}
        if profile is not None:
            from ..profiles import ProfileRedactor

            redactor = ProfileRedactor(profile, key=key, min_confidence=min_confidence,
                                       scanner=_scanner(profile=profile, min_confidence=min_confidence, ner=ner,
                                                        conform=True))
        else:
            scanner: Scanner = _scanner(types=types or None, min_confidence=min_confidence, ner=ner)
            redactor = Redactor(strategy, types=types or None, key=key, scanner=scanner, **opts)
    except (KeyMissingError, ValueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None

    targets = _targets(paths, out, in_place, include, exclude, redactor)
    for folder in {t.dst.parent for t in targets if t.dst is not None and t.dst.parent.is_dir()}:
        remove_stale(folder)  # temporary files of runs that were killed
    errors = leaks = total = done = 0
    from ..isolate import Isolated, WorkerCrashed

    with Isolated(_init_redactor, (redactor, _limits.current())) as worker:
        for t in targets:
            src, dst = t.src, t.dst
            shown_src = mask_text(str(src))
            if t.skipped:
                click.secho(f"skipped  {shown_src}: {t.skipped}", fg="yellow", file=err)
                continue
            assert dst is not None
            done += 1
            reason = _unsafe_destination(t, out, in_place)
            if reason:
                errors += 1
                click.secho(f"error    {shown_src}: {reason}", fg="red", file=err)
                continue
            shown_dst = mask_text(str(dst))
            try:
                if registry.needs_isolation(src.name):
                    report, left = worker.call(_redact_and_verify, src, dst, in_place, pdf_mode,
                                               timeout=_limits.current().seconds)
                else:
                    report, left = _redact_and_verify(src, dst, in_place, pdf_mode, redactor)
            except WorkerCrashed as exc:
                errors += 1
                remove_stale(dst.parent)  # the dead child's temporary file
                if not in_place:
                    dst.unlink(missing_ok=True)  # written, perhaps, but never verified
                click.secho(f"error    {shown_src}: {exc.reason}; no output kept", fg="red", file=err)
                continue
            except MemoryError:
                errors += 1
                click.secho(f"error    {shown_src}: {_limits.out_of_memory()}", fg="red", file=err)
                continue
            except (RedactionError, Exception) as exc:  # noqa: BLE001 - one bad file must not stop the batch
                errors += 1
                click.secho(f"error    {shown_src}: {type(exc).__name__}: {_safe(exc)}", fg="red", file=err)
                continue
            if in_place and dst != src:
                src.unlink()  # redacted under a redacted name: the original name held a value
            total += report.changes
            if isinstance(left, Unverified):
                errors += 1
                click.secho(f"error    {shown_dst}: written but could not be verified: {mask_text(left)}", fg="red",
                            file=err)
                if not in_place:
                    dst.unlink(missing_ok=True)
                    click.secho("           output removed: it was not verified", fg="red", file=err)
                continue
            if left:
                leaks += 1
                click.secho(f"LEAK     {shown_dst}: {left.count} value(s) still found after redaction:", fg="red",
                            bold=True, file=err)
                for f in left[:10]:
                    click.secho(f"           {f.type} {mask_value(f.type, f.value)}", fg="red", file=err)
                if not in_place:
                    dst.unlink(missing_ok=True)
                    click.secho("           output removed so it cannot be published by mistake", fg="red", file=err)
                continue
            summary = ", ".join(f"{t} {n}" for t, n in sorted(report.by_type.items())) or "nothing found"
            click.echo(f"redacted {shown_src} -> {shown_dst} ({summary})", file=err)
            for note in report.notes:
                click.secho(f"           note: {mask_text(note)}", fg="yellow", file=err)
    click.echo(f"{done} file(s), {total} value(s) redacted, {leaks} leak(s), {errors} error(s)", file=err)
    if leaks:
        click.secho("REDACTION FAILED: some outputs still contain personal information (see LEAK above)",
                    fg="red", bold=True, file=err)
        sys.exit(EXIT_LEAK)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _safe(exc: BaseException) -> str:
    """Exception text is ours or a library's, and may quote the document: masked, first line, capped."""
    text = str(exc).strip()
    return mask_text(text.splitlines()[0][:300]) if text else ""


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--in-place", is_flag=True, help="Overwrite the inputs.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), help=f"The key used to encrypt (else ${ENV_VAR}).")
def restore(paths, out, in_place, key_file):
    """Decrypt values written by ``redact --strategy encrypt`` (text and CSV files).

    The canonical form of each value comes back (digits only, no separators).
    """
    from ..atomic import write_bytes_atomic
    from ..redact.strategies import Context
    from ..redact.writers.text import decode_exact, encode_exact

    err = sys.stderr
    if bool(out) == bool(in_place):
        raise click.UsageError("give exactly one of --out DIR or --in-place")
    try:
        key = load_key(key_file)
        if key is None:
            raise KeyMissingError(f"restore needs the key used to encrypt: --key-file FILE or ${ENV_VAR}")
    except (KeyMissingError, ValueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None
    pairs = []
    for src in map(Path, paths):
        if src.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".pdf", ".xls"):
            raise click.UsageError(f"{src}: restore handles text formats (txt, csv, html, json); not {src.suffix}")
        dst = src if in_place else out / src.name
        if not in_place and os.path.realpath(dst) == os.path.realpath(src):
            raise click.UsageError(f"--out {out} is the folder of {src}: restoring would overwrite the encrypted "
                                   "file. Give another folder, or --in-place to replace it on purpose.")
        pairs.append((src, dst))
    ctx = Context(key=key)
    errors = 0
    for src, dst in pairs:
        try:
            text, bom, enc = decode_exact(registry.read_file_bytes(src))
            new, restored, foreign = _restore(text, ctx)
            if not restored:
                raise ValueError("holds no value encrypted with this key (not written by `piiscan redact "
                                 "--strategy encrypt`, or encrypted with another key): nothing restored")
            if foreign > restored:
                raise ValueError(f"{foreign} of {foreign + restored} encrypted value(s) do not decrypt with this "
                                 "key: wrong key? Nothing restored")
            write_bytes_atomic(dst, encode_exact(new, bom, enc), src)
        except (ReadError, ValueError, OSError) as exc:
            errors += 1
            click.secho(f"error    {mask_text(str(src))}: {_safe(exc) if isinstance(exc, ReadError) else exc}",
                        fg="red", file=err)
            continue
        click.echo(f"restored {mask_text(str(src))} -> {mask_text(str(dst))} ({restored} value(s))", file=err)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _restore(text: str, ctx) -> tuple[str, int, int]:
    """``text`` with every token of ``encrypt`` restored, how many were, and how many tokens of
    the types that validate strictly (IDs, phones) did not decrypt to a valid value with this key.

    The second count is the marker that says whether the file was encrypted with this key at all:
    ordinary text that looks like a token (型号 TEL100200) is rare, a wrong key's are all of them.
    """
    from ..redact.strategies import encrypt

    restored = foreign = 0

    def sub(m) -> str:
        nonlocal restored, foreign
        try:
            plain = encrypt.decrypt_token(m.group(1), m.group(2), ctx)
        except ValueError:
            plain = None
        etype = encrypt._TYPES[m.group(1)]
        if plain is None or not encrypt.plausible(etype, plain):
            foreign += etype != "BANK_CARD"  # any 12-25 digits pass as an account: no evidence either way
            return m.group(0)
        restored += 1
        return plain

    return encrypt.TOKEN.sub(sub, text), restored, foreign
