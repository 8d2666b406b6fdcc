"""redact_text and the strategies: masks, tokens, FF3-1 round trips, and the property that
nothing of a redacted type survives."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.redact import KeyMissingError, Redactor, redact_text, restore_text
from piiscan.redact.strategies import Context, encrypt, fake, generalize, mask, pseudonymize
from piiscan.scanner import Scanner
from piiscan.validators import bank_card, mobile, resident_id

KEY = b"test-key-0123456789abcdef"
OTHER_KEY = b"another-key-0123456789abc"
NUMERIC = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD"]
ALL_BUT_FAKE = ["mask", "tag", "pseudonymize", "encrypt", "generalize"]


def planted(rng: random.Random) -> tuple[str, list[str]]:
    values = [
        synth.resident_id_number(rng), synth.mobile_number(rng), synth.landline_number(rng),
        synth.bank_card_number(rng), synth.email_address(rng),
    ]
    text = "乐安县农机补贴公示：身份证{} 手机{}，固话 {}；卡号 {}，邮箱 {}。完".format(*values)
    return text, values


@pytest.mark.parametrize("strategy", ALL_BUT_FAKE + ["fake"])
def test_every_strategy_removes_planted_values(strategy, rng):
    text, values = planted(rng)
    out = redact_text(text, strategy=strategy, key=KEY)
    for v in values:
        assert v not in out
    assert out.startswith("乐安县农机补贴公示：身份证") and out.endswith("。完")
    if strategy != "fake":
        assert Scanner().scan(out) == []


def test_text_outside_spans_is_identical(rng):
    text, _ = planted(rng)
    scanner = Scanner()
    found = scanner.scan(text)
    out = redact_text(text, strategy="tag")
    # Rebuild the expected output from the findings: everything between them verbatim.
    expected, pos = [], 0
    for f in found:
        expected += [text[pos:f.start], mask_label(f.type)]
        pos = f.end
    expected.append(text[pos:])
    assert out == "".join(expected)


def mask_label(etype: str) -> str:
    from piiscan.finding import LABELS

    return f"[{LABELS[etype]}]"


def test_mask_defaults_from_the_issue():
    c = Context()
    assert mask.replace("CN_RESIDENT_ID", "361025198001011234"[:17] + resident_id.calc_check_digit("36102519800101123"), c).startswith("361025********")
    assert mask.replace("CN_MOBILE", "13812345678", c) == "138****5678"
    assert mask.replace("CN_MOBILE", "+86 138 1234 5678", c) == "+86 138 **** 5678"
    assert mask.replace("CN_LANDLINE", "010-65529988", c) == "010-********"
    assert mask.replace("BANK_CARD", "6228480000000001234", c) == "622848*********1234"
    assert [mask.replace("PERSON_NAME", n, c) for n in ("张三", "欧阳娜娜", "张秀兰", "司马懿")] == ["张*", "欧阳**", "张*兰", "司马*"]
    assert mask.replace("CN_ADDRESS", "江西省抚州市乐安县鳌溪镇湖坪村3组", c) == "江西省抚州市乐安县********"
    assert mask.replace("EMAIL_ADDRESS", "zhangsan@qq.com", c) == "z***@qq.com"


def test_mask_keep_is_configurable():
    out = redact_text("身份证 11010519491231002X", keep={"CN_RESIDENT_ID": (1, 1)})
    assert out == "身份证 1****************X"
    out = redact_text("身份证 11010519491231002X", keep={"CN_RESIDENT_ID": (3, 3)})
    assert out == "身份证 110************02X"


def test_per_type_strategies():
    out = redact_text("身份证 11010519491231002X 手机 13800138000",
                      strategy={"CN_RESIDENT_ID": "tag"})
    assert out == "身份证 [身份证号] 手机 138****8000"


def test_types_limit_what_is_redacted():
    out = redact_text("身份证 11010519491231002X 手机 13800138000", types=["CN_MOBILE"])
    assert "11010519491231002X" in out and "13800138000" not in out


def test_keyed_strategies_need_a_key(monkeypatch):
    monkeypatch.delenv("PIISCAN_KEY", raising=False)
    for s in ("pseudonymize", "encrypt", "fake"):
        with pytest.raises(KeyMissingError, match="PIISCAN_KEY"):
            redact_text("13800138000", strategy=s)
    monkeypatch.setenv("PIISCAN_KEY", KEY.decode())
    assert redact_text("手机 13800138000", strategy="pseudonymize").startswith("手机 手机号-")


def test_short_keys_are_refused():
    with pytest.raises(ValueError, match="too short"):
        Redactor("pseudonymize", key="short")


def test_generalize():
    c = Context()
    assert generalize.replace("CN_RESIDENT_ID", "11010519491231002X", c) == "北京市朝阳区1949年生"
    assert generalize.replace("CN_MOBILE", "+86 13800138000", c) == "138号段"
    assert generalize.replace("BANK_CARD", "6228480000000001234", c) == "银行卡(622848)"
    assert generalize.replace("EMAIL_ADDRESS", "a@qq.com", c) == "*@qq.com"


def test_fake_is_valid_deterministic_and_keyed(rng):
    c, c2 = Context(key=KEY), Context(key=OTHER_KEY)
    rid, mob, card = synth.resident_id_number(rng), synth.mobile_number(rng), synth.bank_card_number(rng)
    f_id, f_mob, f_card = (fake.replace(t, v, c) for t, v in
                           (("CN_RESIDENT_ID", rid), ("CN_MOBILE", mob), ("BANK_CARD", card)))
    assert resident_id.is_valid(f_id) and mobile.is_valid(f_mob) and bank_card.is_valid(f_card)
    assert f_id != rid and f_mob != mob and f_card != card
    assert fake.replace("CN_RESIDENT_ID", rid, Context(key=KEY)) == f_id
    assert fake.replace("CN_RESIDENT_ID", rid, c2) != f_id


def test_encrypt_tokens_keep_the_digit_count_and_restore():
    c = Context(key=KEY)
    tok = encrypt.replace("CN_MOBILE", "138 0013 8000", c)
    assert tok.startswith("MOB") and len(tok) == 3 + 11 and tok[3:].isdigit()
    assert restore_text(f"电话{tok}。", key=KEY) == "电话13800138000。"
    with pytest.raises(Exception):
        # Wrong key: decrypts to something else, never the original.
        assert restore_text(tok, key=OTHER_KEY) != "13800138000"
        raise AssertionError


# --- properties --------------------------------------------------------------

_FILLER = st.text(alphabet=st.sampled_from(list("农机补贴公示户主姓名电话号码：，。 -()0123456789xX@.abc\n")), max_size=30)


@st.composite
def pii_text(draw):
    rng = random.Random(draw(st.integers(0, 2**32)))
    gens = [synth.resident_id_number, synth.mobile_number, synth.landline_number, synth.bank_card_number,
            synth.email_address, synth.legacy_id_number]
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        parts.append(draw(_FILLER))
        parts.append(draw(st.sampled_from(gens))(rng))
    parts.append(draw(_FILLER))
    return "".join(parts)


_SCANNER = Scanner()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pii_text(), st.sampled_from(ALL_BUT_FAKE))
def test_property_no_finding_survives(text, strategy):
    out = redact_text(text, strategy=strategy, key=KEY)
    assert _SCANNER.scan(out) == []


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NUMERIC + ["EMAIL_ADDRESS", "PERSON_NAME"]), st.text(min_size=1, max_size=20))
def test_property_pseudonyms_stable_per_key_differ_between_keys(etype, value):
    a = pseudonymize.replace(etype, value, Context(key=KEY))
    assert a == pseudonymize.replace(etype, value, Context(key=KEY))
    assert a != pseudonymize.replace(etype, value, Context(key=OTHER_KEY))
    assert not any(ch.isdigit() for ch in a)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_property_encrypt_restore_round_trips(seed):
    rng = random.Random(seed)
    values = [synth.resident_id_number(rng), synth.legacy_id_number(rng), synth.mobile_number(rng),
              synth.bank_card_number(rng), synth.bank_account_number(rng)]
    text = "户主身份证{}，旧证{}，手机{}，卡{}，银行账号{}".format(*values)
    enc = redact_text(text, strategy="encrypt", key=KEY)
    for v in values:
        if Scanner().scan(v, label="银行账号"):
            assert v not in enc
    assert _SCANNER.scan(enc) == []
    assert restore_text(enc, key=KEY) == text


def test_a_name_confirmed_once_is_redacted_wherever_it_recurs(tmp_path):
    """The second 张小明 has no context the rules can see; it is the same person all the same."""
    from click.testing import CliRunner

    from piiscan.cli.redact import redact as redact_cmd

    src = tmp_path / "in" / "j.txt"
    src.parent.mkdir()
    src.write_text("原告张小明，男，1980年生。被告张大伟，男。\n\n本院认为，原告张小明与被告张大伟系同村村民。\n",
                   encoding="utf-8")
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out" / "j.txt").read_text(encoding="utf-8")
    assert "张小明" not in out and "张大伟" not in out
    assert out.count("本院认为") == 1 and out.count("同村村民") == 1


def test_redact_file_from_the_api_learns_the_names_of_its_document(tmp_path):
    """The API (and the web page, which calls it) replaces a recurring name as the command line does."""
    from piiscan.redact import redact_file

    src = tmp_path / "j.txt"
    src.write_text("原告张小明，男，1980年生。\n\n本院认为，原告张小明与被告系同村村民。\n", encoding="utf-8")
    r = Redactor()
    redact_file(src, tmp_path / "out.txt", redactor=r)
    assert "张小明" not in (tmp_path / "out.txt").read_text(encoding="utf-8")
    # The next document's names are its own: nothing learned from the first one is replaced in it.
    other = tmp_path / "k.txt"
    other.write_text("小明同学的作文。\n", encoding="utf-8")
    redact_file(other, tmp_path / "out2.txt", redactor=r)
    assert r.names_of == str(other) and "张小明" not in r.known_names
