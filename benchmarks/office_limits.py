"""Peak memory and time of scan and redact on hostile and big Word, Excel and HTML files (issue 15).

Each run is a fresh interpreter that reports its own peak RSS
(``VmHWM``), so one run's memory never hides another's. The
inputs are generated in a temporary folder:

* ``dense.xlsx``: 10 KB, cells spanning A1:XFD1048576 (calamine panicked, exit 134);
* ``bomb.docx``: a part declared as 2 GB in the zip directory;
* ``ratio.docx``: 64 MB of spaces in one part (ratio ~1000:1);
* ``attr.html``: a 48 MB attribute (over ``attribute_bytes``; 857 MB before);
* ``deep.html``: 3,000 nested ``<div>`` (libxml2 stops at 256; read whole now);
* ``big.xlsx`` / ``big.docx``: 20,000 rows / 3,000 paragraphs and a 2,000-row table of
  synthetic records, for the cost of ordinary files.

    python benchmarks/office_limits.py [--only NAME] [--json]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
mode, src = sys.argv[1], Path(sys.argv[2])
t = time.perf_counter()
if mode == "scan":
    from piiscan.files import scan_file_result
    from piiscan.scanner import Scanner
    r = scan_file_result(src, Scanner())
    out = {"findings": len(r.findings), "error": r.error, "unread": len(r.unread)}
else:
    from piiscan.redact import redact_file
    try:
        rep = redact_file(src, Path(sys.argv[3]))
        out = {"changes": rep.changes, "error": None}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {str(exc)[:90]}"}
out["seconds"] = round(time.perf_counter() - t, 2)
out["peak_mb"] = int([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]) // 1024  # not ru_maxrss: kept across exec
print(json.dumps(out))
"""


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def make_inputs(folder: Path) -> dict[str, Path]:
    import struct

    import docx
    import openpyxl

    from piiscan import synth

    rng = random.Random(15)
    out: dict[str, Path] = {}

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "补贴金额"])
    buf = io.BytesIO()
    wb.save(buf)
    parts = _parts(buf.getvalue())
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    out["dense.xlsx"] = folder / "dense.xlsx"
    out["dense.xlsx"].write_bytes(_zip(parts))

    d = docx.Document()
    d.add_paragraph("公示")
    buf = io.BytesIO()
    d.save(buf)
    base = _parts(buf.getvalue())
    bomb = bytearray(_zip({**base, "word/bomb.xml": b"\0" * (4 << 20)}))
    for sig, off, name_off in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = 0
        while (pos := bomb.find(sig, pos)) >= 0:
            n = struct.unpack_from("<H", bomb, pos + name_off - 4 if sig == b"PK\x03\x04" else pos + 28)[0]
            if bytes(bomb[pos + name_off:pos + name_off + n]) == b"word/bomb.xml":
                struct.pack_into("<I", bomb, pos + off, (2 << 30) - 1)
            pos += 4
    out["bomb.docx"] = folder / "bomb.docx"
    out["bomb.docx"].write_bytes(bytes(bomb))
    out["ratio.docx"] = folder / "ratio.docx"
    out["ratio.docx"].write_bytes(_zip({**base, "word/zeros.xml": b"<x>" + b" " * (64 << 20) + b"</x>"}))

    out["attr.html"] = folder / "attr.html"
    out["attr.html"].write_text('<html><body><p title="' + "x" * (48 << 20) + '">a</p></body></html>', encoding="utf-8")
    out["deep.html"] = folder / "deep.html"
    out["deep.html"].write_text("<html><body>" + "<div>" * 3000 + f"<p>电话 {synth.mobile_number(rng)}</p>"
                                + "</div>" * 3000 + "</body></html>", encoding="utf-8")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "户主姓名", "身份证号码", "联系电话", "银行账号", "补贴金额"])
    for r in range(20000):
        ws.append([r + 1, synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
                   synth.bank_card_number(rng), 1200])
    out["big.xlsx"] = folder / "big.xlsx"
    wb.save(out["big.xlsx"])
    d = docx.Document()
    for i in range(3000):
        d.add_paragraph(f"第{i}段 联系人{synth.person_name(rng)} 电话 {synth.mobile_number(rng)}")
    t = d.add_table(rows=1, cols=4)
    for r in range(2000):
        cells = t.add_row().cells
        for c, v in enumerate((str(r), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng))):
            cells[c].text = v
    out["big.docx"] = folder / "big.docx"
    d.save(out["big.docx"])
    return out


def run(mode: str, src: Path, dst: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(dst)], capture_output=True, text=True,
                          env=env, timeout=1800)
    if proc.returncode:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="one input name, e.g. dense.xlsx")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        for name, src in inputs.items():
            if args.only and name != args.only:
                continue
            for mode in ("scan", "redact"):
                res = run(mode, src, Path(tmp) / f"out_{name}")
                rows.append({"file": name, "mode": mode, **res})
                if not args.json:
                    err = (res.get("error") or "")[:70]
                    print(f"{name:12} {mode:6} {res.get('peak_mb', '-'):>6} MB {res.get('seconds', '-'):>7} s  {err}")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
