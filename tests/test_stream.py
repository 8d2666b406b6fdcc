"""Chunked scanning finds every value exactly once, wherever the chunk boundaries fall."""
from __future__ import annotations

import io
import random
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.files import scan_file
from piiscan.scanner import Scanner
from piiscan.stream import scan_stream

# The rules: chunks of 1–400 characters would run the learned stage thousands
# of times; its own stream test is in test_ner.py.
SCANNER = Scanner(ner=False)
FILLER = "办案过程当中，平凉市院与市邮政局就快递单个人信息保护措施进行多次商量，并召开听证会。\n"
MAKERS = {
    "CN_RESIDENT_ID": synth.resident_id_number,
    "CN_MOBILE": synth.mobile_number,
    "CN_LANDLINE": synth.landline_number,
    "BANK_CARD": synth.bank_card_number,
    "EMAIL_ADDRESS": synth.email_address,
}


def key(findings):
    return [(f.type, f.start, f.end, f.value, f.confidence, f.detector) for f in findings]


def whole_with_lines(text: str):
    """Line/column the way piiscan.files.locate computes them on a whole text."""
    import bisect

    import regex

    starts = [0] + [m.end() for m in regex.finditer(r"\r\n|\r|\n", text)]
    out = []
    for f in SCANNER.scan(text):
        line = bisect.bisect_right(starts, f.start)
        out.append((f.type, f.start, f.end, f.value, line, f.start - starts[line - 1] + 1))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    etype=st.sampled_from(sorted(MAKERS)),
    where=st.integers(0, 400),
    chunk=st.integers(1, 120),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_value_anywhere_found_once_with_right_offsets(seed, etype, where, chunk, newline):
    rng = random.Random(seed)
    value = MAKERS[etype](rng)
    background = (FILLER * 6).replace("\n", newline)
    where = min(where, len(background))
    # Chinese text on both sides: the value is guarded and needs no separator.
    text = background[:where] + value + background[where:]
    got = list(scan_stream(io.StringIO(text), SCANNER, chunk_chars=chunk, overlap=64))
    hits = [f for f in got if f.value == value]
    assert len(hits) == 1, (chunk, where, got)
    assert (hits[0].type, hits[0].start, hits[0].end) == (etype, where, where + len(value))
    assert text[hits[0].start:hits[0].end] == value
    assert [(f.type, f.start, f.end, f.value, f.line, f.column) for f in got] == whole_with_lines(text)


def _document(rng: random.Random, n: int) -> str:
    parts = []
    labels = ["身份证号：", "手机", "银行卡号 ", "", "\r\n", "邮箱", "订单号", "联系电话 ", "\n"]
    for _ in range(n):
        a = rng.randrange(len(FILLER))
        parts.append(FILLER[a:] + FILLER[: rng.randrange(len(FILLER))])
        parts.append(rng.choice(labels))
        maker = rng.choice([*MAKERS.values(), synth.bank_account_number, synth.legacy_id_number])
        parts.append(maker(rng))
    return "".join(parts)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 400), overlap=st.integers(64, 300))
def test_equal_to_whole_text_scan(seed, chunk, overlap):
    text = _document(random.Random(seed), 40)
    got = list(scan_stream(io.StringIO(text), SCANNER, chunk_chars=chunk, overlap=overlap))
    assert [(f.type, f.start, f.end, f.value, f.line, f.column) for f in got] == whole_with_lines(text)
    assert key(got) == key(SCANNER.scan(text))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_file_path_matches_scan_file(tmp_path, encoding):
    text = _document(random.Random(5), 300)
    path = tmp_path / f"big-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    expected = [(f.type, f.start, f.value, f.line, f.column, f.path) for f in scan_file(path, SCANNER)]
    got = [(f.type, f.start, f.value, f.line, f.column, f.path)
           for f in scan_stream(path, SCANNER, chunk_chars=997, overlap=100)]
    assert got == expected
    assert len(got) > 200


def test_binary_stream_with_small_detection_sample():
    # The detection sample ends inside a multi-byte character: still UTF-8.
    text = "数" * 10 + _document(random.Random(9), 50)
    data = text.encode("utf-8")
    got = list(scan_stream(io.BytesIO(data), SCANNER, chunk_chars=500, overlap=80))
    assert key(got) == key(SCANNER.scan(text))


def test_memory_stays_flat():
    """Peak memory depends on the chunk size, not on the input size."""
    rng = random.Random(3)
    block = _document(rng, 200)

    def peak(repeats: int) -> int:
        stream = _RepeatingStream(block, repeats)
        tracemalloc.start()
        try:
            n = sum(1 for _ in scan_stream(stream, SCANNER, chunk_chars=20_000, overlap=512))
            return tracemalloc.get_traced_memory()[1], n
        finally:
            tracemalloc.stop()

    small, n_small = peak(4)
    large, n_large = peak(40)
    assert n_large == 10 * n_small
    assert large < small * 1.5 + 200_000, (small, large)


class _RepeatingStream(io.TextIOBase):
    """A text stream of ``block`` repeated, never held whole in memory."""

    def __init__(self, block: str, repeats: int) -> None:
        self._block, self._left, self._pos = block, repeats, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> str:
        if n == 0 or self._left == 0:
            return ""
        piece = self._block[self._pos:self._pos + n]
        self._pos += len(piece)
        if self._pos >= len(self._block):
            self._pos, self._left = 0, self._left - 1
        return piece


def test_rejects_bad_sizes():
    with pytest.raises(ValueError):
        list(scan_stream(io.StringIO("x"), SCANNER, chunk_chars=0))
    with pytest.raises(ValueError):
        list(scan_stream(io.StringIO("x"), SCANNER, overlap=1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), chunk=st.integers(1, 400), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_streamed_text_redaction_equals_the_whole_text_wherever_the_chunks_fall(seed, chunk, encoding):
    from piiscan.redact import Redactor
    from piiscan.redact.stream import redact_text_stream

    rng = random.Random(seed)
    parts = []
    for _ in range(12):
        parts.append(FILLER[: rng.randrange(len(FILLER))])
        parts.append(MAKERS[rng.choice(sorted(MAKERS))](rng))
        parts.append(rng.choice(["\r\n", "\n", "，", " "]))
    text = "".join(parts)
    redactor = Redactor()
    out = io.StringIO()
    redact_text_stream(io.StringIO(text), out, redactor, chunk_chars=chunk, overlap=200)
    assert out.getvalue() == redactor.text(text)
