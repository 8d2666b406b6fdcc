"""The benchmark scripts run from a fresh clone: no seed document beside the repository, peers optional."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, script: str, *args: str) -> str:
    # A copy of benchmarks/ outside the repository: shared/seeds is not beside it,
    # so the built-in filler paragraph is used, as on a fresh clone.
    bench = tmp_path / "benchmarks"
    shutil.copytree(ROOT / "benchmarks", bench, ignore=shutil.ignore_patterns("__pycache__", "data"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, str(bench / script), *args], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_throughput_runs_without_the_seed_document(tmp_path):
    out = _run(tmp_path, "throughput.py", "--mb", "0.2")
    assert "whole scanner (all types)" in out and "floor: one regex pass" in out


def test_compare_runs_without_peers_or_seed(tmp_path):
    out = _run(tmp_path, "compare.py", "--mb", "0.2", "--docs", "20", "--repeat", "1", "--no-scaling")
    from piiscan.entities import registry

    detected = sum(1 for spec in registry.specs() if not spec.report_only)  # every type a detector finds
    assert f"| piiscan | {detected} |" in out
    assert "| piiscan | CN_RESIDENT_ID |" in out


def test_realtext_skips_clearly_without_the_data(tmp_path):
    out = _run(tmp_path, "realtext.py", "--data", str(tmp_path / "nowhere"))
    assert out.startswith("skipped: no real-text data at")
