"""redact --profile applies a profile, and what it writes passes check --profile."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "profiles"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
KINDS = {"student-aid": "student-aid", "court-judgment": "court-judgment", "subsidy-notice": "subsidy-notice",
         "low-income": "low-income", "housing": "housing", "partial": "default", "fragments": "default"}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("folder,profile", sorted(KINDS.items()))
def test_redacted_output_passes_the_same_profile(tmp_path, folder, profile):
    before = invoke("check", "--profile", profile, "--no-baseline", str(SAMPLES / folder))
    assert before.exit_code == 1, before.stderr  # every sample plants something
    out = tmp_path / "out"
    res = invoke("redact", "--profile", profile, str(SAMPLES / folder), "--out", str(out))
    assert res.exit_code == 0, res.stderr
    after = invoke("check", "--profile", profile, "--no-baseline", "--format", "json", str(out))
    assert after.exit_code == 0, after.stdout
    doc = json.loads(after.stdout)
    assert not [f for f in doc["findings"] if f["status"] == "blocking"]
    # And no planted value the profile forbids survives anywhere in the output.
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".txt"):
            text = path.read_text(encoding="utf-8-sig")
            rel = f"{folder}/{path.name}"
            for etype, values in EXPECTED["plain_scan"].get(rel, {}).items():
                if etype != "PERSON_NAME" or profile in ("court-judgment", "default"):
                    for v in values:
                        if etype == "CN_ADDRESS" and profile not in ("court-judgment", "default"):
                            continue  # kept to the township: the town part stays by the rule
                        assert v not in text, (rel, etype)


def test_court_judgment_writes_court_style_names(tmp_path):
    names = EXPECTED["court_names"]
    res = invoke("redact", "--profile", "court-judgment", str(SAMPLES / "court-judgment"), "--out", str(tmp_path))
    assert res.exit_code == 0, res.stderr
    text = (tmp_path / "民事判决书.txt").read_text(encoding="utf-8")
    # Two different 张: 甲 and 乙 in order of appearance, everywhere; the third party is 李某.
    assert f"原告张某甲" in text and "被告张某乙" in text and "第三人：李某" in text
    assert text.count("张某甲") >= 3 and text.count("张某乙") >= 3
    for n in (names["plaintiff"], names["defendant"], names["third"]):
        assert n not in text
    # Address kept to the county; ID, phone and account deleted.
    assert "住江西省抚州市乐安县，公民身份号码，联系电话。" in text
    assert "收款账号。" in text


def test_student_aid_removes_the_forbidden_columns(tmp_path):
    import openpyxl

    res = invoke("redact", "--profile", "student-aid", str(SAMPLES / "student-aid"), "--out", str(tmp_path))
    assert res.exit_code == 0, res.stderr
    header = (tmp_path / "国家助学金公示名单.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "序号,姓名,学校,院系,年级,专业,班级"
    ws = openpyxl.load_workbook(tmp_path / "助学金名单（出生年月）.xlsx").active
    assert [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))] == ["序号", "姓名", "学校", "年级", "班级"]


def test_a_forbidden_column_a_writer_cannot_remove_is_a_failure_not_a_silent_pass(tmp_path):
    """PDF tables are redacted by findings: a 出生日期 column stays, so the output is refused."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    rng = random.Random(4)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [["序号", "姓名", "班级", "出生日期"]] + [[str(i), synth.person_name(rng), "一班", f"2005-0{i}-1{i}"]
                                               for i in range(1, 4)]
    src = tmp_path / "in" / "list.pdf"
    src.parent.mkdir()
    t = Table(rows)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(src), pagesize=A4).build([t])
    assert invoke("check", "--profile", "student-aid", "--no-baseline", str(src)).exit_code == 1
    out = tmp_path / "out"
    res = invoke("redact", "--profile", "student-aid", str(src.parent), "--out", str(out))
    assert res.exit_code == 1
    assert "LEAK" in res.stderr and "FORBIDDEN_FIELD" in res.stderr
    assert not (out / "list.pdf").exists()  # removed so it cannot be published by mistake


def test_profile_and_strategy_options_do_not_mix(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("手机 13800138000\n", encoding="utf-8")
    res = invoke("redact", "--profile", "default", "--strategy", "tag", str(src), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2 and "--profile decides strategies" in res.output


def test_a_profile_that_pseudonymizes_needs_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PIISCAN_KEY", raising=False)
    prof = tmp_path / "p.toml"
    prof.write_text('[profile]\nname = "x"\nextends = "default"\n[types.CN_MOBILE]\naction = "pseudonymize"\n'
                    'source = "gov-open-2018"\n', encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("手机 13800138000\n", encoding="utf-8")
    res = invoke("redact", "--profile", str(prof), str(src), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2 and "key" in res.output
    (tmp_path / "k").write_bytes(b"k" * 32)
    res = invoke("redact", "--profile", str(prof), "--key-file", str(tmp_path / "k"), str(src),
                 "--out", str(tmp_path / "o"))
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "o" / "a.txt").read_text(encoding="utf-8").startswith("手机 手机号-")


def test_masks_of_another_shape_are_put_into_the_rules_shape(tmp_path):
    """1380013**** shows 7 digits like 138****8000 but at other places: alone fine, together the whole
    number. redact --profile writes the rule's shape, so its output cannot take part in such a join."""
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text("手机：1380013****，身份证号：36*************23X\n", encoding="utf-8")
    assert invoke("check", "--profile", "default", "--no-baseline", str(src)).exit_code == 0
    res = invoke("redact", "--profile", "default", str(src.parent), "--out", str(tmp_path / "o"))
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "o" / "a.txt").read_text(encoding="utf-8") == "手机：138********，身份证号：36*************23X\n"


def test_copy_of_samples_is_untouched_by_redact(tmp_path):
    src = tmp_path / "court"
    shutil.copytree(SAMPLES / "court-judgment", src)
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    invoke("redact", "--profile", "court-judgment", str(src), "--out", str(tmp_path / "o"))
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
