"""BANK_CARD: a UnionPay/domestic card number (prefix and Luhn), or a long account number by context."""
from __future__ import annotations

import random

from ..validators import bank_card
from .forms import digits_of, mask_half_hidden
from .spec import SENSITIVE, EntityType
from .specdata import column_headers, context_words

NAME = "BANK_CARD"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """First 6 (the issuer) and last 4 (the 尾号) of 16+ digits; a shorter passbook or account number
    keeps at most half, the leading digits giving way: ``622848*********0001``, ``********3456``."""
    return mask_half_hidden(value, keep or (6, 4), "first", char)


def generalize(value: str) -> str:
    """The issuer prefix (BIN): ``银行卡(622848)``."""
    return f"银行卡({digits_of(value)[:6]})"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    if bank_card.is_valid(normal):
        return synth.bank_card_number(rng, length=min(max(len(normal), 16), 19))
    return synth.bank_account_number(rng, length=len(normal))


SPEC = EntityType(
    name=NAME,
    label="银行卡号",
    description="Bank card or account number",
    details="A UnionPay/domestic card number (prefix and Luhn), or a long account number next to bank context.",
    # PIPL art. 28 names financial accounts among sensitive personal information.
    category=SENSITIVE,
    normal=digits_of,
    allow_form=bank_card.compact,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers(NAME),
    context_words=context_words(NAME),
    detector="piiscan.detectors.numbers:NumberDetector",
    detector_priority=20,
    numeric=True,
)
