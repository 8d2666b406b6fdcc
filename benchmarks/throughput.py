"""Throughput of the scanner: whole, per detector, per type, and the regex floor.

    python benchmarks/throughput.py            # ~50 MB of generated Chinese text
    python benchmarks/throughput.py --mb 10    # quicker

The text is Chinese prose (the seed document in ``benchmarks`` or
``shared/seeds``, else a built-in paragraph) with synthetic personal
information from :mod:`piiscan.synth` at a realistic density: about one
value per 230 characters, half of them after a label word (身份证号：, 手机 …),
plus look-alikes that must not be reported (order numbers, amounts).

MB means 10^6 bytes of UTF-8 input (a Chinese character is 3 bytes), the
size the file has on disk. Timings on a busy machine are noisy: take the
best of ``--repeat`` runs and compare ratios, not absolute figures.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piiscan import synth  # noqa: E402
from piiscan.detectors import email, numbers  # noqa: E402
from piiscan.finding import ENTITY_TYPES  # noqa: E402
from piiscan.scanner import Scanner, default_detectors  # noqa: E402

NUMBER_AND_EMAIL_TYPES = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS"]


def floor_regex() -> "re.Pattern[str]":
    """The floor: one compiled regex for every number and e-mail shape, nothing validated.

    Compiled with the standard library's ``re``, which runs this alternation
    a little faster than ``regex``. The scanner itself finds candidates in two
    passes that together are faster still (see :func:`candidate_passes`).
    """
    return re.compile(f"(?:{numbers.PATTERN})|(?:{email.PATTERN})")


def candidate_passes(text: str) -> int:
    """The scanner's own candidate passes (number shapes, then e-mail), nothing validated."""
    return sum(1 for _ in numbers.NumberDetector.regex.finditer(text)) + sum(1 for _ in email.EmailDetector.regex.finditer(text))


_FALLBACK_FILLER = (
    "根据《中华人民共和国个人信息保护法》和有关规定，现将本年度耕地地力保护补贴发放情况予以公示。"
    "公示期间如有异议，请向乡镇农业综合服务中心反映。办案过程当中，检察院与邮政管理局就快递单个人"
    "信息保护措施进行多次磋商，并组织召开听证会，邀请人大代表、政协委员、群众监督员、律师作为听证员。"
    "会上播放了快递单泄露公民信息情况调查短片，讲解了相关法律政策，听取了快递企业代表意见。\n"
)


def filler_text() -> str:
    """Background Chinese prose: a seed document when one is around, else a built-in paragraph."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "filler.txt", here.parent.parent / "shared" / "seeds"):
        files = sorted(candidate.glob("*.txt")) if candidate.is_dir() else [candidate]
        for f in files:
            if f.is_file():
                text = f.read_text(encoding="utf-8", errors="replace")
                if len(text) > 2000:
                    return text
    return _FALLBACK_FILLER * 40


# Label words put before a value, per type ("" = no label, as in free prose).
LABELS = {
    "CN_RESIDENT_ID": ["身份证号：", "公民身份号码", "证件号码 ", ""],
    "CN_MOBILE": ["手机：", "联系电话 ", "电话", ""],
    "CN_LANDLINE": ["座机：", "办公电话 ", ""],
    "BANK_CARD": ["银行卡号：", "惠农卡号 ", "开户账号", ""],
    "EMAIL_ADDRESS": ["邮箱：", "电子邮件 ", ""],
    "CN_ADDRESS": ["住址：", "家庭住址 ", ""],
    "PERSON_NAME": ["户主", "姓名：", "申请人"],
}

MAKERS: dict[str, Callable[[random.Random], str]] = {
    "CN_RESIDENT_ID": synth.resident_id_number,
    "CN_MOBILE": synth.mobile_number,
    "CN_LANDLINE": synth.landline_number,
    "BANK_CARD": synth.bank_card_number,
    "EMAIL_ADDRESS": synth.email_address,
    "CN_ADDRESS": synth.address,
    "PERSON_NAME": synth.person_name,
}

# Relative frequency of each type in generated text.
WEIGHTS = {"CN_RESIDENT_ID": 3, "CN_MOBILE": 4, "CN_LANDLINE": 1, "BANK_CARD": 2, "EMAIL_ADDRESS": 1,
           "CN_ADDRESS": 2, "PERSON_NAME": 4}


def _decoy(rng: random.Random) -> str:
    """Number-shaped text that is not personal information."""
    kind = rng.randrange(3)
    if kind == 0:
        return "订单号" + "".join(str(rng.randrange(10)) for _ in range(18))
    if kind == 1:
        return f"补贴金额{rng.randrange(100, 99999)}.{rng.randrange(100):02d}元"
    return f"{rng.randrange(2000, 2025)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日"


def iter_text(n_bytes: int, seed: int = 2024, gap: tuple[int, int] = (60, 400)) -> Iterator[str]:
    """Pieces of generated text, about ``n_bytes`` of UTF-8 in all, same for the same seed.

    Yields pieces so that huge inputs can be written to disk without being
    held in memory.
    """
    rng = random.Random(seed)
    filler = filler_text()
    types = list(WEIGHTS)
    weights = [WEIGHTS[t] for t in types]
    produced = 0
    batch: list[str] = []
    while produced < n_bytes:
        a = rng.randrange(len(filler) - gap[1])
        piece = filler[a:a + rng.randrange(*gap)]
        if rng.random() < 0.15:
            piece += _decoy(rng)
        etype = rng.choices(types, weights)[0]
        piece += rng.choice(LABELS[etype]) + MAKERS[etype](rng)
        batch.append(piece)
        produced += len(piece.encode("utf-8"))
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def generate(n_bytes: int, seed: int = 2024) -> str:
    return "".join(iter_text(n_bytes, seed))


def split_documents(text: str, size: int = 8000) -> list[str]:
    """Cut text into documents of about ``size`` characters at line or sentence ends.

    Tools are given documents, as they would be given files; cutting at a
    sentence end keeps values whole.
    """
    docs = []
    i = 0
    n = len(text)
    while i < n:
        j = min(n, i + size)
        if j < n:
            k = max(text.rfind("\n", i, j), text.rfind("。", i, j))
            j = k + 1 if k > i else j
        docs.append(text[i:j])
        i = j
    return docs


def best_time(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def machine_line() -> str:
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, load {os.getloadavg()[0]:.1f}"
    except Exception:  # noqa: BLE001 - psutil is optional here
        mem = f"load {os.getloadavg()[0]:.1f}"
    cpu = platform.processor() or platform.machine()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.release()}, {cpu}, {cores} cores, {mem}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=50, help="size of generated text in MB (default 50)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is kept")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)

    n_bytes = int(args.mb * 1e6)
    t = time.perf_counter()
    text = generate(n_bytes, args.seed)
    mb = len(text.encode("utf-8")) / 1e6
    print(f"# {machine_line()}")
    print(f"# generated {mb:.1f} MB ({len(text) / 1e6:.1f} M chars) in {time.perf_counter() - t:.1f} s, seed {args.seed}")
    print(f"{'what':44} {'findings':>9} {'seconds':>8} {'MB/s':>7}")

    def row(name: str, scanner: Scanner) -> None:
        secs, found = best_time(lambda: scanner.scan(text), args.repeat)
        print(f"{name:44} {len(found):9d} {secs:8.2f} {mb / secs:7.1f}", flush=True)

    # The rules only: the learned name stage (the ner extra) is measured on
    # real prose by realtext.py; here it would time the model, not the scanner.
    row("whole scanner (all types)", Scanner(ner=False))
    row("whole scanner, 5 number/e-mail types", Scanner(types=NUMBER_AND_EMAIL_TYPES, ner=False))
    for det in default_detectors():
        row(f"detector {det.name}: {','.join(sorted(det.types))}"[:44], Scanner(detectors=[det], ner=False))
    covered = {t for d in default_detectors() for t in d.types}
    for etype in ENTITY_TYPES:
        if etype in covered:
            row(f"type {etype}", Scanner(types=[etype], ner=False))
        else:
            print(f"{'type ' + etype:44} (no detector installed)")
    rx = floor_regex()
    secs, n = best_time(lambda: sum(1 for _ in rx.finditer(text)), args.repeat)
    print(f"{'floor: one regex pass, no validation':44} {n:9d} {secs:8.2f} {mb / secs:7.1f}")
    secs, n = best_time(lambda: candidate_passes(text), args.repeat)
    print(f"{'candidate passes (numbers, e-mail) only':44} {n:9d} {secs:8.2f} {mb / secs:7.1f}")


if __name__ == "__main__":
    main()
