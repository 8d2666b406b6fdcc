"""Partially masked values: read, judged against a profile's allowance, reported as UNDER_MASKED."""
from __future__ import annotations

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.audit.masked import (DEFAULT_ALLOWANCES, Allowance, UnderMaskedDetector, allowance_for,
                                  find_fragments, judge, remask, reveals)
from piiscan.finding import UNDER_MASKED
from piiscan.profiles import load_profile, scanner_for

RID = synth.resident_id_number(random.Random(11), region="360125")
CARD = synth.bank_card_number(random.Random(12), 19, "622848")
MOBILE = synth.mobile_number(random.Random(13))


def keep(value: str, first: int, last: int) -> str:
    return value[:first] + "*" * (len(value) - first - last) + (value[len(value) - last:] if last else "")


def under(text: str, label: str | None = None, allowances=None) -> list[tuple[str, str]]:
    d = UnderMaskedDetector(allowances)
    return [(f.value, next(e for e in f.evidence if e.startswith("masked:"))) for f in d.detect(text, label)]


# --- the four cases the issue names, and the well-masked ones it must leave alone ------------

def test_an_id_showing_region_and_birth_date_is_under_masked():
    value = keep(RID, 14, 0)  # 36012519xxxxxxxx**** : region + full birth date
    found = list(UnderMaskedDetector().detect(f"身份证号：{value}"))
    assert [f.value for f in found] == [value]
    ev = found[0].evidence
    assert {"masked:CN_RESIDENT_ID", "reveals:region", "reveals:birth-date"} <= set(ev)
    assert "why:出生日期完整可见" in ev


def test_a_card_showing_more_than_first_6_and_last_4():
    assert under(f"卡号 {keep(CARD, 8, 4)}") == [(keep(CARD, 8, 4), "masked:BANK_CARD")]
    # The same count at places outside 6 + 4 (PCI DSS: first 6 and last 4 are the maximum).
    shifted = "*" * 2 + CARD[2:8] + "*" * 7 + CARD[15:]
    assert under(f"银行卡号：{shifted}") == [(shifted, "masked:BANK_CARD")]


def test_a_name_masked_to_nothing_but_its_given_name():
    assert under("姓名：*小明") == [("*小明", "masked:PERSON_NAME")]
    assert under("**娜娜", label="户主姓名") == [("**娜娜", "masked:PERSON_NAME")]
    assert under("姓名：张*，户主：欧阳**，联系人：张*兰") == []  # surname kept, given name hidden
    assert under("**注意事项**") == []  # no name context


def test_a_phone_with_more_than_7_digits_visible():
    assert under(f"手机：{keep(MOBILE, 8, 0)}") == [(keep(MOBILE, 8, 0), "masked:CN_MOBILE")]
    assert under(f"电话 {keep(MOBILE, 3, 5)}") == [(keep(MOBILE, 3, 5), "masked:CN_MOBILE")]


@pytest.mark.parametrize("text", [
    f"身份证号：{keep(RID, 6, 4)}", f"手机 {keep(MOBILE, 3, 4)}", f"手机 {MOBILE[:3]}-****-{MOBILE[7:]}",
    f"卡号 {keep(CARD, 6, 4)}", f"身份证 {keep(RID, 2, 3)}", f"{keep(RID, 0, 4)}", "订单号：1380013****5678",
    "编号 3601251990******", "合计 ****", "******************",
])
def test_well_masked_values_are_not_reported(text):
    assert under(text) == []


def test_a_profile_sets_the_allowance():
    yongan = {"CN_RESIDENT_ID": allowance_for("CN_RESIDENT_ID", "mask", (2, 3))}
    assert under(f"身份证号：{keep(RID, 6, 4)}", allowances=yongan) == [(keep(RID, 6, 4), "masked:CN_RESIDENT_ID")]
    assert under(f"身份证号：{keep(RID, 2, 3)}", allowances=yongan) == []
    deleted = {"CN_RESIDENT_ID": allowance_for("CN_RESIDENT_ID", "delete")}
    found = list(UnderMaskedDetector(deleted).detect(f"身份证号：{keep(RID, 6, 4)}"))
    assert found and "why:规则要求删除，仍显示10位" in found[0].evidence
    allowed = {"PERSON_NAME": allowance_for("PERSON_NAME", "allow")}
    assert under("姓名：*小明", allowances=allowed) == []


def test_masks_that_drop_characters_are_read_as_a_kept_start_and_end():
    (frag,) = find_fragments(f"身份证号码：{RID[:6]}****{RID[-4:]}")
    assert frag.length == 18 and frag.positions() == frozenset([*range(6), *range(14, 18)])
    assert not judge(frag, DEFAULT_ALLOWANCES["CN_RESIDENT_ID"]).under_masked
    (frag,) = find_fragments(f"身份证号码：{RID[:14]}**")
    assert judge(frag, DEFAULT_ALLOWANCES["CN_RESIDENT_ID"]).under_masked  # 14 shown, the date among them


def test_x_as_a_mask_and_x_as_a_check_digit():
    rid = next(r for r in (synth.resident_id_number(random.Random(s)) for s in range(200)) if r.endswith("X"))
    (frag,) = find_fragments(f"身份证 {rid[:6]}xxxxxxxx{rid[-4:]}")
    assert frag.shown == 10 and dict(frag.visible)[17] == "X"
    assert list(find_fragments("型号 3x4x5x6x7x8x9x0x1")) == []


def test_the_scanner_of_a_profile_reports_under_masked_values_in_table_cells():
    from piiscan.tables import Table, scan_table

    rows = [["姓名", "身份证号码"], ["张三", keep(RID, 14, 0)], ["李四", keep(RID, 6, 4)]]
    findings, _ = scan_table(Table(rows), scanner_for(load_profile("default")))
    assert [(f.type, f.row, f.column) for f in findings if f.type == UNDER_MASKED] == [(UNDER_MASKED, 1, "身份证号码")]


# --- properties ----------------------------------------------------------------------

_IDS = st.builds(lambda s: synth.resident_id_number(random.Random(s)), st.integers(0, 10**6))
_HIDE = st.sets(st.integers(0, 17), min_size=1, max_size=18)


@settings(max_examples=300, deadline=None)
@given(_IDS, _HIDE, st.sampled_from(["身份证号：", "公民身份号码 ", "证件号码:"]), st.text("，。 \n", max_size=3))
def test_fragments_are_read_exactly(rid, hidden, before, after):
    masked = "".join("*" if i in hidden else ch for i, ch in enumerate(rid))
    assume(any(ch.isdigit() for ch in masked))
    text = before + masked + after
    frags = list(find_fragments(text))
    assert len(frags) == 1
    f = frags[0]
    assert text[f.start:f.end] == f.text == masked
    assert f.type == "CN_RESIDENT_ID" and f.length == 18
    assert dict(f.visible) == {i: ch for i, ch in enumerate(rid) if i not in hidden}
    assert all(text[i] == ch for i, (_, ch) in zip(f.text_index, f.visible))
    for finding in UnderMaskedDetector().detect(text):
        assert text[finding.start:finding.end] == finding.value


@settings(max_examples=300, deadline=None)
@given(_IDS, _HIDE, st.integers(0, 8), st.integers(0, 6))
def test_judgement_follows_the_allowance_and_remask_always_satisfies_it(rid, hidden, first, last):
    masked = "".join("*" if i in hidden else ch for i, ch in enumerate(rid))
    assume(any(ch.isdigit() for ch in masked))
    (f,) = find_fragments("身份证号：" + masked)
    allowance = Allowance(first, last)
    shown = 18 - len(hidden)
    j = judge(f, allowance)
    dob_shown = all(i not in hidden for i in range(6, 14))
    assert j.under_masked == (shown > first + last or dob_shown or shown >= 17)
    assert ("birth-date" in reveals(f)) == dob_shown
    fixed = remask(masked, "CN_RESIDENT_ID", allowance)
    assert len(fixed) == len(masked) and all(a == b or b == "*" for a, b in zip(masked, fixed))
    refound = list(find_fragments("身份证号：" + fixed))
    assert not refound or not judge(refound[0], allowance).under_masked


@settings(max_examples=200, deadline=None)
@given(st.builds(lambda s: synth.mobile_number(random.Random(s)), st.integers(0, 10**6)),
       st.sets(st.integers(0, 10), min_size=1, max_size=11))
def test_mobiles_are_under_masked_exactly_when_more_than_7_digits_show(mobile, hidden):
    masked = "".join("*" if i in hidden else ch for i, ch in enumerate(mobile))
    assume(masked[0] == "1" and any(ch.isdigit() for ch in masked[1:]))
    frags = list(find_fragments("手机：" + masked))
    assert len(frags) == 1 and frags[0].type == "CN_MOBILE"
    assert judge(frags[0], DEFAULT_ALLOWANCES["CN_MOBILE"]).under_masked == (11 - len(hidden) > 7)
