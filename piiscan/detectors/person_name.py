"""Chinese personal names (``PERSON_NAME``).

A name is a surname from ``patterns/surnames.txt`` (single or compound:
欧阳, 司马, 诸葛 …) followed by a one- or two-character given name. Almost any
two Han characters could be that, so a candidate is reported only when the
text around it says it is a person:

* a **label** before it: 户主：张三, 联系人王五电话…, 申请人为李四, with lists
  (购机户张三、李四和王五);
* a **title** after it: 张三同志, 欧阳娜娜女士;
* a **record** around it: a short stand-alone token (between spaces or
  punctuation) on the same line as an ID or phone number, or followed by its
  sex (张三，男，…), as in a flattened subsidy table;
* a **column header** (``label``) such as 姓名/户主/农户姓名: the cell's tokens.

Never names: already-anonymised forms (李某, 王某甲, 张某某), common words that
begin with a surname character (王国, 高速, 周边, 张贴, 黄金; see
``patterns/names.toml``), and titles alone (王先生).

All anchors (labels, titles, stand-alone short tokens) are found with single
compiled patterns; the per-candidate checks only look at a few characters.

>>> d = PersonNameDetector()
>>> [f.value for f in d.detect("户主：张三，联系人欧阳娜娜电话13800138000")]
['张三', '欧阳娜娜']
>>> [f.value for f in d.detect("被告李某、王某甲和张某某，王国周边高速路口张贴黄金广告")]
[]
>>> [f.value for f in d.detect("王建国", label="户主姓名")]
['王建国']
"""
from __future__ import annotations

import functools
import re
from typing import Iterator

from .. import gazetteer, patterns
from ..finding import PERSON_NAME, Finding
from ..context import label_mentions
from . import HAN, HAN_RANGES
from .numbers import NumberDetector

_HAN = HAN_RANGES
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Characters that may stand right before a name in running text (致张三同志,
# 请李四先生, 由王五负责): the name's left edge.
_LEFT_OK = frozenset("和与及向给请由对找是为让叫被将把致、即")
# Separators inside a list of names after one label.
_LIST_SEP = re.compile(r"[、\s]{1,3}|[和及与]")
# Between a label and the name: 户主姓名：, 申请人为.
_LABEL_GAP = re.compile(r"(?:姓名|名字|名称)?(?:[\s:：]|为|是){0,4}")
# A record on the same line: a validated ID or phone number (the number
# detector's own tokenizer and validators, so one digit-boundary rule), or
# the sex after the name.
_RECORD_TYPES = frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE"})
_SEX_AFTER = re.compile(r"[\s,，、(（]{1,3}[男女](?![" + _HAN + "])")
_LINE_END = re.compile(r"[\n。；;]")
_DIGIT_RUN = re.compile(r"[0-9０-９A-Za-z]+")
_RECORD_WINDOW = 100


@functools.lru_cache(maxsize=None)
def _data() -> dict:
    conf = patterns.toml("names.toml")
    surnames = patterns.lines("surnames.txt")
    # Only anchors followed by a surname's first character can lead to a name;
    # filtering in the pattern keeps Python work per candidate rare.
    first = "".join(sorted({s[0] for s in surnames}))
    # A label is found by its last character, not its first: labels end in
    # few characters (人, 名, 户, 主 …) and a lookahead for the gap and a
    # surname right after rejects most of their occurrences before the
    # labels themselves are tested, as lookbehinds. Searching from the first
    # characters (家, 法, 姓 … 320,000 per 10 MB) cost 0.043 s; this 0.022 s.
    # Only the match's end (where the name starts) is used; it is the same,
    # except that a label inside another (户名 in 低保户名单如下王小明) is no
    # longer hidden by the one the old search consumed first.
    gap = _LABEL_GAP.pattern
    last = "".join(sorted({w[-1] for w in conf["labels"]}))
    behind = "|".join(f"(?<={re.escape(w)})" for w in conf["labels"])
    return {
        "compound": frozenset(s for s in surnames if len(s) == 2),
        "single": frozenset(s for s in surnames if len(s) == 1),
        "labels": re.compile(f"[{last}](?=(?:{gap})[{first}])(?:{behind})(?:{gap})(?=[{first}])"),
        "column_labels": tuple(conf["column_labels"]),
        "titles": re.compile("|".join(re.escape(w) for w in sorted(conf["titles"], key=len, reverse=True))),
        "title_words": frozenset(conf["titles"]),
        "follow": re.compile("|".join(re.escape(w) for w in sorted(conf["follow"], key=len, reverse=True))),
        "given": re.compile(f"[{_HAN}]{{1,2}}"),
        "given_stop": frozenset(conf["given_stop"]) | frozenset(conf["anonymised"]),
        "non_names": frozenset(conf["non_names"]),
        # Stand-alone runs of 2–4 Han characters: the candidates of a record.
        # The surname character comes first and the left-edge check second
        # (a two-character lookbehind over it): a pattern that opens with a
        # character set lets ``re`` skip non-surname characters in its fast
        # scan loop instead of trying the lookbehind at every position
        # (measured: 0.041 s → 0.024 s per 10 MB).
        "token": re.compile(f"[{first}](?<![{_HAN}][{first}])[{_HAN}]{{1,3}}(?![{_HAN}])"),
    }


# Characters that mask the rest of a name: 欧阳** and 张×× are what redaction
# leaves behind, and their visible part is not a name of its own.
_MASKS = frozenset("*＊×●○□")


def _masked_after(text: str, end: int) -> bool:
    """Whether a mask character follows position ``end``.

    >>> _masked_after("欧阳**", 2), _masked_after("欧阳娜", 3)
    (True, False)
    """
    return end < len(text) and text[end] in _MASKS


class PersonNameDetector:
    """Finds ``PERSON_NAME`` spans confirmed by context (see module docstring)."""

    name = "person_name"
    requires = HAN
    types = frozenset({PERSON_NAME})

    def __init__(self) -> None:
        d = _data()
        self._compound, self._single = d["compound"], d["single"]
        self._labels, self._column_labels = d["labels"], d["column_labels"]
        self._titles, self._title_words = d["titles"], d["title_words"]
        self._follow, self._given, self._given_stop = d["follow"], d["given"], d["given_stop"]
        self._non_names, self._token = d["non_names"], d["token"]
        self._places = gazetteer.load().all_names
        self._numbers = NumberDetector()
        self._numbers_re = NumberDetector.regex

    # -- candidate checks -------------------------------------------------

    def is_name(self, candidate: str) -> bool:
        """Whether ``candidate`` is shaped like a full personal name.

        >>> d = PersonNameDetector()
        >>> [d.is_name(s) for s in ("张三", "欧阳娜娜", "李某", "王某甲", "黄金", "王先生", "张")]
        [True, True, False, False, False, False, False]
        """
        n = len(candidate)
        if n < 2 or n > 4 or candidate in self._non_names:
            return False
        if candidate[:2] in self._compound and n >= 3:
            given = candidate[2:]
        elif candidate[0] in self._single and n <= 3:
            given = candidate[1:]
        else:
            return False
        if given in self._title_words or not self._given.fullmatch(given):
            return False
        return not any(ch in self._given_stop for ch in given)

    def _starts(self, text: str, pos: int) -> bool:
        return pos == 0 or text[pos - 1] in _LEFT_OK or not _HAN_CHAR.match(text, pos - 1)

    def _name_at(self, text: str, pos: int) -> str | None:
        # The longest name followed by punctuation, a space or a digit
        # (陶薇家（ → 陶薇家); else the shortest followed by a word that ends
        # names (李明等3户 → 李明, 联系人张三电话 → 张三).
        candidates = [text[pos:pos + n] for n in (2, 3, 4) if pos + n <= len(text)]
        for candidate in reversed(candidates):
            end = pos + len(candidate)
            if (end >= len(text) or not _HAN_CHAR.match(text, end)) and self.is_name(candidate):
                return None if _masked_after(text, end) else candidate
        for candidate in candidates:
            if self._follow.match(text, pos + len(candidate)) and self.is_name(candidate):
                return candidate
        return None

    # -- detection --------------------------------------------------------

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        """Name findings in ``text``; ``label`` is a column header (姓名, 户主 …)."""
        seen: set[int] = set()

        def emit(start: int, value: str, confidence: float) -> Finding | None:
            if start in seen:
                return None
            seen.add(start)
            return Finding(PERSON_NAME, start, start + len(value), value, confidence, self.name)

        if label and label_mentions(label, self._column_labels):
            for m in _HAN_RUN.finditer(text):
                if self.is_name(m.group()) and not _masked_after(text, m.end()):
                    f = emit(m.start(), m.group(), 0.9)
                    if f:
                        yield f

        for m in self._labels.finditer(text):
            pos, confidence = m.end(), 0.9
            while True:
                value = self._name_at(text, pos)
                if value is None:
                    break
                f = emit(pos, value, confidence)
                if f:
                    yield f
                sep = _LIST_SEP.match(text, pos + len(value))
                if sep is None:
                    break
                pos, confidence = sep.end(), 0.85

        for m in self._titles.finditer(text):
            t = m.start()
            for n in (4, 3, 2):
                start = t - n
                if start >= 0 and self.is_name(text[start:t]) and self._starts(text, start):
                    f = emit(start, text[start:t], 0.85)
                    if f:
                        yield f
                    break

        for m in self._token.finditer(text):
            value = m.group()
            if not self.is_name(value) or _masked_after(text, m.end()):
                continue
            if _SEX_AFTER.match(text, m.end()) is None:
                # 江西, 乐安: places, however name-shaped, unless their sex
                # follows (乌海，女，1974年出生: people are named like places).
                if value in self._places or not self._in_record(text, m.start(), m.end()):
                    continue
            if m.start() and text[m.start() - 1].isdigit():
                continue  # 728万人次, 3万元: a quantity, not a name
            f = emit(m.start(), value, 0.7)
            if f:
                yield f

    def _in_record(self, text: str, start: int, end: int) -> bool:
        """Whether a stand-alone token sits in a personal record: an ID or
        phone number on the same line or clause."""
        lo, hi = max(0, start - 30), min(len(text), end + _RECORD_WINDOW)
        stop = _LINE_END.search(text, end, hi)
        if stop:
            hi = stop.start()
        else:
            # Never cut a number in two: a cut 25-digit waybill could pass as an ID.
            run = _DIGIT_RUN.match(text, hi)
            hi = run.end() if run else hi
        back = text.rfind("\n", lo, start)
        for m in self._numbers_re.finditer(text, back + 1 if back >= 0 else lo, hi):
            f = self._numbers.classify(m, text, None)
            if f is not None and f.type in _RECORD_TYPES:
                return True
        return False
