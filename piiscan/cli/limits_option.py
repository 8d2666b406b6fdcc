"""``--limit NAME=VALUE``: the reader limits of :mod:`piiscan.limits` from the command line.

The option takes effect while its command runs (and in its worker
processes, which receive the limits in force): the config file's
``[tool.piiscan.limits]`` first, the command line on top. ``piiscan check``
and ``baseline create`` apply their own config file's table
(:func:`apply`), since ``--config`` may name another file than the one
discovered.
"""
from __future__ import annotations

from typing import Any

import click

from .. import limits

_META = "piiscan.limits.cli"


def _callback(ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> None:
    try:
        specs = [limits.parse_assignment(v) for v in values]
    except limits.LimitSpecError as exc:
        raise click.BadParameter(str(exc)) from None
    ctx.meta[_META] = specs
    before = limits.current()
    ctx.call_on_close(lambda: limits.configure(before))
    from ..gate.config import ConfigError, discovered_limits

    try:
        config = discovered_limits()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    apply(config, ctx)


def apply(config_limits: dict[str, Any], ctx: click.Context | None = None) -> limits.Limits:
    """Configure this process with ``config_limits`` and then the ``--limit`` options of ``ctx``."""
    chosen = resolve(config_limits, ctx)
    limits.configure(chosen)
    return chosen


def resolve(config_limits: dict[str, Any], ctx: click.Context | None = None) -> limits.Limits:
    """The defaults, then ``config_limits``, then the ``--limit`` options of the running command (if any)."""
    ctx = ctx or click.get_current_context(silent=True)
    specs = ctx.meta.get(_META, []) if ctx is not None else []
    return limits.with_values(limits.with_values(limits.DEFAULT, config_limits), specs)


limit_option = click.option(
    "--limit", "limit_specs", multiple=True, metavar="NAME=VALUE", expose_value=False, callback=_callback,
    help=f"Raise or lower a reader limit, e.g. part_bytes=512M, pages=20000 (repeatable; "
         f"names: {', '.join(limits.Limits.names())}). Also [tool.piiscan.limits].")
