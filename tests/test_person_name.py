"""PERSON_NAME: confirmed by label, title, record or column; never anonymised forms or plain words."""
from __future__ import annotations


import pytest

from piiscan import Scanner
from piiscan.detectors.person_name import PersonNameDetector

from conftest import SEED


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(types=["PERSON_NAME"], ner=False)


def names(scanner: Scanner, text: str, label: str | None = None) -> list[str]:
    return [f.value for f in scanner.scan(text, label=label)]


@pytest.mark.parametrize("text, expected", [
    ("户主：张三，身份证号码略", ["张三"]),
    ("联系人欧阳娜娜电话13800138000", ["欧阳娜娜"]),
    ("申请人为陈秀英，住址略", ["陈秀英"]),
    ("户主李明等3户已领取补贴", ["李明"]),
    ("村民王和平反映", ["王和平"]),
    ("购机户张三、李四和王五已领取补贴", ["张三", "李四", "王五"]),
    ("经办人：张建国 李晓东", ["张建国", "李晓东"]),
    ("请张三丰先生于明天到窗口办理", ["张三丰"]),
    ("致王建国同志：", ["王建国"]),
    ("诸葛亮女士来电", ["诸葛亮"]),
])
def test_names_confirmed_by_context(scanner, text, expected):
    assert names(scanner, text) == expected


def test_record_rows_and_sex():
    s = Scanner(types=["PERSON_NAME"], ner=False)
    row = "1 刘德华 鳌溪镇湖溪村3组 36102519800101123X 13800138000"
    assert names(s, row) == ["刘德华"]
    assert names(s, "张三，男，1980年出生，汉族") == ["张三"]
    # The same token with no record around it is just two characters.
    assert names(s, "1 刘德华 鳌溪镇湖溪村3组 旋耕机") == []


@pytest.mark.parametrize("text", [
    "被告李某、王某甲和张某某等3人",
    "被告人熊某某等3人犯侵犯公民个人信息罪",
    "请王先生、李女士于工作日到窗口办理",
    "王国周边的高速公路两侧张贴了黄金周公告",
    "联系人：高速公路管理处",
    "景区共接待游客728万人次，电话12345",
    "开户银行：农商行，账号略，电话12345",
    "房地产市场整体低迷，张贴公告的工作人员王国",
])
def test_not_names(scanner, text):
    assert names(scanner, text) == []


def test_column_label_makes_a_cell_a_name(scanner):
    assert names(scanner, "王建国", label="户主姓名") == ["王建国"]
    assert names(scanner, "张三、李四", label="姓名") == ["张三", "李四"]
    assert names(scanner, "李某", label="姓名") == []
    assert names(scanner, "王建国", label="备注") == []


def test_is_name_shapes():
    d = PersonNameDetector()
    assert d.is_name("欧阳娜娜") and d.is_name("司马光") and d.is_name("王五")
    assert not d.is_name("王某甲") and not d.is_name("张某某") and not d.is_name("王先生")
    assert not d.is_name("高速") and not d.is_name("欧阳娜娜娜")


def test_span_indexes_text():
    text = "收件人：赵晓英 电话：13900139000"
    found = list(PersonNameDetector().detect(text))
    assert [(text[f.start:f.end], f.type) for f in found] == [("赵晓英", "PERSON_NAME")]


@pytest.mark.skipif(not SEED.exists(), reason="shared seed document not available")
def test_no_names_in_real_news_text(scanner):
    # The seed names people only in anonymised form (李某, 谭某某): none to report.
    found = names(scanner, SEED.read_text(encoding="utf-8"))
    assert len(found) <= 1, found


@pytest.mark.parametrize("masked", ["欧阳**", "张*", "张*兰", "李××"])
def test_masked_names_are_not_names_again(masked):
    """What the mask strategy leaves must not be re-detected (欧阳** is not the name 欧阳)."""
    from piiscan import Scanner

    s = Scanner(types=["PERSON_NAME"], ner=False)
    assert s.scan(masked, label="户主姓名") == []
    assert s.scan(f"户主：{masked}，联系电话：13800138000") == []


@pytest.mark.parametrize("text", ["江西 流水 12345678901234567", "江西 13800138000", "乐安 订单 1234567890123456789012345"])
def test_records_need_a_validated_number_and_places_are_not_names(text):
    from piiscan import Scanner

    assert Scanner(types=["PERSON_NAME"], ner=False).scan(text) == []


def test_a_record_confirms_a_standalone_name():
    from piiscan import Scanner

    (f,) = Scanner(types=["PERSON_NAME"], ner=False).scan("张三 11010519491231002X")
    assert f.value == "张三"


@pytest.mark.parametrize("gap", ["：", " ", "为", "姓名：", ""])
def test_every_label_introduces_a_name(scanner, gap):
    # Labels are searched from their last character and tested as
    # lookbehinds: each one in the data file must still lead to the name.
    from piiscan import patterns

    for label in patterns.toml("names.toml")["labels"]:
        text = f"本次登记的{label}{gap}欧阳娜娜，请核对。"
        assert names(scanner, text) == ["欧阳娜娜"], (label, gap)


def test_a_name_that_is_also_a_place_counts_when_its_sex_follows(scanner):
    # 乌海 and 黄石 are cities, and also people's names.
    assert names(scanner, "发放到位。乌海，女，1974年出生，汉族。") == ["乌海"]
    assert names(scanner, "黄石（男）已签收") == ["黄石"]
    assert names(scanner, "乌海，内蒙古自治区辖地级市。电话 13800138000") == []


# -- prose: roles, titles, verbs, résumé openings (synthetic sentences) --------

@pytest.mark.parametrize("text, expected, why", [
    ("村民张三反映，水渠已修好。", "张三", ("role:村民", "verb:反映")),
    ("副县长李四表示，工程年底完工。", "李四", ("role:副县长", "verb:表示")),
    ("处长王五先生出席了会议。", "王五", ("role:处长", "title:先生")),
    ("如有疑问，请联系张斌。", "张斌", ("verb:请联系",)),
    ("记者赵晓英报道。", "赵晓英", ("role:记者", "verb:报道")),
    ("（记者赵晓英）", "赵晓英", ("role:记者",)),
    ("。刘建华表示将继续关注。", "刘建华", ("verb:表示",)),
    ("欧阳娜娜：女，汉族，1980年出生。", "欧阳娜娜", ("sex",)),
    ("孙向浩先生：中国国籍，大学本科。", "孙向浩", ("title:先生",)),
    ("马兴亚：1950年6月出生，大学学历。", "马兴亚", ("bio:1950年",)),
    ("王小燕13912345678", "王小燕", ("record",)),
])
def test_names_in_prose_say_why(scanner, text, expected, why):
    (f,) = scanner.scan(text)
    assert (f.value, f.evidence) == (expected, why)
    assert text[f.start:f.end] == f.value


@pytest.mark.parametrize("text", [
    "对于王先生来说，这是好消息。",        # 于王 is "to" + a surname
    "关注留守儿童工作。",                  # no name in a longer word
    "他的学生时代很充实，父亲常常写字。",    # a role that is an ordinary noun
    "她是公司总工程师，负责研发。",          # 总工 inside 总工程师
    "职工董事由职工代表大会选举。",
    "据王总介绍，项目进展顺利。",           # a form of address
    "文章说，改革要稳步推进。",             # a two-character word before a verb
    "对游客来说，不要贪便宜。",             # 来说 is not the verb 说
    "常务副总经理出席了会议。",
    "12位著名教授参加了研讨。",
    "国家主席今天下午会见了来访的客人。",   # a common word before a title, at a sentence's start
    "于是，2019年的第一场雨来得很早。",     # a common word opening a sentence, a year after it
    "据悉，巴政府希望双方尽快恢复谈判。",   # 政府 is no given name
])
def test_prose_that_only_looks_like_names(scanner, text):
    assert names(scanner, text) == []


def test_a_common_word_is_a_name_before_a_form_of_address_at_a_line_start(scanner):
    # 国家主席 is an office; 高峰先生 opening a résumé is a person (高峰 is also a word).
    assert names(scanner, "高峰先生，1965年出生，大学本科学历。") == ["高峰"]


def test_every_role_introduces_a_name_it_can_confirm(scanner):
    from piiscan import patterns

    conf = patterns.toml("names.toml")
    for role in conf["roles"]:
        text = f"会上，{role}欧阳娜娜表示支持。"
        assert names(scanner, text) == ["欧阳娜娜"], role


def test_every_verb_confirms_a_name(scanner):
    from piiscan import patterns

    for verb in patterns.toml("names.toml")["verbs"]:
        text = f"会上，镇长欧阳娜娜{verb}，"
        assert names(scanner, text) == ["欧阳娜娜"], verb


def test_evidence_on_every_kind(scanner):
    found = scanner.scan("户主：张三，电话13800138000。", label=None)
    assert [f.evidence for f in found] == [("label:户主",)]
    assert scanner.scan("王建国", label="户主姓名")[0].evidence == ("column:户主姓名",)
    assert scanner.scan("刘德华 11010519491231002X")[0].evidence == ("record",)


from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = ["张三", "欧阳娜娜", "李某", "王先生", "副县长", "表示", "，", "。", "：", "男", "\n", "13912345678",
           "11010519491231002X", "请联系", "记者", "村民", "说", "的", "工作", "1950年", "张*", " ", "户主"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20))
def test_name_offsets_always_index_the_text(parts):
    text = "".join(parts)
    for f in PersonNameDetector().detect(text):
        assert text[f.start:f.end] == f.value
        assert 2 <= len(f.value) <= 4 and f.evidence
