"""``piiscan check``: the release gate. Exit 0 nothing blocks, 1 something blocks, 2 errors."""
from __future__ import annotations

import sys
from collections import Counter

import click

from ..finding import LABELS
from .. import report as report_mod
from ..atomic import write_text_atomic
from ..gate.baseline import BaselineError, Hasher
from ..gate.config import ConfigError
from ..gate.git import GitError
from ..gate.run import GateUsageError, baseline_location, prepare_config, run_gate  # noqa: F401 - re-exported
from ..gate.policy import BLOCKING, WARNING, GateResult
from ..masking import mask_location, mask_text, mask_value
from ..ner import NotInstalled
from .limits_option import resolve as resolve_limits
from .scan import EXIT_ERROR, ner_option, ocr_option, profile_option, scan_options, where

FORMATS = ["table", "json", "jsonl", "sarif", "html"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@scan_options
@ocr_option
@ner_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Report format. The summary always goes to stderr.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Accept the findings recorded in FILE (default: .piiscan-baseline.json at the repository root, if present).")
@click.option("--no-baseline", is_flag=True, help="Ignore any baseline: report every finding.")
@click.option("--staged", is_flag=True, help="Check what is staged for commit, read from the git index.")
@click.option("--since", metavar="REF", help="Check files this branch changed since REF (merge base), read from HEAD.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Config file (.piiscan.toml or pyproject.toml); default: discovered upwards from here.")
@profile_option
def check(paths, types, min_confidence, include, exclude, max_file_size, follow_symlinks, jobs, ner, fmt, output,
          baseline_path, no_baseline, staged, since, config_path, profile):
    """Fail when files hold personal information that policy says must not ship.

    \b
    Exit codes: 0 nothing blocks, 1 something blocks, 2 error (bad config,
                unreadable file, git failure): the gate could not vouch.
    \b
    Examples:
      piiscan check docs/ exports/
      piiscan check --staged                       # in a pre-commit hook
      piiscan check --since origin/main --format sarif -o piiscan.sarif
    Values are masked in every format.
    """
    try:
        result, baseline = run_gate(
            paths or (["."] if not (staged or since) else []), staged=staged, since=since, config_path=config_path,
            baseline_path=baseline_path, no_baseline=no_baseline, types=types, min_confidence=min_confidence,
            include=include, exclude=exclude, max_file_size=max_file_size, follow_symlinks=follow_symlinks,
            jobs=jobs, profile=profile, ner=ner, resolve_limits=resolve_limits)
    except (GateUsageError, ConfigError, BaselineError, GitError, NotInstalled) as exc:
        click.echo(f"piiscan check: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    report = render(result, fmt, hasher=report_mod.fingerprint_hasher(baseline))
    if output:
        # Atomic: a CI step uploading the SARIF never sees half a report.
        try:
            write_text_atomic(output, report)
        except OSError as exc:
            click.echo(f"piiscan check: error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
    elif report:
        click.echo(report, nl=not report.endswith("\n"))
    print_summary(result)
    sys.exit(result.exit_code)


def render(result: GateResult, fmt: str, *, hasher: Hasher | None = None) -> str:
    """The report in ``fmt``; always masked. ``table`` is for terminals; the rest: :func:`piiscan.report.render`."""
    if fmt == "table":
        return _table(result)
    return report_mod.render(result, fmt, hasher=hasher)


def _table(result: GateResult) -> str:
    shown = result.with_status(BLOCKING, WARNING)
    if not shown:
        return ""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = StringIO()
    console = Console(file=buf, soft_wrap=False, width=200, color_system=None)
    table = Table(header_style="bold")
    for col in ("status", "location", "type", "value", "conf"):
        table.add_column(col, overflow="fold")
    for v in shown:
        f = v.finding
        # Paths, sheet names and column headers come from the documents: Text, never markup
        # (a header "电话[/x]" would raise MarkupError, a file "名单[bold].txt" would lose its name).
        table.add_row(Text(v.status), Text(where(mask_location(f))), Text(f"{f.type} {LABELS.get(f.type, '')}"),
                      Text(mask_value(f.type, f.value)), Text(f"{f.confidence:.2f}"))
    console.print(table)
    return buf.getvalue()


def print_summary(result: GateResult, max_files: int = 20) -> None:
    """A few lines on stderr: the verdict, counts by type and by file. Masked, no values at all."""
    c = result.counts()
    echo = lambda s="": click.echo(s, err=True)  # noqa: E731
    by_type = ", ".join(f"{t} {n}" for t, n in c["blocking_by_type"].items())
    if c["errors"]:
        echo(f"piiscan check: ERROR — {c['errors']} file(s) could not be checked")
        for r in result.errors[:max_files]:
            echo(f"  {mask_text(r.path)}: {r.error}")
    if c["unread"]:
        echo(f"piiscan check: INCOMPLETE — {c['unread']} file(s) could be read only in part")
        for r in result.unread[:max_files]:
            echo(f"  {mask_text(r.path)}: {'; '.join(r.unread)}")
    unchecked = c["unchecked"] and not result.accept_unsupported
    if unchecked:
        echo(f"piiscan check: NOT CHECKED — {c['unchecked']} file(s) in formats piiscan cannot read")
        for r in result.unchecked[:max_files]:
            echo(f"  {mask_text(r.path)}: {r.skipped}")
        echo("Convert them to a format piiscan reads, exclude them, or set accept-unsupported = true "
             "in [tool.piiscan] to let them pass unread.")
    if c["blocking"]:
        echo(f"piiscan check: BLOCKED — {c['blocking']} finding(s) in {len(c['blocking_by_file'])} file(s) [{by_type}]")
        for i, (path, n) in enumerate(sorted(c["blocking_by_file"].items(), key=lambda kv: (-kv[1], kv[0]))):
            if i == max_files:
                echo(f"  … and {len(c['blocking_by_file']) - max_files} more file(s)")
                break
            echo(f"  {path}: {n}")
        rules = Counter(v.finding.violation.rule for v in result.with_status(BLOCKING)
                        if getattr(v.finding, "violation", None) is not None)
        for rule, n in rules.most_common():
            echo(f"  rule {rule}: {n}")
        echo("Mask or remove them; allowlist values public by design in [tool.piiscan.allow]; "
             "accept existing ones with `piiscan baseline create`"
             + ("; apply the profile with `piiscan redact --profile`." if rules else "."))
    elif not c["errors"] and not c["unread"] and not unchecked:
        echo(f"piiscan check: passed — {c['files']} file(s), nothing blocks")
    if result.baseline is not None:
        echo(f"  baseline {result.baseline.get('path')}: hash mode {result.baseline['mode']}")
    extra = [f"{c[k]} {k}" for k in ("warnings", "baselined", "allowed", "skipped") if c[k]]
    if c["unchecked"] and result.accept_unsupported:
        extra.append(f"{c['unchecked']} unread (accept-unsupported)")
    if c["ignored"]:
        extra.append(f"{c['ignored']} ignored by .piiscanignore")
    if extra:
        echo("  (" + ", ".join(extra) + ")")


if __name__ == "__main__":  # pragma: no cover
    check()
