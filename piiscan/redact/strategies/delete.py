"""``delete``: the value is removed, not masked.

Some rules forbid a field outright rather than asking for a mask: the
Ministry of Education's student-aid notice rule (教财厅函〔2017〕28号: ID
numbers, home addresses, phone numbers, birth dates and bank card numbers
"全部删除") and the Supreme People's Court's rule for published judgments
(法释〔2016〕19号 第十条: "应当删除" home address, contact details, ID number,
bank account …). A mask would still publish a fragment of a value that must
not appear at all, and fragments of one value masked differently elsewhere
can be joined back (see :mod:`piiscan.audit.joins`).

In running text the value's characters go and the text around it stays; in
a table the whole cell is emptied (``EMPTIES_CELL``: a cell left holding
"（本人）" after its ID went says nothing useful, and a half-emptied cell is
harder to check by eye).

>>> from piiscan.redact.strategies import Context
>>> replace('CN_RESIDENT_ID', '36102519800101123X', Context())
''
"""
from __future__ import annotations

from . import Context

NAME = "delete"
NEEDS_KEY = False
LOOKS_REAL = False
EMPTIES_CELL = True


def replace(etype: str, value: str, ctx: Context) -> str:
    return ""
