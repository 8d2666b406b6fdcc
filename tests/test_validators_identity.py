"""Validators of the other identifiers Chinese notices carry: permits, passports, HK/Macao/Taiwan IDs, vehicles, devices.

Every format with a check character is tested both ways with hypothesis: a
generated valid number is always valid, and changing its check character
always makes it invalid. Formats without one are tested on their shape and on
near-misses (a letter where a digit belongs, one digit too many or too few).
"""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.validators import (disability_cert, exit_entry_permit, hk_id, home_return_permit, imei, macau_id,
                                network, passport, plate, resident_id, tw_compatriot_permit, tw_id, vin)

seeds = st.integers(min_value=0, max_value=2**32)


def _other(chars: str, c: str, k: int) -> str:
    options = [x for x in chars if x != c]
    return options[k % len(options)]


@pytest.mark.parametrize("make, module, check_chars, pos", [
    (synth.hk_id_number, hk_id, "0123456789A", -1),
    (synth.tw_id_number, tw_id, "0123456789", -1),
    (lambda rng: synth.tw_id_number(rng, resident=True), tw_id, "0123456789", -1),
    (synth.vin_number, vin, "0123456789X", 8),
    (synth.imei_number, imei, "0123456789", -1),
    (synth.residence_permit_number, resident_id, "0123456789X", -1),
    (synth.foreign_permanent_id_number, resident_id, "0123456789X", -1),
    (synth.disability_cert_number, disability_cert, "0123456789X", 17),
])
@settings(max_examples=150, deadline=None)
@given(seed=seeds, k=st.integers(min_value=0, max_value=20))
def test_valid_number_passes_and_a_changed_check_character_fails(make, module, check_chars, pos, seed, k):
    value = make(random.Random(seed))
    assert module.is_valid(value), value
    c = value[pos]
    wrong = value[:pos] + _other(check_chars, c, k) + (value[pos + 1:] if pos != -1 else "")
    assert not module.is_valid(wrong), wrong


@settings(max_examples=100, deadline=None)
@given(seed=seeds)
def test_generated_shapes_validate(seed):
    rng = random.Random(seed)
    assert passport.is_valid(synth.passport_number(rng))
    assert plate.is_valid(synth.plate_number(rng))


def test_residence_permits_and_foreign_ids_say_what_they_are():
    rng = random.Random(3)
    assert resident_id.kind(synth.residence_permit_number(rng, "810000")) == "residence permit (Hong Kong)"
    assert resident_id.kind(synth.residence_permit_number(rng)) == "residence permit (Taiwan)"
    assert resident_id.kind(synth.foreign_permanent_id_number(rng)) == "foreign permanent resident"
    assert resident_id.kind(synth.resident_id_number(rng)) == "resident"


@pytest.mark.parametrize("value", [
    "840000199201010018",   # 84 is nothing
    "9711561990010100XX",   # not 17 digits + check
    "907156199001010011",   # 9 + province 07: no such province
])
def test_resident_id_near_misses(value):
    assert not resident_id.is_valid(value)


def test_disability_certificate_hides_an_id_with_its_own_check():
    cert = synth.disability_cert_number(random.Random(5))
    assert resident_id.is_valid(cert[:18])
    bad_id = cert[:17] + _other("0123456789X", cert[17], 1) + cert[18:]
    assert not disability_cert.is_valid(bad_id)
    assert not disability_cert.is_valid(cert[:18] + "05")  # category 0
    assert not disability_cert.is_valid(cert[:18] + "15")  # grade 5


@pytest.mark.parametrize("module, good, bad", [
    (passport, ["E12345678", "EB7654321", "G87654321", "151234567", "DE1234567"],
     ["E1234567", "E123456789", "EO1234567", "A12345678", "12345678"]),
    (home_return_permit, ["H12345678", "M1234567890"], ["H123456789", "K12345678", "H1234567A"]),
    (tw_compatriot_permit, ["12345678", "1234567890"], ["123456789", "1234567", "A2345678"]),
    (exit_entry_permit, ["C12345678", "CB1234567", "W12345678", "L12345678", "T12345678"],
     ["C1234567", "CO1234567", "D12345678"]),
    (macau_id, ["1234567(8)", "52156732", "7/123456/1"], ["2234567(8)", "123456(7)", "123456789"]),
    (plate, ["京A12345", "沪AD12345", "粤B12345F", "苏E1234学", "川A·8X88Y"],
     ["A12345", "京12345", "京A1234", "京AI2345", "京A123456", "港A12345"]),
])
def test_shapes_without_a_check_character(module, good, bad):
    assert all(module.is_valid(v) for v in good), [v for v in good if not module.is_valid(v)]
    assert not any(module.is_valid(v) for v in bad), [v for v in bad if module.is_valid(v)]


def test_network_addresses():
    assert network.is_valid_ip("114.114.114.114") and network.is_valid_ip("fe80::1")
    assert not network.is_valid_ip("1.2.3") and not network.is_valid_ip("1.2.3.4.5")
    assert network.validate_mac("001a.2b3c.4d5e") == "00:1A:2B:3C:4D:5E"
    assert not network.is_valid_mac("00:1A:2B:3C:4D") and not network.is_valid_mac("00:1A-2B:3C:4D:5E")
    assert not network.is_valid_mac("FF:FF:FF:FF:FF:FF")


def test_vin_needs_letters_and_digits_and_no_ioq():
    assert vin.is_valid("1M8GDM9AXKP042788")
    assert not vin.is_valid("1M8GDM9AXKP04278")       # 16 characters
    with pytest.raises(Exception, match="without I, O, Q"):
        vin.validate("1M8GDM9AXKPO42788")
    with pytest.raises(Exception, match="mixes letters and digits"):
        vin.validate_shape("12345678901234567")
