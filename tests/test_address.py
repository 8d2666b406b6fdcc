"""CN_ADDRESS: whole extents, organisations and places rejected, context rules."""
from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piiscan import Scanner
from piiscan.detectors.address import AddressDetector
from piiscan.gazetteer import load, trie_pattern

from conftest import SEED


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    # The rules alone: what the learned stage confirms in prose is tested in test_ner.py.
    return Scanner(types=["CN_ADDRESS"], ner=False)


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


# --- the whole extent: past the road number to the door ---------------------------------

@pytest.mark.parametrize("address", [
    "浙江省杭州市西湖区文一西路88号华星科技园3号楼1202室",
    "宁波市鄞州区银泰花园12幢306室",
    "江苏省苏州市吴中区新城8-2-1101",
    "湖北省武汉市洪山区珞喻路1037号光谷软件园A座四楼",
    "广东省深圳市南山区科技园路9号创维大厦B座19楼1908",
    "安徽省合肥市蜀山区长江西路499号7栋2单元502",
    "山东省济南市历下区泉城路180号齐鲁国际大厦东区2305室",
])
def test_addresses_run_to_the_last_door(scanner, address):
    assert values(scanner, f"收件地址：{address}，请工作日送达。") == [address]
    # The same as a cell of its own, without any address word.
    assert values(scanner, address) == [address]


@pytest.mark.parametrize("address", [
    "镇海区金色水岸12幢306室",   # a district opening with 镇, an estate without a suffix
    "柯城区世纪锦苑7-9-707",
    "金地自在城1期172幢1172",     # 自在 holds a function character inside the name
    "朝阳新城8-2-1101",
    "青枫雅筑3号楼2单元601",
])
def test_estates_numbered_without_a_road(scanner, address):
    assert values(scanner, address) == [address]
    assert values(scanner, f"家住{address}，电话略") == [address]


@pytest.mark.parametrize("committee", ["湖溪村委会", "湖溪村村民委员会", "城东社区居委会"])
def test_committee_endings_are_addresses_after_an_address_word(scanner, committee):
    address = f"江西省乐安县鳌溪镇{committee}"
    assert values(scanner, f"户籍地：{address}") == [address]
    assert values(scanner, address, label="家庭住址") == [address]
    # …and with the group or house number that follows them.
    assert values(scanner, f"家住{address}3组12号") == [f"{address}3组12号"]
    # In a sentence the committee is an organisation.
    assert values(scanner, f"经{address}研究决定，现予公示") == []


# --- left edges -------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "于都县岭背镇塘口村3组",           # 于 is also a preposition
    "所前镇杜家村5组",                # 所 is also a function word
    "和平乡新华村2组",                # 和 is also a conjunction
    "在城镇东门村7组",                # 在 opens the township's name
])
def test_a_name_opening_with_a_function_character_keeps_it(scanner, address):
    assert values(scanner, f"家庭住址：{address}，") == [address]
    assert values(scanner, address, label="住址") == [address]


def test_a_function_character_after_an_administrative_name_joins_the_address(scanner):
    assert values(scanner, "浙江省杭州市萧山区所前镇杜家村5组") == ["浙江省杭州市萧山区所前镇杜家村5组"]


def test_a_preposition_stays_out_of_the_address(scanner):
    assert values(scanner, "户主王五住在文三路120号") == ["文三路120号"]
    assert values(scanner, "户主王五现住于鳌溪镇湖溪村3组") == ["鳌溪镇湖溪村3组"]


@pytest.mark.parametrize("address", [
    "杭州经济技术开发区白杨街道6号大街100号",
    "萧山经济开发区建设一路66号",
    "苏州工业园区星湖街328号",
])
def test_development_zones_open_the_address(scanner, address):
    assert values(scanner, f"收货地址：{address}") == [address]


def test_autonomous_areas_in_their_everyday_form(scanner):
    address = "广西省百色市隆林县新州镇平班村2组"
    assert values(scanner, address) == [address]
    assert values(scanner, "家住延边州龙井市东盛涌镇仁化村5组") == ["延边州龙井市东盛涌镇仁化村5组"]


# --- standing alone ---------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "浙江省温州市鹿城区新田路",          # province/city/county + a road, nothing else
    "安徽省阜阳市临泉县长管镇",          # … + a township
    "四川省成都市武侯区青枫雅筑",        # … + a name the grammar does not know
    "浙江省台州市玉环县楚门镇骨伤医院",   # … + a place people send parcels to
])
def test_an_administrative_chain_and_a_place_standing_alone(scanner, address):
    assert values(scanner, address) == [address]
    assert values(scanner, f"张三\t{address}\t13800000000") == [address]  # a field of a line


@pytest.mark.parametrize("text", [
    "创建平安小区活动",
    "召开社区工作会议",
    "乐安县鳌溪镇召开会议。",
    "江西省乐安县农业农村局",
    "浙江省杭州市余杭区人民检察院提起公诉",
    "乐安县2020年农机购置补贴公示",
    "平凉市邮政管理局就快递单个人信息保护措施多次磋商",
    "2024-09-19",
    "第3户 身份证号略",
    "主场4-3击败对手",
    "该小区共有12栋楼",
    "张家口崇礼县常委政法委书记",
])
def test_prose_and_titles_that_only_look_like_an_address(scanner, text):
    assert values(scanner, text) == []


def test_a_clause_of_a_sentence_does_not_stand_alone(scanner):
    # Full-width marks separate the clauses of a sentence, not fields.
    assert values(scanner, "会议指出，乐安县鳌溪镇，要抓好落实") == []
    assert values(scanner, "乐安县鳌溪镇") == ["乐安县鳌溪镇"]


def test_a_cell_under_a_non_personal_header_does_not_stand_alone(scanner):
    assert values(scanner, "浙江省温州市鹿城区新田路", label="备注") == []
    assert values(scanner, "家住浙江省温州市鹿城区新田路8号", label="备注") == ["浙江省温州市鹿城区新田路8号"]


# --- labels and columns -----------------------------------------------------------------

def test_the_value_of_an_address_field_is_an_address(scanner):
    assert values(scanner, "住址：青枫雅筑，电话：略") == ["青枫雅筑"]
    assert values(scanner, "收货地址: 青枫雅筑") == ["青枫雅筑"]
    # An address word in running text is not a field.
    assert values(scanner, "按照他留下的地址寄出") == []
    assert values(scanner, "住址：不详") == []


def test_an_address_column_holds_whole_cells(scanner):
    assert values(scanner, "青枫雅筑", label="家庭住址") == ["青枫雅筑"]
    assert values(scanner, "北六区一楼2648-117", label="住址") == ["北六区一楼2648-117"]
    assert values(scanner, "江西省乐安县", label="住址") == []   # a county is not a home
    assert values(scanner, "无", label="住址") == []
    # A phone number in the cell is not part of the address.
    assert values(scanner, "青枫雅筑3栋 13800000000", label="住址") == ["青枫雅筑3栋"]


# --- evidence ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, label, evidence", [
    ("家庭住址：江西省抚州市乐安县鳌溪镇湖溪村3组", None, {"grammar", "gazetteer", "label:家庭住址"}),
    ("鳌溪镇湖溪村3组", "家庭住址", {"grammar", "column:家庭住址"}),
    ("浙江省温州市鹿城区新田路", None, {"grammar", "gazetteer", "standalone"}),
    ("住址：青枫雅筑", None, {"label:住址"}),
    ("青枫雅筑", "住址", {"column:住址"}),
])
def test_address_findings_say_why(scanner, text, label, evidence):
    (f,) = scanner.scan(text, label=label)
    assert set(f.evidence) == evidence


ADMIN = ["浙江省杭州市西湖区", "江西省抚州市乐安县", "宁波市鄞州区", "苍南县", ""]
PLACE = ["文一西路88号", "鳌溪镇湖溪村3组", "银泰花园12幢306室", "新城8-2-1101", "白杨街道6号大街100号"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(admin=st.sampled_from(ADMIN), place=st.sampled_from(PLACE),
       before=st.text(alphabet="的一是在了有和人这中大为，。、：； 0123456789", max_size=12),
       after=st.text(alphabet="的一是在了有和人这中大为，。、：； ", max_size=12))
def test_address_offsets_always_slice_back(admin, place, before, after):
    text = f"{before}家住{admin}{place}，{after}"
    found = list(AddressDetector().detect(text))
    assert all(text[f.start:f.end] == f.value for f in found)
    assert f"{admin}{place}" in [f.value for f in found]
