"""CN_ADDRESS: whole extents, organisations and places rejected, context rules."""
from __future__ import annotations


import pytest

from piiscan import Scanner
from piiscan.detectors.address import AddressDetector
from piiscan.gazetteer import load, trie_pattern

from conftest import SEED


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(types=["CN_ADDRESS"])


def values(scanner: Scanner, text: str, label: str | None = None) -> list[str]:
    return [f.value for f in scanner.scan(text, label=label)]


@pytest.mark.parametrize("address", [
    "江西省抚州市乐安县鳌溪镇湖溪村3组",
    "乐安县公溪镇坪溪村委会上坪组12号",
    "浙江省杭州市西湖区文三路123号阳光花园3栋2单元301室",
    "上海市静安区南京西路1266弄5号1201室",
    "江西抚州乐安县鳌溪镇湖溪村三组",
    "河南信阳新县学府路186号怡景公寓29幢1单元903室",
    "黑龙江省大庆市龙凤区洲黄乡头山村五组",
    "新疆维吾尔自治区伊犁哈萨克自治州伊宁市英也尔镇六七段村2组",
])
def test_whole_extent_after_label(scanner, address):
    assert values(scanner, f"家庭住址：{address}，联系电话略。") == [address]


@pytest.mark.parametrize("text", [
    "平凉市邮政管理局就快递单个人信息保护措施多次磋商",
    "浙江省杭州市余杭区人民检察院提起公诉",
    "会议在江西省乐安县召开",
    "乐安县农业农村局作为政府信息的制发单位",
    "广宁县住房和城乡建设局于庭审当天召开会议",
    "鳌溪镇人民政府、江西省乐安县鳌溪镇湖溪村村民委员会联合发文",
    "前往江西省乐安县鳌溪镇调研",
    "会议在河南省马村区召开",
    "全县城乡居民医保参保率达到98%，农村道路全部硬化",
])
def test_places_and_organisations_are_not_addresses(scanner, text):
    assert values(scanner, text) == []


def test_township_address_needs_context(scanner):
    bare = "鳌溪镇湖溪村3组"
    assert values(scanner, f"据了解，{bare}的村民反映") == []
    assert values(scanner, f"户主家住{bare}，") == [bare]
    assert values(scanner, f"户籍地{bare}，") == [bare]  # the label is trimmed off
    assert values(scanner, bare, label="家庭住址") == [bare]
    assert values(scanner, bare, label="备注") == []


def test_historical_and_renamed_counties():
    names = load().all_names
    assert {"东郊区", "东丽区", "襄樊市", "襄阳市", "吴县"} <= names
    assert not any("[" in n or "," in n for n in names)


def test_trie_pattern_matches_exactly_its_words():
    import regex

    words = ["乐安县", "乐平市", "安福县", "安县", "乐安"]
    for suffix in (False, True):
        p = regex.compile(f"(?:{trie_pattern(words, suffix=suffix)})")
        assert all(p.fullmatch(w) for w in words)
        assert not any(p.fullmatch(w) for w in ["乐", "安福", "乐平县", "乐安县县"])


def test_findings_index_the_text():
    text = "收货地址：北京市朝阳区建国路88号，收件人略"
    findings = list(AddressDetector().detect(text))
    assert findings and all(text[f.start:f.end] == f.value for f in findings)
    assert findings[0].type == "CN_ADDRESS"


@pytest.mark.skipif(not SEED.exists(), reason="shared seed document not available")
def test_few_addresses_in_real_news_text(scanner):
    # A spun copy of a procuratorate press release: many organisations and
    # places, one postal address (the procuratorate's own, in its footer).
    found = values(scanner, SEED.read_text(encoding="utf-8"))
    assert len(found) <= 1, found


@pytest.mark.parametrize("gap", range(20, 60))
def test_search_windows_do_not_cut_words_into_addresses(gap):
    # The grammar runs in windows around component suffixes. A window that
    # ended inside 各乡镇 or 农业乡村 hid the character that makes 乡 part of
    # an ordinary word, and 各乡 / 农业乡 came out as (low-confidence) addresses.
    filler = "要求加强组织领导确保工作落实到位" * 4
    for tail in ("。各乡镇要高度重视", "、农业乡村等行政机关"):
        text = "户籍地：始兴县寿北镇高云村委会二组83号，" + filler[:gap] + tail
        found = [f.value for f in AddressDetector().detect(text, label="家庭住址")]
        assert found == ["始兴县寿北镇高云村委会二组83号"], found


def test_a_village_suffix_inside_an_autonomous_county_name(scanner):
    assert values(scanner, "会议在河北省孟村回族自治县召开，青岛市邮政管理局参加") == []
    assert values(scanner, "家庭住址：河北省沧州市孟村回族自治县辛店镇王庄子村3组") == ["河北省沧州市孟村回族自治县辛店镇王庄子村3组"]
