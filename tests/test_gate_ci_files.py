"""action.yml and .pre-commit-hooks.yaml: well-formed, and the action's check step really runs."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gate_helpers import make_repo, notice_csv, notice_rows

yaml = pytest.importorskip("yaml", reason="PyYAML reads the CI files")
PROJECT = Path(__file__).resolve().parents[1]


def action() -> dict:
    return yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_and_uploads_sarif():
    a = action()
    assert a["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in a["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for step in a["runs"]["steps"]:
        # Inputs reach scripts through env only: "${{ inputs.x }}" inside run: is script injection.
        assert "${{" not in step.get("run", ""), step.get("name")
        if "run" in step:
            assert step["shell"] == "bash"


def test_hooks_select_office_formats_by_file_name():
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"piiscan", "piiscan-system"}
    for h in hooks:
        assert h["entry"] == "piiscan check" and "types" not in h
        rx = re.compile(h["files"])
        for name in ("a.csv", "b.XLSX", "c.docx", "d.pdf", "dir/e.txt", "f.html", "g.zip"):
            assert rx.search(name), name
        for name in ("logo.png", "app.py", "a.csv.bak"):
            assert not rx.search(name), name


@pytest.mark.skipif(sys.platform == "win32", reason="bash script")
def test_action_check_step_writes_sarif_and_exit_code(tmp_path, rng):
    step = next(s for s in action()["runs"]["steps"] if s.get("id") == "check")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "piiscan"
    shim.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(PROJECT)!r})\n"
        "from piiscan.cli import main\nfrom piiscan.cli.check import check\n"
        "main.commands.setdefault('check', check)\nmain()\n")
    shim.chmod(0o755)
    repo = make_repo(tmp_path)
    (repo / "notice.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    out = tmp_path / "github_output"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIISCAN_")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PATHS=".", SINCE="", ARGS="--min-confidence 0.5",
               SARIF="piiscan.sarif", GITHUB_OUTPUT=str(out), XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    res = subprocess.run(["bash", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr  # the step never fails: the Gate step does, after the upload
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    assert '"version": "2.1.0"' in (repo / "piiscan.sarif").read_text(encoding="utf-8")
