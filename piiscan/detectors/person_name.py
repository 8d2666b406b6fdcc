"""Chinese personal names (``PERSON_NAME``).

A name is a surname from ``patterns/surnames.txt`` (single or compound:
欧阳, 司马, 诸葛 …) followed by a one- or two-character given name. Almost any
two Han characters could be that, so a candidate is reported only when the
text around it says it is a person, and every finding says how
(:attr:`~piiscan.finding.Finding.evidence`):

* ``label:W`` — a form or record label before it: 户主：张三, 联系人王五电话…,
  申请人为李四, with lists (购机户张三、李四和王五);
* ``role:W`` — a role, office or kinship word before it in running text
  (村民张三, 副县长李四表示, 记者柳杰）): a role is also an ordinary noun
  (学生时代, 父亲常常), so the name's right edge must be confirmed too;
* ``title:W`` — a title after it: 张三同志, 欧阳娜娜女士, 处长王五先生;
* ``verb:W`` — a speech or action verb after it (张斌表示, 王五说) or before it
  (请联系张斌), the name's other edge being punctuation or a role;
* ``record`` — a short stand-alone token (between spaces or punctuation) on
  the same line as a validated ID or phone number (王小燕13912345678);
  ``sex`` — its sex follows (张三，男，…); ``bio:W`` — a résumé opening
  (高勇：男，中国国籍…, 张三，1963年出生);
* ``column:W`` — a column header (``label``) such as 姓名/户主/农户姓名: the cell's tokens.

Never names: already-anonymised or masked forms (李某, 王某甲, 张某某, 张*),
forms of address (王先生, 王总, 老张), common words that begin with a surname
character (王国, 高速, 周边, 张贴, 黄金; see ``patterns/names.toml``).

All anchors (labels, roles, titles, verbs, stand-alone short tokens) are
found with single compiled patterns; the per-candidate checks only look at a
few characters.

>>> d = PersonNameDetector()
>>> [(f.value, f.evidence) for f in d.detect("户主：张三，联系人欧阳娜娜电话13800138000")]
[('张三', ('label:户主',)), ('欧阳娜娜', ('label:联系人',))]
>>> [(f.value, f.evidence) for f in d.detect("副县长李四表示，请联系张斌。")]
[('李四', ('role:副县长', 'verb:表示')), ('张斌', ('verb:请联系',))]
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
# Function words that, glued to a surname, look like a two-character name
# before a title: 对于王先生 is "to Mr Wang", not 于王.
_FUNCTION_FIRST = _LEFT_OK | frozenset("于在从自同跟")
# Surname characters that, glued to the word before, are almost always a
# function word (老师和同学, 接受采访时透露, 专家曾表示): after a role or a verb
# they do not start a name.
_GLUE_FIRST = frozenset("和于向与及时曾都相来原应也还")
# Separators inside a list of names after one label.
_LIST_SEP = re.compile(r"[、\s]{1,3}|[和及与]")
# Between a label and the name: 户主姓名：, 申请人为.
_LABEL_GAP = re.compile(r"(?:姓名|名字|名称)?(?:[\s:：]|为|是){0,4}")
# Between a role and the name: 记者 柳杰, 村民：张三 (not 为/是: 学生是王五 says who the student is).
_ROLE_GAP = re.compile(r"[\s:：]{0,2}")
# A record on the same line: a validated ID or phone number (the number
# detector's own tokenizer and validators, so one digit-boundary rule), or
# the sex after the name.
_RECORD_TYPES = frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE"})
_SEX_AFTER = re.compile(r"[\s,，、:：(（]{1,3}[男女](?![" + _HAN + "])")
_LINE_END = re.compile(r"[\n。；;]")
_DIGIT_RUN = re.compile(r"[0-9０-９A-Za-z]+")
_RECORD_WINDOW = 100
# What stands before a résumé's opening name: the start of a line or sentence,
# maybe a list number (1、 (2) ).
_OPENING = re.compile(r"(?:^|(?<=[\n。；;！？!?]))[\s\d.、()（）]*$")
_BIO_SEP = re.compile(r"[\s]*[:：,，][\s]*")


def _words(words) -> "re.Pattern[str]":
    """One alternation, longest word first."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


class _EndsWith:
    """The longest of ``words`` ending at a position of a text (a class, not a closure: scanners are pickled)."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words, self.longest = words, max(map(len, words))

    def __call__(self, text: str, end: int) -> str | None:
        for k in range(min(self.longest, end), 0, -1):
            w = text[end - k:end]
            if w in self.words:
                return w
        return None


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
    # Only the match's end (where the name starts) is used; which word it was
    # is read back from the text before it (the longest that ends there).
    def anchored(words: list[str], gap: str, edge: str = "") -> "re.Pattern[str]":
        last = "".join(sorted({w[-1] for w in words}))
        behind = "|".join(f"(?<={re.escape(w)})" for w in words)
        return re.compile(f"[{last}](?=(?:{gap})[{first}]{edge})(?:{behind})(?:{gap})(?=[{first}])")

    labels, roles = conf["labels"], conf["roles"] + conf["verbs_before"]
    kinds = {w: "role" for w in conf["roles"]}
    kinds.update({w: "verb" for w in conf["verbs_before"]})
    kinds.update({w: "label" for w in labels})
    titles = conf["titles"]
    forms = frozenset(conf["address_forms"]) | frozenset(titles)
    return {
        "compound": frozenset(s for s in surnames if len(s) == 2),
        "single": frozenset(s for s in surnames if len(s) == 1),
        "labels": anchored(labels, _LABEL_GAP.pattern),
        # A role's name is confirmed on its right by punctuation here; by a
        # title or verb in those passes (they read the role on the left).
        # Requiring the edge in the pattern halves the time of this pass.
        "roles": anchored(roles, _ROLE_GAP.pattern, f"[{_HAN}]{{1,3}}(?![{_HAN}])"),
        "first": frozenset(first),
        # A role that is the head of a longer role or title (总工 in 总工程师,
        # 职工 before 董事) does not introduce a name.
        "role_word": _words(roles + titles),
        "anchor_kinds": kinds,
        "anchor_at": _EndsWith(frozenset(kinds)),
        "role_at": _EndsWith(frozenset(roles)),
        "column_labels": tuple(conf["column_labels"]),
        "titles": _words(titles),
        "title_words": forms,
        "verbs": _words(conf["verbs"]),
        "not_verbs": _words(conf["not_verbs"]),
        "bio": re.compile(f"{_BIO_SEP.pattern}(?:{_words(conf['bio_after']).pattern}|[0-9０-９]{{4}}年)"),
        "follow": _words(conf["follow"]),
        "given": re.compile(f"[{_HAN}]{{1,2}}"),
        "given_stop": frozenset(conf["given_stop"]) | frozenset(conf["anonymised"]),
        "given_function": frozenset(conf["given_function"]),
        "transliteration": frozenset(conf["transliteration"]),
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
        self._labels, self._roles, self._column_labels = d["labels"], d["roles"], d["column_labels"]
        self._role_word, self._first = d["role_word"], d["first"]
        self._anchor_kinds, self._anchor_at, self._role_at = d["anchor_kinds"], d["anchor_at"], d["role_at"]
        self._titles, self._title_words = d["titles"], d["title_words"]
        self._verbs, self._not_verbs, self._bio = d["verbs"], d["not_verbs"], d["bio"]
        self._follow, self._given, self._given_stop = d["follow"], d["given"], d["given_stop"]
        self._given_function, self._transliteration = d["given_function"], d["transliteration"]
        self._non_names, self._token = d["non_names"], d["token"]
        self._places = gazetteer.load().all_names
        self._numbers = NumberDetector()
        self._numbers_re = NumberDetector.regex

    # -- candidate checks -------------------------------------------------

    def is_name(self, candidate: str, strict: bool = True) -> bool:
        """Whether ``candidate`` is shaped like a full personal name.

        ``strict=False`` is for candidates whose both edges are confirmed (a
        title after a line start, the sex after it, a column): function
        characters (孙向浩) and words (高峰, 黄金陵) may then be names.

        >>> d = PersonNameDetector()
        >>> [d.is_name(s) for s in ("张三", "欧阳娜娜", "李某", "王某甲", "黄金", "王先生", "王总", "常常", "管理学", "张")]
        [True, True, False, False, False, False, False, False, False, False]
        """
        n = len(candidate)
        if n < 2 or n > 4 or strict and (candidate in self._non_names or (
                candidate[:2] in self._non_names and candidate[:2] not in self._compound)):
            return False
        if candidate[:2] in self._compound and n >= 3:
            given = candidate[2:]
        elif candidate[0] in self._single and n <= 3:
            given = candidate[1:]
        else:
            return False
        if given in self._title_words or not self._given.fullmatch(given):
            return False
        if n == 2 and given == candidate[0]:
            return False  # 常常, 明明: a doubled word, not 常 + 常
        if any(ch in self._given_stop for ch in given):
            return False
        return not strict or not any(ch in self._given_function for ch in given)

    @property
    def stop_chars(self) -> frozenset[str]:
        """Characters that never sit in a name (place and unit suffixes, 某, mask characters)."""
        return self._given_stop

    def is_form_of_address(self, candidate: str) -> bool:
        """A surname with a title or form of address: 王先生, 李总, 欧阳老师, 老王, 小李.

        >>> d = PersonNameDetector()
        >>> [d.is_form_of_address(s) for s in ("王先生", "李总", "欧阳老师", "老王", "小李", "王小明")]
        [True, True, True, True, True, False]
        """
        if candidate[:1] in "老小" and (candidate[1:] in self._single or candidate[1:] in self._compound):
            return True
        if candidate[:2] in self._compound and candidate[2:] in self._title_words:
            return True
        return candidate[:1] in self._single and candidate[1:] in self._title_words

    def looks_transliterated(self, candidate: str) -> bool:
        """Whether a name-shaped candidate reads as a transliterated foreign word (桑坦德, 盖蒂).

        >>> d = PersonNameDetector()
        >>> d.looks_transliterated("桑坦德"), d.looks_transliterated("王建国")
        (True, False)
        """
        given = candidate[2:] if candidate[:2] in self._compound and len(candidate) > 2 else candidate[1:]
        return bool(given) and all(c in self._transliteration for c in given)

    def has_single_surname(self, candidate: str) -> bool:
        """Whether ``candidate`` starts with a single-character surname (and not a compound one)."""
        return candidate[:1] in self._single and candidate[:2] not in self._compound

    def is_common_word(self, candidate: str) -> bool:
        """Whether ``candidate`` is one of the words that begin with a surname (王国, 包罗; ``non_names``)."""
        return candidate in self._non_names

    def ends_with_title(self, candidate: str) -> bool:
        """Whether a title or form of address ends ``candidate`` after something else (陈志先生).

        >>> PersonNameDetector().ends_with_title("陈志先生"), PersonNameDetector().ends_with_title("陈志")
        (True, False)
        """
        return any(candidate.endswith(t) and len(candidate) > len(t) for t in self._title_words)

    def is_title(self, word: str) -> bool:
        """Whether ``word`` is a title or form of address that follows a name (先生, 总)."""
        return word in self._title_words

    def is_place(self, candidate: str) -> bool:
        """Whether ``candidate`` is a place name in the gazetteer (江西, 乐安)."""
        return candidate in self._places

    def _starts(self, text: str, pos: int) -> bool:
        return pos == 0 or text[pos - 1] in _LEFT_OK or not _HAN_CHAR.match(text, pos - 1)

    def _left(self, text: str, pos: int) -> str | None:
        """Why a name may start at ``pos``: ``""`` for an edge (start, punctuation,
        a word like 和/请), ``role:W`` or ``verb:W`` for a role or verb ending
        there, None when a Han character glues it to the word before."""
        if self._starts(text, pos):
            return ""
        w = self._role_at(text, pos)
        if w is None or self._inside_longer_role(text, pos - len(w), pos):
            return None
        return f"{self._anchor_kinds[w]}:{w}"

    def _inside_longer_role(self, text: str, start: int, end: int) -> bool:
        """Whether the role ``text[start:end]`` is the head of a longer role or title
        (总工 in 总工程师), or the name after it begins with one (职工董事)."""
        longer = self._role_word.match(text, start)
        return (longer is not None and longer.end() > end) or self._role_word.match(text, end) is not None

    def _not_verb_at(self, text: str, start: int, end: int) -> bool:
        """Whether the verb at ``text[start:end]`` is part of a word that is not one (说明, 来说)."""
        for m in self._not_verbs.finditer(text, max(0, start - 3), min(len(text), end + 3)):
            if m.start() <= start < m.end():
                return True
        return False

    def _verb_at(self, text: str, pos: int) -> str | None:
        m = self._verbs.match(text, pos)
        if m is None or self._not_verb_at(text, pos, m.end()):
            return None
        return m.group()

    def _right(self, text: str, end: int) -> str | None:
        """Why a name may end at ``end``: ``""`` for punctuation, a digit or the
        end of the text, ``title:W`` or ``verb:W``; None otherwise."""
        if end >= len(text) or not _HAN_CHAR.match(text, end):
            return None if _masked_after(text, end) else ""
        m = self._titles.match(text, end)
        if m is not None:
            return f"title:{m.group()}"
        v = self._verb_at(text, end)
        return f"verb:{v}" if v else None

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

    def _name_confirmed_at(self, text: str, pos: int, shortest: int = 3) -> tuple[str, str] | None:
        """After a role or a verb: the name starting at ``pos`` whose right edge is
        confirmed (punctuation, title or verb), and why; the longest name
        followed by punctuation wins, else the shortest followed by a title or verb."""
        if text[pos] in _GLUE_FIRST:
            return None
        candidates = [text[pos:pos + n] for n in (2, 3, 4) if pos + n <= len(text)]
        for candidate in reversed(candidates):
            end = pos + len(candidate)
            # A two-character word ends at punctuation as often as a name
            # (群众明白，): after a role only a longer candidate is confirmed by
            # the edge alone; after a verb (请联系张斌。) any.
            if (end >= len(text) or not _HAN_CHAR.match(text, end)) and len(candidate) >= shortest \
                    and self.is_name(candidate):
                return None if _masked_after(text, end) else (candidate, "")
        for candidate in candidates:
            if self.is_name(candidate):
                why = self._right(text, pos + len(candidate))
                if why:
                    return candidate, why
        return None

    # -- detection --------------------------------------------------------

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        """Name findings in ``text``; ``label`` is a column header (姓名, 户主 …)."""
        seen: set[int] = set()

        def emit(start: int, value: str, confidence: float, *why: str) -> Finding | None:
            if start in seen:
                return None
            seen.add(start)
            return Finding(PERSON_NAME, start, start + len(value), value, confidence, self.name,
                           evidence=tuple(w for w in why if w))

        if label and label_mentions(label, self._column_labels):
            for m in _HAN_RUN.finditer(text):
                if self.is_name(m.group(), strict=False) and not _masked_after(text, m.end()):
                    f = emit(m.start(), m.group(), 0.9, f"column:{label}")
                    if f:
                        yield f

        for m in self._labels.finditer(text):
            pos, confidence = m.end(), 0.9
            why = f"label:{self._anchor_at(text, m.start() + 1)}"
            while True:
                value = self._name_at(text, pos)
                if value is None:
                    break
                f = emit(pos, value, confidence, why)
                if f:
                    yield f
                sep = _LIST_SEP.match(text, pos + len(value))
                if sep is None:
                    break
                pos, confidence = sep.end(), 0.85

        for m in self._roles.finditer(text):
            pos = m.end()
            w = self._role_at(text, m.start() + 1)
            if w is None or pos in seen or self._inside_longer_role(text, m.start() + 1 - len(w), pos):
                continue
            kind = self._anchor_kinds[w]
            hit = self._name_confirmed_at(text, pos, 2 if kind == "verb" else 3)
            if hit is not None:
                value, right = hit
                f = emit(pos, value, 0.85 if right else 0.8, f"{kind}:{w}", right)
                if f:
                    yield f

        for m in self._titles.finditer(text):
            t = m.start()
            for n in (4, 3, 2):
                start = t - n
                candidate = text[start:t]
                if start < 0 or not self.is_name(candidate, strict=_OPENING.search(text, max(0, start - 8), start) is None):
                    continue
                if candidate in self._non_names and self._anchor_kinds.get(m.group()) == "role":
                    break  # 国家主席: a word and an office, even at a line's start (林海先生 is a name)
                if n == 2 and candidate[0] in _FUNCTION_FIRST and candidate[1] in self._single:
                    break  # 对于王先生: 于王 is "to" + a surname, the title goes with 王
                if candidate in self._places or (start and text[start - 1].isdigit()):
                    break  # 南京总经理; 12位著名教授
                left = self._left(text, start)
                if left and candidate[0] in _GLUE_FIRST:
                    break  # 曾任总经理
                if left is not None:
                    f = emit(start, candidate, 0.85, left, f"title:{m.group()}")
                    if f:
                        yield f
                    break

        first = self._first
        for m in self._verbs.finditer(text):
            v = m.start()
            # Most verbs follow no surname two to four characters back: two set lookups settle them.
            if not (text[v - 2:v - 1] in first or text[v - 3:v - 2] in first or text[v - 4:v - 3] in first):
                continue
            if self._not_verb_at(text, v, m.end()):
                continue
            for n in (4, 3, 2):
                start = v - n
                candidate = text[start:v]
                if start < 0 or start in seen or not self.is_name(candidate):
                    continue
                left = self._left(text, start)
                if left == "" and (n == 2 or candidate in self._places):
                    continue  # 文章说, 韩国称: a two-character word before a verb
                if left is not None and candidate[0] not in _GLUE_FIRST:
                    f = emit(start, candidate, 0.8 if left else 0.75, left, f"verb:{m.group()}")
                    if f:
                        yield f
                    break

        for m in self._token.finditer(text):
            value = m.group()
            if m.start() in seen or not self.is_name(value, strict=False) or _masked_after(text, m.end()):
                continue
            if m.start() and text[m.start() - 1].isdigit():
                continue  # 728万人次, 3万元: a quantity, not a name
            if _SEX_AFTER.match(text, m.end()):
                why = "sex"
            elif value in self._non_names:
                continue  # 于是，2009年…: a word opening a sentence, not a résumé's name
            elif not self.is_name(value):
                bio = self._bio.match(text, m.end())
                if bio is None or not _OPENING.search(text, max(0, m.start() - 8), m.start()):
                    continue
                why = f"bio:{bio.group().lstrip(' :：,，')}"
            elif value in self._places:
                # 江西, 乐安: places, however name-shaped, unless their sex
                # follows (乌海，女，1974年出生: people are named like places).
                continue
            elif self._in_record(text, m.start(), m.end()):
                why = "record"
            else:
                bio = self._bio.match(text, m.end())
                if bio is None or not _OPENING.search(text, max(0, m.start() - 8), m.start()):
                    continue
                why = f"bio:{bio.group().lstrip(' :：,，')}"
            f = emit(m.start(), value, 0.7, why)
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
