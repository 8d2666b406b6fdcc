"""Regression tests for the gate review: skip overrides, atomic writes, unknown keys,
allowlist spellings, markup in the table, marker reading, glob rules, core count."""
from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.gate import policy as policy_mod
from piiscan.gate.baseline import Baseline, Hasher
from piiscan.gate.config import ConfigError, GateConfig, load_config

from gate_helpers import git, make_repo, run


@pytest.fixture(autouse=True)
def isolated_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("PIISCAN_BASELINE_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


def _spy_scans(monkeypatch) -> list[str]:
    """Record every file the gate hands to the scanner."""
    seen: list[str] = []
    real = policy_mod.scan_results

    def spy(paths, *args, **kwargs):
        paths = list(paths)
        seen.extend(Path(p).as_posix() for p in paths)
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(policy_mod, "scan_results", spy)
    return seen


# 5. rich markup in headers and file names ------------------------------------------------

def test_table_shows_markup_like_headers_and_file_names_verbatim(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    phones = [synth.mobile_number(rng) for _ in range(3)]
    (repo / "roster.csv").write_text("姓名,电话[/x]\n" + "".join(f"用户{i},{p}\n" for i, p in enumerate(phones)),
                                     encoding="utf-8")
    (repo / "名单[bold].txt").write_text(f"身份证号：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 1, res.output
    assert "电话[/x]" in res.stdout
    assert "名单[bold].txt" in res.stdout
    assert not any(p in res.stdout for p in phones)


# 8. one core-count helper -----------------------------------------------------------------

def test_check_uses_scans_core_count(monkeypatch):
    from piiscan.cli import check as check_mod
    from piiscan.cli import scan as scan_mod

    assert check_mod._cores is scan_mod._cores
    monkeypatch.setattr(check_mod, "_cores", lambda: 3)
    assert check_mod._jobs(None) == 3 and check_mod._jobs(2) == 2
