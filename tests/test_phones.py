import pytest

import piiscan
from piiscan import synth
from piiscan.validators import landline, mobile


def found(text, types=("CN_MOBILE", "CN_LANDLINE")):
    return [(f.type, f.value) for f in piiscan.scan_text(text, types=list(types))]


@pytest.mark.parametrize(
    "written",
    ["13800138000", "+8613800138000", "+86 13800138000", "0086 13800138000", "8613800138000",
     "138 0013 8000", "138-0013-8000", "+86 138-0013-8000", "１３８００１３８０００", "＋８６ １３８ ００１３ ８０００"],
)
def test_mobile_forms(written):
    assert found(f"手机：{written}。") == [("CN_MOBILE", written)]


def test_mobile_without_context_is_found():
    assert found("请拨打19912345678咨询") == [("CN_MOBILE", "19912345678")]


@pytest.mark.parametrize("segment", ["142", "143", "154", "161", "164", "194", "120", "110"])
def test_unallocated_segments_rejected(segment):
    assert not mobile.is_valid(segment + "12345678")
    assert found(f"手机 {segment}12345678") == []


def test_mobile_inside_longer_number():
    assert found("流水 13800138000123") == []
    assert found("序列 9913800138000") == []
    assert found("x13800138000") == []


@pytest.mark.parametrize("text", ["金额13800000000.00元", "共计13800000000元", "￥13800000000", "13800138000.5"])
def test_amounts_are_not_phones(text):
    assert found(text) == []


def test_negative_context_hides_number():
    assert found("订单号：13800138000") == []
    assert found("快递单号 13800138000") == []
    # …but it is still there at a lower confidence for whoever asks.
    low = piiscan.scan_text("订单号：13800138000", types=["CN_MOBILE"], min_confidence=0.1)
    assert [f.value for f in low] == ["13800138000"]
    assert low[0].confidence < 0.5


def test_nearest_context_word_wins():
    text = "订单号：2021041500001，联系电话：13800138000"
    assert found(text) == [("CN_MOBILE", "13800138000")]


def test_unix_timestamps_are_not_phones():
    assert found("时间 1700000000 与 1700000000123") == []


@pytest.mark.parametrize(
    "written",
    ["010-65529988", "(010) 6552 9988", "（０１０）６５５２９９８８", "0791-86123456", "0794 8712345", "021-62345678转8021", "0571-87654321-123"],
)
def test_landline_forms(written):
    assert found(f"电话：{written}") == [("CN_LANDLINE", written)]


def test_unseparated_landline_needs_context():
    assert found("座机 01065529988") == [("CN_LANDLINE", "01065529988")]
    assert found("编码01065529988") == []


def test_unknown_area_code_rejected():
    assert not landline.is_valid("0001-2345678")
    assert found("电话 0001-2345678") == []


def test_generated_mobiles_valid(rng):
    for _ in range(200):
        m = synth.mobile_number(rng)
        assert mobile.validate(m) == m


def test_generated_landlines_found(rng):
    for _ in range(50):
        n = synth.landline_number(rng)
        assert found(f"办公电话 {n}。") == [("CN_LANDLINE", n)], n


def test_international_prefix_is_not_an_area_code():
    # 00 opens an international call: 0032… is a Belgian number, not a Chinese landline.
    assert not landline.is_valid("003289218401")
    assert not piiscan.scan_text("联系电话：003289218401", min_confidence=0.1)


@pytest.mark.parametrize("before, kinds", [
    ("订单编号：", {"-"}),                 # the longer word ending here, not 编号
    ("身份证号码：", {"CN_RESIDENT_ID"}),
    ("身份证及银行卡号：", {"BANK_CARD"}),  # the word nearest the value
    ("联系电话号码：", {"CN_MOBILE", "CN_LANDLINE"}),
    ("卡号：AB12\n", set()),               # a label across a line break belongs to AB12
])
def test_context_is_the_word_ending_nearest(before, kinds):
    from piiscan import context

    text = before + "13800138000"
    assert context.load().nearest(text, len(before), len(text)) == kinds


def test_a_column_header_reads_like_the_same_words_in_text():
    from piiscan import context

    ctx = context.load()
    for header in ("固定电话号码", "代发票号", "身份证及银行卡号"):
        text = header + "：13800138000"
        assert ctx.nearest("13800138000", 0, 11, header) == ctx.nearest(text, len(header) + 1, len(text)), header
