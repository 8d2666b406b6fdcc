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


# --- 5. output permissions ----------------------------------------------------------

import os
import stat
from pathlib import Path

from piiscan.redact import redact_file
from piiscan.redact.writers import write_bytes_atomic


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_output_gets_the_source_files_mode(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("手机 13800138000\n", encoding="utf-8")
    os.chmod(src, 0o644)
    redact_file(src, tmp_path / "out" / "in.txt")
    assert _mode(tmp_path / "out" / "in.txt") == 0o644


def test_in_place_keeps_the_inputs_mode(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("姓名,手机\n张三,13800138000\n", encoding="utf-8")
    os.chmod(src, 0o640)
    redact_file(src, in_place=True)
    assert _mode(src) == 0o640
    assert "13800138000" not in src.read_text(encoding="utf-8")


def test_new_file_without_source_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_bytes_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.txt") == 0o640
