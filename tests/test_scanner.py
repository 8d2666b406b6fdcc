import pytest

import piiscan
from piiscan import Scanner, synth
from piiscan.finding import ENTITY_TYPES, Finding


def test_scanner_rejects_unknown_type():
    with pytest.raises(ValueError, match="unknown entity type"):
        Scanner(types=["PASSPORT"])


def test_types_filter(rng):
    text = f"身份证{synth.resident_id_number(rng)} 手机{synth.mobile_number(rng)}"
    assert {f.type for f in piiscan.scan_text(text, types=["CN_MOBILE"])} == {"CN_MOBILE"}
    assert {f.type for f in piiscan.scan_text(text)} >= {"CN_MOBILE", "CN_RESIDENT_ID"}


def test_min_confidence_filters():
    text = "订单号：13800138000"
    assert piiscan.scan_text(text, types=["CN_MOBILE"]) == []
    assert len(piiscan.scan_text(text, types=["CN_MOBILE"], min_confidence=0.0)) == 1


def test_context_raises_confidence(rng):
    m = synth.mobile_number(rng)
    plain = piiscan.scan_text(f"数字 {m}", types=["CN_MOBILE"])[0]
    labelled = piiscan.scan_text(f"手机号码：{m}", types=["CN_MOBILE"])[0]
    assert labelled.confidence > plain.confidence


def test_label_acts_as_context(rng):
    acct = synth.bank_account_number(rng, length=17)
    s = Scanner(types=["BANK_CARD"])
    assert s.scan(acct) == []
    (f,) = s.scan(acct, label="一卡通账号")
    assert (f.type, f.value, f.detector) == ("BANK_CARD", acct, "bank_account")


def test_findings_are_sorted_and_disjoint(rng):
    parts = []
    for _ in range(30):
        parts.append(f"身份证{synth.resident_id_number(rng)}，电话{synth.mobile_number(rng)}，卡号{synth.bank_card_number(rng)}；")
    text = "".join(parts)
    found = piiscan.scan_text(text)
    assert len([f for f in found if f.type == "CN_RESIDENT_ID"]) == 30
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_entity_types_are_the_public_contract():
    assert ENTITY_TYPES[:5] == ("CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS")


def test_seed_document_has_no_false_number_findings():
    """The procuratorate release (spun SEO copy) is full of dates, counts and amounts."""
    from conftest import SEED as seed

    if not seed.exists():
        pytest.skip("shared/seeds not beside the checkout")
    text = seed.read_text(encoding="utf-8")
    found = piiscan.scan_text(text, types=["CN_RESIDENT_ID", "BANK_CARD", "EMAIL_ADDRESS"])
    assert found == []
    phones = piiscan.scan_text(text, types=["CN_MOBILE", "CN_LANDLINE"])
    # Only the footer contact number may be reported.
    assert len(phones) <= 1


def test_label_before_a_line_break_belongs_to_what_follows_it(rng):
    m = synth.mobile_number(rng)
    # 编号 labels A1 on its own line, not the phone on the next one.
    assert [f.value for f in piiscan.scan_text(f"编号：A1\n{m} 张三", types=["CN_MOBILE"])] == [m]
    # A label alone on its line still labels the value below it.
    assert piiscan.scan_text(f"订单号：\n{m}", types=["CN_MOBILE"]) == []
    id_ = synth.resident_id_number(rng)
    (f,) = piiscan.scan_text(f"公民身份号码：\n{id_}", types=["CN_RESIDENT_ID"])
    assert f.confidence == 1.0


class _PlateDetector:
    """A user's own detector: licence plates, written against the Detector protocol."""

    name = "plate"
    types = frozenset({"CN_MOBILE"})  # any known type; the scanner filters by type

    def __init__(self, requires=None):
        self.calls = 0
        if requires is not None:
            self.requires = requires

    def detect(self, text, label=None):
        import re

        self.calls += 1
        for m in re.finditer(r"赣F·?[A-Z0-9]{5}", text):
            yield Finding("CN_MOBILE", m.start(), m.end(), m.group(), 0.9, self.name)


def test_custom_detectors_compose_and_may_declare_what_they_require():
    import re

    from piiscan.scanner import default_detectors

    plain = _PlateDetector()
    s = Scanner(detectors=default_detectors() + [plain])
    text = "车牌赣F·12345，户主手机 13800138000"
    assert [(f.detector, f.value) for f in s.scan(text)] == [("plate", "赣F·12345"), ("cn_mobile", "13800138000")]
    needs_plate = _PlateDetector(requires=re.compile("赣"))
    s = Scanner(detectors=[needs_plate])
    assert s.scan("没有车牌") == [] and needs_plate.calls == 0
    assert [f.value for f in s.scan("赣F12345")] == ["赣F12345"] and needs_plate.calls == 1


def test_number_and_address_findings_say_why_in_every_output(rng):
    # The evidence the detectors give survives the scanner and reaches JSON.
    ident, mobile = synth.resident_id_number(rng), synth.mobile_number(rng)
    text = f"身份证号：{ident}，手机 {mobile}，家庭住址：江西省抚州市乐安县鳌溪镇湖溪村3组。"
    found = {f.type: f for f in piiscan.scan_text(text)}
    assert found["CN_RESIDENT_ID"].evidence == ("checksum", "label:身份证号")
    assert found["CN_MOBILE"].evidence == ("segment", "label:手机")
    assert set(found["CN_ADDRESS"].evidence) == {"grammar", "gazetteer", "label:家庭住址"}
    d = found["CN_MOBILE"].to_dict()
    assert d["evidence"] == ["segment", "label:手机"] and mobile not in str(d)


def test_every_number_finding_has_a_validating_or_context_reason(rng):
    parts = [f"编号{i} 身份证{synth.resident_id_number(rng)} 电话{synth.landline_number(rng)} "
             f"卡{synth.bank_card_number(rng)} 手机{synth.mobile_number(rng)}；" for i in range(20)]
    for f in piiscan.scan_text("".join(parts)):
        if f.type in ("CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD"):
            assert f.evidence and f.evidence[0] in ("checksum", "segment", "area-code", "luhn", "historic",
                                                     "date", "account"), f
