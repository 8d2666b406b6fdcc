"""Building blocks the entity specs share: display masks, name and address parts, region names.

They sit here, below the redaction strategies, because a spec (one module per
type) composes them into its mask, generalize and fake functions, and the
strategies, reports and gate only call the specs.
"""
from __future__ import annotations

import functools

import regex

from .. import gazetteer, patterns, regions
from ..validators import landline, to_ascii

# --- numbers ---------------------------------------------------------------

# Characters that carry the number; everything else (separators, 转, +) stays.
_SIGNIFICANT = regex.compile(r"[0-9０-９XxＸｘ]")

#: Values with fewer significant characters than this keep at most half of them.
SHORT = 16


def digits_of(value: str) -> str:
    """ASCII digits (and a resident ID's X) of a value, separators dropped."""
    ascii_ = to_ascii(value).upper()
    return "".join(ch for ch in ascii_ if ch.isdigit() or ch == "X")


def significant_count(value: str) -> int:
    return len(_SIGNIFICANT.findall(value))


def cap_keep(n: int, first: int, last: int, gives_way: str = "first") -> tuple[int, int]:
    """(first, last) shrunk so that at most ``n // 2`` of ``n`` significant characters stay.

    ``gives_way="first"`` drops the leading part altogether (a partial bank BIN
    says nothing), then shortens the last; ``"last"`` shortens the trailing part.

    >>> cap_keep(12, 4, 4), cap_keep(16, 4, 4), cap_keep(18, 6, 4, "last"), cap_keep(15, 6, 4, "last")
    ((0, 4), (4, 4), (6, 3), (6, 1))
    """
    cap = n // 2
    first, last = max(first, 0), max(last, 0)
    if first + last <= cap:
        return first, last
    if gives_way == "first":
        return 0, min(last, cap)
    first = min(first, cap)
    return first, min(last, cap - first)


def mask_significant(value: str, first: int, last: int, char: str = "*") -> str:
    """Replace significant characters except the first ``first`` and last ``last``."""
    spans = [m.start() for m in _SIGNIFICANT.finditer(value)]
    if len(spans) <= first + last:
        # Keeping both ends would hide nothing: hide all but the first.
        first, last = min(first, 1), 0
    hidden = spans[first:len(spans) - last]
    if not hidden:
        return value
    chars = list(value)
    for i in hidden:
        chars[i] = char
    return "".join(chars)


def mask_half_hidden(value: str, keep: tuple[int, int], gives_way: str, char: str = "*") -> str:
    """Keep ``keep`` significant characters at each end, but at most half of a short value's."""
    first, last = keep
    n = significant_count(value)
    if n < SHORT:
        first, last = cap_keep(n, first, last, gives_way)
    return mask_significant(value, first, last, char)


def mask_ends(value: str, keep: tuple[int, int], char: str = "*") -> str:
    """The generic mask: ``keep`` characters at each end, at least one star between."""
    first, last = keep
    return value[:first] + char * max(len(value) - first - last, 1) + (value[len(value) - last:] if last else "")


def mask_alnum(value: str, keep: tuple[int, int], char: str = "*") -> str:
    """Keep ``keep`` letters/digits at each end (at most half of them), hide the rest; separators stay.

    >>> mask_alnum("E12345678", (1, 2)), mask_alnum("A123456(3)", (1, 0)), mask_alnum("粤B·12345", (2, 1))
    ('E******78', 'A******(*)', '粤B·****5')
    """
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    first, last = keep
    if first + last > len(positions) // 2:
        first, last = min(first, len(positions) // 2), 0
    hidden = set(positions[first:len(positions) - last])
    return "".join(char if i in hidden else ch for i, ch in enumerate(value))


def area_code(value: str) -> str:
    """A landline's area code (010, 0791 …), or "" when it cannot be told (then nothing is kept)."""
    try:
        return landline.area_code(digits_of(value))
    except Exception:  # noqa: BLE001 - phonenumbers refuses odd input: keep nothing rather than guess
        return ""


def area_name(digits: str) -> str:
    try:
        import phonenumbers
        from phonenumbers import geocoder

        return geocoder.description_for_number(phonenumbers.parse(digits, "CN"), "zh")
    except Exception:  # noqa: BLE001 - a missing description only loses detail
        return ""


# --- names -----------------------------------------------------------------

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


def mask_name(value: str, char: str = "*") -> str:
    """``张*``, ``欧阳**``, ``张*兰``; for 买买提·艾力 the dot stays."""
    surname, given = split_name(value)
    if not given:
        return char * len(value)
    if "·" in value or "•" in value:
        return surname + regex.sub(r"[^·•]", char, given)
    if len(surname) == 1 and len(given) >= 2:
        return surname + char * (len(given) - 1) + given[-1]
    return surname + char * len(given)


# --- places ----------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _region_names() -> tuple[frozenset[str], int]:
    """Every province, city and county name (full and short forms, as the address detector knows
    them: :func:`piiscan.gazetteer.load`), and the longest length."""
    names = gazetteer.load().all_names
    return names, max(map(len, names))


def region_prefix(address: str) -> str:
    """The leading run of region names in ``address`` (longest name at each step; at most 3 levels).

    Keeping an address "down to the county" means keeping this prefix: it names
    an area of tens of thousands of people, not a household.

    >>> region_prefix('江西省抚州市乐安县鳌溪镇湖坪村3组')
    '江西省抚州市乐安县'
    >>> region_prefix('北京市朝阳区建国路88号')
    '北京市朝阳区'
    >>> region_prefix('人民路12号')
    ''
    """
    names, longest = _region_names()
    pos = 0
    for _level in range(4):
        for n in range(min(longest, len(address) - pos), 1, -1):
            if address[pos:pos + n] in names:
                pos += n
                break
        else:
            break
    return address[:pos]


_GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def region_path(code: str) -> str:
    """Province + city + county names for a 6-digit code, e.g. 江西省抚州市乐安县."""
    parts = []
    for c in (code[:2] + "0000", code[:4] + "00", code):
        name = regions.name_of(c)
        if name and name not in _GROUPING and name not in parts:
            parts.append(name)
    return "".join(parts)
