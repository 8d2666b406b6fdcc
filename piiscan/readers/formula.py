"""The value of a spreadsheet formula that only joins text: ``="1391234"&"5678"``, ``CONCATENATE(…)``.

A formula cell that builds a value from literals publishes that value: Excel
shows it, and recalculates it on open even when the file holds no cached
result. Such a formula is evaluated so the value can be scanned (and, on
redaction, the formula replaced by its redacted value). Anything else — cell
references, other functions — is not evaluated: :func:`evaluate` returns
None and the cached value, when there is one, is what is scanned.

>>> evaluate('="1391234"&"5678"')
'13912345678'
>>> evaluate('=CONCATENATE("张", "三", 1)'), evaluate('=_xlfn.CONCAT("a""b", "c")')
('张三1', 'a"bc')
>>> evaluate('=A1&"x"') is None, evaluate('=SUM(1,2)') is None
(True, True)
"""
from __future__ import annotations

import regex

_TOKEN = regex.compile(r'\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<amp>&)|(?P<comma>,)'
                       r"|(?P<open>\()|(?P<close>\))|(?P<func>(?:_xlfn\.)?(?:CONCATENATE|CONCAT)(?=\s*\())|(?P<bad>\S))",
                       regex.IGNORECASE)
_MAX_LENGTH = 8192  # formulas are at most 8192 characters in Excel


def evaluate(formula: str) -> str | None:
    """The text a formula of string literals, ``&``, ``CONCATENATE`` and ``CONCAT`` gives, or None."""
    if not formula or len(formula) > _MAX_LENGTH:
        return None
    text = formula[1:] if formula.startswith("=") else formula
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "bad":
            return None
        tokens.append((kind, m.group(kind)))
    if not tokens:
        return None
    try:
        value, pos = _concat(tokens, 0)
    except (IndexError, ValueError):
        return None
    return value if pos == len(tokens) else None


def _concat(tokens: list[tuple[str, str]], pos: int) -> tuple[str, int]:
    value, pos = _term(tokens, pos)
    while pos < len(tokens) and tokens[pos][0] == "amp":
        more, pos = _term(tokens, pos + 1)
        value += more
    return value, pos


def _term(tokens: list[tuple[str, str]], pos: int) -> tuple[str, int]:
    kind, text = tokens[pos]
    if kind == "str":
        return text[1:-1].replace('""', '"'), pos + 1
    if kind == "num":
        return text, pos + 1
    if kind == "open":
        value, pos = _concat(tokens, pos + 1)
        if tokens[pos][0] != "close":
            raise ValueError("unbalanced")
        return value, pos + 1
    if kind == "func":
        if tokens[pos + 1][0] != "open":
            raise ValueError("no arguments")
        pos += 2
        parts = []
        if tokens[pos][0] != "close":
            while True:
                value, pos = _concat(tokens, pos)
                parts.append(value)
                if tokens[pos][0] == "comma":
                    pos += 1
                    continue
                break
        if tokens[pos][0] != "close":
            raise ValueError("unbalanced")
        return "".join(parts), pos + 1
    raise ValueError(kind)
