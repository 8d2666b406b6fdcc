#!/usr/bin/env python3
"""Generate scanned-looking samples of the synthetic subsidy notice in ``samples/scans/``.

Every value is invented (``piiscan.synth`` via ``make_samples.records``). The
notice is drawn with Pillow in a CJK font (Debian ``fonts-wqy-zenhei``), then
degraded the way scans and phone photos are: skew, noise, blur, a red stamp
over the text, JPEG artefacts, and for the photo a perspective warp, uneven
light and a desk around the page. ``samples/scans/planted.json`` lists, per
file, the values planted in it.

    python3 scripts/make_scans.py [--out samples/scans]

The renderer is also used by ``benchmarks/ocr_bench.py`` (pages at 150, 200
and 300 dpi) and by the tests; ``render_notice`` returns the clean page, and
``scanned`` / ``photographed`` degrade it.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import make_samples  # noqa: E402  (the notice's records, header and title)

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian: fonts-wqy-zenhei
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)
# Columns drawn (型号 left out so that every value fits on one line at 8 pt on A4 landscape).
COLUMNS = ["序号", "户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话", "机具品目", "出厂编号", "补贴金额", "购机日期"]
# The Word-style notice: narrow columns (in characters of the cell font), so IDs, cards and addresses wrap.
WRAPPED_CHARS = {"序号": 2, "户主姓名": 3, "身份证号码": 6, "家庭住址": 6, "银行账号": 6, "联系电话": 7,
                 "机具品目": 4, "出厂编号": 5, "补贴金额": 3, "购机日期": 6}
PAGE_MM = (297, 210)  # A4 landscape
MARGIN_MM = 14


def font(px: int):
    from PIL import ImageFont

    for p in FONT_PATHS:
        if Path(p).exists():
            return ImageFont.truetype(p, px)
    raise SystemExit("no CJK font: apt-get install fonts-wqy-zenhei")


@dataclass
class Notice:
    """What one page shows: rows of the table, and whether the title and contact line are on it."""

    records: list[dict]
    first: int = 1  # number of the first row (序号)
    title: bool = True
    header: bool = True
    contact: dict | None = None
    wrapped: bool = False
    planted: dict[str, list[str]] = field(default_factory=dict)


def planted_values(notice: Notice) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in notice.records:
        for col, t in make_samples.PERSONAL.items():
            value = str(r[col])
            if t == "PHONE":
                t = "CN_LANDLINE" if value.startswith("0") else "CN_MOBILE"
            out.setdefault(t, []).append(value)
    if notice.contact:
        c = notice.contact
        out.setdefault("PERSON_NAME", []).append(c["name"])
        out.setdefault("CN_MOBILE", []).append(c["mobile"])
        out.setdefault("CN_LANDLINE", []).append(c["landline"])
    return out


def _wrap(draw, text: str, fnt, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width`` pixels, broken anywhere (CJK and digits alike, as Word does)."""
    lines, cur = [], ""
    for ch in text:
        if cur and draw.textlength(cur + ch, font=fnt) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + [cur] if cur else lines


def render_notice(notice: Notice, dpi: int = 200):
    """The clean page (RGB) at ``dpi``: title, intro, the ruled table, contact line."""
    from PIL import Image, ImageDraw

    mm = dpi / 25.4
    pt = dpi / 72
    w, h = (round(v * mm) for v in PAGE_MM)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    left = right = round(MARGIN_MM * mm)
    y = round(MARGIN_MM * mm)
    if notice.title:
        f_title = font(round(15 * pt))
        tw = d.textlength(make_samples.TITLE, font=f_title)
        d.text(((w - tw) / 2, y), make_samples.TITLE, font=f_title, fill="black")
        y += round(15 * pt * 2)
        f_body = font(round(10 * pt))
        for line in _wrap(d, make_samples.INTRO, f_body, w - left - right):
            d.text((left, y), line, font=f_body, fill="black")
            y += round(10 * pt * 1.6)
        y += round(6 * pt)
    rows = [[str(r[c]) for c in COLUMNS] for r in notice.records]
    avail = w - left - right
    size = 8.0
    while True:  # the largest cell font (8 pt at most) at which every value fits on one line
        f_cell = font(round(size * pt))
        pad = round(3 * pt)
        if notice.wrapped:
            em = d.textlength("中", font=f_cell)
            widths = [round(WRAPPED_CHARS[c] * em) + 2 * pad for c in COLUMNS]
        else:
            widths = [round(max(d.textlength(v, font=f_cell) for v in [c] + [r[i] for r in rows])) + 2 * pad + 2
                      for i, c in enumerate(COLUMNS)]
        if notice.wrapped or sum(widths) <= avail or size <= 5:
            break
        size -= 0.25
    line_h = round(size * pt * 1.35)
    if not notice.wrapped:
        widths = [x + (avail - sum(widths)) // len(widths) for x in widths]  # spread the slack
    xs = [left]
    for x in widths:
        xs.append(xs[-1] + x)
    table = ([COLUMNS] if notice.header else []) + rows
    line_w = max(1, round(dpi / 150))
    top = y
    for row in table:
        cells = [_wrap(d, v, f_cell, widths[i] - 2 * pad) for i, v in enumerate(row)]
        n = max(len(c) for c in cells)
        row_h = n * line_h + 2 * pad
        for i, lines in enumerate(cells):
            ty = y + (row_h - len(lines) * line_h) / 2
            for line in lines:
                d.text((xs[i] + pad, ty), line, font=f_cell, fill="black")
                ty += line_h
        y += row_h
        d.line([(left, y), (xs[-1], y)], fill="black", width=line_w)
    d.line([(left, top), (xs[-1], top)], fill="black", width=line_w)
    for x in xs:
        d.line([(x, top), (x, y)], fill="black", width=line_w)
    if notice.contact:
        c = notice.contact
        y += round(10 * pt)
        f_body = font(round(10 * pt))
        d.text((left, y), f"监督电话：{c['landline']}　　经办人：{c['name']}　　手机：{c['mobile']}", font=f_body, fill="black")
        y += round(10 * pt * 1.6)
        d.text((w - right - d.textlength("乐安县农业农村局　2020年9月8日", font=f_body), y + round(10 * pt)),
               "乐安县农业农村局　2020年9月8日", font=f_body, fill="black")
    return img


def stamp(img, rng: random.Random, where: tuple[float, float] = (0.78, 0.8)):
    """A red official seal (ring, star, unit name) multiplied over the page, as ink over print."""
    import numpy as np
    from PIL import Image, ImageDraw

    w, h = img.size
    r = round(min(w, h) * 0.11)
    seal = Image.new("RGB", (2 * r + 4, 2 * r + 4), "white")
    d = ImageDraw.Draw(seal)
    red = (205, 40, 40)
    d.ellipse((2, 2, 2 * r, 2 * r), outline=red, width=max(3, r // 14))
    cx = cy = r + 1
    star = []
    import math

    for k in range(10):
        rad = r * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    d.polygon(star, fill=red)
    f = font(max(10, r // 5))
    text = "乐安县农业农村局"
    tw = d.textlength(text, font=f)
    d.text((cx - tw / 2, cy + r * 0.35), text, font=f, fill=red)
    seal = seal.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, fillcolor="white")
    x, y = round(w * where[0] - r), round(h * where[1] - r)
    page = np.asarray(img, dtype=np.float32)
    s = np.asarray(seal, dtype=np.float32) / 255.0
    alpha = 0.85
    region = page[y:y + s.shape[0], x:x + s.shape[1]]
    s = s[:region.shape[0], :region.shape[1]]
    region[:] = region * (1 - alpha + alpha * s)
    return Image.fromarray(page.clip(0, 255).astype("uint8"))


def scanned(img, rng: random.Random, *, skew: float, noise: float = 10.0, blur: float = 0.5, gray: bool = True,
            levels: int = 0):
    """A flatbed scan of ``img``: rotated by ``skew`` degrees, a little blur, sensor noise and specks;
    ``levels`` > 0 keeps that many grey levels (a 3-bit scan: PNG samples stay small)."""
    import numpy as np
    from PIL import Image, ImageFilter

    img = img.rotate(skew, resample=Image.BICUBIC, fillcolor="white", expand=False)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img.convert("L") if gray else img, dtype=np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    a = a + nrng.normal(0, noise, a.shape)
    specks = nrng.random(a.shape[:2]) < 0.0004
    a[specks] = 40
    a = a * 0.93 + 8  # paper is never quite white, ink never quite black
    if levels:
        step = 256 / levels
        a = (a.clip(0, 255) // step) * step + step / 2
    return Image.fromarray(a.clip(0, 255).astype("uint8"))


def photographed(img, rng: random.Random):
    """A phone photo of ``img`` lying on a desk: perspective, uneven light, blur."""
    import cv2
    import numpy as np
    from PIL import Image

    page = np.asarray(img.convert("RGB"), dtype=np.float32)
    h, w = page.shape[:2]
    W, H = round(w * 1.12), round(h * 1.16)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jit = lambda s: rng.uniform(-s, s)  # noqa: E731
    dst = np.float32([[W * 0.06 + jit(20), H * 0.07 + jit(20)], [W * 0.95 + jit(20), H * 0.04 + jit(20)],
                      [W * 0.97 + jit(20), H * 0.95 + jit(20)], [W * 0.03 + jit(20), H * 0.92 + jit(20)]])
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(page, m, (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=(92, 78, 64))  # a wooden desk
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.80 + 0.22 * (1 - ((xx / W - 0.35) ** 2 + (yy / H - 0.3) ** 2))
    out = out * light[..., None]
    out = cv2.GaussianBlur(out, (0, 0), 0.8)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    out = out + nrng.normal(0, 4, out.shape)
    return Image.fromarray(out.clip(0, 255).astype("uint8"))


def to_jpeg(img, quality: int):
    from PIL import Image

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert(img.mode)


def build(out: Path, dpi: int = 200, seed: int = 2021) -> dict:
    """Write the scans into ``out``; return the answer key (file -> type -> values)."""
    rng = random.Random(seed)
    recs = make_samples.records(rng, 52)
    who = lambda: make_samples.contact(rng)  # noqa: E731
    files: dict[str, dict] = {}

    def key(name: str, *notices: Notice) -> None:
        merged: dict[str, list[str]] = {}
        for n in notices:
            for t, vs in planted_values(n).items():
                merged.setdefault(t, []).extend(vs)
        files[name] = merged

    # 1. A grey flatbed scan, skewed 0.6°, stamped: PNG.
    n1 = Notice(recs[0:10], contact=who())
    page = stamp(render_notice(n1, dpi), rng, where=(0.86, 0.55))  # over the unit's name and the date
    scanned(page, rng, skew=0.6, levels=8).save(out / "scan_notice.png", optimize=True)
    key("scan_notice.png", n1)

    # 2. A colour scan with a red seal, saved as a heavily compressed JPEG.
    n2 = Notice(recs[10:20], contact=who())
    page = stamp(render_notice(n2, dpi), rng, where=(0.40, 0.52))  # over the contact line: red ink on the values
    scanned(page, rng, skew=-0.8, noise=6, gray=False).save(out / "scan_notice.jpg", quality=45)
    key("scan_notice.jpg", n2)

    # 3. A two-page bilevel fax-style TIFF (Group 4): the table goes on over page 2 without its header.
    n3a = Notice(recs[20:28])
    n3b = Notice(recs[28:34], title=False, header=False, contact=who())
    pages = [scanned(render_notice(n, dpi), rng, skew=s, noise=14).point(lambda v: 255 if v > 150 else 0, "1")
             for n, s in ((n3a, 0.4), (n3b, -0.3))]
    pages[0].save(out / "scan_notice.tif", save_all=True, append_images=pages[1:], compression="group4", dpi=(dpi, dpi))
    key("scan_notice.tif", n3a, n3b)

    # 4. The Word-style notice: narrow columns, so IDs, cards and addresses wrap inside their cells.
    n4 = Notice(recs[34:42], contact=who(), wrapped=True)
    scanned(render_notice(n4, dpi), rng, skew=0.5, levels=8).save(out / "scan_wrapped.png", optimize=True)
    key("scan_wrapped.png", n4)

    # 5. A phone photo of the notice board: perspective, uneven light, the desk around it.
    n5 = Notice(recs[42:48], contact=who())
    photo = photographed(stamp(render_notice(n5, dpi), rng), rng)
    photo.save(out / "photo_notice.jpg", quality=60)
    key("photo_notice.jpg", n5)

    # 6. A scanned PDF: only an image on its page, no text layer.
    n6 = Notice(recs[48:52], contact=who())
    img = scanned(stamp(render_notice(n6, dpi), rng), rng, skew=-0.4)
    _image_pdf(out / "scan_notice.pdf", [img], dpi)
    key("scan_notice.pdf", n6)
    return {"dpi": dpi, "seed": seed, "files": files}


def _image_pdf(path: Path, images: list, dpi: int) -> None:
    """An image-only PDF (as a scanner writes it): each page one JPEG, page size from ``dpi``."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    first = images[0]
    c = canvas.Canvas(str(path), pagesize=(first.width * 72 / dpi, first.height * 72 / dpi), invariant=1)
    for img in images:
        buf = io.BytesIO()
        img.convert("L").save(buf, "JPEG", quality=30)
        buf.seek(0)
        c.setPageSize((img.width * 72 / dpi, img.height * 72 / dpi))
        c.drawImage(ImageReader(buf), 0, 0, width=img.width * 72 / dpi, height=img.height * 72 / dpi)
        c.showPage()
    c.save()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parent / "samples" / "scans"))
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2021)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    key = build(out, args.dpi, args.seed)
    (out / "planted.json").write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # The answer key lists every planted value: `piiscan scan samples/scans/` must not report it.
    (out / ".piiscanignore").write_text("# the answer key, not a sample\nplanted.json\n", encoding="utf-8")
    for p in sorted(out.iterdir()):
        print(f"{p.stat().st_size // 1024:6d} KB  {p.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
