"""Table column headers: what a column holds, from its header text.

Below the detectors (which read a cell's header as context: :func:`piiscan.context.label_not_personal`)
and the tables (which classify columns): the words are data, ``patterns/column_headers.toml`` for the
built-in types and each registered type's ``column_headers``.
"""
from __future__ import annotations

import functools
from typing import Any

import regex

from . import patterns
from .entities import registry
from .finding import CN_LANDLINE, CN_MOBILE

PHONE = "PHONE"  # a header kind: mobile or landline, the values decide
NONE = "none"  # a header kind: known not to hold personal information

# A line break inside a cell, with the blanks around it: a wrapped value (身份证\n号码).
_WRAP = regex.compile(r"\s*\n\s*")
_NORMALISE = regex.compile(r"[\s\u3000:：*＊()（）\[\]【】<>《》\"'“”‘’/、,，.。_\-]+|（?(?:必填|选填)）?")


def _header_data() -> tuple[dict[str, str], list[str], dict[str, str]]:
    return _header_data_of(registry.version())


@functools.lru_cache(maxsize=4)
def _header_data_of(_types_version: int) -> tuple[dict[str, str], list[str], dict[str, str]]:
    # The built-in types' headers are in patterns/column_headers.toml (PHONE: mobile or landline, the
    # values decide); a registered type brings its own in its spec. Read again when the types change.
    data = patterns.toml("column_headers.toml")
    words: dict[str, str] = {}
    for kind, entries in data["types"].items():
        for w in entries:
            words[normalise_header(w)] = NONE if kind == "none" else kind
    labels = dict(data["labels"])
    exact_only = set()
    for spec in registry.specs():
        if spec.name in data["types"] or not spec.column_headers:
            continue
        for w in spec.column_headers:
            key = normalise_header(w)
            if key not in words:
                words[key] = spec.name
                if key.isascii() and len(key) <= 4:  # ip, mac, qq, vin: a header of its own, not inside zip/machine
                    exact_only.add(key)
        labels.setdefault(spec.name, spec.column_headers[0])
    longest_first = sorted((w for w in words if w not in exact_only), key=len, reverse=True)
    return words, longest_first, labels


def normalise_header(header: Any) -> str:
    """Header text without spaces, brackets, punctuation or 必填 notes, lower-cased.

    >>> normalise_header(' 身份证号码\\n（必填） ')
    '身份证号码'
    """
    return _NORMALISE.sub("", str(header or "")).lower()


def header_kind(header: Any) -> str | None:
    """An entity type, ``"PHONE"``, ``"none"`` (non-personal) or None (unknown) for a header.

    >>> header_kind('户主姓名'), header_kind('联系电话'), header_kind('补贴金额（元）'), header_kind('机具')
    ('PERSON_NAME', 'PHONE', 'none', None)
    >>> header_kind('户主证件号码')
    'CN_RESIDENT_ID'
    """
    return _kind_of_normalised(normalise_header(header))


def _kind_of_normalised(h: str) -> str | None:
    return _kind_of(h, registry.version())


@functools.lru_cache(maxsize=4096)
def _kind_of(h: str, _types_version: int) -> str | None:
    # Headers repeat across sheets, pages and files: look each up once (per set of registered types).
    if not h:
        return None
    words, longest_first, _ = _header_data_of(_types_version)
    if h in words:
        return words[h]
    for w in longest_first:  # longest contained entry: 户主证件号码 -> 证件号码, not 户主
        if w in h:
            return words[w]
    return None


def _kind_types(kind: str | None) -> frozenset[str]:
    if kind == PHONE:
        return frozenset({CN_MOBILE, CN_LANDLINE})
    if kind in (None, NONE):
        return frozenset()
    return frozenset({kind})


def canonical_label(kind: str) -> str:
    return _header_data()[2].get(kind, "")
