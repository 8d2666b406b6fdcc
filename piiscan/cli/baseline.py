"""``piiscan baseline``: accept today's findings so the gate fails only on new ones."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..gate.baseline import (KEY_ENV, Baseline, BaselineDowngrade, BaselineError, Hasher, default_key_file,
                             generate_key_file, load_secret)
from ..gate.config import ConfigError
from ..masking import mask_text
from ..gate.git import GitError, repo_root
from ..gate.policy import BASELINED, BLOCKING, WARNING, collect, evaluate
from .. import limits
from ..gate.run import baseline_location, jobs_or_cores, prepare_config
from .limits_option import resolve as resolve_limits
from .scan import EXIT_ERROR, scan_options


@click.group()
def baseline() -> None:
    """Record accepted findings (keyed hashes only, never values)."""


@baseline.command("create")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@scan_options
@click.option("--output", "-o", type=click.Path(dir_okay=False), metavar="FILE",
              help="Where to write (default: .piiscan-baseline.json at the repository root).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE", help="Config file.")
@click.option("--new-salt", is_flag=True, help="Do not reuse the salt of an existing baseline.")
def create(paths, types, min_confidence, include, exclude, max_file_size, follow_symlinks, jobs, output,
           config_path, new_salt):
    """Scan PATH (default: the repository) and record every finding the gate would report.

    \b
    The hash is HMAC-SHA256 keyed by a secret from PIISCAN_BASELINE_KEY or a
    key file (`piiscan baseline keygen`); without one, only a random salt
    stored in the baseline, which does not stop brute force (see docs/ci.md).
    """
    try:
        root = repo_root(Path.cwd())
        config = prepare_config(config_path, root, types=types, min_confidence=min_confidence,
                                include=include, exclude=exclude)
        target = Path(output) if output else baseline_location(config, root)
        secret = load_secret()
        if target.is_file() and not new_salt:
            # Same salt (and key) as before: unchanged findings keep their hashes, so the diff shows
            # only real changes. A baseline made with a key we do not have is an error, not a silent
            # downgrade to salt-only: --new-salt starts over deliberately.
            try:
                hasher = Baseline.load(target, secret).hasher
            except BaselineDowngrade as exc:
                # A salt-only baseline, now recreated with the key: the upgrade the error asked for.
                hasher = Hasher(exc.salt, secret)
            if hasher.secret != secret:
                hasher = Hasher(hasher.salt, secret)
        else:
            hasher = Hasher.new(secret)
        with limits.using(resolve_limits(config.limits)):
            scanned = collect(config, root=root or Path.cwd(), paths=list(paths) or ["."],
                              follow_symlinks=follow_symlinks, max_file_size=max_file_size, jobs=jobs_or_cores(jobs))
        result = evaluate(scanned, config, None, root)
    except (ConfigError, BaselineError, GitError) as exc:
        click.echo(f"piiscan baseline: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    accepted = [v.finding for v in result.verdicts if v.status in (BLOCKING, WARNING, BASELINED)]
    b = Baseline.from_findings(accepted, hasher)
    try:
        b.save(target)
    except OSError as exc:
        click.echo(f"piiscan baseline: error: cannot write {target}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    files = len({f.path for f in accepted})
    click.echo(f"wrote {target}: {len(accepted)} finding(s) in {files} file(s); hash mode {hasher.mode}", err=True)
    if hasher.secret is None:
        click.echo(
            f"warning: no secret key ({KEY_ENV} or {default_key_file()}). The salt is stored in the baseline, so anyone "
            "who can read it can brute-force IDs and phone numbers from the hashes. Run `piiscan baseline keygen` "
            "and share the key as a CI secret.", err=True)
    for r in result.errors:
        click.echo(f"error {mask_text(r.path)}: {r.error}", err=True)
    for r in result.unread:
        click.echo(f"not read {mask_text(r.path)}: {'; '.join(r.unread)}", err=True)
    if not result.accept_unsupported:
        for r in result.unchecked:
            click.echo(f"not checked {mask_text(r.path)}: {r.skipped}", err=True)
    sys.exit(EXIT_ERROR if result.incomplete else 0)


@baseline.command("keygen")
@click.option("--key-file", type=click.Path(dir_okay=False), help=f"Where to write (default: {default_key_file()}).")
def keygen(key_file):
    """Create a random secret for baseline hashes, readable by you only.

    Give the same secret to CI as the PIISCAN_BASELINE_KEY secret (the file's content).
    """
    try:
        path = generate_key_file(Path(key_file) if key_file else None)
    except BaselineError as exc:
        click.echo(f"piiscan baseline: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"wrote {path}; store its content as the CI secret {KEY_ENV}. Do not commit it.", err=True)
