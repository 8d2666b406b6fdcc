import datetime

import pytest

import piiscan
from piiscan import synth
from piiscan.validators import InvalidNumber, resident_id

CORE = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS"]


def ids_in(text):
    return [f.value for f in piiscan.scan_text(text, types=["CN_RESIDENT_ID"])]


def test_valid_ids_validate(rng):
    for _ in range(200):
        value = synth.resident_id_number(rng)
        assert resident_id.validate(value) == value


def test_lowercase_x_is_accepted():
    body = "36102519800101123"
    check = resident_id.calc_check_digit(body)
    if check != "X":
        # Find a sequence number whose check character is X.
        for seq in range(1000):
            body = f"36102519800101{seq:03d}"
            if resident_id.calc_check_digit(body) == "X":
                break
    value = body + "x"
    assert resident_id.is_valid(value)
    assert ids_in(f"身份证号：{value}。") == [value]


@pytest.mark.parametrize(
    "date, reason",
    [
        ("19800230", "not a calendar date"),  # Feb 30
        ("19801301", "not a calendar date"),  # month 13
        ("19800001", "not a calendar date"),  # month 0
        ("18991231", "outside"),  # before 1900
        ("20990101", "outside"),  # in the future
    ],
)
def test_bad_birth_dates(date, reason):
    body = "361025" + date + "123"
    value = body + resident_id.calc_check_digit(body)
    with pytest.raises(InvalidNumber, match=reason):
        resident_id.validate(value)
    assert ids_in(f"身份证号 {value}") == []


def test_unknown_province_rejected():
    body = "991025" + "19800101" + "123"
    value = body + resident_id.calc_check_digit(body)
    with pytest.raises(InvalidNumber, match="province"):
        resident_id.validate(value)


def test_county_not_tied_to_birth_year():
    # 361025 乐安县 is listed from 2000; people born long before carry it.
    body = "361025" + "19450315" + "021"
    value = body + resident_id.calc_check_digit(body)
    assert resident_id.is_valid(value)
    assert ids_in(f"户主 {value}") == [value]


def test_abolished_county_code_still_counts():
    # 110103 崇文区 was merged in 2010; its residents kept their numbers.
    body = "110103" + "19700101" + "001"
    value = body + resident_id.calc_check_digit(body)
    found = piiscan.scan_text(value)
    assert [f.value for f in found] == [value]
    assert found[0].confidence >= 0.85


def test_unknown_county_in_known_province_is_lower_confidence():
    body = "369999" + "19700101" + "001"
    value = body + resident_id.calc_check_digit(body)
    (f,) = piiscan.scan_text(value)
    assert f.type == "CN_RESIDENT_ID"
    known = piiscan.scan_text(synth.resident_id_number(__import__("random").Random(1)))[0]
    assert f.confidence < known.confidence


def test_wrong_check_digit_never_found(rng):
    for _ in range(100):
        value = synth.resident_id_number(rng)
        wrong = "0123456789X".replace(value[-1], "")[rng.randrange(10)]
        assert ids_in(f"身份证号码：{value[:-1]}{wrong}") == []


@pytest.mark.parametrize("sep", [" ", "-", "－", "\u3000"])
def test_grouped_6_8_4(rng, sep):
    value = synth.resident_id_number(rng)
    grouped = f"{value[:6]}{sep}{value[6:14]}{sep}{value[14:]}"
    assert ids_in(f"身份证：{grouped}，") == [grouped]


def test_full_width_digits(rng):
    value = synth.resident_id_number(rng)
    full = value.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    (f,) = piiscan.scan_text(f"公民身份号码{full}")
    assert (f.type, f.value) == ("CN_RESIDENT_ID", full)


def test_legacy_15_digit(rng):
    value = synth.legacy_id_number(rng)
    assert ids_in(f"身份证号：{value}") == [value]
    # Without any ID context a bare 15-digit number is too weak to report by default.
    assert ids_in(f"数字{value}") == []


def test_legacy_with_invalid_date_rejected():
    assert ids_in("身份证号：361025801301123") == []


def test_id_inside_longer_run_is_not_found(rng):
    value = synth.resident_id_number(rng)
    assert ids_in(f"运单号 1234567{value}") == []
    assert ids_in(f"{value}9") == []
    assert ids_in(f"AB{value}") == []


def test_id_is_not_also_a_card(rng):
    # An 18-digit ID that passes Luhn is reported once, as an ID.
    for _ in range(500):
        value = synth.resident_id_number(rng)
        if value.isdigit() and piiscan.validators.bank_card.luhn_checksum(value) == 0 and value[0] in "4569":
            break
    found = piiscan.scan_text(f"号码 {value}")
    assert [(f.type, f.value) for f in found] == [("CN_RESIDENT_ID", value)]


def test_birth_date_helper():
    assert resident_id.birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
