#!/usr/bin/env python3
"""OCR of scanned notices: pages per CPU-second and recall by type, at 150, 200 and 300 dpi.

The pages are the synthetic notices of ``scripts/make_scans.py`` (a grey
skewed scan with a seal, a colour JPEG with a seal over the contact line, a
Word-style table whose cells wrap, a phone photo with perspective, and a
dense 20-row page), rendered at each resolution. Each page is read as
``piiscan scan`` reads an image (engine, tables rebuilt, scanner) in this
process, on one core: the engine is single-threaded by design, and
``--jobs`` spreads files over cores.

    python benchmarks/ocr_bench.py [--dpi 150 200 300] [--json]
    python benchmarks/ocr_bench.py --pdf      # the same pages as an image-only PDF: scan, then redact

``--pdf`` puts the 200 dpi pages into one image-only PDF (Pillow) and times
``piiscan`` on it as a file: pages rendered by pdfium at 200 dpi and read by
OCR, then ``redact_file`` (read, paint the pictures, write, render and OCR the
written pages again) on the four scan pages (the phone photo is refused:
benchmarks/README.md, "OCR of PDF pages").

Needs the extra: ``pip install "piiscan-cn[ocr]"`` and a CJK font
(Debian ``fonts-wqy-zenhei``) to draw the pages.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import make_samples  # noqa: E402
import make_scans as ms  # noqa: E402


def pages(dpi: int, seed: int = 7):
    """(name, image, planted values by type) for the benchmark pages at ``dpi``."""
    rng = random.Random(seed)
    recs = make_samples.records(rng, 54)
    who = lambda: make_samples.contact(rng)  # noqa: E731
    out = []
    n = ms.Notice(recs[0:10], contact=who())
    out.append(("grey scan, seal", ms.scanned(ms.stamp(ms.render_notice(n, dpi), rng, where=(0.86, 0.55)), rng,
                                             skew=0.6, levels=8), n))
    n = ms.Notice(recs[10:20], contact=who())
    img = ms.scanned(ms.stamp(ms.render_notice(n, dpi), rng, where=(0.40, 0.52)), rng, skew=-0.8, noise=6, gray=False)
    out.append(("colour JPEG q45", ms.to_jpeg(img, 45), n))
    n = ms.Notice(recs[20:28], contact=who(), wrapped=True)
    out.append(("wrapped cells", ms.scanned(ms.render_notice(n, dpi), rng, skew=0.5, levels=8), n))
    n = ms.Notice(recs[28:34], contact=who())
    out.append(("phone photo", ms.to_jpeg(ms.photographed(ms.stamp(ms.render_notice(n, dpi), rng), rng), 60), n))
    n = ms.Notice(recs[34:54], contact=who())
    out.append(("dense, 20 rows", ms.scanned(ms.render_notice(n, dpi), rng, skew=-0.4), n))
    return [(name, img, ms.planted_values(n)) for name, img, n in out]


def run(dpis: list[int]) -> dict:
    from piiscan import ocr
    from piiscan.ocr import engine
    from piiscan.ocr.page import PageReader, scan_items
    from piiscan.scanner import Scanner

    if not ocr.available():
        raise SystemExit(f"OCR not available: {ocr.unavailable_reason()}")
    t = time.process_time()
    engine.engine()
    load = time.process_time() - t
    scanner = Scanner()
    results = {"engine_load_cpu_s": round(load, 2), "cores": 1, "dpi": {}}
    for dpi in dpis:
        hit, total, extra = collections.Counter(), collections.Counter(), 0
        cpu = wall = 0.0
        per_page = []
        for name, img, planted in pages(dpi):
            engine._CACHE.clear()
            t0, w0 = time.process_time(), time.perf_counter()
            page = PageReader().read(img, dpi=dpi, page=1)
            found = scan_items(page.items, scanner).findings
            c, w = time.process_time() - t0, time.perf_counter() - w0
            cpu += c
            wall += w
            got = collections.defaultdict(set)
            for f in found:
                got[f.type].add(f.value)
            missed = 0
            for typ, values in planted.items():
                total[typ] += len(values)
                hit[typ] += sum(v in got[typ] for v in values)
                missed += sum(v not in got[typ] for v in values)
            extra += sum(1 for typ, vs in got.items() for v in vs if v not in planted.get(typ, []))
            per_page.append({"page": name, "size": list(img.size), "cpu_s": round(c, 2), "lines": page.lines,
                             "missed": missed})
        n = len(per_page)
        results["dpi"][dpi] = {
            "pages": n, "cpu_s_per_page": round(cpu / n, 2), "pages_per_cpu_s": round(n / cpu, 3),
            "wall_s_per_page": round(wall / n, 2),
            "recall": {t: f"{hit[t]}/{total[t]}" for t in sorted(total)},
            "recall_all": round(sum(hit.values()) / sum(total.values()), 4),
            "not_planted": extra, "per_page": per_page,
        }
    return results


def run_pdf(folder: Path) -> dict:
    """Scan and redact the 200 dpi pages as an image-only PDF (CPU seconds per page, recall)."""
    from piiscan.files import scan_file_result
    from piiscan.ocr import engine
    from piiscan.redact import redact_file
    from piiscan.scanner import Scanner

    got_pages = pages(200)
    imgs = [img.convert("RGB") for _, img, _ in got_pages]
    planted: dict[str, set[str]] = collections.defaultdict(set)
    for _, _, p in got_pages:
        for t, vs in p.items():
            planted[t] |= set(vs)
    scanner = Scanner()
    engine.engine()
    out: dict = {}
    src = folder / "scans.pdf"
    imgs[0].save(src, "PDF", save_all=True, append_images=imgs[1:], resolution=200)
    engine._CACHE.clear()
    t = time.process_time()
    r = scan_file_result(src, scanner)
    cpu = time.process_time() - t
    got: dict[str, set[str]] = collections.defaultdict(set)
    for f in r.findings:
        got[f.type].add(f.value)
    out["scan"] = {"pages": len(imgs), "cpu_s_per_page": round(cpu / len(imgs), 2),
                   "recall": f"{sum(len(planted[t] & got[t]) for t in planted)}/{sum(len(v) for v in planted.values())}",
                   "unread": r.unread}
    scans = [im for name_img, im in zip(got_pages, imgs) if name_img[0] != "phone photo"]
    src = folder / "scans4.pdf"
    scans[0].save(src, "PDF", save_all=True, append_images=scans[1:], resolution=200)
    engine._CACHE.clear()
    t = time.process_time()
    report = redact_file(src, folder / "out.pdf")
    cpu = time.process_time() - t
    left = scan_file_result(folder / "out.pdf", scanner)
    out["redact"] = {"pages": len(scans), "cpu_s_per_page": round(cpu / len(scans), 2), "changes": report.changes,
                     "left": sum(1 for f in left.findings if f.value in planted[f.type])}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pdf", action="store_true", help="scan and redact the 200 dpi pages as an image-only PDF")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.pdf:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_pdf(Path(tmp)), ensure_ascii=False, indent=1))
        return 0
    res = run(args.dpi)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(f"engine load: {res['engine_load_cpu_s']} CPU-s (once per process)")
    print(f"{'dpi':>4} {'pages':>5} {'CPU-s/page':>10} {'pages/CPU-s':>11}  recall (found/planted)            not planted")
    for dpi, r in res["dpi"].items():
        rec = ", ".join(f"{t.replace('CN_', '').replace('PERSON_', '')} {v}" for t, v in r["recall"].items())
        print(f"{dpi:>4} {r['pages']:>5} {r['cpu_s_per_page']:>10} {r['pages_per_cpu_s']:>11}  {rec}  {r['not_planted']}")
        for p in r["per_page"]:
            print(f"       {p['page']:<18} {p['size'][0]}x{p['size'][1]}  {p['cpu_s']:>5} CPU-s  {p['lines']:>3} lines"
                  f"  {p['missed']} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
