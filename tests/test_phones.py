import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

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


# --- landlines as people write them ----------------------------------------------------

@pytest.mark.parametrize("written, value", [
    ("（０２１—６２３４５６７８）", "０２１—６２３４５６７８"),   # full-width, em dash, inside brackets
    ("(021)–62345678", "(021)–62345678"),                      # en dash after the area code
    ("021—6234—5678", "021—6234—5678"),
    ("0791\u00a086123456", "0791\u00a086123456"),             # no-break space
    ("（０７９１）８６１２３４５６", "（０７９１）８６１２３４５６"),
])
def test_landline_dashes_and_brackets(written, value):
    assert found(f"咨询电话：{written}。") == [("CN_LANDLINE", value)]


@pytest.mark.parametrize("written", ["0791-8612345", "（0791）8612345", "010-6552998", "07918612345"])
def test_seven_digit_local_numbers_of_old_notices_under_a_phone_label(written):
    # The area now has 8-digit numbers; the notice predates the change.
    assert found(f"联系电话：{written}") == [("CN_LANDLINE", written)]
    (f,) = piiscan.scan_text(f"联系电话：{written}", types=["CN_LANDLINE"])
    assert "historic" in f.evidence


@pytest.mark.parametrize("written", ["0791-8612345", "07918612345"])
def test_seven_digit_local_numbers_need_a_phone_label_or_column(written):
    assert found(f"编码 {written}") == []
    assert found(written) == []
    assert [f.type for f in piiscan.scan_text(written, types=["CN_LANDLINE"])] == []
    s = piiscan.Scanner(types=["CN_LANDLINE"])
    assert [f.value for f in s.scan(written, label="联系电话")] == [written]


def test_historic_form_needs_a_real_area_code():
    assert not landline.is_valid_historic("0499-8612345")   # no such area
    assert not landline.is_valid_historic("0791-0612345")   # local numbers never start with 0
    assert found("电话：0499-8612345") == []


def test_unseparated_landline_under_a_phone_column():
    s = piiscan.Scanner(types=["CN_MOBILE", "CN_LANDLINE"])
    assert [(f.type, f.value) for f in s.scan("079186123456", label="联系电话")] == [("CN_LANDLINE", "079186123456")]
    assert s.scan("079186123456", label="编号") == []


@pytest.mark.parametrize("text", [
    "2019—2020年度",             # a year range with an em dash
    "1990年—2000年",
    "第0791—8612345号文件",      # a document number
    "订单号：0791—86123456",
    "金额：021—62345678元",
])
def test_dash_near_misses(text):
    assert found(text) == []


SEPARATORS = st.sampled_from([" ", "-", "－", "—", "–", "\u00a0", "\u3000", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), sep=SEPARATORS, brackets=st.booleans(), wide=st.booleans(),
       before=st.sampled_from(["电话：", "座机 ", "联系电话（", "办公电话:"]),
       after=st.sampled_from(["", "。", "），", " 张三"]))
def test_landline_forms_are_found_with_exact_offsets(seed, sep, brackets, wide, before, after):
    number = synth.landline_number(random.Random(seed))
    # synth draws local numbers the numbering plan does not allocate (021-8003…) now and then.
    assume(landline.is_valid(number))
    area, local = number.split("-")
    written = f"（{area}）{sep}{local}" if brackets else f"{area}{sep}{local}"
    if wide:
        written = written.translate(str.maketrans("0123456789()", "０１２３４５６７８９（）"))
    text = f"{before}{written}{after}"
    findings = piiscan.scan_text(text, types=["CN_LANDLINE"])
    assert [f.value for f in findings] == [written]
    assert all(text[f.start:f.end] == f.value for f in findings)


# --- digits hidden by invisible characters (issue #15) ----------------------------------

HIDDEN = st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00a0", "\u202f"])
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def _split(value: str, data, hidden) -> str:
    """``value`` with hidden characters inserted between some of its digits."""
    cuts = data.draw(st.sets(st.integers(1, len(value) - 1), min_size=1, max_size=4))
    out = []
    for i, ch in enumerate(value):
        if i in cuts:
            out.append(data.draw(hidden))
        out.append(ch)
    return "".join(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["mobile", "id", "card"]), data=st.data())
def test_digits_split_by_hidden_characters_are_found_and_masked(seed, kind, data):
    rng = random.Random(seed)
    value = {"mobile": synth.mobile_number, "id": synth.resident_id_number, "card": synth.bank_card_number}[kind](rng)
    etype = {"mobile": "CN_MOBILE", "id": "CN_RESIDENT_ID", "card": "BANK_CARD"}[kind]
    hidden_only = st.sampled_from(list(INVISIBLE))
    written = _split(value, data, hidden_only)
    text = f"申请人信息：{written}。"
    findings = piiscan.scan_text(text)
    assert [(f.type, f.value) for f in findings] == [(etype, written)]
    assert all(text[f.start:f.end] == f.value for f in findings)
    # Redaction masks the digits, hidden characters or not: what shows is what
    # the mask shows of the plain number, and nothing more.
    out = piiscan.redact_text(text)
    visible = "".join(c for c in out if c not in INVISIBLE)
    assert value not in visible
    assert visible == piiscan.redact_text(f"申请人信息：{value}。")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_no_break_spaces_group_a_mobile(seed, data):
    value = synth.mobile_number(random.Random(seed))
    sep = data.draw(st.sampled_from(["\u00a0", "\u202f"]))
    written = f"{value[:3]}{sep}{value[3:7]}{sep}{value[7:]}"
    text = f"手机：{written}"
    assert [(f.type, f.value) for f in piiscan.scan_text(text)] == [("CN_MOBILE", written)]


def test_a_hidden_character_does_not_join_a_number_to_its_neighbour():
    # 13800138000 then a zero-width space then more digits reads as one longer number.
    assert found("流水 13800138000\u200b123") == []
    # A byte order mark at the start of a file shifts nothing.
    text = "\ufeff手机：13800138000"
    (f,) = piiscan.scan_text(text)
    assert text[f.start:f.end] == "13800138000"


# --- evidence ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, label, evidence", [
    ("手机：13800138000", None, ("segment", "label:手机")),
    ("13800138000", "联系电话", ("segment", "column:联系电话")),
    ("11010519491231002X", None, ("checksum",)),
    ("卡号 6228480402564890018", None, ("luhn", "label:卡号")),
    ("电话：0791-86123456", None, ("area-code", "label:电话")),
    ("11010519491231002X", "编号", ("checksum", "column:编号")),
])
def test_number_findings_say_why(text, label, evidence):
    (f,) = piiscan.Scanner().scan(text, label=label)
    assert f.evidence == evidence


def test_a_column_header_never_hides_what_validates_on_its_own():
    s = piiscan.Scanner()
    # Under 编号 (a negative header) a checksum-valid ID, an allocated mobile
    # and a Luhn card are still reported; a non-Luhn account is not.
    assert [f.type for f in s.scan("11010519491231002X", label="编号")] == ["CN_RESIDENT_ID"]
    assert [f.type for f in s.scan("13800138000", label="出厂编号")] == ["CN_MOBILE"]
    assert [f.type for f in s.scan("6228480402564890018", label="编号")] == ["BANK_CARD"]
    assert s.scan("622848040256489001", label="编号") == []
    # A negative word written beside the value still hides it.
    assert s.scan("订单号13800138000", label="备注") == []
