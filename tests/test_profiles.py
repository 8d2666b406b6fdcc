"""Disclosure profiles: loading and validation, sources on every rule, judging findings, --profile on scan/check."""
from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main
from piiscan.finding import ENTITY_TYPES, FORBIDDEN_FIELD, UNDER_MASKED, Finding
from piiscan.profiles import (ProfileError, ProfileJudge, builtin_names, judge_finding, load_profile, parse_keep)
from piiscan.profiles.model import RULE_TYPES, STATUSES

BUILTIN = ["court-judgment", "default", "housing", "low-income", "student-aid", "subsidy-notice"]


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


MINIMAL = """
[profile]
name = "county"
extends = "default"

[sources.local]
cite = "某县政务公开办 网站信息发布规定"
status = "unverified"

[types.CN_RESIDENT_ID]
action = "mask"
keep = "2,3"
source = "local"
"""


# --- the bundled profiles ---------------------------------------------------------

def test_bundled_profiles():
    assert builtin_names() == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_every_rule_of_a_bundled_profile_cites_a_source_with_a_status(name):
    p = load_profile(name)
    assert set(p.types) == set(RULE_TYPES)
    for rule in [*p.types.values(), *p.columns]:
        assert rule.sources, rule.id
        assert rule.id.startswith(f"{name}:")
        for s in rule.sources:
            assert s.cite and s.status in STATUSES
        assert rule.citation()
    for s in p.sources.values():
        # An unverified source says so where it is cited.
        assert (s.status == "unverified") == s.citation().endswith("（未核实）")


def test_the_rules_the_issue_names():
    sa = load_profile("student-aid")
    assert sa.rule_for("PERSON_NAME").action == "allow"
    for t in ("CN_RESIDENT_ID", "CN_ADDRESS", "CN_MOBILE", "BANK_CARD"):
        assert sa.rule_for(t).action == "drop-column"
        assert "教财厅函〔2017〕28号" in sa.rule_for(t).citation()
    assert sa.column_rule("出生年月").action == "drop-column"
    assert sa.column_rule("班级").action == "allow"
    cj = load_profile("court-judgment")
    assert cj.rule_for("PERSON_NAME").action == "court-name"
    assert "第九条" in cj.rule_for("PERSON_NAME").citation()
    assert cj.rule_for("CN_ADDRESS").level == "county"
    assert {cj.rule_for(t).action for t in ("CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD")} == {"delete"}
    assert {c.target for c in cj.columns} >= {"health", "licence-plate", "property-certificate"}
    sn = load_profile("subsidy-notice")
    assert sn.rule_for("PERSON_NAME").action == "allow"
    assert sn.rule_for("CN_RESIDENT_ID").action == sn.rule_for("BANK_CARD").action == "drop-column"
    li = load_profile("low-income")
    assert li.rule_for("CN_ADDRESS").level == "township" and li.quasi.headers
    # The housing rules could not be verified: the profile says so rather than pretending.
    assert load_profile("housing").rule_for("PERSON_NAME").status() == "unverified"
    assert load_profile("default").rule_for("CN_RESIDENT_ID").keep == (6, 4)


# --- a user's own profile ------------------------------------------------------

def test_a_county_profile_extends_a_bundled_one(tmp_path):
    p = load_profile(write(tmp_path, MINIMAL))
    assert p.name == "county"
    assert p.rule_for("CN_RESIDENT_ID").keep == (2, 3)
    assert p.rule_for("CN_RESIDENT_ID").citation() == "某县政务公开办 网站信息发布规定（未核实）"
    # Inherited rules are the child's now (reports say which profile applied), with the parent's sources.
    assert p.rule_for("CN_MOBILE").id == "county:CN_MOBILE" and p.rule_for("CN_MOBILE").keep == (3, 4)
    assert p.column_rule("出生日期").id == "county:column:birth-date"


def test_extends_a_file_relative_to_the_profile(tmp_path):
    (tmp_path / "base").mkdir()
    write(tmp_path / "base", MINIMAL, "county.toml")
    child = write(tmp_path, """
        [profile]
        name = "town"
        extends = "base/county.toml"
        [types.CN_ADDRESS]
        action = "generalize"
        level = "township"
        source = "local"
        """)
    p = load_profile(child)
    assert p.rule_for("CN_RESIDENT_ID").keep == (2, 3) and p.rule_for("CN_ADDRESS").level == "township"


@pytest.mark.parametrize("body,message", [
    ("[profile]\nname='x'\nextends='default'\ncolour='red'\n", "unknown key(s) colour"),
    ("[profile]\nname='x'\nextends='default'\n[typez.CN_MOBILE]\naction='allow'\n", "unknown key(s) typez"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_SHIP_NO]\naction='allow'\nsource='gov-open-2018'\n",
     "unknown type 'CN_SHIP_NO'"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='hide'\nsource='gov-open-2018'\n",
     "unknown action 'hide'"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='mask'\nkeep='3;4'\nsource='gov-open-2018'\n",
     "'3;4' is not FIRST,LAST"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='delete'\nkeep='3,4'\nsource='gov-open-2018'\n",
     "only a mask keeps characters"),
    ("[profile]\nname='x'\nextends='default'\n[types.PERSON_NAME]\naction='mask'\nkeep='1,0'\nsource='gov-open-2018'\n",
     "keep applies to"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='court-name'\nsource='gov-open-2018'\n",
     "court-name applies to PERSON_NAME only"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='generalize'\nlevel='township'\nsource='gov-open-2018'\n",
     "a level applies to generalize on CN_ADDRESS only"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='delete'\n", "every rule cites its source"),
    ("[profile]\nname='x'\nextends='default'\n[types.CN_MOBILE]\naction='delete'\nsource='nowhere'\n",
     "'nowhere' is not defined"),
    ("[profile]\nname='x'\nextends='default'\n[sources.s]\ncite='c'\nstatus='probably'\n", "status: 'probably'"),
    ("[profile]\nname='x'\n[sources.s]\ncite='c'\nstatus='verified'\n[types.CN_MOBILE]\naction='delete'\nsource='s'\n",
     "no rule for CN_RESIDENT_ID"),
    ("[profile]\nname='x'\nextends='default'\n[[columns]]\nid='dob'\nheaders=['出生日期']\naction='generalize'\nsource='gov-open-2018'\n",
     "generalize a column to"),
    ("[profile]\nname='x'\nextends='default'\n[[columns]]\nid='dob'\nheaders=['出生日期']\naction='mask'\nsource='gov-open-2018'\n",
     "unknown action 'mask'"),
    ("[profile]\nname='x'\nextends='default'\n[quasi-identifiers]\nheaders=['性别']\nk=1\nsource='gbt-37964'\n",
     "at least 2"),
    ("[profile]\nname='x'\nextends='nonexistent'\n", "unknown profile 'nonexistent'"),
    ("[profile]\nname = \n", "not valid TOML"),
    ("[sources.s]\ncite='c'\nstatus='verified'\n", "needs a [profile] table"),
])
def test_mistakes_are_clear_errors_naming_file_and_key(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value) or "unknown profile" in message


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path, "[profile]\nname='a'\nextends='b.toml'\n", "a.toml")
    write(tmp_path, "[profile]\nname='b'\nextends='a.toml'\n", "b.toml")
    with pytest.raises(ProfileError, match="extends itself"):
        load_profile(tmp_path / "a.toml")


def test_an_unknown_name_lists_the_bundled_ones():
    with pytest.raises(ProfileError, match="bundled profiles: court-judgment, default"):
        load_profile("students")


def test_parse_keep():
    assert parse_keep("6,4") == (6, 4) and parse_keep([2, 3]) == (2, 3)
    for bad in ("6", "6,4,1", "a,b", "-1,4", [6, "4"], 64):
        with pytest.raises(ProfileError):
            parse_keep(bad)


def test_an_edited_profile_file_is_read_again(tmp_path):
    path = write(tmp_path, MINIMAL)
    assert load_profile(path).rule_for("CN_RESIDENT_ID").keep == (2, 3)
    path.write_text(MINIMAL.replace('keep = "2,3"', 'keep = "6,4"   # changed'), encoding="utf-8")
    assert load_profile(path).rule_for("CN_RESIDENT_ID").keep == (6, 4)


# --- judging --------------------------------------------------------------------

def finding(etype: str, value: str, **where) -> Finding:
    return Finding(etype, 0, len(value), value, 0.9, "test", **where)


def test_a_finding_is_a_violation_with_its_rule_and_source_or_allowed():
    p = load_profile("subsidy-notice")
    rid = synth.resident_id_number(random.Random(2))
    v = judge_finding(p, finding("CN_RESIDENT_ID", rid))
    assert v.violation is not None and v.allowed_by is None
    assert v.violation.rule == "subsidy-notice:CN_RESIDENT_ID"
    assert v.violation.action == "drop-column" and "最高人民检察院" in v.violation.source
    assert "rule:subsidy-notice:CN_RESIDENT_ID" in v.evidence
    d = v.to_dict()
    assert d["violation"]["requirement"] == "身份证号：删除整列" and d["value"] != rid  # masked
    ok = judge_finding(p, finding("PERSON_NAME", "张三"))
    assert ok.violation is None and ok.allowed_by == "subsidy-notice:PERSON_NAME"


@pytest.mark.parametrize("address,violates", [
    ("江西省抚州市乐安县鳌溪镇湖坪村3组", True), ("乐安县鳌溪镇", False), ("江西省抚州市乐安县", False)])
def test_an_address_no_finer_than_the_rule_is_allowed(address, violates):
    v = judge_finding(load_profile("subsidy-notice"), finding("CN_ADDRESS", address))
    assert (v.violation is not None) is violates


def test_column_rules_decide_for_the_cells_of_their_column():
    p = load_profile("student-aid")
    v = judge_finding(p, finding("CN_MOBILE", "13800138000", row=1, column="学生出生日期"))
    assert v.violation.rule == "student-aid:column:birth-date"
    ff = judge_finding(p, finding(FORBIDDEN_FIELD, "2005-03-07", row=1, column="出生日期",
                                  evidence=("rule:student-aid:column:birth-date",)))
    assert ff.violation.requirement == "出生日期 列：删除整列"


def test_under_masked_is_judged_by_the_rule_of_the_masked_type():
    p = load_profile("housing")
    um = finding(UNDER_MASKED, "36102519900307****", evidence=("masked:CN_RESIDENT_ID", "why:出生日期完整可见"))
    v = judge_finding(p, um)
    assert v.violation.rule == "housing:CN_RESIDENT_ID" and v.violation.reason == "出生日期完整可见"


def test_forbidden_columns_are_found_in_tables_and_not_in_other_columns(tmp_path):
    from piiscan.files import scan_file_results
    from piiscan.profiles import scanner_for

    src = tmp_path / "list.csv"
    src.write_text("姓名,班级,出生日期,备注\n张三,一班,2005-03-07,\n李四,二班,,无\n王五,三班,2006年1月,\n",
                   encoding="utf-8")
    p = load_profile("student-aid")
    judge = ProfileJudge(p)
    (r,) = scan_file_results(src, scanner_for(p))
    judged = judge.result(r, src, keep_allowed=False)
    ff = [(f.row, f.column, f.value) for f in judged.findings if f.type == FORBIDDEN_FIELD]
    assert ff == [(1, "出生日期", "2005-03-07"), (3, "出生日期", "2006年1月")]  # the empty cell is nothing
    assert judge.allowed["student-aid:PERSON_NAME"] == 3


# --- the command line ------------------------------------------------------------

def make_list(tmp_path: Path) -> tuple[Path, list]:
    rng = random.Random(9)
    people = [(synth.person_name(rng), synth.resident_id_number(rng, region="361025")) for _ in range(3)]
    folder = tmp_path / "notices"
    folder.mkdir()
    lines = ["姓名,班级,出生日期"] + [f"{n},一班,{r[6:10]}-{r[10:12]}-{r[12:14]}" for n, r in people]
    (folder / "list.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, people


def test_scan_with_a_profile_reports_violations_with_rule_and_source(tmp_path):
    folder, people = make_list(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--profile", "student-aid", "--format", "jsonl", str(folder)])
    assert res.exit_code == 1
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["type"] for r in records] == [FORBIDDEN_FIELD] * 3
    assert all(r["violation"]["rule"] == "student-aid:column:birth-date" for r in records)
    assert all("教财厅函〔2017〕28号" in r["violation"]["source"] for r in records)
    assert not any(p[1][6:14][:4] + "-" in res.stdout for p in people)  # dates masked
    # Without a profile the same list reports the names and, under 出生日期, the birth dates (CN_BIRTH_DATE,
    # issue 14): personal information either way; the profile says which of it this kind of list may show.
    plain = CliRunner().invoke(main, ["scan", "--format", "jsonl", str(folder)])
    assert {json.loads(line)["type"] for line in plain.stdout.splitlines()} == {"PERSON_NAME", "CN_BIRTH_DATE"}


def test_scan_with_an_unknown_profile_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["scan", "--profile", "nope", str(tmp_path)])
    assert res.exit_code == 2 and "unknown profile 'nope'" in res.output


def test_check_blocks_on_violations_and_names_the_rule(tmp_path, monkeypatch):
    folder, _ = make_list(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["check", "--profile", "student-aid", "--format", "json", "notices"])
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    blocking = [f for f in doc["findings"] if f["status"] == "blocking"]
    assert len(blocking) == 3 and all(f["violation"]["rule"] == "student-aid:column:birth-date" for f in blocking)
    allowed = [f for f in doc["findings"] if f["status"] == "allowed"]
    assert len(allowed) == 3 and all(f["reason"] == "profile rule student-aid:PERSON_NAME" for f in allowed)
    assert "rule student-aid:column:birth-date: 3" in res.stderr
    sarif = json.loads(CliRunner().invoke(main, ["check", "--profile", "student-aid", "--format", "sarif",
                                                 "notices"]).stdout)
    results = sarif["runs"][0]["results"]
    assert len(results) == 3 and all("rule:student-aid:column:birth-date" in r["properties"]["evidence"]
                                     for r in results)
    # Under the default profile names must be masked: they block too.
    res = CliRunner().invoke(main, ["check", "--profile", "default", "--format", "json", "notices"])
    assert {f["type"] for f in json.loads(res.stdout)["findings"] if f["status"] == "blocking"} == \
        {"PERSON_NAME", FORBIDDEN_FIELD}


def test_check_reads_the_profile_from_config_relative_to_it(tmp_path, monkeypatch):
    folder, _ = make_list(tmp_path)
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", MINIMAL.replace('extends = "default"', 'extends = "student-aid"'), "county.toml")
    (tmp_path / ".piiscan.toml").write_text('profile = "rules/county.toml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["check", "--format", "json", "notices"])
    assert res.exit_code == 1
    rules = {f["violation"]["rule"] for f in json.loads(res.stdout)["findings"] if f["status"] == "blocking"}
    assert rules == {"county:column:birth-date"}
    # --profile wins over the configured one.
    res = CliRunner().invoke(main, ["check", "--profile", "court-judgment", "--format", "json", "notices"])
    assert {f["violation"]["rule"] for f in json.loads(res.stdout)["findings"] if f["status"] == "blocking"} == \
        {"court-judgment:PERSON_NAME", "court-judgment:column:birth-date"}
    (tmp_path / ".piiscan.toml").write_text('profile = "rules/missing.toml"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["check", "notices"])
    assert res.exit_code == 2 and "profile file not found" in res.stderr


def test_entity_types_include_the_audit_types_at_the_end():
    assert ENTITY_TYPES[-2:] == (UNDER_MASKED, FORBIDDEN_FIELD)


def test_check_staged_reads_forbidden_columns_from_the_index(tmp_path, monkeypatch):
    """--staged scans blobs materialized in a temporary folder: the column pass must run while they exist."""
    from gate_helpers import git, make_repo

    repo = make_repo(tmp_path)
    folder, _ = make_list(repo)
    git(repo, "add", "notices/list.csv")
    # The work tree's copy no longer shows the birth dates; the staged one does, and that is what ships.
    (folder / "list.csv").write_text("姓名,班级\n张三,一班\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    res = CliRunner().invoke(main, ["check", "--staged", "--profile", "student-aid", "--format", "json"])
    assert res.exit_code == 1, res.stderr
    blocking = [f for f in json.loads(res.stdout)["findings"] if f["status"] == "blocking"]
    assert [f["type"] for f in blocking] == [FORBIDDEN_FIELD] * 3
    assert all(f["path"] == "notices/list.csv" for f in blocking)


def test_the_documented_example_profile_loads_and_does_what_it_says(tmp_path):
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "profiles.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(# rules/yongan\.toml\n.*?)```", doc, re.S).group(1)
    p = load_profile(write(tmp_path, block, "yongan.toml"))
    assert p.name == "yongan" and p.rule_for("CN_RESIDENT_ID").keep == (2, 3)
    assert p.rule_for("CN_ADDRESS").level == "township" and p.rule_for("PERSON_NAME").action == "allow"
    for name in BUILTIN:  # every bundled profile has its rule table in the docs
        assert f"### `{name}` — {load_profile(name).title}" in doc


def test_types_narrow_a_profile_scan_too(tmp_path):
    folder, _ = make_list(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--profile", "default", "--types", "PERSON_NAME", "--format", "jsonl",
                                    str(folder)])
    assert {json.loads(line)["type"] for line in res.stdout.splitlines()} == {"PERSON_NAME"}
    res = CliRunner().invoke(main, ["scan", "--profile", "default", "--types", "FORBIDDEN_FIELD", "--format", "jsonl",
                                    str(folder)])
    assert {json.loads(line)["type"] for line in res.stdout.splitlines()} == {FORBIDDEN_FIELD}
