"""``fake``: a deterministic, valid-looking synthetic replacement, for test data.

Each replacement is generated from a random generator seeded with a keyed
HMAC of the normalised value, so the same input always gets the same fake
(tables stay joinable) and nothing about the input can be read from it. The
fakes pass their validators (check digit, allocated mobile segment, Luhn):
that is the point, and why a re-scan of ``fake`` output must exempt them.
The key is required: seeding from an unkeyed hash would let anyone test
candidate IDs against the output.
"""
from __future__ import annotations

import random

from ... import synth
from ...finding import BANK_CARD, CN_ADDRESS, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS, PERSON_NAME
from ...validators import bank_card
from . import Context, normalise

NAME = "fake"
NEEDS_KEY = True
LOOKS_REAL = True


def replace(etype: str, value: str, ctx: Context) -> str:
    norm = normalise(etype, value)
    rng = random.Random(ctx.hmac("fake", etype, norm))
    for _attempt in range(8):
        out = _generate(etype, norm, rng)
        if normalise(etype, out) != norm:
            return out
    return out


def _generate(etype: str, norm: str, rng: random.Random) -> str:
    if etype == CN_RESIDENT_ID:
        return synth.legacy_id_number(rng) if len(norm) == 15 else synth.resident_id_number(rng)
    if etype == CN_MOBILE:
        return synth.mobile_number(rng)
    if etype == CN_LANDLINE:
        return synth.landline_number(rng)
    if etype == BANK_CARD:
        length = min(max(len(norm), 16), 19)
        if bank_card.is_valid(norm):
            return synth.bank_card_number(rng, length=length)
        return synth.bank_account_number(rng, length=len(norm))
    if etype == EMAIL_ADDRESS:
        return synth.email_address(rng)
    if etype == PERSON_NAME:
        return synth.person_name(rng)
    if etype == CN_ADDRESS:
        return synth.address(rng)
    return "*" * len(norm)
