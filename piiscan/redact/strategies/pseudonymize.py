"""``pseudonymize``: a keyed HMAC-SHA256 token, stable per (key, type, value).

The same person gets the same token in every file and run with the same key,
so a released table can still be joined; without the key the token cannot
be reversed or recomputed (an unkeyed hash of an ID is brute-forceable: the
key space is ~10^11 per county). Values are normalised first, so
``138 0013 8000`` and ``+8613800138000`` share a token.

Tokens use letters only (no digits), so no digit run can be mistaken for a
number by a later scan: ``身份证号-kqzmtrbfwx``.

>>> from piiscan.redact.strategies import Context
>>> c = Context(key=b'k' * 32)
>>> replace('CN_MOBILE', '138 0013 8000', c) == replace('CN_MOBILE', '+8613800138000', c)
True
>>> replace('CN_MOBILE', '13800138000', c).startswith('手机号-')
True
"""
from __future__ import annotations

from ...entities import registry
from . import Context, normalise

NAME = "pseudonymize"
NEEDS_KEY = True
LOOKS_REAL = False

# 23 letters: no i/l/o, which read like 1 and 0.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz"
TOKEN_LENGTH = 10  # 23^10 ≈ 4e13: collisions are negligible in any one release


def token(etype: str, value: str, ctx: Context, length: int = TOKEN_LENGTH) -> str:
    n = int.from_bytes(ctx.hmac("pseudonym", etype, normalise(etype, value)), "big")
    out = []
    for _ in range(length):
        n, r = divmod(n, len(_ALPHABET))
        out.append(_ALPHABET[r])
    return "".join(out)


def replace(etype: str, value: str, ctx: Context) -> str:
    label = registry.label(etype)
    return f"{label}-{token(etype, value, ctx, int(ctx.options.get('token_length', TOKEN_LENGTH)))}"
