"""The entity registry: specs of the built-in types, a type registered from outside, stable baselines."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import piiscan
from piiscan.cli import main as cli_main
from piiscan.entities import (ENTITY_TYPES, LABELS, REPORT_ONLY, SENSITIVE, EntityType, get, names, register,
                              registry, unregister)
from piiscan.finding import Finding
from piiscan.scanner import Scanner

from gate_helpers import git, make_repo, run

FIXTURES = Path(__file__).parent / "fixtures"

FIRST_SEVEN = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS", "CN_ADDRESS",
               "PERSON_NAME")
BUILT_IN = names()


# --- built-in specs ------------------------------------------------------------------------------

def test_built_in_types_in_their_contract_order():
    assert names()[:7] == FIRST_SEVEN and len(set(names())) == len(names())
    assert tuple(ENTITY_TYPES) == BUILT_IN and ENTITY_TYPES[-2:] == ("UNDER_MASKED", "FORBIDDEN_FIELD")
    assert dict(LABELS)["CN_RESIDENT_ID"] == "身份证号" and LABELS["PERSON_NAME"] == "姓名"


def test_every_built_in_spec_is_complete():
    for name in BUILT_IN:
        spec = get(name)
        assert spec.name == name and spec.label and spec.description
        if spec.report_only:
            assert spec.detector is None
            continue
        assert spec.detector and spec.column_headers, name  # data from patterns/
        if name in FIRST_SEVEN:
            assert spec.generalize and spec.fake, name
        elif spec.detector.startswith("piiscan.detectors.columns:"):
            assert not spec.context_words, name  # attributes come from a column, never from prose words
        else:
            assert spec.context_words, name
    assert get("BANK_CARD").category == SENSITIVE and get("CN_RESIDENT_ID").sensitive
    assert get("UNDER_MASKED").category == REPORT_ONLY and not get("CN_MOBILE").sensitive


def test_unknown_type_is_an_error_naming_the_known_ones():
    with pytest.raises(ValueError, match="CN_SHIP_NO.*known: CN_RESIDENT_ID, CN_MOBILE"):
        get("CN_SHIP_NO")
    with pytest.raises(ValueError, match="unknown entity type.*CN_SHIP_NO.*known: CN_RESIDENT_ID"):
        Scanner(types=["CN_SHIP_NO"])


def test_built_in_types_cannot_be_replaced_or_removed():
    with pytest.raises(ValueError, match="already registered"):
        register(EntityType("CN_MOBILE", "手机", "x"), replace=True)
    with pytest.raises(ValueError, match="built in"):
        unregister("CN_MOBILE")


def test_spec_names_are_checked():
    with pytest.raises(ValueError, match="UPPER_CASE"):
        EntityType("cn-ship-no", "船号", "ship")
    with pytest.raises(ValueError, match="category"):
        EntityType("CN_SHIP_NO", "船号", "ship", category="secret")


# --- a type registered from outside the package ----------------------------------------------------

EMPLOYEE_NO = "CN_EMPLOYEE_NO"
_EMPLOYEE = re.compile(r"(?<![A-Za-z0-9])GH\d{8}(?![0-9])")


class EmployeeNoDetector:
    """A detector as a user would write one: ``name``, ``types``, ``detect(text, label)``."""

    name = "employee_no"
    types = frozenset({EMPLOYEE_NO})

    def detect(self, text, label=None):
        for m in _EMPLOYEE.finditer(text):
            yield Finding(EMPLOYEE_NO, m.start(), m.end(), m.group(), 0.9, self.name, evidence=("shape",))


def employee_spec() -> EntityType:
    return EntityType(
        name=EMPLOYEE_NO, label="工号", description="Employee number",
        details="GH followed by 8 digits, as a (made-up) employer numbers its staff.",
        mask=lambda value, keep, char: value[:2] + char * (len(value) - 2),
        column_headers=("工号", "员工编号"),
    )


@pytest.fixture
def employee_type():
    spec = register(employee_spec(), EmployeeNoDetector)
    try:
        yield spec
    finally:
        unregister(EMPLOYEE_NO)


EMP = "GH20240137"
TEXT = f"经办人工号：{EMP}，联系电话 13800138000"


def test_registered_type_is_scanned(employee_type):
    assert EMPLOYEE_NO in ENTITY_TYPES and ENTITY_TYPES[-3] == EMPLOYEE_NO  # before the report-only types
    found = {(f.type, f.value) for f in piiscan.scan_text(TEXT)}
    assert (EMPLOYEE_NO, EMP) in found and ("CN_MOBILE", "13800138000") in found
    only = Scanner(types=[EMPLOYEE_NO]).scan(TEXT)
    assert [(f.type, f.value) for f in only] == [(EMPLOYEE_NO, EMP)]
    # A detector given explicitly is kept (it reports a registered type).
    mine = Scanner(detectors=[EmployeeNoDetector()]).scan(TEXT)
    assert [f.value for f in mine] == [EMP]
    assert Finding(EMPLOYEE_NO, 0, len(EMP), EMP, 0.9, "x").to_dict()["value"] == "GH********"


def test_unregistered_type_of_a_detector_is_an_error_not_a_silent_drop():
    with pytest.raises(ValueError, match="unregistered type.*CN_EMPLOYEE_NO.*register"):
        Scanner(detectors=[EmployeeNoDetector()])
    # And once unregistered, the type is gone again.
    assert EMPLOYEE_NO not in names()
    assert [f.type for f in piiscan.scan_text(TEXT)] == ["CN_MOBILE"]


def test_registered_type_is_redacted(employee_type):
    assert piiscan.redact_text(TEXT) == "经办人工号：GH********，联系电话 138****8000"
    assert piiscan.redact_text(TEXT, strategy="tag", types=[EMPLOYEE_NO]) == "经办人工号：[工号]，联系电话 13800138000"
    assert piiscan.redact_text(TEXT, strategy="generalize", types=[EMPLOYEE_NO]).startswith("经办人工号：[工号]")
    assert EMP not in piiscan.redact_text(TEXT, strategy="fake", key=b"k" * 32, types=[EMPLOYEE_NO])
    pseudo = piiscan.redact_text(TEXT, strategy="pseudonymize", key=b"k" * 32, types=[EMPLOYEE_NO])
    assert "工号-" in pseudo and EMP not in pseudo


def test_registered_type_found_by_its_column_header(employee_type, tmp_path):
    src = tmp_path / "staff.csv"
    src.write_text(f"序号,员工编号,补贴金额\n1,{EMP},1200.00\n2,GH20240138,800.00\n", encoding="utf-8")
    findings = piiscan.scan_file(src)
    assert [(f.type, f.row, f.column) for f in findings] == [(EMPLOYEE_NO, 1, "员工编号"), (EMPLOYEE_NO, 2, "员工编号")]
    from piiscan.tables import Table, header_kind, scan_table

    assert header_kind("员工编号") == EMPLOYEE_NO and header_kind("经办人工号") == EMPLOYEE_NO
    _found, classes = scan_table(Table([[1, EMP], [2, "GH20240138"]], header=["序号", "员工编号"]), Scanner())
    assert [(c.column, c.type) for c in classes] == [("序号", None), ("员工编号", EMPLOYEE_NO)]


def test_registered_type_in_cli_listing_help_and_sarif(employee_type, tmp_path):
    runner = CliRunner()
    listing = runner.invoke(cli_main, ["types"])
    assert listing.exit_code == 0 and re.search(r"CN_EMPLOYEE_NO\s+工号", listing.output)
    as_json = json.loads(runner.invoke(cli_main, ["types", "--format", "json"]).output)
    assert {"type": EMPLOYEE_NO, "label": "工号"}.items() <= as_json[-3].items()
    assert "CN_EMPLOYEE_NO" in runner.invoke(cli_main, ["scan", "--help"]).output.replace("\n", "").replace(" ", "")

    src = tmp_path / "note.txt"
    src.write_text(TEXT + "\n", encoding="utf-8")
    res = runner.invoke(cli_main, ["scan", str(src), "--types", EMPLOYEE_NO, "--format", "json"])
    assert res.exit_code == 1, res.output
    assert EMP not in res.output and "GH********" in res.output
    bad = runner.invoke(cli_main, ["scan", str(src), "--types", "CN_SHIP_NO"])
    assert bad.exit_code == 2 and "CN_EMPLOYEE_NO" in bad.output


def test_registered_type_blocks_the_gate_and_reaches_sarif(employee_type, tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / "staff.txt").write_text(f"经办人工号：{EMP}\n", encoding="utf-8")
    git(repo, "add", "staff.txt")
    res = run(repo, "check", "--format", "sarif", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    sarif = json.loads(res.stdout)
    run_ = sarif["runs"][0]
    rule = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == EMPLOYEE_NO)
    assert rule["shortDescription"]["text"] == "Employee number (工号)"
    assert [r["ruleId"] for r in run_["results"]] == [EMPLOYEE_NO]
    assert EMP not in res.stdout
    # Accepted into a baseline, it passes.
    assert run(repo, "baseline", "create", monkeypatch=monkeypatch).exit_code == 0
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 0


def test_entry_point_plugins_are_loaded_once(monkeypatch):
    """An installed distribution's ``piiscan.entities`` entry point registers its types on first look-up."""
    class EP:
        name, value = "employee", "tests:employee"

        def load(self):
            return lambda: [(employee_spec(), EmployeeNoDetector)]

    class Broken:
        name, value = "broken", "nowhere:nothing"

        def load(self):
            raise ImportError("no module named nowhere")

    calls = []

    def fake_entry_points(group):
        calls.append(group)
        return [EP(), Broken()]

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    monkeypatch.setattr(registry, "_plugins_loaded", False)
    try:
        with pytest.warns(RuntimeWarning, match="broken.*ImportError"):
            assert EMPLOYEE_NO in names()
        assert EMPLOYEE_NO in names() and calls == ["piiscan.entities"]
        assert [f.value for f in Scanner(types=[EMPLOYEE_NO]).scan(TEXT)] == [EMP]
    finally:
        unregister(EMPLOYEE_NO)


# --- baselines written before the registry still match ---------------------------------------------

def test_baseline_written_before_the_registry_still_matches(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    shutil.copy(FIXTURES / "baseline_v1" / "notice.csv", repo / "notice.csv")
    shutil.copy(FIXTURES / "baseline_v1" / "baseline.json", repo / ".piiscan-baseline.json")
    git(repo, "add", "notice.csv")
    monkeypatch.setenv("PIISCAN_BASELINE_KEY", "piiscan-test-baseline-key")
    res = run(repo, "check", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    # Every entry of the old baseline is matched: none new, none left over.
    assert "19 baselined" in res.stderr
    assert not [v for v in doc.get("findings", []) if v.get("status") == "new"]


# --- the re-scan of a redaction, from the API ---------------------------------------------------------

def test_redact_file_verify_from_the_api(tmp_path, monkeypatch):
    from piiscan.redact import UnverifiedRedaction

    src = tmp_path / "notice.txt"
    src.write_text("户主：张三，身份证号：11010519491231002X，联系电话：13800138000\n", encoding="utf-8")
    report = piiscan.redact_file(src, tmp_path / "out.txt", verify=True)
    assert report.verified and report.left == [] and report.changes >= 2

    # A writer that copies its input through: the re-scan must catch it, say so masked, and remove the output.
    from piiscan.redact.writers import text as text_writer

    monkeypatch.setattr(text_writer, "write", lambda s, d, *a, **k: shutil.copyfile(s, d))
    with pytest.raises(UnverifiedRedaction) as err:
        piiscan.redact_file(src, tmp_path / "leak.txt", types=["CN_MOBILE"], verify=True)
    assert "13800138000" not in str(err.value) and "138****8000" in str(err.value)
    assert err.value.report.left_count == 1 and not err.value.report.verified
    assert not (tmp_path / "leak.txt").exists()


# --- one reporter for scan and check ----------------------------------------------------------------

def test_scan_writes_the_reports_check_writes(tmp_path):
    src = tmp_path / "notice.txt"
    src.write_text("户主：张三，联系电话：13800138000\n", encoding="utf-8")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not read")
    runner = CliRunner()
    res = runner.invoke(cli_main, ["scan", str(tmp_path), "--format", "sarif"])
    assert res.exit_code == 1, res.output
    sarif = json.loads(res.stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"CN_MOBILE", "PERSON_NAME"}
    assert "13800138000" not in res.stdout and "138****8000" in res.stdout
    html = runner.invoke(cli_main, ["scan", str(src), "--format", "html"])
    assert html.exit_code == 1 and "<html" in html.stdout.lower() and "13800138000" not in html.stdout
    assert runner.invoke(cli_main, ["scan", str(src), "--format", "sarif", "--show-values"]).exit_code == 2
    clean = tmp_path / "clean.txt"
    clean.write_text("补贴金额 1200 元\n", encoding="utf-8")
    assert runner.invoke(cli_main, ["scan", str(clean), "--format", "sarif"]).exit_code == 0


def test_check_from_the_api(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / "notice.txt").write_text("联系电话：13800138000\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    result = piiscan.check(["notice.txt"])
    assert result.blocked and result.exit_code == 1
    assert [v.finding.type for v in result.verdicts] == ["CN_MOBILE"]
    assert piiscan.check(["README.md"]).exit_code == 0


def test_registered_type_under_a_profile_that_does_not_list_it(employee_type, tmp_path):
    """A profile written before the type existed masks it whole and reports it, in scan, check and redact."""
    runner = CliRunner()
    src = tmp_path / "in" / "note.txt"
    src.parent.mkdir()
    src.write_text(TEXT + "\n", encoding="utf-8")
    for command in ("scan", "check"):
        res = runner.invoke(cli_main, [command, str(src), "--profile", "subsidy-notice", "--format", "json"])
        assert res.exit_code == 1, res.output
        assert EMP not in res.output and "unlisted" in res.output
    out = tmp_path / "out"
    res = runner.invoke(cli_main, ["redact", str(src), "--profile", "subsidy-notice", "--out", str(out)])
    assert res.exit_code == 0, res.output
    written = (out / "note.txt").read_text(encoding="utf-8")
    assert EMP not in written and "GH********" in written
