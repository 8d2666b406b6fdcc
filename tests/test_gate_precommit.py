"""The pre-commit hook, run by pre-commit itself (``try-repo``), offline.

The ``piiscan-system`` hook is exercised: pre-commit runs ``piiscan check``
from PATH with the file names its ``files:`` regex selects. A shim named
``piiscan`` runs this checkout's CLI with this interpreter.

The ``piiscan`` hook (``language: python``) makes pre-commit build a
virtualenv and pip-install piiscan with all its dependencies (pandas,
pikepdf, pdfplumber, ...), which needs a package index. It runs only when
``PIISCAN_WHEELHOUSE`` names a folder of wheels for piiscan and every
dependency (see docs/ci.md), with ``PIP_NO_INDEX=1``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gate_helpers import git, make_repo, notice_csv, notice_rows

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")

PROJECT = Path(__file__).resolve().parents[1]

SHIM = """#!{python}
import sys
sys.path.insert(0, {project!r})
from piiscan.cli import main
from piiscan.cli.check import check
from piiscan.cli.baseline import baseline
# Until cli/__init__.py registers them, add the gate commands here.
for cmd in (check, baseline):
    if cmd.name not in main.commands:
        main.add_command(cmd)
main()
"""


def hook_repo(tmp_path: Path) -> Path:
    """A git repository holding only the project's .pre-commit-hooks.yaml, as try-repo needs a repo."""
    repo = tmp_path / "hooks"
    repo.mkdir()
    shutil.copy(PROJECT / ".pre-commit-hooks.yaml", repo / ".pre-commit-hooks.yaml")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "add", ".pre-commit-hooks.yaml")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo


def try_repo(repo: Path, hooks: Path, hook_id: str, env: dict, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), hook_id, "--verbose",
         *(["--files", *files] if files else [])],
        cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "piiscan"
    shim.write_text(SHIM.format(python=sys.executable, project=str(PROJECT)))
    shim.chmod(0o755)
    e = {k: v for k, v in os.environ.items() if not k.startswith(("PIISCAN_", "PRE_COMMIT", "GIT_"))}
    e.update(PATH=f"{bin_dir}{os.pathsep}{e.get('PATH', '')}", PRE_COMMIT_HOME=str(tmp_path / "pc-cache"),
             XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    return e


def test_system_hook_blocks_unredacted_csv_and_passes_masked(tmp_path, rng, env):
    hooks = hook_repo(tmp_path)
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    (repo / "notice.csv").write_text(notice_csv(rows), encoding="utf-8")
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # not selected by files:
    git(repo, "add", "notice.csv", "logo.png")
    res = try_repo(repo, hooks, "piiscan-system", env)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "BLOCKED" in res.stdout and "notice.csv" in res.stdout
    assert "logo.png" not in res.stdout
    assert not any(rid in res.stdout or phone in res.stdout for _, rid, phone in rows)

    (repo / "notice.csv").write_text(notice_csv(rows, masked=True), encoding="utf-8")
    git(repo, "add", "notice.csv")
    res = try_repo(repo, hooks, "piiscan-system", env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Passed" in res.stdout


def test_system_hook_honours_piiscanignore(tmp_path, rng, env):
    # The hook passes file names; a fixture the project ignores must pass as `piiscan check .` does.
    hooks = hook_repo(tmp_path)
    repo = make_repo(tmp_path)
    (repo / "tests" / "fixtures").mkdir(parents=True)
    (repo / "tests" / ".piiscanignore").write_text("fixtures/\n", encoding="utf-8")
    (repo / "tests" / "fixtures" / "ids.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    git(repo, "add", "tests")
    res = try_repo(repo, hooks, "piiscan-system", env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 ignored by .piiscanignore" in res.stdout

    (repo / "notice.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    git(repo, "add", "notice.csv")
    res = try_repo(repo, hooks, "piiscan-system", env)
    assert res.returncode == 1 and "notice.csv" in res.stdout and "fixtures" not in res.stdout


@pytest.mark.skipif(not os.environ.get("PIISCAN_WHEELHOUSE"),
                    reason="the language: python hook pip-installs piiscan and its dependencies; "
                           "offline that needs PIISCAN_WHEELHOUSE (a wheel folder, see docs/ci.md)")
def test_python_hook_from_wheelhouse(tmp_path, rng, env):
    # try-repo installs from the hook repository, so it must hold the whole project.
    hooks = tmp_path / "project"
    shutil.copytree(PROJECT, hooks, ignore=shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info"))
    git(hooks, "init", "-q")
    git(hooks, "add", "-A")
    git(hooks, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "snapshot")
    env = dict(env, PIP_NO_INDEX="1", PIP_FIND_LINKS=os.environ["PIISCAN_WHEELHOUSE"])
    repo = make_repo(tmp_path)
    (repo / "notice.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    git(repo, "add", "notice.csv")
    res = try_repo(repo, hooks, "piiscan", env)
    assert res.returncode == 1, res.stdout + res.stderr
