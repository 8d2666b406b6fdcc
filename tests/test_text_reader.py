import codecs

import pytest

from piiscan.readers.text import decode, detect_encoding, looks_binary

SAMPLE = "乐安县农机购置补贴公示\n户主：张三 手机：13800138000\n"


@pytest.mark.parametrize(
    "encoded, expected",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_round_trip(encoded, expected):
    assert detect_encoding(encoded) == expected
    text, _ = decode(encoded)
    assert text.lstrip("\ufeff") == SAMPLE


def test_binary_detected():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    assert not looks_binary(SAMPLE.encode("utf-16-le"))
    assert not looks_binary(SAMPLE.encode("utf-8"))


@pytest.mark.parametrize("filler", ["x" * 5000, "ab" * 3000, "Order No. 20210415 " * 200])
def test_gbk_text_with_long_ascii_runs_is_not_utf16(filler):
    # ASCII byte pairs read as UTF-16 become (rare) ideographs: "xx" -> U+7878.
    data = f"身份证号{filler}手机".encode("gb18030")
    assert detect_encoding(data) == "gb18030"
    assert decode(data)[0].startswith("身份证号")
