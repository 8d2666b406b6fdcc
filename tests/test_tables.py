"""Column classification and cell scanning shared by every table reader and scan_dataframe."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from piiscan import synth
from piiscan.files import scan_dataframe
from piiscan.scanner import Scanner
from piiscan.tables import (LOST_DIGITS, Table, cell_text, classify_columns, header_kind, scan_table,
                            split_header)
from piiscan.validators import bank_card, resident_id

HEADER = ["序号", "户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话", "机具品目", "型号", "出厂编号", "补贴金额", "购机日期"]


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def _account(rng):
    while True:
        a = synth.bank_account_number(rng, 18)
        if not resident_id.is_valid(a) and not bank_card.is_valid(a):
            return a


def _rows(rng, n=8):
    rows = []
    for i in range(1, n + 1):
        rows.append([i, synth.person_name(rng), synth.resident_id_number(rng), "鳌溪镇湖溪村3组",
                     _account(rng) if i % 2 else synth.bank_card_number(rng), synth.mobile_number(rng),
                     "轮式拖拉机", "LX904",
                     # serials, amounts and dates the columns hold: silent
                     f"NJ{2019000 + i}", 18000, "2020-05-01"])
    return rows


@pytest.mark.parametrize("header, kind", [
    ("身份证号码", "CN_RESIDENT_ID"), ("公民身份号码", "CN_RESIDENT_ID"), ("户主证件号码", "CN_RESIDENT_ID"),
    ("证件号码\n(必填)", "CN_RESIDENT_ID"), ("户主姓名", "PERSON_NAME"), ("姓 名", "PERSON_NAME"),
    ("家庭住址", "CN_ADDRESS"), ("一卡通账号", "BANK_CARD"), ("银行帐号", "BANK_CARD"),
    ("联系电话", "PHONE"), ("手机号码", "PHONE"), ("电子邮件地址", "EMAIL_ADDRESS"),
    ("序号", "none"), ("补贴金额（元）", "none"), ("出厂编号", "none"), ("型号", "none"), ("购机日期", "none"),
    ("机具", None), ("", None), (None, None),
])
def test_header_kind(header, kind):
    assert header_kind(header) == kind


def test_split_header_skips_title_rows():
    rows = [["乐安县农机购置补贴公示", None, None], ["序号", "姓名", "联系电话"], [1, "张三", "13800138000"]]
    header, data, preface = split_header(rows)
    assert header == ["序号", "姓名", "联系电话"]
    assert data == [[1, "张三", "13800138000"]]
    assert preface == [["乐安县农机购置补贴公示", None, None]]


def test_split_header_headerless_table_gets_column_numbers():
    rows = [["361025198001011234", "13800138000"], ["361025198001011234", "13800138000"]]
    header, data, _ = split_header(rows)
    assert header == ["列1", "列2"] and len(data) == 2


def test_cell_text():
    assert cell_text(13800138000.0) == ("13800138000", False)
    assert cell_text(3.61025198001011e17) == ("361025198001011000", True)
    assert cell_text(123456789012345) == ("123456789012345", False)  # 15 digits survive in Excel
    assert cell_text("江西省抚州市乐安县\n山砀镇田塘村8组") == ("江西省抚州市乐安县山砀镇田塘村8组", False)
    assert cell_text(None) == ("", False) and cell_text(math.nan) == ("", False)


def test_table_findings_carry_rows_columns_and_nothing_from_non_personal_columns(rng, scanner):
    # (A value there that validates on its own is another matter: see the tests below.)
    rows = _rows(rng)
    findings, classes = scan_table(Table([["乐安县公示"]] + [HEADER] + rows, {"sheet": "第一批"}), scanner)
    personal = {"户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话"}
    assert {f.column for f in findings} <= personal
    assert all(f.sheet == "第一批" for f in findings)
    for r, row in enumerate(rows, 1):
        got = {(f.column, f.value) for f in findings if f.row == r}
        for col in ("身份证号码", "银行账号", "联系电话"):
            assert (col, row[HEADER.index(col)]) in got, (r, col)
    by_col = {c.column: c for c in classes}
    assert by_col["身份证号码"].type == "CN_RESIDENT_ID" and by_col["身份证号码"].share == 1.0
    assert by_col["银行账号"].type == "BANK_CARD" and by_col["银行账号"].share == 1.0
    assert by_col["联系电话"].type == "CN_MOBILE"
    assert by_col["出厂编号"].type is None and by_col["出厂编号"].source == "non-personal"


def test_non_luhn_account_needs_the_header(rng, scanner):
    acct = _account(rng)
    assert not scanner.scan(acct)  # alone it is just a number
    findings, _ = scan_table(Table([[acct]], header=["一卡通账号"]), scanner)
    assert [(f.type, f.value, f.row, f.column) for f in findings] == [("BANK_CARD", acct, 1, "一卡通账号")]
    findings, _ = scan_table(Table([[acct]], header=["机具"]), scanner)
    assert findings == []


def test_unknown_header_classified_by_values_then_scanned_with_that_prior(rng, scanner):
    cards = [synth.bank_card_number(rng) for _ in range(6)]
    acct = _account(rng)
    findings, classes = scan_table(Table([[c] for c in cards] + [[acct]], header=["信息"]), scanner)
    assert classes[0].type == "BANK_CARD" and classes[0].source == "values"
    assert {f.value for f in findings} == set(cards) | {acct}


def test_non_personal_header_overridden_when_values_are_ids(rng, scanner):
    ids = [synth.resident_id_number(rng) for _ in range(5)]
    findings, classes = scan_table(Table([[i] for i in ids], header=["编号"]), scanner)
    assert classes[0].type == "CN_RESIDENT_ID" and "non-personal" in classes[0].note
    assert {f.value for f in findings} == set(ids)


def test_lost_digit_ids_reported_with_a_note(rng, scanner):
    ids = [synth.resident_id_number(rng, region="361025") for _ in range(4)]
    rows = [[i, float(v)] for i, v in enumerate(ids, 1)]
    findings, classes = scan_table(Table(rows, header=["序号", "身份证号码"]), scanner)
    assert [f.row for f in findings] == [1, 2, 3, 4]
    assert all(f.detector == LOST_DIGITS and f.type == "CN_RESIDENT_ID" and f.confidence == 0.6 for f in findings)
    # The first 15 digits are what Excel kept.
    assert [f.value[:15] for f in findings] == [v[:15] for v in ids]
    assert "lost" in classes[1].note
    # Same without a telling header: the values (region + birth date) say ID.
    findings, classes = scan_table(Table([[float(v)] for v in ids], header=["列1"]), scanner)
    assert len(findings) == 4 and classes[0].type == "CN_RESIDENT_ID"
    # Below the confidence threshold: not reported.
    strict = Scanner(min_confidence=0.7)
    assert scan_table(Table(rows, header=["序号", "身份证号码"]), strict)[0] == []


def test_phone_column_of_landlines(rng, scanner):
    phones = [synth.landline_number(rng) for _ in range(5)]
    _, classes = scan_table(Table([[p] for p in phones], header=["联系电话"]), scanner)
    assert classes[0].type == "CN_LANDLINE"


def test_names_and_addresses_under_their_headers(scanner):
    findings, classes = scan_table(Table([["张伟", "鳌溪镇湖溪村3组"]], header=["户主姓名", "家庭住址"]), scanner)
    assert {(f.type, f.value) for f in findings} == {("PERSON_NAME", "张伟"), ("CN_ADDRESS", "鳌溪镇湖溪村3组")}
    findings, _ = scan_table(Table([["张伟", "鳌溪镇湖溪村3组"]], header=["机具品目", "型号"]), scanner)
    assert findings == []


def test_scan_dataframe(rng):
    ids = [synth.resident_id_number(rng) for _ in range(3)]
    df = pd.DataFrame({"序号": [1, 2, 3], "身份证号码": ids, "联系电话": [synth.mobile_number(rng), None, math.nan],
                       "补贴金额": [13800138000, 1.5, 3]})
    findings, classes = scan_dataframe(df)
    assert [(f.type, f.row, f.column) for f in findings if f.type == "CN_RESIDENT_ID"] == \
        [("CN_RESIDENT_ID", 1, "身份证号码"), ("CN_RESIDENT_ID", 2, "身份证号码"), ("CN_RESIDENT_ID", 3, "身份证号码")]
    assert [c.column for c in classes] == ["序号", "身份证号码", "联系电话", "补贴金额"]
    assert classes[1].to_dict()["type"] == "CN_RESIDENT_ID"
    # Amounts are not phones; an allocated mobile typed into the amount column
    # still is one (a header never hides what validates on its own).
    assert [(f.type, f.row) for f in findings if f.column == "补贴金额"] == [("CN_MOBILE", 1)]


def test_classify_without_scanning_everything(rng, scanner):
    # Classification samples a bounded number of cells per column.
    ids = [[synth.resident_id_number(rng)] for _ in range(300)]
    classes = classify_columns(["x"], ids, scanner)
    assert classes[0].type == "CN_RESIDENT_ID" and classes[0].share == 1.0


def test_repeated_values_are_reported_in_every_row(rng, scanner):
    # A column's repeated value is scanned once (remembered per column) but reported per row.
    address, phone = "江西省抚州市乐安县鳌溪镇湖溪村3组", synth.mobile_number(rng)
    rows = [[str(i), address, phone, "农商银行"] for i in range(1, 41)]
    found, _ = scan_table(Table(rows, header=["序号", "家庭住址", "联系电话", "开户银行"]), scanner)
    assert sorted((f.type, f.row) for f in found) == sorted(
        [("CN_ADDRESS", r) for r in range(1, 41)] + [("CN_MOBILE", r) for r in range(1, 41)])
    assert all(f.value == address for f in found if f.type == "CN_ADDRESS")


@pytest.mark.parametrize("blank", [0, 3, 15])
def test_blank_rows_above_the_header(rng, scanner, blank):
    names = [synth.person_name(rng) for _ in range(3)]
    rows = [[""] * 3] * blank + [["户主姓名", "联系电话", "补贴金额"]] + [[n, synth.mobile_number(rng), "500.00"] for n in names]
    found, classes = scan_table(Table(rows), scanner)
    assert [c.column for c in classes] == ["户主姓名", "联系电话", "补贴金额"]
    assert [(f.row, f.value) for f in found if f.type == "PERSON_NAME"] == list(enumerate(names, 1))


# --- columns whose header says "not personal" --------------------------------

@pytest.mark.parametrize("header", ["备注", "编号", "出厂编号", "日期", "经销商", "补贴金额"])
def test_non_personal_header_never_hides_what_validates_on_its_own(rng, scanner, header):
    ident, card, mobile = synth.resident_id_number(rng), synth.bank_card_number(rng), synth.mobile_number(rng)
    rows = [[1, ident], [2, card], [3, mobile], [4, f"联系电话{mobile}"], [5, "0791-86123456"]]
    findings, classes = scan_table(Table(rows, header=["序号", header]), scanner)
    assert classes[1].source == "non-personal"
    got = {(f.row, f.type) for f in findings}
    assert got == {(1, "CN_RESIDENT_ID"), (2, "BANK_CARD"), (3, "CN_MOBILE"), (4, "CN_MOBILE"), (5, "CN_LANDLINE")}
    # Each says why, and where.
    assert all(f.column == header and any(e in ("checksum", "luhn", "segment", "area-code") for e in f.evidence)
               for f in findings)


@pytest.mark.parametrize("value", ["鳌溪镇湖溪村3组", "张伟", "2020-05-01", "NJ2019001", "18000", "13800000000.00元",
                                   "订单号 13800138000"])
def test_non_personal_header_keeps_context_only_values_quiet(scanner, value):
    # An address-shaped phrase, a bare name, dates, serials, amounts and a number
    # its own cell calls an order number: nothing to report under 备注.
    findings, _ = scan_table(Table([[1, value]], header=["序号", "备注"]), scanner)
    assert findings == []


def test_non_personal_header_lowers_what_only_context_reports(rng):
    # A non-Luhn account number reported under a bank word inside the cell
    # keeps what the cell says; a bare one has nothing left to stand on.
    acct = _account(rng)
    low = Scanner(min_confidence=0.1)
    quiet, _ = scan_table(Table([[f"账号{acct}"]], header=["备注"]), low)
    loud, _ = scan_table(Table([[f"账号{acct}"]], header=["说明"]), low)
    assert [f.confidence for f in quiet] == [f.confidence for f in loud]  # labelled in the cell itself
    addr = "鳌溪镇湖溪村3组"
    loud, _ = scan_table(Table([[addr]], header=["说明"]), low)
    quiet, _ = scan_table(Table([[addr]], header=["备注"]), low)
    assert loud and (not quiet or quiet[0].confidence < loud[0].confidence)



def test_redaction_follows_the_non_personal_scan(rng, tmp_path):
    # What the scan reports under 备注 and 编号 the redacted copy no longer shows;
    # what it leaves (serials, amounts) stays as it was.
    from piiscan import redact_dataframe, redact_file, scan_file

    ident, mobile = synth.resident_id_number(rng), synth.mobile_number(rng)
    serials = ["".join(str(rng.randrange(10)) for _ in range(16)) for _ in range(12)]
    df = pd.DataFrame({"编号": [ident] + serials[:11], "备注": [f"联系电话{mobile}"] + ["已核实"] * 11,
                       "出厂编号": serials, "补贴金额": [18000] * 12})
    out = redact_dataframe(df)
    assert ident not in out["编号"].tolist() and out["编号"][0].startswith(ident[:6])
    assert mobile not in out["备注"][0] and out["备注"][0].startswith("联系电话")
    assert out["编号"].tolist()[1:] == serials[:11] and out["出厂编号"].tolist() == serials
    assert out["补贴金额"].tolist() == [18000] * 12

    src = tmp_path / "table.csv"
    df.to_csv(src, index=False)
    dst = tmp_path / "out" / "table.csv"
    redact_file(src, dst)
    text = dst.read_text(encoding="utf-8")
    assert ident not in text and mobile not in text and all(s in text for s in serials)
    assert [f for f in scan_file(dst) if f.type in ("CN_RESIDENT_ID", "CN_MOBILE")] == []


def test_serials_that_pass_luhn_by_chance_stay_quiet(rng, scanner):
    # A column of 16-digit factory serials: about one in ten passes Luhn (and
    # the prefix list); those are chance, not cards.
    serials = ["".join(str(rng.randrange(10)) for _ in range(16)) for _ in range(60)]
    lucky = [s for s in serials if bank_card.is_valid(s)]
    assert lucky  # the test means something only if some pass
    findings, _ = scan_table(Table([[s] for s in serials], header=["出厂编号"]), scanner)
    assert findings == []
    # A column where every number validates is no column of serials: reported.
    findings, _ = scan_table(Table([[s] for s in lucky], header=["出厂编号"]), scanner)
    assert {f.value for f in findings} == set(lucky)
