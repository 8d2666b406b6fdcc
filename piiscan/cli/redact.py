"""``piiscan redact`` and ``piiscan restore``: write de-identified copies in the same format.

After writing, every output is scanned again with the same scanner; a file in
which anything is still found is a failed redaction: it is deleted (unless
``--in-place``), reported in red, and the command exits 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..files import iter_files, scan_file_results
from ..finding import ENTITY_TYPES
from ..masking import mask_value
from ..redact import FileReport, KeyMissingError, RedactionError, Redactor, redact_file
from ..redact.keys import ENV_VAR, load_key
from ..redact.strategies import STRATEGIES, normalise
from .limits_option import limit_option
from .scan import parse_types

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
            raise click.BadParameter(f"unknown type {etype}")
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


def _targets(paths: tuple[str, ...], out: Path | None, in_place: bool, include=(), exclude=()):
    """(source, destination) pairs. One folder given: its tree goes straight under ``out``;
    several paths: each keeps its own name under ``out``."""
    out_resolved = out.resolve() if out else None
    single_dir = len(paths) == 1 and Path(paths[0]).is_dir()
    for p in map(Path, paths):
        # Globs match paths relative to the folder given, exactly as for ``scan``.
        for src in iter_files([p], include=include, exclude=exclude):
            if out_resolved and out_resolved in src.resolve().parents:
                continue  # never redact our own output when --out sits inside the input
            if in_place:
                yield src, src
                continue
            assert out is not None
            rel = src.relative_to(p) if p.is_dir() else Path(src.name)
            yield src, (out / rel if single_dir else out / (p.name if p.is_dir() else "") / rel)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder (mirrors the input tree).")
@click.option("--in-place", is_flag=True, help="Overwrite the inputs instead of writing to --out.")
@click.option("--strategy", "-s", default="mask", show_default=True, callback=_parse_strategy,
              metavar="|".join(STRATEGIES),
              help="How to replace values; per type: CN_RESIDENT_ID=encrypt,PERSON_NAME=tag (others mask).")
@click.option("--types", "-t", multiple=True, callback=parse_types, metavar="TYPE[,TYPE]",
              help=f"Only redact these types ({', '.join(ENTITY_TYPES)}).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, help="Redact findings at or above this confidence (default 0.5).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), help=f"Secret key for pseudonymize/encrypt/fake (else ${ENV_VAR}).")
@click.option("--keep", multiple=True, callback=_parse_keep, metavar="TYPE=FIRST,LAST",
              help="mask: characters kept at each end, e.g. CN_RESIDENT_ID=1,1 (repeatable).")
@click.option("--pdf-mode", type=click.Choice(["text", "image"]), default="text", show_default=True,
              help="PDF: 'text' removes glyphs and keeps the rest as text; 'image' rasterises pages (no text kept).")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files matching GLOB.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB.")
@limit_option
def redact(paths, out, in_place, strategy, types, min_confidence, key_file, keep, pdf_mode, include, exclude):
    """Write redacted copies of files, each in its own format, and verify them.

    \b
    Examples:
      piiscan redact samples/ --out redacted/
      piiscan redact notice.pdf --out public/ --strategy tag
      PIISCAN_KEY=... piiscan redact export.csv --out release/ --strategy pseudonymize
    Every output is scanned again; anything still found is a failure (exit 1).
    Exit codes: 0 clean, 1 something left in an output, 2 usage/read error.
    """
    err = sys.stderr
    if bool(out) == bool(in_place):
        raise click.UsageError("give exactly one of --out DIR or --in-place")
    try:
        key = load_key(key_file)
        opts = {"keep": keep} if keep else {}
        redactor = Redactor(strategy, types=types, key=key, min_confidence=min_confidence, **opts)
    except (KeyMissingError, ValueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None

    pairs = list(_targets(paths, out, in_place, include, exclude))
    errors = leaks = total = 0
    for src, dst in pairs:
        try:
            report = redact_file(src, dst, redactor=redactor, in_place=in_place, pdf_mode=pdf_mode)
        except (RedactionError, Exception) as exc:  # noqa: BLE001 - one bad file must not stop the batch
            errors += 1
            click.secho(f"error    {src}: {type(exc).__name__}: {_safe(exc)}", fg="red", file=err)
            continue
        total += report.changes
        left = _rescan(dst, redactor, report)
        if left is None:
            errors += 1
            click.secho(f"error    {dst}: written but could not be read back to verify it", fg="red", file=err)
            if not in_place:
                dst.unlink(missing_ok=True)
                click.secho("           output removed: it was not verified", fg="red", file=err)
            continue
        if left:
            leaks += 1
            click.secho(f"LEAK     {dst}: {len(left)} value(s) still found after redaction:", fg="red", bold=True, file=err)
            for f in left[:10]:
                click.secho(f"           {f.type} {mask_value(f.type, f.value)}", fg="red", file=err)
            if not in_place:
                dst.unlink(missing_ok=True)
                click.secho("           output removed so it cannot be published by mistake", fg="red", file=err)
            continue
        summary = ", ".join(f"{t} {n}" for t, n in sorted(report.by_type.items())) or "nothing found"
        click.echo(f"redacted {src} -> {dst} ({summary})", file=err)
        for note in report.notes:
            click.secho(f"           note: {note}", fg="yellow", file=err)
    click.echo(f"{len(pairs)} file(s), {total} value(s) redacted, {leaks} leak(s), {errors} error(s)", file=err)
    if leaks:
        click.secho("REDACTION FAILED: some outputs still contain personal information (see LEAK above)",
                    fg="red", bold=True, file=err)
        sys.exit(EXIT_LEAK)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _safe(exc: BaseException) -> str:
    """Exception text is ours or a library's; it never carries a found value, but cap its length."""
    return str(exc)[:300]


def _rescan(dst: Path, redactor: Redactor, report: FileReport):
    """Findings left in ``dst`` (fakes the run wrote are expected), or None if any part of it
    (a zip member included) could not be read or was not scanned: unverified is not clean."""
    left = []
    for result in scan_file_results(dst, redactor.scanner):
        if result.error or result.skipped:
            return None
        left += [f for f in result.findings
                 if f.type in redactor.types and normalise(f.type, f.value) not in report.exempt_values]
    return left


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--in-place", is_flag=True, help="Overwrite the inputs.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), help=f"The key used to encrypt (else ${ENV_VAR}).")
def restore(paths, out, in_place, key_file):
    """Decrypt values written by ``redact --strategy encrypt`` (text and CSV files).

    The canonical form of each value comes back (digits only, no separators).
    """
    from ..redact import restore_text
    from ..redact.writers import write_bytes_atomic
    from ..redact.writers.text import decode_exact, encode_exact

    if bool(out) == bool(in_place):
        raise click.UsageError("give exactly one of --out DIR or --in-place")
    try:
        key = load_key(key_file)
        if key is None:
            raise KeyMissingError(f"restore needs the key used to encrypt: --key-file FILE or ${ENV_VAR}")
    except (KeyMissingError, ValueError, OSError) as exc:
        raise click.UsageError(str(exc)) from None
    for src in map(Path, paths):
        if src.suffix.lower() in (".xlsx", ".xlsm", ".docx", ".pdf", ".xls"):
            raise click.UsageError(f"{src}: restore handles text formats (txt, csv, html, json); not {src.suffix}")
        text, bom, enc = decode_exact(src.read_bytes())
        dst = src if in_place else out / src.name
        write_bytes_atomic(dst, encode_exact(restore_text(text, key=key), bom, enc), src)
        click.echo(f"restored {src} -> {dst}", err=True)
