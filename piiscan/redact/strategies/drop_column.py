"""``drop-column``: in a table the column holding the type disappears; elsewhere the value is deleted.

For fields a rule says must not be published at all (a student-aid list's
身份证号码, 家庭住址, 联系电话 and 银行卡号 columns), removing the column is
what a disclosure office does by hand: an empty 身份证号码 column invites the
question of what was in it and is easily filled in again by the next person
who edits the sheet.

The CSV and XLSX writers (and :func:`piiscan.redact.redact_dataframe`) remove
the column whose values were classified as the type (see
:mod:`piiscan.tables`), header included. Writers that cannot remove a column
(legacy .xls, Word and HTML tables, PDF) empty its cells instead and say so
in the report's notes. In running text the value is deleted, as by
:mod:`.delete`.

>>> from piiscan.redact.strategies import Context
>>> replace('BANK_CARD', '6228480000000000001', Context())
''
"""
from __future__ import annotations

from . import Context

NAME = "drop-column"
NEEDS_KEY = False
LOOKS_REAL = False
EMPTIES_CELL = True
DROPS_COLUMN = True


def replace(etype: str, value: str, ctx: Context) -> str:
    return ""
