"""``piiscan audit``: what published documents still give away, and the rectification report.

Under a disclosure profile (``--profile``; else the ``profile`` of
``[tool.piiscan]``, else ``default``): every violation of its rules with the
rule's source, masked values that show too much, masked forms of one value in
several files that join into more than the rule allows, and tables whose
quasi-identifiers leave groups smaller than k.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..atomic import write_text_atomic
from . import EXIT_ERROR
from .scan import load_profile_option, parse_size


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--profile", callback=load_profile_option, metavar="NAME|FILE",
              help="Disclosure profile (default: [tool.piiscan] profile, else 'default').")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table", show_default=True,
              help="table: a few lines per file; json and html: the full rectification report (整改报告).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE (atomically).")
@click.option("--k", "threshold", type=click.IntRange(2), default=None,
              help="Smallest group size wanted for quasi-identifiers (default: the profile's, 5).")
@click.option("--include", multiple=True, metavar="GLOB", help="Only files matching GLOB (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching GLOB (repeatable).")
@click.option("--max-file-size", callback=parse_size, metavar="SIZE", help="Skip files larger than SIZE (e.g. 50M).")
@click.option("--jobs", "-j", type=click.IntRange(1), default=1, show_default=True, help="Parallel scan processes.")
def audit(paths, profile, fmt, output, threshold, include, exclude, max_file_size, jobs):
    """Audit published documents: profile violations, under-masked values, joinable fragments, small groups.

    \b
    Examples:
      piiscan audit --profile subsidy-notice site-dump/
      piiscan audit --profile student-aid notices/ --format html -o 整改报告.html
    Exit codes: 0 nothing to rectify, 1 something to rectify, 2 a file could not be checked in full.
    Values are masked; joinable fragments are reported by place and count, never by content.
    """
    from ..audit import audit_paths
    from ..audit.report import render

    if profile is None:
        profile = _configured_profile()
    report = audit_paths(list(paths), profile, threshold=threshold, include=include, exclude=exclude,
                         max_file_size=max_file_size, jobs=jobs)
    text = render(report, fmt)
    if output:
        try:
            write_text_atomic(output, text)
        except OSError as exc:
            click.echo(f"piiscan audit: error: cannot write {output}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
        click.echo(render(report, "table") if fmt != "table" else text, err=True, nl=False)
    else:
        click.echo(text, nl=False)
    sys.exit(report.exit_code)


def _configured_profile():
    """``profile`` from [tool.piiscan] / .piiscan.toml found from here, or None (→ default)."""
    from ..gate.config import ConfigError, load_config

    try:
        return load_config(start=Path.cwd()).profile
    except ConfigError as exc:
        click.echo(f"piiscan audit: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
