"""``fake``: a deterministic, valid-looking synthetic replacement, for test data.

Each replacement is generated from a random generator seeded with a keyed
HMAC of the normalised value, so the same input always gets the same fake
(tables stay joinable) and nothing about the input can be read from it. The
fakes pass their validators (check digit, allocated mobile segment, Luhn):
that is the point, and why a re-scan of ``fake`` output must exempt them.
The key is required: seeding from an unkeyed hash would let anyone test
candidate IDs against the output. Each type's fake is its spec's ``fake``.
"""
from __future__ import annotations

import random

from ...entities import registry
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
    spec = registry.find(etype)
    return spec.faked(norm, rng) if spec is not None else "*" * len(norm)
