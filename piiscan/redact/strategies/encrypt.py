"""``encrypt``: reversible format-preserving encryption (FF3-1) of the numeric types.

The digits of the value (its canonical form: an ID's 17 body digits, a
mobile's 11, a card's 16–19) are encrypted with FF3-1 (radix 10, the ``ff3``
package, AES-256) and written after a three-letter type marker::

    36102519800101123X  ->  RID83920174650123987
    13800138000         ->  MOB38703875235

Why a marker: the ciphertext is a uniformly random digit string, so about one
in twenty would again look like a valid mobile, card or ID and the output
would fail its own re-scan; and ``restore`` has to find ciphertexts in text
unambiguously and know their type (the tweak differs per type). A letter
directly before the digits also stops every number detector from matching
(they refuse candidates glued to letters). The digit count is unchanged, so
the value still fits a numeric field with a 3-character tag.

An ID's check character is dropped before encryption and recomputed by
``restore``, which returns canonical values (separators not kept).

``restore`` only replaces a token whose plaintext is a valid value of its
type (a mobile segment, an ID's region and birth date, a Luhn card or an
account of 12-25 digits, a known area code): text that merely looks like a
token (型号 TEL100200, 批次 MOB20230101) decrypts to noise and is left as it is.

The AES key and the 56-bit FF3-1 tweak are derived from the user's key with
HMAC-SHA256; the tweak differs per type. Non-numeric types (names,
addresses, e-mail) cannot be format-preserved meaningfully: they are
pseudonymised (keyed, one-way) instead.
"""
from __future__ import annotations

import regex
from ff3 import FF3Cipher

from ...finding import BANK_CARD, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID
from ...validators import bank_card, landline, mobile, resident_id
from . import Context, normalise
from . import pseudonymize

NAME = "encrypt"
NEEDS_KEY = True
LOOKS_REAL = False

MARKERS = {CN_RESIDENT_ID: "RID", CN_MOBILE: "MOB", CN_LANDLINE: "TEL", BANK_CARD: "BNK"}
_TYPES = {v: k for k, v in MARKERS.items()}
# Format-preserving encryption needs a restore rule per type (the check character, the plausibility of a
# decrypted token): the four number types have one; every other type is pseudonymized instead.
NUMERIC_TYPES = frozenset(MARKERS)
TOKEN = regex.compile(r"(?<![A-Za-z0-9])(RID|MOB|TEL|BNK)([0-9]{6,56})(?![0-9])")


def _cipher(etype: str, ctx: Context) -> FF3Cipher:
    cipher = ctx.cache.get(("ff3", etype))
    if cipher is None:
        key = ctx.hmac("ff3-key", "", "")  # 32 bytes: AES-256
        tweak = ctx.hmac("ff3-tweak", etype, "")[:7]  # FF3-1 tweaks are 56 bits
        cipher = ctx.cache[("ff3", etype)] = FF3Cipher(key.hex(), tweak.hex())
    return cipher


def replace(etype: str, value: str, ctx: Context) -> str:
    if etype not in NUMERIC_TYPES:
        return pseudonymize.replace(etype, value, ctx)
    digits = normalise(etype, value)
    if etype == CN_RESIDENT_ID and len(digits) == 18:
        digits = digits[:17]  # the check character is recomputed on restore
    digits = "".join(ch for ch in digits if ch.isdigit())
    if not 6 <= len(digits) <= 56:
        # Outside FF3-1's domain for radix 10: cannot be reversible; never leak it.
        return pseudonymize.replace(etype, value, ctx)
    return MARKERS[etype] + _cipher(etype, ctx).encrypt(digits)


def decrypt_token(marker: str, digits: str, ctx: Context) -> str:
    etype = _TYPES[marker]
    plain = _cipher(etype, ctx).decrypt(digits)
    if etype == CN_RESIDENT_ID and len(plain) == 17:
        plain += resident_id.calc_check_digit(plain)
    return plain


def plausible(etype: str, plain: str) -> bool:
    """Whether a decrypted token is a value of its type (else the token was ordinary text)."""
    if etype == CN_MOBILE:
        return mobile.is_valid(plain)
    if etype == CN_LANDLINE:
        return landline.is_valid(plain)
    if etype == CN_RESIDENT_ID:
        if len(plain) == 15:
            try:
                resident_id.validate_legacy(plain)
            except ValueError:
                return False
            return True
        return resident_id.is_valid(plain)
    if etype == BANK_CARD:
        # Cards pass Luhn; passbook and rural credit accounts have no check digit.
        return bank_card.is_valid(plain) or 12 <= len(plain) <= 25
    return False


def restore_text(text: str, ctx: Context) -> tuple[str, int]:
    """``text`` with every encryption token decrypted, and how many there were.

    A token whose plaintext is not a valid value of its type is left untouched.
    """
    count = 0

    def sub(m: "regex.Match[str]") -> str:
        nonlocal count
        try:
            plain = decrypt_token(m.group(1), m.group(2), ctx)
        except ValueError:  # outside the cipher's domain (too long for FF3-1's radix-10 bounds)
            return m.group(0)
        if not plausible(_TYPES[m.group(1)], plain):
            return m.group(0)
        count += 1
        return plain

    return TOKEN.sub(sub, text), count
