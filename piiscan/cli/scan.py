"""``piiscan scan``: report personal information in files and folders."""
from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Iterable, Iterator

import click

from ..files import FileResult, available_cores, iter_files, scan_results
from ..finding import ENTITY_TYPES, LABELS, Finding
from ..masking import mask_location, mask_text, mask_value
from ..scanner import Scanner

from . import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND
from .limits_option import limit_option


def parse_types(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> list[str] | None:
    if not value:
        return None
    types = [t.strip().upper() for v in value for t in v.split(",") if t.strip()]
    unknown = sorted(set(types) - set(ENTITY_TYPES))
    if unknown:
        raise click.BadParameter(f"unknown type(s) {', '.join(unknown)}; choose from {', '.join(ENTITY_TYPES)}")
    return types


class TypesOption(click.Option):
    """``--types``, whose help lists the types registered when it is shown (plugins' too)."""

    def get_help_record(self, ctx: click.Context):
        self.help = self.help_template.format(types=", ".join(ENTITY_TYPES))
        return super().get_help_record(ctx)

    def __init__(self, *args, help_template: str = "Only these types ({types}).", **kwargs):
        self.help_template = help_template
        super().__init__(*args, help=help_template, **kwargs)


def types_option(help_template: str = "Only these types ({types}); `piiscan types` lists them."):
    return click.option("--types", "-t", multiple=True, callback=parse_types, metavar="TYPE[,TYPE]",
                        cls=TypesOption, help_template=help_template)


def parse_size(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    v = value.strip().lower().rstrip("b")
    try:
        return int(float(v[:-1]) * units[v[-1]]) if v and v[-1] in units else int(v)
    except (ValueError, IndexError):
        raise click.BadParameter(f"{value!r} is not a size (e.g. 500k, 20M, 1G)") from None


def load_profile_option(_ctx: click.Context, _param: click.Parameter, value: str | None):
    """``--profile NAME|FILE``: a bundled disclosure profile or a profile file (see docs/profiles.md)."""
    if value is None:
        return None
    from ..profiles import ProfileError, load_profile

    try:
        return load_profile(value)
    except ProfileError as exc:
        raise click.BadParameter(str(exc)) from None


def profile_option(f):
    return click.option("--profile", callback=load_profile_option, metavar="NAME|FILE",
                        help="Judge findings by a disclosure profile (student-aid, court-judgment, subsidy-notice, "
                             "low-income, housing, default, or a .toml file): only violations are reported, "
                             "each with its rule and source.")(f)

def _set_ocr(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    """Apply --ocr/--no-ocr for this command (and its worker processes); restored when it ends."""
    if value is None:
        return
    from .. import ocr

    if value and not ocr.available():
        raise click.UsageError(f"--ocr: {ocr.unavailable_reason() or 'OCR is not available'}")
    before = ocr.enabled()
    ocr.set_enabled(value)
    ctx.call_on_close(lambda: ocr.set_enabled(before))


def ocr_option(f):
    """``--ocr/--no-ocr``: read images (scans, photos) with OCR; default: when the extra is installed."""
    return click.option("--ocr/--no-ocr", default=None, expose_value=False, callback=_set_ocr,
                        help='Read images and scanned pages with OCR (default: on when "piiscan-cn[ocr]" is '
                             "installed; off: images count as not read, exit 2).")(f)


def scan_options(f):
    """Options shared by commands that scan (scan, check, …)."""
    for opt in reversed([
        types_option(),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Drop findings below this confidence (default 0.5)."),
        click.option("--include", multiple=True, metavar="GLOB", help="Only scan files matching GLOB (repeatable)."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (repeatable)."),
        click.option("--max-file-size", callback=parse_size, metavar="SIZE",
                     help="Skip files larger than SIZE (e.g. 50M)."),
        click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links while walking folders."),
        click.option("--jobs", "-j", type=click.IntRange(1), default=None,
                     help="Parallel worker processes (default: number of cores)."),
        limit_option,
    ]):
        f = opt(f)
    return f


def ner_option(f):
    """``--ner/--no-ner``: the learned name stage (default: used when the ``ner`` extra is installed)."""
    return click.option("--ner/--no-ner", default=None,
                        help='The learned name stage for prose (default: on when "piiscan-cn[ner]" is installed).')(f)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@scan_options
@ocr_option
@ner_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "sarif", "html"]), default="table",
              show_default=True, help="Output format; sarif and html are the reports `piiscan check` writes "
                                      "(always masked).")
@click.option("--show-values", is_flag=True, help="Print found values in full. Default: masked.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Scan with local processes or on a Dask cluster (pip install \"piiscan-cn[dask]\").")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --engine dask); paths must be readable on every worker.")
@profile_option
def scan(paths, types, min_confidence, include, exclude, max_file_size, follow_symlinks, jobs, ner, fmt, show_values,
         progress, engine, scheduler, profile):
    """Scan files and folders for personal information.

    \b
    Examples:
      piiscan scan notice.txt
      piiscan scan exports/ --format jsonl --types CN_RESIDENT_ID,CN_MOBILE
    Values are masked in every format unless --show-values is given.
    """
    if fmt in ("sarif", "html") and show_values:
        raise click.UsageError(f"--show-values: a {fmt} report is always masked")
    scanner = _scanner(profile=profile, types=types, min_confidence=min_confidence, ner=ner)
    files = list(iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks))
    out = sys.stdout
    # JSON and JSONL are written file by file as results come in, each result
    # dropped once written, and a big text or CSV file's findings as they are
    # found: a scan of millions of files, or of one huge export, holds one
    # batch of findings at a time, and a pipe sees output from the start. Not
    # under a live progress bar on the same terminal, which would mangle it.
    streaming = fmt in ("json", "jsonl") and not (out.isatty() and (sys.stderr.isatty() if progress is None else progress))
    if scheduler or engine == "dask":
        results = _scan_on_dask(files, scanner, scheduler, jobs, max_file_size, progress)
    else:
        results = scan_results(files, scanner, max_file_size=max_file_size, jobs=jobs or available_cores(),
                               stream_big=streaming)
        results = _with_progress(results, files, progress)
    if profile is not None:
        from ..profiles import ProfileJudge

        results = ProfileJudge(profile, types).results(results)  # violations only, each with its rule and source
    if fmt in ("sarif", "html"):  # the reports piiscan check writes, from one interface
        from .. import report

        result = report.from_results(results)
        out.write(report.render(result, fmt, hasher=report.fingerprint_hasher(), title="piiscan scan"))
        sys.exit(result.exit_code)
    if not streaming:
        results = list(results)
    tally = _Tally(show_values)
    if fmt == "table":
        _print_table(results, show_values, tally)
    elif fmt == "json":
        for piece in _json_pieces(results, tally, show_values):
            out.write(piece)
    else:
        for r in results:
            for line in _jsonl_lines(r, tally, show_values):
                out.write(line + "\n")
    sys.exit(tally.exit_code())


def _scanner(profile=None, **kwargs) -> Scanner:
    """A scanner (a profile's, when one is given), or exit 2 with the reason when ``--ner`` asks for a
    stage that is not installed."""
    from ..ner import NotInstalled

    try:
        if profile is not None:
            from ..profiles import scanner_for

            return scanner_for(profile, **kwargs)
        return Scanner(**kwargs)
    except NotInstalled as exc:
        click.echo(f"piiscan: error: {exc}", err=True)
        sys.exit(2)


def _scan_on_dask(files, scanner, scheduler, jobs, max_file_size, progress) -> Iterator[FileResult]:
    """Results from the cluster as they come; connecting (and failing to) happens before the first is asked for."""
    try:
        from distributed import Client

        from .. import dask as pdask
    except ImportError:
        raise click.UsageError('--engine dask needs Dask: pip install "piiscan-cn[dask]"') from None
    client = Client(scheduler) if scheduler else pdask.local_client(n_workers=jobs or available_cores())

    def results() -> Iterator[FileResult]:
        try:
            yield from _with_progress(pdask.scan_results(files, client, scanner, max_file_size=max_file_size),
                                      files, progress)
        finally:
            client.close()

    return results()


def _with_progress(results: Iterable[FileResult], files: list, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        yield from results
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    total = sum(f.stat().st_size for f in files if f.is_file())
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), DownloadColumn(),
                  TextColumn("{task.fields[files]} files"), TimeRemainingColumn(), transient=True,
                  console=_stderr_console()) as bar:
        task = bar.add_task("scanning", total=total, files=0)
        n = 0
        for r in results:
            # Zip members come as extra results sized after inflation: the bar counts files on disk.
            if "!" not in r.path:
                n += 1
                bar.update(task, advance=r.size, files=n)
            yield r


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


class _Tally:
    """What the summary, the lists after the findings and the exit code need, kept as results stream past."""

    def __init__(self, show_values: bool = False) -> None:
        self.show_values = show_values
        self.files = self.files_with_findings = 0
        self.by_type: Counter[str] = Counter()
        self.errors: list[dict] = []
        self.skipped: list[dict] = []
        self.notes: list[dict] = []
        self.unread: list[dict] = []

    def findings(self, r: FileResult) -> Iterator[Finding]:
        """``r``'s findings, counted as they are read; then its error, skip and notes.

        A big file's findings come from an iterator that can be read only
        once, and its error is known only after it, so both happen here.
        """
        count = 0
        for f in r.findings:
            self.by_type[f.type] += 1
            count += 1
            yield f
        self.files += 1
        self.files_with_findings += bool(count)
        path = self.path(r)
        if r.error:
            self.errors.append({"path": path, "error": r.error})
        if r.skipped:
            self.skipped.append({"path": path, "reason": r.skipped})
        self.notes.extend({"path": path, "note": n} for n in r.notes)
        self.unread.extend({"path": path, "unread": u} for u in r.unread)

    def path(self, r: FileResult) -> str:
        """``r``'s path as shown: a file named after a phone is masked like the phone, unless --show-values."""
        return r.path if self.show_values else mask_text(r.path)

    def summary(self) -> dict:
        return {
            "files": self.files,
            "files_with_findings": self.files_with_findings,
            "findings": sum(self.by_type.values()),
            "by_type": dict(sorted(self.by_type.items())),
            "errors": len(self.errors),
            "unread": len(self.unread),
            "skipped": len(self.skipped),
        }

    def exit_code(self) -> int:
        if self.errors or self.unread:
            return EXIT_ERROR
        return EXIT_FOUND if self.files_with_findings else EXIT_CLEAN


def _json_pieces(results: Iterable[FileResult], tally: _Tally, show_values: bool) -> Iterable[str]:
    """The text of ``json.dumps(document, indent=2)``, the findings written as the results arrive.

    The document is ``{"findings": […], "errors": […], "unread": […], "skipped": […],
    "notes": […], "summary": {…}}``; everything after the findings comes from
    ``tally``, which has seen every result once the findings are written.
    """
    def indented(obj: object) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n  ")

    yield '{\n  "findings": ['
    first = True
    for r in results:
        for f in tally.findings(r):
            yield ("\n    " if first else ",\n    ") + indented(f.to_dict(show_value=show_values)).replace("\n", "\n  ")
            first = False
    yield "]" if first else "\n  ]"
    for key, value in (("errors", tally.errors), ("unread", tally.unread), ("skipped", tally.skipped),
                       ("notes", tally.notes), ("summary", tally.summary())):
        yield f',\n  "{key}": ' + indented(value)
    yield "\n}\n"


def _jsonl_lines(r: FileResult, tally: _Tally, show_values: bool) -> Iterable[str]:
    for f in tally.findings(r):
        yield json.dumps(f.to_dict(show_value=show_values), ensure_ascii=False)
    path = tally.path(r)
    if r.error:
        yield json.dumps({"path": path, "error": r.error}, ensure_ascii=False)
    if r.skipped:
        yield json.dumps({"path": path, "skipped": r.skipped}, ensure_ascii=False)
    for u in r.unread:
        yield json.dumps({"path": path, "unread": u}, ensure_ascii=False)
    for n in r.notes:
        yield json.dumps({"path": path, "note": n}, ensure_ascii=False)


def where(f) -> str:
    """``path:line:col`` for text, ``path [sheet] p.N row R 列`` for documents and tables."""
    head = f.path or "<text>"
    if f.line is not None:
        head += f":{f.line}:{f.column}"
    return " ".join([head] + f.place(sheet="[{}]", page="p.{}", column="{}"))


def _print_table(results: list[FileResult], show_values: bool, tally: _Tally) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    # Piped output is read by people in a pager or a CI log: do not fold it at 80 columns.
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
    findings = [f for r in results for f in tally.findings(r)]
    if findings:
        table = Table(show_lines=False, header_style="bold")
        for col in ("location", "type", "value", "conf", "detector"):
            table.add_column(col, overflow="fold")
        for f in findings:
            value = f.value if show_values else mask_value(f.type, f.value)
            f = f if show_values else mask_location(f)
            # Paths, headers and sheet names come from the documents: never markup.
            # Under --profile the rule broken says more than the detector that found the value.
            why = f"rule {f.violation.rule}" if getattr(f, "violation", None) is not None else f.detector
            table.add_row(Text(where(f)), f"{f.type} {LABELS.get(f.type, '')}", Text(value), f"{f.confidence:.2f}", why)
        console.print(table)
    err = Console(stderr=True, soft_wrap=True)
    for r in results:
        path = escape(tally.path(r))
        if r.error:
            err.print(f"[red]error[/red] {path}: {escape(r.error)}", markup=True, highlight=False)
        elif r.skipped:
            err.print(f"[yellow]skipped[/yellow] {path}: {escape(r.skipped)}", markup=True, highlight=False)
        for u in r.unread:
            err.print(f"[red]not read[/red] {path}: {escape(u)}", markup=True, highlight=False)
        for n in r.notes:
            err.print(f"[yellow]note[/yellow] {path}: {escape(n)}", markup=True, highlight=False)
    s = tally.summary()
    by_type = ", ".join(f"{k} {v}" for k, v in s["by_type"].items()) or "none"
    err.print(
        f"{s['findings']} finding(s) in {s['files_with_findings']} of {s['files']} file(s) [{by_type}]"
        + (f"; {s['errors']} error(s)" if s["errors"] else "")
        + (f"; {s['unread']} file(s) read only in part" if s["unread"] else "")
        + (f"; {s['skipped']} skipped" if s["skipped"] else ""),
        markup=False, highlight=False,
    )
