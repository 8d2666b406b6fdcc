"""piiscan audit: fragment joins, k-anonymity, the rectification report — and no joined value anywhere."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.audit import audit_paths
from piiscan.audit.joins import Located, find_joins
from piiscan.audit.kanon import assess_table
from piiscan.audit.masked import DEFAULT_ALLOWANCES, find_fragments
from piiscan.audit.report import to_html, to_json, to_text
from piiscan.cli import main
from piiscan.profiles import ProfileRedactor, load_profile
from piiscan.tables import Table

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "profiles"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def keep(value: str, first: int, last: int) -> str:
    return value[:first] + "*" * (len(value) - first - last) + (value[len(value) - last:] if last else "")


def located(text: str, path: str, record, names=()) -> Located:
    (frag,) = find_fragments(text)
    return Located(frag, path, (("line", 1),), record, frozenset(names))


# --- joins -----------------------------------------------------------------------------

def test_two_masks_of_one_id_linked_by_name_join_into_the_whole_number():
    rid = synth.resident_id_number(random.Random(3))
    a = located("身份证号：" + keep(rid, 6, 4), "a.csv", ("a", 1), {"张三"})
    b = located("身份证号：" + keep(rid, 14, 0), "b.txt", ("b", 1), {"张三"})
    (join,) = find_joins([a, b], DEFAULT_ALLOWANCES)
    assert join.paths == ["a.csv", "b.txt"] and join.together == 18 and join.linked_by == "name"
    assert "whole" in join.reveals and "birth-date" in join.reveals
    # Without the name (and with no shared distinguishing digits) nothing links them.
    assert find_joins([a, located("身份证号：" + keep(rid, 14, 0), "b.txt", ("b", 1))], DEFAULT_ALLOWANCES) == []


def test_the_check_digit_recovers_one_missing_character():
    rid = synth.resident_id_number(random.Random(5))
    # The first 13 and the last 4: position 13 is missing, and the check digit gives it back.
    a = located("身份证号：" + keep(rid, 13, 0), "a.txt", ("a", 1), {"李四"})
    b = located("身份证号：" + keep(rid, 6, 4), "b.txt", ("b", 1), {"李四"})
    (join,) = find_joins([a, b], DEFAULT_ALLOWANCES)
    assert join.together == 18 and "其中1位由校验码推出" in join.reason


def test_fragments_that_disagree_or_fail_the_check_digit_are_not_one_value():
    r1 = synth.resident_id_number(random.Random(8), region="361025")
    wrong = r1[:17] + ("0" if r1[17] != "0" else "1")  # the same person's digits, another check character
    a = located("身份证号：" + keep(r1, 14, 0), "a.txt", ("a", 1), {"王五"})
    # Same name, compatible positions: with the right check digit one value, with a wrong one two people.
    assert len(find_joins([a, located("身份证号：" + keep(r1, 6, 4), "b.txt", ("b", 1), {"王五"})],
                          DEFAULT_ALLOWANCES)) == 1
    assert find_joins([a, located("身份证号：" + keep(wrong, 6, 4), "b.txt", ("b", 1), {"王五"})],
                      DEFAULT_ALLOWANCES) == []
    other = "110101" + r1[6:]
    assert find_joins([a, located("身份证号：" + keep(other, 6, 4), "c.txt", ("c", 1), {"王五"})],
                      DEFAULT_ALLOWANCES) == []  # they disagree on the region


def test_a_subset_mask_adds_nothing_and_is_not_a_join():
    rid = synth.resident_id_number(random.Random(6))
    a = located("身份证号：" + keep(rid, 6, 4), "a.txt", ("a", 1), {"赵六"})
    b = located("身份证号：" + keep(rid, 2, 3), "b.txt", ("b", 1), {"赵六"})
    assert find_joins([a, b], DEFAULT_ALLOWANCES) == []


def test_digits_link_without_a_name_but_a_shared_segment_does_not():
    rng = random.Random(7)
    rid = synth.resident_id_number(rng)
    a = located("身份证号：" + keep(rid, 6, 4), "a.txt", ("a", 1))
    b = located("身份证号：" + "*" * 6 + rid[6:], "b.txt", ("b", 1))
    (join,) = find_joins([a, b], DEFAULT_ALLOWANCES)
    assert join.linked_by == "digits"
    m1, m2 = synth.mobile_number(rng), synth.mobile_number(rng)
    m2 = m1[:3] + m2[3:]
    assert find_joins([located("手机 " + keep(m1, 3, 4), "a.txt", ("a", 2)),
                       located("手机 " + keep(m2, 7, 0), "b.txt", ("b", 2))], DEFAULT_ALLOWANCES) == []


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([(6, 4), (14, 0), (0, 12), (13, 0), (3, 8)]),
       st.sampled_from([(6, 4), (14, 0), (0, 12), (2, 3), (10, 0)]))
def test_a_join_never_holds_the_joined_value(seed, ka, kb):
    rid = synth.resident_id_number(random.Random(seed))
    a = located("身份证号：" + keep(rid, *ka), "a.txt", ("a", 1), {"钱七"})
    b = located("身份证号：" + keep(rid, *kb), "b.txt", ("b", 1), {"钱七"})
    for join in find_joins([a, b], DEFAULT_ALLOWANCES):
        text = json.dumps(join.to_dict(), ensure_ascii=False) + repr(join)
        assert rid not in text and rid[6:14] not in text
        assert keep(rid, *ka) not in text and keep(rid, *kb) not in text


# --- k-anonymity ----------------------------------------------------------------------

def test_k_of_a_small_village_table():
    profile = load_profile("low-income")
    redactor = ProfileRedactor(profile, key=b"k" * 32)
    rows = [["序号", "村民小组", "性别", "年龄段", "月补助金额"]]
    rows += [[str(i), "1组", "男", "70-79岁", "650"] for i in range(1, 6)]
    rows += [["6", "3组", "女", "90岁以上", "650"], ["合计", "", "", "", "3900"]]
    risk = assess_table("t.csv", Table(rows), profile, redactor)
    assert risk.k == 1 and risk.rows == 6 and risk.at_risk
    assert [(g.rows, dict(g.values)) for g in risk.small] == [
        ((6,), {"村民小组": "3组", "性别": "女", "年龄段": "90岁以上", "月补助金额": "650"})]
    # Merging the age bands makes every group at least as big as the threshold asks... for 5 rows of 1组.
    rows[6][1:4] = ["1组", "男", "70-79岁"]
    assert assess_table("t.csv", Table(rows), profile, redactor).k == 6


def test_k_ignores_columns_the_profile_removes_and_tables_that_publish_names():
    profile = load_profile("default")
    redactor = ProfileRedactor(profile)
    rows = [["女", f"19{40 + i}-01"] for i in range(6)]
    # 出生年月 is dropped by the default profile: only 性别 is published, and six share it.
    risk = assess_table("t.csv", Table(rows, header=["性别", "出生年月"]), profile, redactor)
    assert risk.k == 6 and risk.excluded == ("出生年月",)
    named = [["姓名", "性别"], ["张三", "女"]]
    assert assess_table("t.csv", Table(named), load_profile("low-income"),
                        ProfileRedactor(load_profile("low-income"))) is None


# --- the audit of the samples -----------------------------------------------------------

@pytest.fixture(scope="module")
def default_audit():
    return audit_paths([SAMPLES / "fragments", SAMPLES / "partial"], "default")


def test_the_audit_finds_the_joinable_fragment_pairs(default_audit):
    got = sorted((j.type, tuple(sorted(Path(p).relative_to(SAMPLES).as_posix() for p in j.paths)), j.together,
                  j.linked_by) for j in default_audit.joins)
    want = sorted((j["type"], tuple(j["files"]), j["together"], j["linked_by"]) for j in EXPECTED["joins"])
    assert got == want


def test_the_audit_finds_the_under_masked_values(default_audit):
    got = {}
    for fa in default_audit.files:
        rel = Path(fa.path).relative_to(SAMPLES).as_posix()
        got[rel] = sorted(f.value for f in fa.violations if f.type == "UNDER_MASKED")
    for rel, entries in EXPECTED["under_masked"].items():
        if rel.split("/")[0] in ("fragments", "partial"):
            assert got[rel] == sorted(e["value"] for e in entries), rel


def test_the_audit_finds_the_k1_row():
    (k,) = EXPECTED["k_anonymity"]
    report = audit_paths([SAMPLES / "low-income"], k["profile"])
    risky = [t for t in report.risky_tables if t.path.endswith(Path(k["path"]).name)]
    assert len(risky) == 1 and risky[0].k == k["k"]
    assert [r for g in risky[0].small for r in g.rows] == k["rows"]
    assert report.exit_code == 1


def test_report_formats(default_audit):
    doc = json.loads(to_json(default_audit))
    assert doc["title"] == "个人信息公开整改报告" and doc["profile"]["name"] == "default"
    kinds = {it["kind"] for f in doc["files"] for it in f["items"]}
    assert {"遮蔽不足", "碎片可拼接", "违规公开"} <= kinds
    for f in doc["files"]:
        for it in f["items"]:
            assert it["requirement"] and it["basis"] and it["rule"].startswith("default:")
    html = to_html(default_audit)
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "整改记录" in html
    assert "逐文件整改清单" in html and "遮蔽碎片拼接风险" in html
    assert "个需整改" in to_text(default_audit)


def test_audit_escapes_what_comes_from_documents(tmp_path):
    bad = tmp_path / "<script>alert(1)<script>.txt"
    bad.write_text(f"身份证号：{keep(synth.resident_id_number(random.Random(1)), 14, 0)}\n", encoding="utf-8")
    html = to_html(audit_paths([tmp_path], "default"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_audit_cli_exit_codes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("本通知自发布之日起施行。\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["audit", str(clean)]).exit_code == 0
    res = CliRunner().invoke(main, ["audit", "--profile", "default", str(SAMPLES / "partial")])
    assert res.exit_code == 1 and "遮蔽不足" in res.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "b.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    res = CliRunner().invoke(main, ["audit", str(broken)])
    assert res.exit_code == 2 and "未能完整检查" in res.stdout
    res = CliRunner().invoke(main, ["audit", "--format", "html", "-o", str(tmp_path / "r.html"),
                                    str(SAMPLES / "partial")])
    assert res.exit_code == 1 and (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- nothing anywhere holds a joined value ----------------------------------------------

def test_no_report_log_or_baseline_holds_a_joined_value(tmp_path, monkeypatch):
    secrets = EXPECTED["joined_values"]
    assert secrets
    # Births of the joined IDs too: the part the fragments only give together.
    secrets = secrets + [v[6:14] for v in secrets if len(v) == 18]
    folder = SAMPLES / "fragments"
    monkeypatch.chdir(tmp_path)
    outputs: list[str] = []
    runner = CliRunner()
    for fmt in ("table", "json", "jsonl"):
        res = runner.invoke(main, ["scan", "--profile", "default", "--format", fmt, str(folder)])
        outputs += [res.stdout, res.stderr]
    for fmt in ("table", "json", "jsonl", "sarif", "html"):
        res = runner.invoke(main, ["check", "--profile", "default", "--no-baseline", "--format", fmt, str(folder)])
        outputs += [res.stdout, res.stderr]
    for fmt in ("table", "json", "html"):
        res = runner.invoke(main, ["audit", "--profile", "default", "--format", fmt, "-o", f"audit.{fmt}", str(folder)])
        outputs += [res.stdout, res.stderr, (tmp_path / f"audit.{fmt}").read_text(encoding="utf-8")]
    # A baseline of the same folder under the profile (the gate's config names it).
    (tmp_path / ".piiscan.toml").write_text('profile = "default"\n', encoding="utf-8")
    env = {"PIISCAN_BASELINE_KEY": "b" * 64}
    res = runner.invoke(main, ["baseline", "create", "--output", "bl.json", str(folder)], env=env)
    assert res.exit_code == 0, res.stderr
    baseline = (tmp_path / "bl.json").read_text(encoding="utf-8")
    assert "UNDER_MASKED" in baseline  # the under-masked fragments were recorded, by keyed hash
    outputs += [res.stdout, res.stderr, baseline]
    res = runner.invoke(main, ["redact", "--profile", "default", str(folder), "--out", "red"])
    outputs += [res.stdout, res.stderr] + [p.read_text(encoding="utf-8-sig") for p in (tmp_path / "red").rglob("*.*")]
    blob = "\n".join(outputs)
    assert "碎片可拼接" in blob  # the join was found and reported ...
    for s in secrets:
        assert s not in blob  # ... and never spelled out
    assert not [p for p in tmp_path.rglob("*") if re.search(r"cache", p.name, re.I)]
