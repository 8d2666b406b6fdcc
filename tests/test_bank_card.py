import pytest

import piiscan
from piiscan import synth
from piiscan.validators import bank_card


def cards(text, **kw):
    return [(f.value, f.detector) for f in piiscan.scan_text(text, types=["BANK_CARD"], **kw)]


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_luhn_cards_found_without_context(rng, length):
    value = synth.bank_card_number(rng, length=length)
    if length == 18:
        # An 18-digit value that also validates as an ID is an ID; skip those.
        if piiscan.validators.resident_id.is_valid(value):
            return
    assert cards(f"请转入{value}。") == [(value, "bank_card")]


def test_grouped_by_four(rng):
    value = synth.bank_card_number(rng, length=19)
    grouped = " ".join(value[i:i + 4] for i in range(0, 19, 4))
    assert cards(f"卡号 {grouped}") == [(grouped, "bank_card")]


def test_luhn_failure_without_context_not_found(rng):
    value = synth.bank_card_number(rng, length=19)
    broken = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert not bank_card.is_valid(broken)
    assert cards(f"数字 {broken}") == []


def test_unknown_prefix_not_a_card():
    partial = "123456789012345"
    value = partial + bank_card.calc_check_digit(partial)
    assert not bank_card.is_valid(value)
    assert cards(f"数据 {value}") == []


@pytest.mark.parametrize("word", ["银行账号", "一卡通账号", "惠农卡", "开户行账号", "存折号"])
def test_accounts_need_bank_context(rng, word):
    acct = synth.bank_account_number(rng, length=18)
    if piiscan.validators.resident_id.is_valid(acct):
        return
    assert cards(f"{word}：{acct}") == [(acct, "bank_account")]
    assert cards(f"编码：{acct}") == []


@pytest.mark.parametrize("length", [12, 20, 25])
def test_account_lengths(rng, length):
    acct = synth.bank_account_number(rng, length=length)
    assert cards(f"银行账号 {acct}") == [(acct, "bank_account")]


def test_waybill_with_card_inside_not_found(rng):
    value = synth.bank_card_number(rng, length=16)
    assert cards(f"快递单号 123456789{value}") == []


def test_invoice_number_context_lowers_card():
    partial = "622848001234567"
    value = partial + bank_card.calc_check_digit(partial)
    assert cards(f"发票号码：{value}") == []
