""".piiscanignore in `piiscan check --staged` and `--since`: the rules committed with the files."""
from __future__ import annotations

import json

from piiscan.gate import git as gitmod

from gate_helpers import git, make_repo, notice_csv, notice_rows, run


def _write(repo, rel: str, text: str) -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text, encoding="utf-8")


def _check(repo, monkeypatch, *args: str):
    res = run(repo, "check", *args, "--format", "json", monkeypatch=monkeypatch)
    return res, json.loads(res.stdout)


def test_staged_file_matching_piiscanignore_is_not_checked(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    _write(repo, ".piiscanignore", "fixtures/\n")
    git(repo, "add", ".piiscanignore")
    git(repo, "commit", "-q", "-m", "ignore fixtures")
    _write(repo, "fixtures/ids.csv", notice_csv(rows))
    _write(repo, "exports/ids.csv", notice_csv(rows))  # the same file where no rule covers it
    git(repo, "add", "fixtures/ids.csv")
    res, doc = _check(repo, monkeypatch, "--staged")
    assert res.exit_code == 0, res.output
    assert doc["findings"] == [] and doc["summary"]["ignored"] == 1 and doc["summary"]["files"] == 0
    assert "1 ignored by .piiscanignore" in res.stderr
    assert run(repo, "check", ".", monkeypatch=monkeypatch).exit_code == 1  # exports/ is not ignored

    git(repo, "add", "exports/ids.csv")
    res, doc = _check(repo, monkeypatch, "--staged")
    assert res.exit_code == 1
    assert {f["path"] for f in doc["findings"]} == {"exports/ids.csv"}
    assert doc["summary"]["ignored"] == 1
    for _, rid, phone in rows:  # masked everywhere, and the ignored file's values never read
        assert rid not in res.output and phone not in res.output


def test_nested_piiscanignore_applies_below_its_folder(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    csv = notice_csv(notice_rows(rng, 1))
    # Relative to tests/: tests/fixtures/ and tests/data/*.csv are ignored, not fixtures/ at the top.
    _write(repo, "tests/.piiscanignore", "fixtures/\n/data/*.csv\n")
    for rel in ["tests/fixtures/a.csv", "tests/unit/fixtures/b.csv", "tests/data/c.csv",
                "tests/unit/data/d.csv", "fixtures/e.csv"]:
        _write(repo, rel, csv)
    git(repo, "add", ".")
    res, doc = _check(repo, monkeypatch, "--staged")
    assert res.exit_code == 1
    assert {f["path"] for f in doc["findings"]} == {"tests/unit/data/d.csv", "fixtures/e.csv"}
    # 3 fixtures and the ignore file itself, which a folder walk does not scan either.
    assert doc["summary"]["ignored"] == 4
    # A pathspec narrows what is checked, not where the rules come from.
    res, doc = _check(repo, monkeypatch, "--staged", "tests")
    assert {f["path"] for f in doc["findings"]} == {"tests/unit/data/d.csv"}


def test_staged_uses_the_staged_piiscanignore_not_the_work_tree(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    _write(repo, "fixtures/ids.csv", notice_csv(notice_rows(rng)))
    # The rule and the file it ignores arrive in the same commit: honoured as committed.
    _write(repo, ".piiscanignore", "fixtures/\n")
    git(repo, "add", ".piiscanignore", "fixtures/ids.csv")
    assert _check(repo, monkeypatch, "--staged")[0].exit_code == 0
    # An unstaged edit dropping the rule does not change what the commit records.
    _write(repo, ".piiscanignore", "# nothing\n")
    assert _check(repo, monkeypatch, "--staged")[0].exit_code == 0
    # ... and the other way round: a rule only in the work tree cannot wave a staged file through.
    git(repo, "add", ".piiscanignore")
    _write(repo, ".piiscanignore", "fixtures/\n")
    res, doc = _check(repo, monkeypatch, "--staged")
    assert res.exit_code == 1 and doc["summary"]["ignored"] == 1  # only the rule file itself
    # A rule staged for deletion is gone from the commit, even while the file is still on disk.
    git(repo, "add", ".piiscanignore")
    git(repo, "rm", "-q", "--cached", ".piiscanignore")
    assert _check(repo, monkeypatch, "--staged")[0].exit_code == 1


def test_since_uses_the_piiscanignore_at_head(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    _write(repo, "tests/fixtures/ids.csv", notice_csv(notice_rows(rng)))
    git(repo, "add", "tests/fixtures/ids.csv")
    git(repo, "commit", "-q", "-m", "synthetic fixture")
    res, doc = _check(repo, monkeypatch, "--since", "main")
    assert res.exit_code == 1 and doc["summary"]["ignored"] == 0
    # Not committed yet: HEAD, the snapshot --since reads, has no rule.
    _write(repo, "tests/.piiscanignore", "fixtures/\n")
    assert _check(repo, monkeypatch, "--since", "main")[0].exit_code == 1
    git(repo, "add", "tests/.piiscanignore")
    git(repo, "commit", "-q", "-m", "fixtures are synthetic")
    res, doc = _check(repo, monkeypatch, "--since", "main")
    assert res.exit_code == 0, res.output
    assert doc["summary"]["ignored"] == 2  # the fixture and the rule file


def test_files_named_on_the_command_line_follow_the_repository_rules(tmp_path, rng, monkeypatch):
    # pre-commit passes file names; a named file is listed whatever the walk's rules say,
    # so the gate applies the work tree's rules from the repository root itself.
    repo = make_repo(tmp_path)
    csv = notice_csv(notice_rows(rng, 1))
    _write(repo, "tests/.piiscanignore", "fixtures/\n")
    _write(repo, "tests/fixtures/a.csv", csv)
    _write(repo, "exports/b.csv", csv)
    res, doc = _check(repo, monkeypatch, "tests/fixtures/a.csv", "exports/b.csv")
    assert res.exit_code == 1 and {f["path"] for f in doc["findings"]} == {"exports/b.csv"}
    assert doc["summary"]["ignored"] == 1
    # From inside the ignored folder, and walking it: the rules above still hold.
    for args in (["a.csv"], ["."], []):
        res = run(repo / "tests" / "fixtures", "check", *args, monkeypatch=monkeypatch)
        assert res.exit_code == 0, (args, res.output)
    # Without the rule, the same file is checked.
    (repo / "tests" / ".piiscanignore").unlink()
    assert _check(repo, monkeypatch, "tests/fixtures/a.csv")[0].exit_code == 1


def test_ignore_files_reads_index_and_commit(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    _write(repo, ".piiscanignore", "a\n")
    _write(repo, "x/y/.piiscanignore", "b\n")
    _write(repo, "x/not.piiscanignore", "c\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rules")
    _write(repo, "x/.piiscanignore", "d\n")
    git(repo, "add", "x/.piiscanignore")
    committed = {".piiscanignore": "a\n", "x/y/.piiscanignore": "b\n"}
    assert gitmod.ignore_files(repo, "HEAD") == committed
    assert gitmod.ignore_files(repo) == {**committed, "x/.piiscanignore": "d\n"}


def test_reports_show_the_ignored_count_only_when_there_is_one():
    from piiscan.cli.check import render
    from piiscan.gate.policy import GateResult

    assert "3 ignored by .piiscanignore" in render(GateResult([], ignored=3), "html")
    assert "ignored" not in render(GateResult([]), "html")
    assert json.loads(render(GateResult([], ignored=3), "json"))["summary"]["ignored"] == 3
