"""The gate on real (temporary) git repositories: staged commits and branch changes."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from piiscan.readers import Segment
from piiscan.readers import registry

from gate_helpers import git, make_repo, notice_csv, notice_rows, run



def test_commit_adding_unredacted_csv_is_blocked_and_masked_one_passes(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    (repo / "notice.csv").write_text(notice_csv(rows), encoding="utf-8")
    git(repo, "add", "notice.csv")
    res = run(repo, "check", "--staged", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert {f["type"] for f in doc["findings"] if f["status"] == "blocking"} >= {"CN_RESIDENT_ID", "CN_MOBILE"}
    assert all(f["path"] == "notice.csv" for f in doc["findings"])
    for _, rid, phone in rows:  # masked in the report and the summary
        assert rid not in res.output and phone not in res.output
    assert "BLOCKED" in res.stderr and "notice.csv" in res.stderr

    (repo / "notice.csv").write_text(notice_csv(rows, masked=True), encoding="utf-8")
    git(repo, "add", "notice.csv")
    res = run(repo, "check", "--staged", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    assert "passed" in res.stderr


def test_staged_reads_the_index_not_the_work_tree(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    (repo / "notice.csv").write_text(notice_csv(rows), encoding="utf-8")
    git(repo, "add", "notice.csv")
    # Redacted in the work tree but not staged: the commit would still ship the raw IDs.
    (repo / "notice.csv").write_text(notice_csv(rows, masked=True), encoding="utf-8")
    assert run(repo, "check", "--staged", monkeypatch=monkeypatch).exit_code == 1
    assert run(repo, "check", "notice.csv", monkeypatch=monkeypatch).exit_code == 0
    # Nothing staged at all: nothing to check.
    git(repo, "reset", "-q")
    res = run(repo, "check", "--staged", monkeypatch=monkeypatch)
    assert res.exit_code == 0 and "0 file(s)" in res.stderr


def test_since_checks_only_what_the_branch_changes(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    old = notice_rows(rng)
    (repo / "old.csv").write_text(notice_csv(old), encoding="utf-8")
    git(repo, "add", "old.csv")
    git(repo, "commit", "-q", "-m", "legacy data")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "docs").mkdir()
    (repo / "docs" / "clean.txt").write_text("会议纪要，无个人信息。\n", encoding="utf-8")
    git(repo, "add", "docs/clean.txt")
    git(repo, "commit", "-q", "-m", "clean doc")
    assert run(repo, "check", "--since", "main", monkeypatch=monkeypatch).exit_code == 0

    new = notice_rows(rng, 1)
    (repo / "docs" / "new.csv").write_text(notice_csv(new), encoding="utf-8")
    git(repo, "add", "docs/new.csv")
    git(repo, "commit", "-q", "-m", "new notice")
    res = run(repo, "check", "--since", "main", "--format", "jsonl", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    paths = {json.loads(line)["path"] for line in res.stdout.splitlines()}
    assert paths == {"docs/new.csv"}  # old.csv is on main already: not this branch's doing

    res = run(repo, "check", "--since", "no-such-ref", monkeypatch=monkeypatch)
    assert res.exit_code == 2 and "error" in res.stderr


def _zdoc_segments(data: bytes):
    yield Segment(zlib.decompress(data).decode("utf-8"), label=None, location={"page": 1})


def register_zdoc(monkeypatch) -> None:
    """A stand-in binary format (zlib-compressed UTF-8) with its own reader, registered by extension."""
    import sys
    import types

    if hasattr(registry, "MODULES"):  # extension -> reader module under piiscan.readers
        mod = types.ModuleType("piiscan.readers._test_zdoc")
        mod.read_bytes = lambda data, name="": _zdoc_segments(data)
        mod.read = lambda path: _zdoc_segments(Path(path).read_bytes())
        monkeypatch.setitem(sys.modules, mod.__name__, mod)
        monkeypatch.setitem(registry.MODULES, ".zdoc", "_test_zdoc")
    else:  # the older extension -> reader function table
        monkeypatch.setitem(registry.READERS, ".zdoc", lambda path: _zdoc_segments(Path(path).read_bytes()))


def test_binary_formats_are_read_from_blobs_with_their_reader(tmp_path, rng, monkeypatch):
    # A registered reader for a binary extension must get the blob as a file with the
    # same extension: git diff would only say "Binary files differ".
    register_zdoc(monkeypatch)
    repo = make_repo(tmp_path)
    rows = notice_rows(rng, 2)
    (repo / "reports").mkdir()
    (repo / "reports" / "q1.zdoc").write_bytes(zlib.compress(notice_csv(rows).encode("utf-8")))
    git(repo, "add", "reports/q1.zdoc")
    res = run(repo, "check", "--staged", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    assert {f["path"] for f in doc["findings"]} == {"reports/q1.zdoc"}
    assert all(f["page"] == 1 for f in doc["findings"])


def test_a_file_piiscan_cannot_read_fails_the_gate_unless_accepted(tmp_path, monkeypatch):
    # An image (a picture of an ID card?) cannot be read without OCR: the gate cannot vouch
    # for it, so exit 2 by default; accept-unsupported lets it pass, still listed.
    repo = make_repo(tmp_path)
    (repo / "logo.gif").write_bytes(b"GIF89a" + bytes(range(256)))  # no reader for GIF
    git(repo, "add", "logo.gif")
    res = run(repo, "check", "--staged", monkeypatch=monkeypatch)
    assert res.exit_code == 2, res.output
    assert "NOT CHECKED" in res.stderr and "logo.gif" in res.stderr
    (repo / ".piiscan.toml").write_text("accept-unsupported = true\n", encoding="utf-8")
    res = run(repo, "check", "--staged", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["skipped"] == [{"path": "logo.gif", "reason": f"unsupported format: {registry.UNSUPPORTED['.gif']}",
                               "kind": "unsupported"}]
    assert doc["summary"]["unchecked"] == 1


def test_outside_git_staged_is_an_error_but_paths_work(tmp_path, rng, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "n.csv").write_text(notice_csv(notice_rows(rng, 1)), encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert run(plain, "check", "--staged", monkeypatch=monkeypatch).exit_code == 2
    assert run(plain, "check", monkeypatch=monkeypatch).exit_code == 1
    assert run(plain, "check", "missing.csv", monkeypatch=monkeypatch).exit_code == 2
    assert run(plain, "check", "--staged", "--since", "x", monkeypatch=monkeypatch).exit_code == 2


def test_staged_symlinks_are_listed_as_skipped_never_read(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("联系电话 13912345678", encoding="utf-8")
    (repo / "link.txt").symlink_to(outside)
    git(repo, "add", "link.txt")
    res = run(repo, "check", "--staged", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["findings"] == []
    assert [(s["path"], s["kind"]) for s in doc["skipped"]] == [("link.txt", "symlink")]
