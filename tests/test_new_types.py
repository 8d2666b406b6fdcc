"""The identifiers added with the registry (issue 14): found with their context, in table columns,
masked by redact, and not found in their near-misses."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import piiscan
from piiscan import synth
from piiscan.scanner import Scanner
from piiscan.tables import Table, header_kind, scan_table

SCANNER = Scanner(ner=False)


def found(text: str, label: str | None = None) -> list[tuple[str, str]]:
    return [(f.type, f.value) for f in SCANNER.scan(text, label=label)]


# (type, text with its context, the value, the masked value redact writes)
FOUND = [
    ("CN_PASSPORT", "申请人护照号码：E12345678。", "E12345678", "E******78"),
    ("CN_PASSPORT", "护照号：EA1234567", "EA1234567", "E******67"),
    ("CN_HOME_RETURN_PERMIT", "回乡证号码 H12345678", "H12345678", "H******78"),
    ("CN_TW_COMPATRIOT_PERMIT", "台胞证号：12345678", "12345678", "******78"),
    ("CN_EXIT_ENTRY_PERMIT", "往来港澳通行证号码：CA1234567", "CA1234567", "C******67"),
    ("HK_ID", "A123456(3)", "A123456(3)", "A******(*)"),
    ("HK_ID", "香港身份证号码 A1234563", "A1234563", "A*******"),
    ("TW_ID", "台湾居民身份证：A123456789", "A123456789", "A*********"),
    ("MO_ID", "澳门身份证：1234567(8)", "1234567(8)", "1******(*)"),
    ("CN_PLATE", "肇事车辆车牌号为粤B·12345", "粤B·12345", "粤B·****5"),
    ("CN_PLATE", "新能源车粤BD12345", "粤BD12345", "粤B*****5"),
    ("CN_VIN", "车架号：LSVAU218XN2183294", "LSVAU218XN2183294", "LSV**************"),
    ("IMEI", "手机串号：352099001761481", "352099001761481", "35*************"),
    ("IP_ADDRESS", "登录IP：202.96.134.133", "202.96.134.133", "202.**.***.***"),
    ("MAC_ADDRESS", "网卡MAC地址 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E", "00:**:**:**:**:**"),
    ("QQ_NUMBER", "联系QQ：12345678", "12345678", "1******8"),
    ("WECHAT_ID", "微信号：zhang_san-88", "zhang_san-88", "z**********8"),
    ("CN_DISABILITY_CERT", "残疾人证号：11010519491231002X41", "11010519491231002X41", "110105**************"),
]


@pytest.mark.parametrize("etype, text, value, masked", FOUND, ids=[f"{t}-{v}" for t, _, v, _ in FOUND])
def test_found_with_context_and_masked_by_redact(etype, text, value, masked):
    assert (etype, value) in found(text)
    out = piiscan.redact_text(text, types=[etype])
    assert value not in out and masked in out
    assert piiscan.mask_value(etype, value) == masked


# Near-misses: nothing of the type is found.
NOT_FOUND = [
    ("CN_PASSPORT", "订单号E12345678"),                   # no passport word; a negative word
    ("CN_PASSPORT", "E12345678"),                         # the shape alone
    ("CN_PASSPORT", "护照号码：E123456789"),               # inside a longer code
    ("CN_HOME_RETURN_PERMIT", "H12345678"),
    ("CN_TW_COMPATRIOT_PERMIT", "合同金额12345678元"),
    ("CN_EXIT_ENTRY_PERMIT", "C12345678"),
    ("HK_ID", "A123456(4)"),                               # wrong check digit
    ("HK_ID", "A1234563"),                                 # no brackets, no label
    ("HK_ID", "型号AB123456(3)X"),                          # inside a longer code
    ("TW_ID", "台湾居民身份证：A123456788"),               # wrong check digit
    ("TW_ID", "A123456789"),                               # shape alone: a product code
    ("MO_ID", "1234567"),
    ("CN_PLATE", "编号粤B123456"),                         # six digits: a code
    ("CN_PLATE", "粤B12345X7"),                            # runs on
    ("CN_PLATE", "产品型号苏A12345"),                       # a model number
    ("CN_PLATE", "粤BI2345"),                              # I is never used
    ("CN_VIN", "车架号：LSVAU2181N2183294"),                # wrong check character
    ("CN_VIN", "12345678901234567"),                       # digits only, no label
    ("CN_VIN", "LSVAU218XN2183294A"),                      # inside a longer code
    ("IMEI", "352099001761481"),                           # fifteen digits alone
    ("IMEI", "手机串号：352099001761482"),                  # Luhn fails
    ("IP_ADDRESS", "版本 1.2.3.4 已发布"),                  # a version number
    ("IP_ADDRESS", "登录IP：256.1.1.1"),                    # not an address
    ("MAC_ADDRESS", "00:00:00:00:00:00"),
    ("QQ_NUMBER", "编号12345678"),
    ("QQ_NUMBER", "QQ群：87654321"),                       # a group, not a person
    ("WECHAT_ID", "公众号：gov_news"),
    ("CN_DISABILITY_CERT", "11010519491231002X81"),        # category 8 does not exist
    ("CN_DISABILITY_CERT", "11010519491231002341"),        # the ID inside fails its check
]


@pytest.mark.parametrize("etype, text", NOT_FOUND, ids=[f"{t}-{x}" for t, x in NOT_FOUND])
def test_near_misses_are_not_found(etype, text):
    assert etype not in {t for t, _ in found(text)}


def test_disability_cert_is_reported_whole_so_the_id_in_it_is_masked():
    text = "残疾人证号：11010519491231002X41"
    assert found(text) == [("CN_DISABILITY_CERT", "11010519491231002X41")]
    assert "19491231" not in piiscan.redact_text(text)


# Column headers: the column decides where a value alone proves nothing.
COLUMNS = [
    ("护照号码", "E12345678", "CN_PASSPORT"),
    ("回乡证号", "M1234567890", "CN_HOME_RETURN_PERMIT"),
    ("台胞证号码", "1234567801", "CN_TW_COMPATRIOT_PERMIT"),
    ("往来港澳通行证号码", "C12345678", "CN_EXIT_ENTRY_PERMIT"),
    ("香港身份证号码", "A1234563", "HK_ID"),
    ("澳门身份证", "5/215673/2", "MO_ID"),
    ("车牌号码", "京A8B2C3", "CN_PLATE"),
    ("车架号", "LSVAU218XN2183294", "CN_VIN"),
    ("IMEI", "352099001761481", "IMEI"),
    ("IP地址", "2001:db8::1", "IP_ADDRESS"),
    ("QQ号", "12345678", "QQ_NUMBER"),
    ("微信号", "zhang_san-88", "WECHAT_ID"),
    ("残疾人证号", "11010519491231002X41", "CN_DISABILITY_CERT"),
]


@pytest.mark.parametrize("header, value, etype", COLUMNS, ids=[c[2] for c in COLUMNS])
def test_found_in_its_table_column(header, value, etype):
    assert header_kind(header) == etype
    findings, classes = scan_table(Table([["1", value, "1200.00"]], header=["序号", header, "补贴金额"]), SCANNER)
    assert [(f.type, f.value, f.column) for f in findings] == [(etype, value, header)]
    assert classes[1].type == etype


def test_short_ascii_headers_name_a_column_only_on_their_own():
    assert header_kind("QQ") == "QQ_NUMBER" and header_kind("IP") == "IP_ADDRESS"
    assert header_kind("description") is None and header_kind("zip") is None and header_kind("machine") is None


# --- properties: check characters -------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_check_character_types_valid_found_one_changed_character_not(seed):
    rng = random.Random(seed)
    cases = [("HK_ID", "香港身份证号码 ", synth.hk_id_number(rng)),
             ("TW_ID", "台湾身份证：", synth.tw_id_number(rng)),
             ("CN_VIN", "车架号：", synth.vin_number(rng)),
             ("IMEI", "IMEI：", synth.imei_number(rng)),
             ("CN_DISABILITY_CERT", "残疾人证号：", synth.disability_cert_number(rng))]
    for etype, label, value in cases:
        text = f"{label}{value}。"
        hits = [f for f in SCANNER.scan(text) if f.type == etype]
        assert [f.value for f in hits] == [value], (etype, value)
        assert all(text[f.start:f.end] == f.value for f in hits)
        # The check character changed: never found as the type.
        last = value[-1]
        wrong = value[:-1] + next(c for c in "0123456789" if c != last)
        if etype == "CN_DISABILITY_CERT":  # its check character is the ID's, the 18th
            wrong = value[:17] + next(c for c in "0123456789" if c != value[17]) + value[18:]
        assert etype not in {f.type for f in SCANNER.scan(f"{label}{wrong}。")}, (etype, wrong)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_plates_found_with_context_and_offsets_hold(seed):
    rng = random.Random(seed)
    value = synth.plate_number(rng)
    text = f"车牌号{value}的车主"
    hits = [f for f in SCANNER.scan(text) if f.type == "CN_PLATE"]
    assert [f.value for f in hits] == [value]
    assert all(text[f.start:f.end] == f.value for f in hits)
    # Inside a longer code it is not a plate.
    assert "CN_PLATE" not in {f.type for f in SCANNER.scan(f"编号{value}7")}


# --- birth dates and attributes from table columns -----------------------------------------------------

def test_birth_dates_only_with_their_label_or_column():
    assert found("出生日期：1990年3月7日") == [("CN_BIRTH_DATE", "1990年3月7日")]
    assert found("生日 1985-12-01") == [("CN_BIRTH_DATE", "1985-12-01")]
    for text in ("发布日期：2021-04-01", "2021年4月1日召开会议", "购机日期 2020-03-05", "出生日期：1990-02-30",
                 "出生日期：2990-01-01"):
        assert "CN_BIRTH_DATE" not in {t for t, _ in found(text)}, text
    # A resident ID holds a birth date: it stays one ID, never a date inside it.
    assert found("出生日期：19900307，身份证号：11010519491231002X")[0] == ("CN_BIRTH_DATE", "19900307")
    assert piiscan.redact_text("出生日期：1990年3月7日", types=["CN_BIRTH_DATE"]) == "出生日期：1990年*月*日"


ATTRIBUTES = [
    ("民族", "汉族", "CN_ETHNICITY"),
    ("民族", "维吾尔", "CN_ETHNICITY"),
    ("宗教信仰", "佛教", "CN_RELIGION"),
    ("主要病情", "2型糖尿病", "HEALTH_INFO"),
    ("诊断", "肺癌术后", "HEALTH_INFO"),
    ("残疾类别", "肢体", "DISABILITY_INFO"),
    ("残疾等级", "二级", "DISABILITY_INFO"),
    ("救助类别", "城市低保", "RELIEF_STATUS"),
    ("是否五保", "是", "RELIEF_STATUS"),
    ("犯罪记录", "2015年因盗窃罪被判处有期徒刑一年", "CRIMINAL_RECORD"),
]


@pytest.mark.parametrize("header, value, etype", ATTRIBUTES, ids=[f"{a[2]}-{a[1]}" for a in ATTRIBUTES])
def test_attributes_from_header_and_value(header, value, etype):
    findings, classes = scan_table(Table([["张三", value]], header=["姓名", header]), SCANNER)
    assert (etype, value) in {(f.type, f.value) for f in findings}
    assert classes[1].type == etype
    assert piiscan.mask_value(etype, value) == "*" * len(value)


@pytest.mark.parametrize("header, value, etype", ATTRIBUTES, ids=[f"{a[2]}-{a[1]}" for a in ATTRIBUTES])
def test_attributes_never_from_prose_nor_from_an_empty_cell(header, value, etype):
    assert etype not in {t for t, _ in found(f"{header}：{value}")}      # prose: never
    assert etype not in {t for t, _ in found(value, label="备注")}      # another column: never
    for nothing in ("无", "否", "—"):
        assert etype not in {t for t, _ in found(nothing, label=header)}


def test_a_value_the_header_does_not_announce_is_not_an_attribute():
    assert "CN_ETHNICITY" not in {t for t, _ in found("张三", label="民族")}
    assert "HEALTH_INFO" not in {t for t, _ in found("已核实", label="病情")}
