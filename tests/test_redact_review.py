"""Regression tests for the redaction review: each fails on the code before its fix."""
from __future__ import annotations

import pandas as pd

from piiscan.redact import redact_dataframe
from piiscan.redact.writers.csv import redact_csv_text
from piiscan.redact import Redactor


# --- 1. duplicate column names ---------------------------------------------------

def test_dataframe_duplicate_column_names_redacted_by_position():
    df = pd.DataFrame([["13800138000", "13900139000"]], columns=["电话", "电话"])
    out = redact_dataframe(df)
    assert out.iat[0, 0] == "138****8000"
    assert out.iat[0, 1] == "139****9000"
    assert list(out.columns) == ["电话", "电话"]


def test_dataframe_duplicate_numeric_columns_keep_their_own_values():
    df = pd.DataFrame([[13800138000, 13900139000]], columns=["电话", "电话"])
    out = redact_dataframe(df)
    assert [out.iat[0, 0], out.iat[0, 1]] == ["138****8000", "139****9000"]


def test_csv_header_names_that_collide_after_numbering():
    # header_names numbers the second 电话 as 电话_2, which an existing column already has.
    text = "电话,电话_2,电话\n13800138000,13700137000,13900139000\n"
    out = redact_csv_text(text, ",", Redactor())
    assert out.splitlines()[1] == "138****8000,137****7000,139****9000"
