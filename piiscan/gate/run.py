"""The release gate as a function: config, baseline, scan and verdicts, without a command line.

``piiscan check`` is this plus rendering; :func:`piiscan.check` is this for programs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .. import limits
from ..files import available_cores
from .baseline import Baseline
from .config import GateConfig, load_config
from .git import repo_root
from .policy import GateResult, collect, evaluate


class GateUsageError(Exception):
    """Bad configuration, baseline or git state: exit 2 with a one-line reason."""


def jobs_or_cores(jobs: int | None) -> int:
    """``--jobs``, else the cores this process may use (the same default as ``piiscan scan``)."""
    return jobs or available_cores()


def prepare_config(config_path: str | None, root: Path | None, *, types=None, min_confidence=None,
                   include=(), exclude=(), ner: bool | None = None) -> GateConfig:
    """The config file's policy with command-line options on top (the command line wins)."""
    config = load_config(config_path, start=Path.cwd(), stop=root)
    if ner is not None:
        config.ner = ner
    if types:
        config.types = list(types)
    if min_confidence is not None:
        config.min_confidence = min_confidence
    config.include = [*config.include, *include]
    # The baseline holds hex digests, not documents: never scan it.
    config.exclude = [*config.exclude, *exclude, Path(config.baseline).as_posix()]
    return config


def baseline_location(config: GateConfig, root: Path | None) -> Path:
    """Where the repository's baseline lives: relative to the repository root (else the config's folder)."""
    p = Path(config.baseline)
    if p.is_absolute():
        return p
    base = root or (config.source.parent if config.source else Path.cwd())
    return base / p


def run_gate(paths, *, staged: bool, since: str | None, config_path: str | None, baseline_path: str | None,
             no_baseline: bool, types=None, min_confidence=None, include=(), exclude=(), max_file_size=None,
             follow_symlinks: bool = False, jobs: int | None = None,
             profile=None, ner: bool | None = None,
             resolve_limits: Callable[[dict], limits.Limits] | None = None) -> tuple[GateResult, Baseline | None]:
    """The whole gate as a function (``piiscan check`` and :func:`piiscan.check` call it).

    ``resolve_limits`` turns the config's ``[tool.piiscan.limits]`` into the limits in force (the CLI
    adds its ``--limit`` options on top); by default, the config's table over the defaults.
    """
    resolve_limits = resolve_limits or (lambda table: limits.with_values(limits.DEFAULT, table))
    if staged and since:
        raise GateUsageError("--staged and --since cannot be combined")
    root = repo_root(Path.cwd())
    config = prepare_config(config_path, root, types=types, min_confidence=min_confidence,
                            include=include, exclude=exclude, ner=ner)
    if profile is not None:  # --profile wins over [tool.piiscan] profile
        config.profile = profile
    baseline: Baseline | None = None
    if not no_baseline:
        if baseline_path:
            if not Path(baseline_path).is_file():
                raise GateUsageError(f"baseline not found: {baseline_path}")
            baseline = Baseline.load(Path(baseline_path))
        elif baseline_location(config, root).is_file():
            baseline = Baseline.load(baseline_location(config, root))
    if not (staged or since):
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise GateUsageError(f"no such file or folder: {', '.join(missing)}")
    with limits.using(resolve_limits(config.limits)):
        scanned = collect(config, root=root or Path.cwd(), paths=list(paths), staged=staged, since=since,
                          follow_symlinks=follow_symlinks, max_file_size=max_file_size, jobs=jobs_or_cores(jobs))
    return evaluate(scanned, config, baseline, root, ignored=scanned.ignored), baseline
