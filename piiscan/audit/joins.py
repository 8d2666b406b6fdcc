"""Fragment joining: masked forms of one value in several places, read together.

Sites mask the same person's ID differently — one county keeps the first 6 and
last 4, another the first 14, a third the first 2 and last 3 — and a reader
who finds the same person (by name, say) on two of them can put the visible
characters together: ``361025********123X`` and ``36102519900307****`` give
all 18; an 18-character ID missing one character gets it back from the check
digit; ``138****5678`` and ``1380013****`` give the whole mobile. 南方都市报
described exactly this; each file on its own may look well masked.

:func:`find_joins` takes the fragments of a folder (with where each was and
the names on the same row or line), finds those that are masked forms of the
same value, and reports each group whose visible positions together show more
than the profile allows. Two fragments are taken for the same value when

* they have the same type and length and agree on every position both show,
* each shows a position the other hides (otherwise the join adds nothing), and
* something links them beyond chance: the same name on both records, or at
  least :data:`MIN_SHARED` shared characters in the part of the number that
  tells people apart (an ID's month, day, sequence and check; a mobile's last
  8 digits; a card's account digits) — a shared region code or segment alone
  is shared by a whole county;

and a join that claims the whole value must be consistent: an 18-character ID
must pass its check digit (one missing character must be recoverable by it), a
mobile must be on an allocated segment.

**The joined value is never stored or printed.** Fragments are held in
memory for the duration of :func:`find_joins` (the joined characters only as
long as it takes to test a check digit); a :class:`Join` records where the
fragments are, how many characters each shows and how many they show
together. Not even the fragments' text is in a Join — printing both side by
side would print the join — and nothing goes to a cache or a file.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..finding import BANK_CARD, CN_MOBILE, CN_RESIDENT_ID
from ..validators import mobile, resident_id
from .masked import ID_LENGTH, REVEALS, Allowance, Fragment

#: Characters two fragments must share in the part of the number that tells people apart.
MIN_SHARED = 4
#: Buckets larger than this (a shared character at one position among thousands) link nothing.
_BUCKET_CAP = 200
_JOIN_TYPES = (CN_RESIDENT_ID, CN_MOBILE, BANK_CARD)


@dataclass(frozen=True)
class Located:
    """A fragment, where it is (``path`` and ``where``: line, or sheet/page, row and column), the
    record it belongs to (a table row, a text line) and the names on that record."""

    fragment: Fragment
    path: str
    where: tuple[tuple[str, Any], ...]
    record: tuple
    names: frozenset[str] = frozenset()

    def place(self) -> str:
        """``path`` with line or row and column: where, never what."""
        parts = [self.path] + [f"{k} {v}" for k, v in self.where]
        return " ".join(parts)


@dataclass(frozen=True)
class Member:
    """Where one fragment of a join is, and how many characters it shows: no characters."""

    path: str
    where: tuple[tuple[str, Any], ...]
    shows: int

    def place(self) -> str:
        return " ".join([self.path] + [f"{k} {v}" for k, v in self.where])


@dataclass(frozen=True)
class Join:
    """Masked forms of one value whose visible characters together show too much. No values."""

    type: str
    members: tuple[Member, ...]
    linked_by: str  # "name" (the same name on each record) or "digits" (shared distinguishing characters)
    together: int  # characters the members show together, with one recovered by an ID's check digit
    length: int
    reveals: tuple[str, ...]
    allowed: str  # the profile's allowance, e.g. 前6后4
    reason: str

    @property
    def paths(self) -> list[str]:
        return sorted({m.path for m in self.members})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; locations and counts only."""
        return {
            "type": self.type,
            "files": self.paths,
            "fragments": [{"path": m.path, **dict(m.where), "shows": m.shows} for m in self.members],
            "linked_by": self.linked_by,
            "together": self.together,
            "length": self.length,
            "reveals": list(self.reveals),
            "allowed": self.allowed,
            "reason": self.reason,
        }


def _distinguishing(etype: str, pos: int, length: int) -> bool:
    if etype == CN_RESIDENT_ID:
        return pos >= (10 if length == ID_LENGTH else 8)
    if etype == CN_MOBILE:
        return pos >= 3
    return pos >= 6


def find_joins(located: Iterable[Located], allowances: Mapping[str, Allowance]) -> list[Join]:
    """Groups of fragments of one value that together show more than ``allowances`` (type → allowance) let them."""
    frags = [x for x in located if x.fragment.type in _JOIN_TYPES and x.fragment.length]
    by_name: dict[tuple, list[int]] = defaultdict(list)
    by_char: dict[tuple, list[int]] = defaultdict(list)
    for i, x in enumerate(frags):
        f = x.fragment
        for name in x.names:
            by_name[(f.type, f.length, name)].append(i)
        for pos, ch in f.visible:
            if _distinguishing(f.type, pos, f.length):
                by_char[(f.type, f.length, pos, ch)].append(i)
    linked: dict[tuple[int, int], str] = {}
    for members in by_name.values():
        for a in range(len(members[:_BUCKET_CAP])):
            for b in range(a + 1, len(members[:_BUCKET_CAP])):
                linked[(members[a], members[b])] = "name"
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in by_char.values():
        if len(members) > _BUCKET_CAP:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                shared[(members[a], members[b])] += 1
    for pair, n in shared.items():
        if n >= MIN_SHARED:
            linked.setdefault(pair, "digits")

    # Union of compatible, gaining pairs; a cluster keeps the characters its members show, in memory only.
    parent = list(range(len(frags)))
    shown: list[dict[int, str]] = [dict(x.fragment.visible) for x in frags]
    how: dict[int, set[str]] = defaultdict(set)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), link in sorted(linked.items()):
        if frags[a].record == frags[b].record:
            continue
        fa, fb = frags[a].fragment, frags[b].fragment
        pa, pb = fa.positions(), fb.positions()
        if pa <= pb or pb <= pa:
            continue  # one shows nothing the other does not
        ra, rb = root(a), root(b)
        if ra == rb:
            how[ra].add(link)
            continue
        merged = _merge(shown[ra], shown[rb])
        if merged is None:
            continue  # they disagree somewhere: not one value
        parent[rb] = ra
        shown[ra] = merged
        shown[rb] = {}
        how[ra] |= how.pop(rb, set()) | {link}

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(frags)):
        clusters[root(i)].append(i)
    joins = []
    for r, members in clusters.items():
        if len(members) < 2:
            continue
        first = frags[members[0]].fragment
        join = _judge(first.type, first.length, shown[r], [frags[i] for i in members],
                      allowances.get(first.type, Allowance()), "name" if "name" in how[r] else "digits")
        if join is not None:
            joins.append(join)
    shown.clear()  # drop the joined characters as soon as the verdicts are known
    return joins


def _merge(a: dict[int, str], b: dict[int, str]) -> dict[int, str] | None:
    for pos, ch in b.items():
        if a.get(pos, ch) != ch:
            return None
    return {**a, **b}


def _judge(etype: str, length: int, chars: dict[int, str], members: list[Located], allowance: Allowance,
           linked_by: str) -> Join | None:
    together = len(chars)
    if not _consistent(etype, length, chars):
        return None
    if etype == CN_RESIDENT_ID and length == ID_LENGTH and together == ID_LENGTH - 1:
        together = ID_LENGTH  # the check digit gives back the one missing character
    best = max(m.fragment.shown for m in members)
    if together <= best:
        return None
    pos = set(chars)
    reveals = []
    if etype == CN_RESIDENT_ID:
        dob = set(range(6, 12 if length == 15 else 14))
        if pos >= set(range(6)):
            reveals.append("region")
        if pos >= dob:
            reveals.append("birth-date")
    if together >= length:
        reveals.append("whole")
    limit = allowance.limit if not allowance.anything else length
    reasons = []
    if together > limit:
        reasons.append(f"合起来显示{together}位，超过规则允许的{limit}位（{allowance.describe()}）")
    if "birth-date" in reveals and not all(m.fragment.positions() >= dob for m in members) and allowance.first < 14:
        reasons.append("合起来可得出完整出生日期")
    if "whole" in reveals:
        recovered = "（其中1位由校验码推出）" if len(chars) == length - 1 else ""
        reasons.append(f"合起来可还原完整号码{recovered}")
    if not reasons:
        return None
    return Join(etype, tuple(Member(m.path, m.where, m.fragment.shown) for m in members), linked_by, together,
                length, tuple(reveals), allowance.describe(), "；".join(reasons))


def _consistent(etype: str, length: int, chars: dict[int, str]) -> bool:
    """Whether characters claimed to be one value can be one: an ID's check digit, a mobile's segment."""
    if etype == CN_RESIDENT_ID and length == ID_LENGTH and len(chars) >= ID_LENGTH - 1:
        missing = [p for p in range(ID_LENGTH) if p not in chars]
        if not missing:
            return _id_checks(chars)
        p = missing[0]
        if p == ID_LENGTH - 1:
            return all(chars[i].isdigit() for i in range(ID_LENGTH - 1))
        return any(_id_checks({**chars, p: d}) for d in "0123456789")
    if etype == CN_MOBILE and len(chars) == length:
        return mobile.is_valid("".join(chars[i] for i in range(length)))
    return True


def _id_checks(chars: dict[int, str]) -> bool:
    body = "".join(chars[i] for i in range(ID_LENGTH - 1))
    if not body.isdigit():
        return False
    return resident_id.calc_check_digit(body) == chars[ID_LENGTH - 1].upper()


__all__ = ["Join", "Located", "MIN_SHARED", "Member", "REVEALS", "find_joins"]
