"""Splitting a Chinese name into surname and given name (compound surnames matter: 欧阳娜娜 → 欧阳 + 娜娜)."""
from __future__ import annotations

import functools

from ... import patterns


@functools.lru_cache(maxsize=1)
def compound_surnames() -> frozenset[str]:
    """The compound surnames (复姓) of ``patterns/surnames.txt``, the list the name detector uses."""
    return frozenset(s for s in patterns.lines("surnames.txt") if len(s) >= 2)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name).

    >>> split_name('欧阳娜娜'), split_name('张三'), split_name('买买提·艾力')
    (('欧阳', '娜娜'), ('张', '三'), ('买买提·', '艾力'))
    """
    for dot in ("·", "•"):
        if dot in name:
            head, tail = name.split(dot, 1)
            return head + dot, tail
    if len(name) > 2 and name[:2] in compound_surnames():
        return name[:2], name[2:]
    return name[:1], name[1:]
