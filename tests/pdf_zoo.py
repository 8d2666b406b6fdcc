"""A zoo of PDFs as offices publish them, generated at test time (no binaries in the repository).

Each builder writes one PDF into a folder and returns a :class:`Specimen`: the
file, the synthetic values planted in it (``piiscan.synth``, valid check
digits), text that must survive redaction, and what a correct reader must say
(``unread``: a page or picture that cannot be read without OCR). Builders that
need a tool or font that is not installed raise :class:`Missing` with the
reason, and the tests skip with it.

Also used by ``benchmarks/pdf_bench.py`` (the long list).
"""
from __future__ import annotations

import io
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from piiscan import synth
from piiscan.validators import bank_card, resident_id

HEADER = ["序号", "户主姓名", "身份证号码", "联系电话", "银行账号", "补贴金额"]
TITLE = "乐安县农机购置补贴公示"
KEEP = ["乐安县农机购置补贴公示", "补贴金额", "户主姓名", "身份证号码", "监督邮箱"]
# Fonts with both Chinese and Latin glyphs (Droid Sans Fallback has no digits).
CJK_TTF = [Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")]


class Missing(Exception):
    """A tool or font this specimen needs is not installed (the reason says which)."""


@dataclass
class Specimen:
    name: str
    path: Path
    values: dict[str, list[str]]  # entity type -> planted values (each must be found, and be gone after redaction)
    keep: list[str] = field(default_factory=list)  # text that must still be there after redaction
    unread: bool = False  # a correct reader reports content it could not read (exit 2)
    redactable: bool = True  # redaction is expected to succeed (else: refused, exit 2)
    parts: dict[str, list[str]] = field(default_factory=dict)  # part -> values planted there (not on the pages)

    def all_values(self) -> list[str]:
        return [v for vs in self.values.values() for v in vs]


def people(n: int, seed: int) -> list[list[str]]:
    """Rows of a subsidy table: number, name, ID, mobile, bank number (Luhn card or non-Luhn account), amount."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        if i % 2:
            while True:
                acct = synth.bank_account_number(rng)
                if not resident_id.is_valid(acct) and not bank_card.is_valid(acct):
                    break
        else:
            acct = synth.bank_card_number(rng)
        rows.append([str(i + 1), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
                     acct, f"{1000 + 37 * i}.00"])
    return rows


def table_values(rows: list[list[str]]) -> dict[str, list[str]]:
    return {"PERSON_NAME": [r[1] for r in rows], "CN_RESIDENT_ID": [r[2] for r in rows],
            "CN_MOBILE": [r[3] for r in rows], "BANK_CARD": [r[4] for r in rows]}


def merge(*dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in dicts:
        for k, v in d.items():
            out.setdefault(k, []).extend(v)
    return out


def cjk_ttf() -> Path:
    for p in CJK_TTF:
        if p.exists():
            return p
    raise Missing("no CJK TrueType font with Latin glyphs (Debian fonts-wqy-zenhei)")


def need(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise Missing(f"{tool} is not installed")
    return path


# --- reportlab ------------------------------------------------------------------

def _rl_font(kind: str) -> str:
    from reportlab.pdfbase import pdfmetrics

    if kind == "cid":
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_ttf()
    if "ZooTTF" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("ZooTTF", str(path), subfontIndex=0) if path.suffix == ".ttc"
                                else TTFont("ZooTTF", str(path)))
    return "ZooTTF"


def reportlab_table(path: Path, rows: list[list[str]], *, font: str = "cid", contact: str = "",
                    email: str = "jiandu@example.com", landscape_page: bool = True, repeat_header: bool = False) -> None:
    """A ruled table (GRID) under a title and an intro line, as a subsidy notice prints it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    name = _rl_font(font)
    style = ParagraphStyle("zh", fontName=name, fontSize=10, leading=14)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4) if landscape_page else A4)
    t = Table([HEADER] + rows, repeatRows=1 if repeat_header else 0)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), name), ("FONTSIZE", (0, 0), (-1, -1), 9),
                           ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    intro = f"{TITLE}。联系电话 {contact}，监督邮箱 {email}" if contact else f"{TITLE}。监督邮箱 {email}"
    doc.build([Paragraph(intro, style), t])


def rl_cid(folder: Path) -> Specimen:
    rows = people(8, seed=11)
    rng = random.Random(12)
    contact = synth.mobile_number(rng)
    p = folder / "rl_cid.pdf"
    reportlab_table(p, rows, contact=contact)
    return Specimen("rl_cid", p, merge(table_values(rows), {"CN_MOBILE": [contact]}), KEEP + [r[5] for r in rows])


def rl_ttf(folder: Path) -> Specimen:
    rows = people(8, seed=21)
    contact = synth.mobile_number(random.Random(22))
    p = folder / "rl_ttf.pdf"
    reportlab_table(p, rows, font="ttf", contact=contact)
    return Specimen("rl_ttf", p, merge(table_values(rows), {"CN_MOBILE": [contact]}), KEEP + [r[5] for r in rows])


def rl_long(folder: Path, n: int = 120, seed: int = 31, name: str = "rl_long") -> Specimen:
    """A list over several pages; the header is not repeated (a continued table keeps its columns)."""
    rows = people(n, seed=seed)
    p = folder / f"{name}.pdf"
    reportlab_table(p, rows, landscape_page=False)
    return Specimen(name, p, table_values(rows), KEEP)


# --- rotation -------------------------------------------------------------------

def rotate90(folder: Path) -> Specimen:
    """/Rotate 90 on every page: the viewer turns the page, the content is drawn as usual."""
    import pikepdf

    spec = rl_cid_variant(folder, "rotate90", seed=41)
    with pikepdf.open(spec.path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            page.obj.Rotate = 90
        pdf.save(spec.path)
    return spec


def rl_cid_variant(folder: Path, name: str, seed: int) -> Specimen:
    rows = people(8, seed=seed)
    contact = synth.mobile_number(random.Random(seed + 1))
    p = folder / f"{name}.pdf"
    reportlab_table(p, rows, contact=contact)
    return Specimen(name, p, merge(table_values(rows), {"CN_MOBILE": [contact]}), KEEP + [r[5] for r in rows])


def _as_turned_form(src: Path, dst: Path, *, rotate_key: int) -> None:
    """The landscape page of ``src`` drawn turned by 90° as a form XObject on a portrait page.

    With ``rotate_key=90`` the page also carries /Rotate 90, so a viewer shows the
    table upright in landscape (how some drivers print landscape pages).
    """
    import pikepdf

    with pikepdf.open(src) as pdf:
        out = pikepdf.new()
        for page in pdf.pages:
            w, h = float(page.mediabox[2]), float(page.mediabox[3])  # landscape: w > h
            form = out.copy_foreign(page.as_form_xobject())
            new = out.add_blank_page(page_size=(h, w))
            new.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx=form))
            # Turn the landscape content a quarter counter-clockwise onto the portrait page.
            new.obj.Contents = out.make_stream(f"q 0 1 -1 0 {h} 0 cm /Fx Do Q".encode())
            if rotate_key:
                new.obj.Rotate = rotate_key
        out.save(dst)


def rotated_form(folder: Path) -> Specimen:
    spec = rl_cid_variant(folder, "rotated_form_src", seed=51)
    p = folder / "rotated_form.pdf"
    _as_turned_form(spec.path, p, rotate_key=0)
    return Specimen("rotated_form", p, spec.values, spec.keep)


def rotate90_upright(folder: Path) -> Specimen:
    spec = rl_cid_variant(folder, "rotate90_upright_src", seed=61)
    p = folder / "rotate90_upright.pdf"
    _as_turned_form(spec.path, p, rotate_key=90)
    return Specimen("rotate90_upright", p, spec.values, spec.keep)


# --- other producers --------------------------------------------------------------

def fpdf2_table(folder: Path) -> Specimen:
    try:
        from fpdf import FPDF
    except ImportError:
        raise Missing("fpdf2 is not installed (pip install fpdf2)") from None
    font = cjk_ttf()
    rows = people(6, seed=71)
    pdf = FPDF(orientation="L")
    pdf.add_page()
    pdf.add_font("zh", fname=str(font), collection_font_number=0)
    pdf.set_font("zh", size=9)
    pdf.cell(0, 8, TITLE + "。监督邮箱 jiandu@example.com", new_x="LMARGIN", new_y="NEXT")
    widths = [12, 28, 50, 36, 52, 28]
    for row in [HEADER] + rows:
        for w, v in zip(widths, row):
            pdf.cell(w, 7, v, border=1)
        pdf.ln(7)
    p = folder / "fpdf2.pdf"
    pdf.output(str(p))
    return Specimen("fpdf2", p, table_values(rows), KEEP + [r[5] for r in rows])


def matplotlib_text(folder: Path, fonttype: int) -> Specimen:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.font_manager import FontProperties
    except ImportError:
        raise Missing("matplotlib is not installed") from None
    font = cjk_ttf()
    prop = FontProperties(fname=str(font))
    rng = random.Random(80 + fonttype)
    name, id_, mob = synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng)
    with matplotlib.rc_context({"pdf.fonttype": fonttype}):
        fig = plt.figure(figsize=(8, 3))
        fig.text(0.05, 0.8, TITLE, fontproperties=prop, fontsize=12)
        fig.text(0.05, 0.55, f"户主姓名：{name}", fontproperties=prop, fontsize=11)
        fig.text(0.05, 0.35, f"身份证号码：{id_}", fontproperties=prop, fontsize=11)
        fig.text(0.05, 0.15, f"联系电话：{mob}", fontproperties=prop, fontsize=11)
        p = folder / f"matplotlib{fonttype}.pdf"
        fig.savefig(p)
        plt.close(fig)
    return Specimen(f"matplotlib{fonttype}", p, {"PERSON_NAME": [name], "CN_RESIDENT_ID": [id_], "CN_MOBILE": [mob]},
                    [TITLE, "户主姓名", "身份证号码"])


def libreoffice(folder: Path, kind: str) -> Specimen:
    """The table exported by LibreOffice from .docx or .xlsx (skipped when soffice is absent)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise Missing("LibreOffice (soffice) is not installed")
    rows = people(40, seed=91 if kind == "docx" else 92)
    src = folder / f"lo_{kind}.{kind}"
    if kind == "docx":
        import docx

        d = docx.Document()
        d.add_heading(TITLE, level=1)
        t = d.add_table(rows=1, cols=len(HEADER))
        t.style = "Table Grid"
        for c, h in enumerate(HEADER):
            t.rows[0].cells[c].text = h
        for row in rows:
            cells = t.add_row().cells
            for c, v in enumerate(row):
                cells[c].text = v
        d.save(src)
    else:
        import openpyxl
        from openpyxl.styles import Border, Side

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([TITLE])
        ws.append(HEADER)
        for row in rows:
            ws.append(row)
        thin = Side(style="thin")
        for line in ws.iter_rows(min_row=2):
            for cell in line:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for col, width in zip("ABCDEF", (6, 10, 22, 14, 24, 12)):
            ws.column_dimensions[col].width = width
        wb.save(src)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                   check=True, capture_output=True, timeout=180)
    p = folder / f"lo_{kind}.pdf"
    return Specimen(f"libreoffice_{kind}", p, table_values(rows), [TITLE, "户主姓名"])


# --- text that cannot be extracted ---------------------------------------------------

def no_tounicode(folder: Path) -> Specimen:
    """A subset TrueType font with its /ToUnicode removed: the page shows text, extraction decodes nothing useful."""
    import pikepdf

    spec = rl_ttf(folder)
    p = folder / "no_tounicode.pdf"
    with pikepdf.open(spec.path) as pdf:
        for page in pdf.pages:
            for _name, font in page.obj.Resources.Font.items():
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
        pdf.save(p)
    return Specimen("no_tounicode", p, spec.values, [], unread=True, redactable=False)


def one_digit_unmapped(folder: Path) -> Specimen:
    """The ToUnicode map sends one digit, 7, to a private-use code: every number with a 7 has a glyph
    that means nothing in the text layer (the page still shows a 7)."""
    import re

    import pikepdf

    spec = rl_ttf(folder)
    p = folder / "one_digit_unmapped.pdf"
    with pikepdf.open(spec.path) as pdf:
        for _name, font in pdf.pages[0].obj.Resources.Font.items():
            tu = font.get("/ToUnicode")
            if tu is None:
                continue
            cmap = tu.read_bytes()
            entries = re.findall(rb"<([0-9A-Fa-f]{2})> <0037>\n", cmap)
            if entries:
                cmap = cmap.replace(b"<" + entries[0] + b"> <0037>", b"<" + entries[0] + b"> <E000>")
                font.ToUnicode = pdf.make_stream(cmap)
        pdf.save(p)
    return Specimen("one_digit_unmapped", p, spec.values, [], unread=True, redactable=False)


def postscript_round_trip(folder: Path) -> Specimen:
    """pdftops then ps2pdf, as "print to PDF" drivers do: fonts lose their ToUnicode."""
    pdftops, ps2pdf = need("pdftops"), need("ps2pdf")
    spec = rl_ttf(folder)
    ps, p = folder / "round_trip.ps", folder / "round_trip.pdf"
    subprocess.run([pdftops, str(spec.path), str(ps)], check=True, capture_output=True, timeout=120)
    subprocess.run([ps2pdf, str(ps), str(p)], check=True, capture_output=True, timeout=120)
    return Specimen("postscript_round_trip", p, spec.values, [], unread=True, redactable=False)


def outlined_text(folder: Path) -> Specimen:
    """Ghostscript with -dNoOutputFonts: every glyph becomes a vector path (no text at all)."""
    gs = need("gs")
    spec = rl_cid(folder)
    p = folder / "outlined.pdf"
    _need_cjk_rendering()
    subprocess.run([gs, "-q", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dNoOutputFonts", f"-sOutputFile={p}",
                    str(spec.path)], check=True, capture_output=True, timeout=120)
    return Specimen("outlined", p, spec.values, [], unread=True, redactable=False)


def digits_as_paths(folder: Path) -> Specimen:
    """A text page with a mobile number drawn as filled glyph outlines (vector paths) beside the text."""
    try:
        from matplotlib.path import Path as MPath
        from matplotlib.textpath import TextPath
    except ImportError:
        raise Missing("matplotlib is not installed") from None
    from reportlab.pdfgen import canvas

    rng = random.Random(101)
    mob = synth.mobile_number(rng)
    p = folder / "digits_as_paths.pdf"
    c = canvas.Canvas(str(p))
    c.setFont(_rl_font("cid"), 12)
    c.drawString(72, 760, TITLE + "（联系方式见下）")
    tp = TextPath((0, 0), mob, size=14)
    path = c.beginPath()
    cur = start = (0.0, 0.0)
    for verts, code in tp.iter_segments():
        pts = [(72 + verts[i], 700 + verts[i + 1]) for i in range(0, len(verts), 2)]
        if code == MPath.MOVETO:
            path.moveTo(*pts[0])
            cur = start = pts[0]
        elif code == MPath.LINETO:
            path.lineTo(*pts[0])
            cur = pts[0]
        elif code == MPath.CURVE3:  # quadratic: the same curve as a cubic
            (qx, qy), (ex, ey) = pts
            (x0, y0) = cur
            path.curveTo(x0 + 2 / 3 * (qx - x0), y0 + 2 / 3 * (qy - y0),
                         ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey), ex, ey)
            cur = (ex, ey)
        elif code == MPath.CURVE4:
            path.curveTo(*pts[0], *pts[1], *pts[2])
            cur = pts[2]
        elif code == MPath.CLOSEPOLY:
            path.close()
            cur = start
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return Specimen("digits_as_paths", p, {"CN_MOBILE": [mob]}, [TITLE], unread=True, redactable=False)


# --- images ------------------------------------------------------------------------

def _need_cjk_rendering() -> None:
    if not any(p.exists() for p in CJK_TTF):
        raise Missing("rendering STSong-Light needs a CJK system font (Debian fonts-wqy-zenhei)")


def render(path: Path, index: int = 0, dpi: int = 150):
    import pypdfium2

    _need_cjk_rendering()
    doc = pypdfium2.PdfDocument(str(path))
    try:
        return doc[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def image_only(folder: Path) -> Specimen:
    """A scan: the page is one image, no text layer at all."""
    spec = rl_cid_variant(folder, "image_only_src", seed=111)
    img = render(spec.path)
    p = folder / "image_only.pdf"
    img.save(p, "PDF", resolution=150)
    return Specimen("image_only", p, spec.values, [], unread=True, redactable=False)


def searchable_scan(folder: Path, fmt: str = "jpeg") -> Specimen:
    """An image of the page with the same text drawn invisibly on top (3 Tr), as ocrmypdf writes it."""
    import pikepdf

    spec = rl_cid_variant(folder, f"scan_{fmt}_src", seed=121 if fmt == "jpeg" else 122)
    img = render(spec.path)
    p = folder / f"searchable_{fmt}.pdf"
    with pikepdf.open(spec.path) as pdf:
        page = pdf.pages[0]
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        if fmt == "jpeg":
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=90)
            image = pdf.make_stream(buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                    Width=img.width, Height=img.height, ColorSpace=pikepdf.Name.DeviceGray,
                                    BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
        else:
            import zlib

            image = pdf.make_stream(zlib.compress(img.tobytes()), Type=pikepdf.Name.XObject,
                                    Subtype=pikepdf.Name.Image, Width=img.width, Height=img.height,
                                    ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                                    Filter=pikepdf.Name.FlateDecode)
        res = page.obj.Resources
        if "/XObject" not in res:
            res.XObject = pikepdf.Dictionary()
        res.XObject.Scan0 = image
        old = b"".join(s.read_bytes() for s in (page.obj.Contents if isinstance(page.obj.Contents, pikepdf.Array)
                                                  else [page.obj.Contents]))
        # The ruling lines and text of the original become the image; only invisible text stays on top.
        text_only = _text_objects_only(old)
        page.obj.Contents = pdf.make_stream(
            f"q {w} 0 0 {h} 0 0 cm /Scan0 Do Q\n".encode() + b"3 Tr\n" + text_only)
        pdf.save(p)
    return Specimen(f"searchable_{fmt}", p, spec.values, spec.keep)


def _text_objects_only(content: bytes) -> bytes:
    """The BT…ET blocks of a content stream (with the graphics state around them kept balanced)."""
    import pikepdf

    out = []
    depth = 0
    scratch = pikepdf.new()
    for operands, op in pikepdf.parse_content_stream(pikepdf.Stream(scratch, content)):
        name = str(op)
        if name == "BT":
            depth = 1
        if depth or name in ("q", "Q", "cm"):
            out.append(pikepdf.ContentStreamInstruction(operands, op))
        if name == "ET":
            depth = 0
    return pikepdf.unparse_content_stream(out)


def image_on_text_page(folder: Path) -> Specimen:
    """A text page with a picture of an ID number on it (no text layer over the picture)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(131)
    id_ = synth.resident_id_number(rng)
    img = Image.new("L", (600, 60), 255)
    try:
        font = ImageFont.truetype(str(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")), 36)
    except OSError:
        font = ImageFont.load_default()
    ImageDraw.Draw(img).text((10, 10), id_, fill=0, font=font)
    p = folder / "image_on_text.pdf"
    c = canvas.Canvas(str(p))
    c.setFont(_rl_font("cid"), 12)
    c.drawString(72, 760, TITLE + "：身份证复印件如下")
    c.drawImage(ImageReader(img), 72, 680, width=300, height=30)
    c.showPage()
    c.save()
    return Specimen("image_on_text", p, {"CN_RESIDENT_ID": [id_]}, [TITLE], unread=True, redactable=False)


# --- a row split by a page break ------------------------------------------------------

def split_row(folder: Path) -> Specimen:
    """A ruled table whose last row on page 1 goes on at the top of page 2, as Word and WPS print it.

    The ID column is narrow so IDs wrap over two lines in their cell; the row at
    the break has its first line (12 digits) on page 1 and the rest (6 digits) on
    page 2, in a continuation row with no row number.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _rl_font("cid")
    rows = people(14, seed=141)
    widths = [30, 60, 70, 80, 110, 60]
    xs = [40]
    for w in widths:
        xs.append(xs[-1] + w)
    size, lh = 9, 11
    p = folder / "split_row.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)

    def cells_of(row: list[str]) -> list[list[str]]:
        out = []
        for i, v in enumerate(row):
            if i in (2, 4) and len(v) > 12:
                out.append([v[:12], v[12:]])  # wrapped in a narrow cell
            else:
                out.append([v])
        return out

    def draw_row(y_top: float, lines_per_cell: list[list[str]], height: float) -> None:
        for i, lines in enumerate(lines_per_cell):
            for k, line in enumerate(lines):
                c.drawString(xs[i] + 2, y_top - (k + 1) * lh + 2, line)
        c.line(xs[0], y_top - height, xs[-1], y_top - height)
        for x in xs:
            c.line(x, y_top, x, y_top - height)

    def start_page(y: float) -> float:
        c.setFont(font, size)
        c.setLineWidth(0.5)
        c.line(xs[0], y, xs[-1], y)
        return y

    c.setFont(font, 12)
    c.drawString(40, 800, TITLE)
    y = start_page(780)
    draw_row(y, [[h] for h in HEADER], lh + 4)
    y -= lh + 4
    split_at = 9  # this row breaks over the page
    for n, row in enumerate(rows):
        cells = cells_of(row)
        height = max(len(x) for x in cells) * lh + 4
        if n == split_at:
            first = [x[:1] for x in cells]
            rest = [x[1:] for x in cells]
            rest[0] = []  # the continuation carries no row number
            draw_row(y, first, lh + 4)
            c.showPage()
            y = start_page(800)
            draw_row(y, rest, lh + 4)
            y -= lh + 4
            continue
        if n == split_at - 1:
            # leave just room for one line of the next row at the bottom of page 1
            pass
        draw_row(y, cells, height)
        y -= height
        if n == split_at - 1:
            y = min(y, 60)  # jump to the bottom of the page so the next row must break
            c.line(xs[0], y, xs[-1], y)
    c.showPage()
    c.save()
    return Specimen("split_row", p, table_values(rows), [TITLE, "户主姓名"])


# --- parts beyond the pages (issue 15) ----------------------------------------------------

def _stsong_font(pdf):
    """The STSong-Light font dictionary of a reportlab page (to draw appearance streams with)."""
    for page in pdf.pages:
        for _name, font in page.obj.Resources.Font.items():
            if "STSong" in str(font.get("/BaseFont", "")):
                return font
    raise AssertionError("no STSong-Light font")


def _ucs2(text: str) -> str:
    return text.encode("utf-16-be").hex()


def _appearance(pdf, font, text: str, width: float = 300, height: float = 20):
    import pikepdf

    content = f"BT /F0 10 Tf 2 5 Td <{_ucs2(text)}> Tj ET".encode()
    return pdf.make_stream(content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, width, height],
                           Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F0=font)))


def hidden_parts(folder: Path) -> Specimen:
    """A clean notice whose personal information sits only in the parts beyond its page text.

    Metadata (document info and XMP), a text annotation, a free-text annotation
    whose appearance stream draws a value, a form field named 身份证号 with its
    widget's appearance, a bookmark, a page label, a link URI, JavaScript, an
    embedded CSV, and an old revision (an incremental update that removed a line
    from the page). ``parts`` says which values sit where.
    """
    import pikepdf
    from reportlab.pdfgen import canvas

    rng = random.Random(151)
    v = {k: synth.mobile_number(rng) for k in ("info", "xmp", "annot", "freetext", "outline", "label", "link", "js")}
    ids = {k: synth.resident_id_number(rng) for k in ("info", "field", "embedded", "revision")}
    author = synth.person_name(rng)
    base = folder / "hidden_base.pdf"
    c = canvas.Canvas(str(base), pageCompression=0)
    c.setFont(_rl_font("cid"), 12)
    c.drawString(72, 760, TITLE)
    c.drawString(72, 730, f"备注：身份证号 {ids['revision']}")  # removed by the update below
    c.showPage()
    c.save()
    mid = folder / "hidden_mid.pdf"
    with pikepdf.open(base) as pdf:
        font = _stsong_font(pdf)
        page = pdf.pages[0]
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:description"] = f"联系电话 {v['xmp']}"
        pdf.docinfo["/Author"] = author
        pdf.docinfo["/Subject"] = f"经办人电话 {v['info']}，身份证 {ids['info']}"
        annots = pikepdf.Array()
        annots.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[72, 600, 92, 620],
            Contents=pikepdf.String(f"请回电 {v['annot']}"), T=pikepdf.String("审核人"))))
        annots.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[72, 560, 372, 580],
            Contents=pikepdf.String("见附注"), DA=pikepdf.String("/F0 10 Tf 0 g"),
            AP=pikepdf.Dictionary(N=_appearance(pdf, font, f"手机 {v['freetext']}")))))
        annots.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 520, 272, 540],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(f"tel:%2B86{v['link']}")))))
        field_ = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, Rect=[72, 480, 372, 500],
            T=pikepdf.String("身份证号"), V=pikepdf.String(ids["field"]), P=page.obj,
            AP=pikepdf.Dictionary(N=_appearance(pdf, font, ids["field"]))))
        annots.append(field_)
        page.obj.Annots = annots
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field_]), DA=pikepdf.String("/F0 10 Tf 0 g"))
        outline = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(f"联系人 {v['outline']}"),
                                                       Dest=pikepdf.Array([page.obj, pikepdf.Name.Fit])))
        outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=outline, Last=outline,
                                                        Count=1))
        outline.Parent = outlines
        pdf.Root.Outlines = outlines
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([0, pikepdf.Dictionary(
            S=pikepdf.Name.D, P=pikepdf.String(f"{v['label']}-"))]))
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                  JS=pikepdf.String(f'app.alert("值班电话 {v["js"]}");')))
        csv = f"户主姓名,身份证号码\n{author},{ids['embedded']}\n".encode("utf-8")
        ef = pdf.make_stream(csv, Type=pikepdf.Name.EmbeddedFile)
        spec = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("名单.csv"),
                                                    UF=pikepdf.String("名单.csv"), EF=pikepdf.Dictionary(F=ef)))
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), js])),
            EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("名单.csv"), spec])))
        pdf.save(mid, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    p = folder / "hidden_parts.pdf"
    with pikepdf.open(mid) as pdf:
        name = next(str(k) for k, f in pdf.pages[0].obj.Resources.Font.items() if "STSong" in str(f.BaseFont))
    _incremental_update(mid, p, f"BT {name} 12 Tf 72 760 Td <{_ucs2(TITLE)}> Tj ET")
    parts = {"metadata": [v["info"], ids["info"], v["xmp"]], "annotation": [v["annot"]],
             "annotation appearance": [v["freetext"]], "link": [v["link"]], "form field": [ids["field"]],
             "outline": [v["outline"]], "page label": [v["label"]], "javascript": [v["js"]],
             "embedded file": [ids["embedded"]], "old revision": [ids["revision"]]}
    parts["metadata"].append(author)  # /Author is a person's name
    values = {"CN_MOBILE": [x for x in v.values()], "CN_RESIDENT_ID": list(ids.values()), "PERSON_NAME": [author]}
    return Specimen("hidden_parts", p, values, [TITLE], parts=parts)


def _incremental_update(src: Path, dst: Path, new_content: str) -> None:
    """Append an update that gives page 1 new content, as Acrobat's "save" does: the old stays in the file."""
    import pikepdf

    data = src.read_bytes()
    with pikepdf.open(src) as pdf:
        page = pdf.pages[0].obj
        page_num = page.objgen[0]
        size = int(pdf.trailer.Size)
        root = pdf.Root.objgen[0]
        info = pdf.trailer.get("/Info")
        info_ref = f" /Info {info.objgen[0]} 0 R" if info is not None else ""
        items = {str(k): v for k, v in page.items() if k != "/Contents"}
        # The page dictionary again, with the new content.
        body = " ".join(f"{k} {_unparse(v)}" for k, v in items.items())
    prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
    content = new_content.encode()
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    off_content = len(out)
    out += f"{size} 0 obj\n<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream\nendobj\n"
    off_page = len(out)
    out += f"{page_num} 0 obj\n<< {body} /Contents {size} 0 R >>\nendobj\n".encode()
    xref = len(out)
    out += (f"xref\n{page_num} 1\n{off_page:010d} 00000 n \n{size} 1\n{off_content:010d} 00000 n \n"
            f"trailer\n<< /Size {size + 1} /Root {root} 0 R{info_ref} /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    dst.write_bytes(bytes(out))


def _unparse(v) -> str:
    import pikepdf

    if isinstance(v, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and v.is_indirect:
        return f"{v.objgen[0]} {v.objgen[1]} R"
    return v.unparse().decode("latin-1") if hasattr(v, "unparse") else str(v)


# --- the whole zoo ---------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Path], Specimen]] = {
    "rl_cid": rl_cid,
    "rl_ttf": rl_ttf,
    "rl_long": rl_long,
    "fpdf2": fpdf2_table,
    "matplotlib3": lambda f: matplotlib_text(f, 3),
    "matplotlib42": lambda f: matplotlib_text(f, 42),
    "rotate90": rotate90,
    "rotated_form": rotated_form,
    "rotate90_upright": rotate90_upright,
    "split_row": split_row,
    "searchable_jpeg": lambda f: searchable_scan(f, "jpeg"),
    "searchable_flate": lambda f: searchable_scan(f, "flate"),
    "no_tounicode": no_tounicode,
    "one_digit_unmapped": one_digit_unmapped,
    "postscript_round_trip": postscript_round_trip,
    "outlined": outlined_text,
    "digits_as_paths": digits_as_paths,
    "image_only": image_only,
    "image_on_text": image_on_text_page,
    "hidden_parts": hidden_parts,
    "libreoffice_docx": lambda f: libreoffice(f, "docx"),
    "libreoffice_xlsx": lambda f: libreoffice(f, "xlsx"),
}


def build(name: str, folder: Path) -> Specimen:
    sub = folder / name
    sub.mkdir(parents=True, exist_ok=True)
    return BUILDERS[name](sub)
