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
