"""`piiscan scan samples/` finds every planted item and nothing else (the bundled samples, as shipped)."""
from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

import piiscan
from piiscan import ocr

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NOTICES = ["notice.txt", "notice_utf8.csv", "notice_gbk.csv", "notice.xlsx", "notice.xls", "notice.pdf",
           "notice.docx", "notice.html", "notices.zip!2020/notice_gbk.csv", "notices.zip!2020/notice.docx"]
# Spreadsheets carry the table only; the documents also the contact line under it.
TABLE_ONLY = {"notice_utf8.csv", "notice_gbk.csv", "notice.xlsx", "notice.xls", "notices.zip!2020/notice_gbk.csv"}


@pytest.fixture(scope="module")
def results():
    return {Path(r.path).relative_to(SAMPLES).as_posix(): r for r in piiscan.scan_results([SAMPLES])}


@pytest.fixture(scope="module")
def planted():
    return json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))


def by_type(findings):
    got = collections.defaultdict(set)
    for f in findings:
        got[f.type].add(f.value)
    return got


@pytest.mark.parametrize("name", NOTICES)
def test_every_planted_value_and_nothing_else(results, planted, name):
    r = results[name]
    assert r.error is None and r.skipped is None
    got = by_type(r.findings)
    expected = {t: set(v) for t, v in planted["table"].items()}
    if name not in TABLE_ONLY:
        c = planted["contact"]
        expected["PERSON_NAME"].add(c["name"])
        expected["CN_MOBILE"].add(c["mobile"])
        expected["CN_LANDLINE"].add(c["landline"])
    if name == "notice.html":
        # A comment is in the published page source: its value is planted and must be found.
        expected["CN_MOBILE"].add(planted["html_comment"]["mobile"])
        expected["CN_MOBILE"].add("13800138000")  # the <script> string: scripts are read (issue 15)
    if name == "notice.xlsx":
        # IDs typed into Excel as numbers keep 15 significant digits, the last one rounded.
        lost = {f.value for f in r.findings if f.detector == "numeric_cell_lost_digits"}
        assert {v[:14] for v in lost} == {v[:14] for v in planted["lost_digit_ids"]}
        expected["CN_RESIDENT_ID"] |= lost
    assert dict(got) == expected


@pytest.mark.parametrize("name", ["registrations.csv", "registrations.txt"])
def test_registration_list_holds_every_new_identifier_and_nothing_else(results, planted, name):
    """The identifiers of the entity registry (issue 14): each planted value found as its type, as a table
    column and in running text, and nothing else."""
    r = results[name]
    assert r.error is None and r.skipped is None
    assert dict(by_type(r.findings)) == {t: set(v) for t, v in planted["registrations"].items()}


def test_clean_documents_and_answer_key_report_nothing(results):
    for name in ("clean_policy.txt", "clean_machinery.xlsx", "notices.zip!2020/clean_policy.txt"):
        assert results[name].findings == []
    assert "planted.json" not in results  # kept out by samples/.piiscanignore


def test_profile_samples_hold_exactly_their_planted_values(results):
    """samples/profiles/ (scripts/make_profile_samples.py): `piiscan scan samples/` finds there exactly what
    profiles/expected.json plants, and every file the scan saw is either a notice above or one of those."""
    expected = json.loads((SAMPLES / "profiles" / "expected.json").read_text(encoding="utf-8"))["plain_scan"]
    profile_files = {name for name in results if name.startswith("profiles/")}
    assert profile_files == {f"profiles/{rel}" for rel in expected}
    for rel, types in expected.items():
        r = results[f"profiles/{rel}"]
        assert r.error is None and r.skipped is None
        assert {t: sorted(v) for t, v in by_type(r.findings).items()} == types, rel
    known = set(NOTICES) | {"clean_policy.txt", "clean_machinery.xlsx", "notices.zip!2020/clean_policy.txt",
                            "README.md", "registrations.csv", "registrations.txt"}
    assert {name for name in results if not name.startswith(("profiles/", "scans/"))} <= known

# --- samples/scans: scanned and photographed notices (scripts/make_scans.py) -----------------------------

SCANS = json.loads((SAMPLES / "scans" / "planted.json").read_text(encoding="utf-8"))["files"]
# Floors as in tests/test_ocr.py (measured: every value found; benchmarks/README.md, "OCR").
SCAN_FLOORS = {"PERSON_NAME": 0.95, "CN_ADDRESS": 0.95}


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scans_are_read_with_ocr_or_reported_unread(results, name):
    r = results[f"scans/{name}"]
    assert r.error is None and r.skipped is None
    if not ocr.available() and name.endswith(".pdf"):
        # An image-only PDF page without the extra: honestly unread (exit 2), never "nothing found".
        assert r.unread and "image-only page 1" in r.unread[0] and not r.findings
        return
    if not ocr.available():
        # Without the extra the pixels are not read: the file is unread, so scan/check exit 2 for it.
        assert r.unread == [ocr.unavailable_reason()] and not r.findings
        return
    assert r.unread == []
    got = by_type(r.findings)
    planted = {t: set(v) for t, v in SCANS[name].items()}
    assert {t: vs - planted.get(t, set()) for t, vs in got.items() if vs - planted.get(t, set())} == {}
    for t, values in planted.items():
        assert len(values & got[t]) >= SCAN_FLOORS.get(t, 0.98) * len(values), (t, values - got[t])
