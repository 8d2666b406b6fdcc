"""Rows split by a page break (piiscan.pdf.continued), decided from the cells alone."""
from __future__ import annotations

import random

import numpy as np
import pytest

from piiscan import synth
from piiscan.pdf.continued import Stitcher, TablePiece
from piiscan.pdf.layout import CellTable, Owned, PageLayout

HEADER = ["序号", "户主姓名", "身份证号码", "联系电话", "银行账号", "补贴金额"]


def owned(text: str | None, page: int) -> Owned | None:
    if text is None:
        return None
    return Owned(text, np.arange(len(text), dtype=np.int64) + page * 10_000)


def layout(page: int, rows: list[list[str | None]]) -> PageLayout:
    return PageLayout(page, chars=None, tables=[CellTable([[owned(c, page) for c in r] for r in rows], (0, 0, 1, 1))])


def people(n: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    return [[str(i + 1), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
             synth.bank_card_number(rng), f"{1000 + i}.00"] for i in range(n)]


def tables(pages: list[list[list[str | None]]]) -> list[list[list[str | None]]]:
    s = Stitcher()
    pieces = []
    for n, rows in enumerate(pages, 1):
        pieces += s.feed(layout(n, rows))
    pieces += s.finish()
    return [[[c.text if c is not None else None for c in r] for r in p.rows] for p in pieces if isinstance(p, TablePiece)]


@pytest.mark.parametrize("numbers", ["printed", "lost on page 1", "none"])
def test_a_row_split_by_the_break_is_joined(numbers):
    rows = people(6)
    split = rows[3]
    if numbers != "printed":
        for r in rows[:4] if numbers == "lost on page 1" else rows:
            r[0] = None
    page1 = [HEADER] + rows[:3] + [[split[0], split[1], split[2][:12], split[3], split[4][:12], split[5]]]
    page2 = [[None, None, split[2][12:], None, split[4][12:], None]] + rows[4:]
    got = [r for t in tables([page1, page2]) for r in t]
    assert [r[2] for r in got] == [r[2] for r in rows]  # every ID whole, the split one included
    assert [r[4] for r in got] == [r[4] for r in rows]


@pytest.mark.parametrize("numbers", ["printed", "none"])
def test_a_new_row_with_one_value_missing_is_not_joined(numbers):
    rows = people(6)
    rows[3][3] = None  # the first person on page 2 has no phone
    if numbers == "none":
        for r in rows:
            r[0] = None
    got = [r for t in tables([[HEADER] + rows[:3], rows[3:]]) for r in t]
    assert [r[1] for r in got] == [r[1] for r in rows]
    assert [r[2] for r in got] == [r[2] for r in rows]
