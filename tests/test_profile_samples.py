"""The profile samples: each kind reports its planted violations with the right rule, and the generator is the source."""
from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

from piiscan.files import scan_results
from piiscan.profiles import ProfileJudge, load_profile, scanner_for

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "profiles"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def judged(rel: str, profile_name: str):
    profile = load_profile(profile_name)
    judge = ProfileJudge(profile)
    path = SAMPLES / rel
    out = []
    for r in scan_results([path], scanner_for(profile)):
        assert r.error is None and r.skipped is None
        out += judge.result(r, path, keep_allowed=False).findings
    return out


@pytest.mark.parametrize("rel", sorted(EXPECTED["violations"]))
def test_each_sample_reports_its_planted_violations_under_its_profile(rel):
    entry = EXPECTED["violations"][rel]
    findings = judged(rel, entry["profile"])
    counts = collections.Counter(f.violation.rule for f in findings)
    at_least = entry.get("at_least", {})
    assert {k: v for k, v in counts.items() if k not in at_least} == entry["rules"]
    for rule, n in at_least.items():
        assert counts[rule] >= n
    for f in findings:
        assert f.violation.source and f.violation.requirement
        assert f"rule:{f.violation.rule}" in f.evidence


@pytest.mark.parametrize("rel", sorted(EXPECTED["under_masked"]))
def test_each_under_masked_value_is_reported_and_nothing_else(rel):
    entries = EXPECTED["under_masked"][rel]
    (profile,) = {e["profile"] for e in entries}
    found = [f for f in judged(rel, profile) if f.type == "UNDER_MASKED"]
    got = sorted((f.value, next(e[7:] for e in f.evidence if e.startswith("masked:"))) for f in found)
    assert got == sorted((e["value"], e["masked_type"]) for e in entries)


def test_a_list_that_shows_only_a_birth_date_is_blocked_for_that_alone():
    rel = "student-aid/助学金名单（出生年月）.xlsx"
    findings = judged(rel, "student-aid")
    assert findings and {f.type for f in findings} == {"FORBIDDEN_FIELD"}
    assert {f.column for f in findings} == {"出生年月"}


def test_the_generator_writes_the_samples_as_committed(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_profile_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for path in SAMPLES.rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(SAMPLES)
        new = tmp_path / rel
        assert new.exists(), rel
        if path.suffix == ".xlsx":
            import openpyxl

            cells = lambda p: [[c.value for c in row] for ws in openpyxl.load_workbook(p) for row in ws.iter_rows()]  # noqa: E731
            assert cells(new) == cells(path), rel
        else:
            assert new.read_bytes() == path.read_bytes(), rel
