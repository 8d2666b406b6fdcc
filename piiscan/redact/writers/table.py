"""Cell-by-cell redaction shared by the table writers (CSV, Excel, DataFrames).

Each cell is scanned alone with its column header as ``label``, so a bare
account number under 银行账号 or a bare 张三 under 姓名 is found, exactly as
the table readers scan it. Cells repeat (the same village, the same bank),
so results are cached per (header, value).
"""
from __future__ import annotations

from typing import Any




class CellRedactor:
    def __init__(self, redactor, report=None) -> None:
        self.redactor = redactor
        self.report = report
        self._cache: dict[tuple[str | None, str], tuple[str, list]] = {}

    def __call__(self, value: str, header: str | None) -> str:
        if not value or value.isspace():
            return value
        key = (header, value)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.redactor.redact(value, label=header or None)
            if len(self._cache) < 500_000:
                self._cache[key] = hit
        out, changes = hit
        if changes and self.report is not None:
            self.report.add(changes)
        return out


def redact_frame(df: Any, redactor) -> Any:
    """A redacted copy of ``df``: object/string columns cell by cell, others untouched.

    Integer columns are redacted too when their values are long enough to be
    numbers people have (a phone stored as int64): they come back as strings.
    """
    import pandas as pd

    out = df.copy()
    cells = CellRedactor(redactor)
    for col in out.columns:
        series = out[col]
        header = str(col)
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            uniques = series.dropna().unique()
            mapping = {v: cells(v, header) if isinstance(v, str) else v for v in uniques}
            if any(mapping[v] is not v and mapping[v] != v for v in uniques):
                out[col] = series.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_integer_dtype(series):
            as_text = series.astype("string")
            uniques = as_text.dropna().unique()
            mapping = {v: cells(v, header) for v in uniques if len(v) >= 7}
            if any(mapping[v] != v for v in mapping):
                out[col] = as_text.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v).astype(object)
    return out


