"""Baselines: accepted findings pass, new ones fail, and no value is ever stored."""
from __future__ import annotations

import json
import re

import pytest

from piiscan import synth
from piiscan.finding import Finding
from piiscan.gate.baseline import Baseline, BaselineError, Hasher

from gate_helpers import make_repo, notice_csv, notice_rows, notice_txt, run



def test_baselined_finding_passes_new_one_fails(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    (repo / "notice.txt").write_text(notice_txt(rows), encoding="utf-8")
    res = run(repo, "baseline", "create", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    assert (repo / ".piiscan-baseline.json").is_file()
    assert "salt-only" in res.stderr and "brute-force" in res.stderr  # the user is told what that means

    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    assert "baselined" in res.stderr

    # Lines move (a longer header, rows re-ordered): the baseline still matches.
    moved = notice_txt(list(reversed(rows)), header="农机购置补贴公示\n公示期：2024年5月")
    (repo / "notice.txt").write_text(moved, encoding="utf-8")
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 0

    # A new household fails, and only its values are reported.
    new = notice_rows(rng, 1)
    (repo / "notice.txt").write_text(moved + notice_txt(new, header="补充"), encoding="utf-8")
    res = run(repo, "check", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    blocking = [f for f in json.loads(res.stdout)["findings"] if f["status"] == "blocking"]
    assert blocking and {f["line"] for f in blocking} == {len(moved.splitlines()) + 2}

    # --no-baseline reports everything; --baseline takes another file.
    assert run(repo, "check", "--no-baseline", monkeypatch=monkeypatch).exit_code == 1
    assert run(repo, "check", "--baseline", "nope.json", monkeypatch=monkeypatch).exit_code == 2


def test_duplicate_of_a_baselined_value_counts_as_new(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rid = synth.resident_id_number(rng)
    (repo / "a.txt").write_text(f"身份证号：{rid}\n", encoding="utf-8")
    assert run(repo, "baseline", "create", monkeypatch=monkeypatch).exit_code == 0
    (repo / "a.txt").write_text(f"身份证号：{rid}\n复核：{rid}\n", encoding="utf-8")
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 1


def test_baseline_file_contains_no_raw_or_masked_value(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    rows = notice_rows(rng, 5)
    (repo / "notice.csv").write_text(notice_csv(rows), encoding="utf-8")
    assert run(repo, "baseline", "create", monkeypatch=monkeypatch).exit_code == 0
    text = (repo / ".piiscan-baseline.json").read_text(encoding="utf-8")
    for name, rid, phone in rows:
        assert rid not in text and phone not in text and name not in text
    doc = json.loads(text)
    # Outside the hex digests, not even the fragments a mask keeps: with a stored salt
    # they would shrink the brute-force search space to almost nothing.
    rest = json.dumps({**doc, "hash": {k: v for k, v in doc["hash"].items() if k != "salt"},
                       "findings": [{k: v for k, v in e.items() if k != "hash"} for e in doc["findings"]]})
    assert not re.search(r"\d{4}", rest) and "*" not in rest
    assert set(doc["findings"][0]) == {"path", "type", "hash", "count"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["hash"]) for e in doc["findings"])


def test_secret_key_mode_and_wrong_key(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / "notice.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    monkeypatch.setenv("PIISCAN_BASELINE_KEY", "team-secret-1")
    res = run(repo, "baseline", "create", monkeypatch=monkeypatch)
    assert res.exit_code == 0 and "warning" not in res.stderr
    meta = json.loads((repo / ".piiscan-baseline.json").read_text())["hash"]
    assert meta["mode"] == "secret" and "team-secret-1" not in json.dumps(meta)
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 0

    monkeypatch.setenv("PIISCAN_BASELINE_KEY", "another-key")
    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 2 and "different key" in res.stderr
    monkeypatch.delenv("PIISCAN_BASELINE_KEY")
    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 2 and "PIISCAN_BASELINE_KEY" in res.stderr
    # Re-creating without the key must not silently downgrade the baseline.
    assert run(repo, "baseline", "create", monkeypatch=monkeypatch).exit_code == 2


def test_keygen_writes_private_key_used_by_default(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    res = run(repo, "baseline", "keygen", monkeypatch=monkeypatch)
    assert res.exit_code == 0
    key = tmp_path / "xdg" / "piiscan" / "baseline.key"
    assert key.is_file() and (key.stat().st_mode & 0o077) == 0
    assert run(repo, "baseline", "keygen", monkeypatch=monkeypatch).exit_code == 2  # never overwrite a key
    (repo / "a.txt").write_text(f"手机 {synth.mobile_number(rng)}\n", encoding="utf-8")
    assert run(repo, "baseline", "create", monkeypatch=monkeypatch).exit_code == 0
    assert json.loads((repo / ".piiscan-baseline.json").read_text())["hash"]["mode"] == "secret"


def test_recreating_keeps_salt_so_unchanged_entries_do_not_churn(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / "notice.csv").write_text(notice_csv(notice_rows(rng)), encoding="utf-8")
    run(repo, "baseline", "create", monkeypatch=monkeypatch)
    first = (repo / ".piiscan-baseline.json").read_text()
    run(repo, "baseline", "create", monkeypatch=monkeypatch)
    assert (repo / ".piiscan-baseline.json").read_text() == first
    run(repo, "baseline", "create", "--new-salt", monkeypatch=monkeypatch)
    assert (repo / ".piiscan-baseline.json").read_text() != first


def test_hash_ignores_separators_and_depends_on_key():
    f1 = Finding("CN_MOBILE", 0, 13, "138 0013 8000", 0.9, "t", path="a")
    f2 = Finding("CN_MOBILE", 0, 11, "13800138000", 0.9, "t", path="a")
    h = Hasher("00" * 16, b"k")
    assert h.digest(f1.type, f1.value) == h.digest(f2.type, f2.value)
    assert Hasher("00" * 16, b"other").digest(f2.type, f2.value) != h.digest(f2.type, f2.value)
    assert Hasher("11" * 16, None).digest(f2.type, f2.value) != Hasher("22" * 16, None).digest(f2.type, f2.value)
    b = Baseline.from_findings([f2], h)
    m = b.matcher()
    assert m.accepts(f1) and not m.accepts(f2)  # one recorded occurrence, consumed once


def test_corrupt_baseline_is_an_error(tmp_path):
    p = tmp_path / "b.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError):
        Baseline.load(p, None)
