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


# --- a stray byte or a NUL must not cost the text (issue 15) ------------------

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.files import scan_file_result
from piiscan.readers.text import detect_stream_encoding, mostly_utf8
from piiscan.scanner import Scanner


def _record(seed: int) -> tuple[str, str, str]:
    rng = random.Random(seed)
    name, addr, phone = synth.person_name(rng), synth.address(rng), synth.mobile_number(rng)
    return name, addr, f"户主姓名：{name}\n家庭住址：{addr}\n联系电话：{phone}\n"


@given(st.integers(0, 10_000), st.sampled_from([b"\xff", b"\x80", b"\xc3", b"\xe4\xb8", b"\xfe\xfe"]),
       st.integers(0, 200))
@settings(max_examples=60, deadline=None)
def test_one_stray_byte_keeps_utf8(seed, stray, where):
    _, _, text = _record(seed)
    data = (text * 3).encode("utf-8")
    where = min(where, len(data))
    # Insert between characters so the stray byte is the only bad sequence.
    while where < len(data) and (data[where] & 0xC0) == 0x80:
        where += 1
    data = data[:where] + stray + data[where:]
    assert detect_encoding(data) == "utf-8"
    decoded, _ = decode(data)
    assert decoded.replace("\ufffd", "") == text * 3


def test_stray_byte_file_still_yields_names_and_addresses(tmp_path):
    name, addr, text = _record(3)
    path = tmp_path / "a.txt"
    first, rest = text.split("\n", 1)
    path.write_bytes(first.encode("utf-8") + b"\xff\n" + rest.encode("utf-8"))
    found = {f.type: f.value for f in scan_file_result(path, Scanner()).findings}
    assert found.get("PERSON_NAME") == name and addr.startswith(found.get("CN_ADDRESS", "?")[:6])


def test_stream_sample_with_stray_byte_is_utf8():
    import io

    _, _, text = _record(4)
    data = (text * 2000).encode("utf-8")
    data = data[:5000] + b"\x80" + data[5000:]
    assert detect_stream_encoding(io.BufferedReader(io.BytesIO(data)), sample_size=4096) == "utf-8"


def test_gbk_is_still_gbk():
    _, _, text = _record(5)
    assert not mostly_utf8((text * 5).encode("gbk"))
    assert detect_encoding((text * 5).encode("gbk")) == "gb18030"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_text_with_one_nul_is_text_and_scanned(tmp_path, encoding):
    _, _, text = _record(6)
    path = tmp_path / "a.txt"
    label, rest = text.split("：", 1)
    path.write_bytes(label.encode(encoding) + b"\x00" + ("：" + rest).encode(encoding))
    assert not looks_binary(path.read_bytes())
    res = scan_file_result(path, Scanner(types=["CN_MOBILE"]))
    assert res.skipped is None and res.error is None and len(res.findings) == 1


@pytest.mark.parametrize("blob", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" + bytes(range(256)) * 4,
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(1).randbytes(4000),
    b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + random.Random(2).randbytes(4000),
])
def test_real_binaries_stay_binary(blob):
    assert looks_binary(blob)


def test_redact_keeps_stray_byte(tmp_path):
    from piiscan.redact import redact_file

    _, _, text = _record(7)
    raw = text.encode("utf-8")
    src, dst = tmp_path / "a.txt", tmp_path / "b.txt"
    src.write_bytes(b"\xff" + raw)
    redact_file(src, dst, types=["CN_MOBILE"])
    out = dst.read_bytes()
    assert out.startswith(b"\xff") and out[1:].decode("utf-8").startswith("户主姓名")
    assert scan_file_result(dst, Scanner(types=["CN_MOBILE"])).findings == []
