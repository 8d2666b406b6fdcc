"""The ``piiscan`` command. Each subcommand lives in its own module; this one only composes them."""
from __future__ import annotations

import importlib
import os

import click

from .._version import __version__

#: Exit codes scripts can trust.
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2

_SUBCOMMANDS = (
    ("scan", "scan"),
    ("check", "check"),
    ("baseline", "baseline"),
    ("redact", "redact"),
    ("redact", "restore"),
    ("audit", "audit"),
    ("serve", "serve"),
    ("types", "types"),
)


class _Main(click.Group):
    """The command group, with one more promise: a crash exits 2, never 1.

    Python exits 1 on an uncaught exception, which scripts and CI gates would
    read as "personal information found". The message names the exception's
    type only: its text may quote the document being read.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PIISCAN_DEBUG"):
                raise
            click.echo(f"piiscan: internal error ({type(exc).__name__}); "
                       "rerun with PIISCAN_DEBUG=1 to see the traceback", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="piiscan")
def main() -> None:
    """Find and mask Chinese personal information in documents.

    \b
    Exit codes: 0 nothing found, 1 personal information found,
                2 usage error or a file that could not be read.
    """


for _module, _name in _SUBCOMMANDS:
    main.add_command(getattr(importlib.import_module(f"{__name__}.{_module}"), _name))
