"""``court-name``: names as the courts publish judgments — 张三 → 张某.

法释〔2016〕19号 第九条 (the Supreme People's Court's rules for publishing
judgments on the internet): "（一）保留姓氏，名字以'某'替代；（二）对于少数民族
姓名，保留第一个字，其余内容以'某'替代". Court practice keeps two parties with
the same surname apart with 甲, 乙, 丙 … ("刘x甲诉刘x乙", a 黑龙江 court's
implementing notice), and one person keeps one form throughout a judgment.

So the replacement of a name depends on the other names of the same document:
a lone 张 is 张某; two different 张 are 张某甲 and 张某乙 (in the order they are
first named); 张三 is 张某甲 every time. ``begin_document(names, ctx)`` is told
the document's names first (``piiscan redact`` does this for every file, see
:func:`piiscan.profiles.redactor.prepare_document`); without it people are
numbered as they are met — the first 张 stays 张某 and a second, different 张
becomes 张某乙 — which still keeps them apart.

Compound surnames stay whole (欧阳娜娜 → 欧阳某). A name with a middle dot
(买买提·艾力) is a transliterated minority name: its first character stays
(买某), per 第九条（二）. Forms with 某 are what the name detector treats as
already anonymised, so the re-scan finds nothing in them.

>>> from piiscan.redact.strategies import Context
>>> c = Context()
>>> begin_document(['张三', '李四', '张四', '张三', '买买提·艾力', '欧阳娜娜'], c)
>>> [replace('PERSON_NAME', n, c) for n in ('张三', '张四', '李四', '张三', '买买提·艾力', '欧阳娜娜')]
['张某甲', '张某乙', '李某', '张某甲', '买某', '欧阳某']
>>> c = Context()  # no pre-pass: numbered as met
>>> [replace('PERSON_NAME', n, c) for n in ('张三', '张四', '张三')]
['张某', '张某乙', '张某']
"""
from __future__ import annotations

from typing import Iterable

from ...finding import PERSON_NAME
from . import Context
from .names import split_name

NAME = "court-name"
NEEDS_KEY = False
LOOKS_REAL = False
PER_DOCUMENT = True

#: The ten heavenly stems courts number same-surname parties with.
STEMS = "甲乙丙丁戊己庚辛壬癸"
_DOTS = ("·", "•", "・")
_STATE = "court-name"


def base_form(name: str) -> str:
    """Surname (or a minority name's first character) + 某.

    >>> base_form('张三'), base_form('欧阳娜娜'), base_form('买买提·艾力'), base_form('张')
    ('张某', '欧阳某', '买某', '张某')
    """
    name = _key(name)
    if any(d in name for d in _DOTS):
        return name[:1] + "某"
    surname, _given = split_name(name)
    return surname + "某"


def suffix(index: int) -> str:
    """甲, 乙 … 癸 for the first ten people of one surname, then 甲2, 乙2 …

    >>> suffix(0), suffix(1), suffix(10)
    ('甲', '乙', '甲2')
    """
    stem = STEMS[index % len(STEMS)]
    return stem if index < len(STEMS) else f"{stem}{index // len(STEMS) + 1}"


def _key(name: str) -> str:
    """One person, one key: 张 三 and 张三 are the same name."""
    return "".join(name.split())


def _state(ctx: Context) -> dict:
    return ctx.cache.setdefault(_STATE, {"forms": {}, "people": {}})


def begin_document(names: Iterable[str], ctx: Context) -> None:
    """Start a new document whose names (in order of appearance, repeats allowed) are ``names``."""
    people: dict[str, list[str]] = {}
    for name in names:
        key = _key(name)
        same = people.setdefault(base_form(key), [])
        if key not in same:
            same.append(key)
    forms = {}
    for base, keys in people.items():
        for i, key in enumerate(keys):
            forms[key] = base if len(keys) == 1 else base + suffix(i)
    ctx.cache[_STATE] = {"forms": forms, "people": people}


def replace(etype: str, value: str, ctx: Context) -> str:
    if etype != PERSON_NAME:
        # Only names have a court form; other types are removed, as 第十条 asks for contact
        # details, ID and account numbers.
        return ""
    state = _state(ctx)
    key = _key(value)
    form = state["forms"].get(key)
    if form is None:
        base = base_form(key)
        same = state["people"].setdefault(base, [])
        same.append(key)
        form = base if len(same) == 1 else base + suffix(len(same) - 1)
        state["forms"][key] = form
    return form
