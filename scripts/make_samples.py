#!/usr/bin/env python3
"""Generate the synthetic sample documents in ``samples/`` (every value is invented).

A 乐安-style 农机购置补贴公示 (farm-machinery subsidy notice) — the kind of
document that leaked 1,044 farmers' names, IDs, addresses, bank accounts and
phones in 2020 — in every format piiscan reads, plus a clean document.
``samples/planted.json`` lists what each sample plants so tests can check that
all of it is found and nothing else.

``registrations.csv`` / ``registrations.txt``: a registration list of people
from Hong Kong, Macao and Taiwan and abroad, with their documents, vehicles
and devices — the identifiers piiscan knows since the entity registry (issue
14), as a table and as running text (``planted.json``, key ``registrations``).

    python3 scripts/make_samples.py [--out samples] [--rows 30]
"""
from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import random
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piiscan import synth  # noqa: E402
from piiscan.validators import bank_card, resident_id  # noqa: E402

HEADER = ["序号", "户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话",
          "机具品目", "型号", "出厂编号", "补贴金额", "购机日期"]
PERSONAL = {"户主姓名": "PERSON_NAME", "身份证号码": "CN_RESIDENT_ID", "家庭住址": "CN_ADDRESS",
            "银行账号": "BANK_CARD", "联系电话": "PHONE"}
TITLE = "乐安县2020年农机购置补贴资金兑付情况公示（第三批）"
INTRO = ("根据《2018—2020年农业机械购置补贴实施指导意见》要求，现将我县2020年第三批农机购置补贴"
         "资金兑付情况予以公示，公示期为7天。如有异议，请向县农业农村局反映。")
TOWNS = ["鳌溪镇", "公溪镇", "山砀镇", "龚坊镇", "戴坊镇", "牛田镇", "万崇镇", "增田镇", "招携镇", "湖坪乡", "南村乡", "金竹畲族乡"]
VILLAGE = "湖溪坪上下东石桥新塘岭坑田洲山头源"
MACHINES = [("轮式拖拉机", "LX904", 18000), ("谷物联合收割机", "4LZ-5.0E", 26000), ("旋耕机", "1GKN-200", 1400),
            ("插秧机", "2ZGQ-6D", 9800), ("植保无人机", "3WWDZ-20A", 6500), ("微耕机", "1WG4.0-95", 800)]


def records(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(1, n + 1):
        if i % 3 == 1:
            account = synth.bank_card_number(rng, 19, "622848")  # Luhn-valid UnionPay debit card
        else:
            while True:  # a non-Luhn 一卡通 / rural credit account, never accidentally an ID
                account = synth.bank_account_number(rng, 18)
                if not resident_id.is_valid(account) and not bank_card.is_valid(account):
                    break
        phone = synth.mobile_number(rng) if i % 5 else f"0794-{rng.randrange(5, 9)}{rng.randrange(10**5, 10**6):06d}"
        village = "".join(rng.choice(VILLAGE) for _ in range(2)) + "村"
        # Every other address is bare (镇+村+组, as notices print it): found only under 家庭住址.
        address = f"{rng.choice(TOWNS)}{village}{rng.randrange(1, 12)}组"
        if i % 2 == 0:
            address = "江西省抚州市乐安县" + address
        if i % 4 == 0:
            address += f"{rng.randrange(1, 80)}号"
        machine, model, price = rng.choice(MACHINES)
        out.append({
            "序号": i,
            "户主姓名": synth.person_name(rng),
            "身份证号码": synth.resident_id_number(rng, region="361025"),
            "家庭住址": address,
            "银行账号": account,
            "联系电话": phone,
            "机具品目": machine,
            "型号": model,
            # Factory serials are long digit runs on purpose: they must produce nothing.
            "出厂编号": "".join(str(rng.randrange(10)) for _ in range(16)),
            "补贴金额": price,
            "购机日期": (datetime.date(2020, 3, 1) + datetime.timedelta(days=rng.randrange(200))).isoformat(),
        })
    return out


def rows_of(recs: list[dict]) -> list[list]:
    return [[r[h] for h in HEADER] for r in recs]


def contact(rng: random.Random) -> dict:
    return {"name": synth.person_name(rng), "mobile": synth.mobile_number(rng), "landline": "0794-5" + f"{rng.randrange(10**5, 10**6):06d}"}


def write_txt(path: Path, recs: list[dict], who: dict) -> None:
    lines = [TITLE, "", INTRO, ""]
    for r in recs:
        lines.append("　".join(f"{h}：{r[h]}" + ("元" if h == "补贴金额" else "") for h in HEADER))
    lines += ["", f"监督电话：{who['landline']}", f"经办人：{who['name']}，手机：{who['mobile']}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, recs: list[dict], encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows_of(recs))
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, recs: list[dict], lost: list[str]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    half = len(recs) // 2
    for title, part in (("第一批", recs[:half]), ("第二批", recs[half:])):
        ws = wb.active if title == "第一批" else wb.create_sheet(title)
        ws.title = title
        ws.append([TITLE])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        ws.append(HEADER)
        for row in rows_of(part):
            ws.append(row)  # IDs/accounts as text (how a careful clerk stores them)
    ws = wb.create_sheet("汇总")  # a non-personal sheet
    ws.append(["机具品目", "台数", "补贴金额"])
    for m, _, price in MACHINES:
        ws.append([m, 3, price * 3])
    ws = wb.create_sheet("数字格式")  # IDs typed as numbers: Excel kept 15 digits
    ws.append(["序号", "姓名", "身份证号码"])
    for i, id_ in enumerate(lost, 1):
        ws.append([i, f"样本{i}", float(id_)])
    wb.save(path)


def write_xls(path: Path, recs: list[dict]) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("公示名单")
    ws.write(0, 0, TITLE)
    for c, h in enumerate(HEADER):
        ws.write(1, c, h)
    for r, row in enumerate(rows_of(recs), 2):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.save(str(path))


def write_pdf(path: Path, recs: list[dict], who: dict) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=14, leading=20)
    data = [[Paragraph(h, cell) for h in HEADER]]
    for row in rows_of(recs):
        data.append([Paragraph(str(v), cell) for v in row])
    # 家庭住址 is narrow so longer addresses wrap over two lines in their cell.
    widths = [x * mm for x in (9, 16, 36, 30, 38, 25, 24, 20, 32, 16, 21)]
    # repeatRows=0: the table goes on over the next page without its header, as many notices do.
    table = Table(data, colWidths=widths, repeatRows=0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [Paragraph(TITLE, head), Paragraph(INTRO, body), Spacer(1, 6), table, Spacer(1, 8),
             Paragraph(f"监督电话：{who['landline']}　　经办人：{who['name']}　手机：{who['mobile']}", body)]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                      topMargin=12 * mm, bottomMargin=12 * mm, title="农机购置补贴公示").build(story)


def write_scanned_pdf(path: Path) -> None:
    """Page 1 has text; page 2 is only an image (a scan): must be reported, not skipped."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "附件：补贴对象名单（扫描件见下页）")
    c.showPage()
    img = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(img).rectangle((20, 20, 380, 180), outline=0)
    c.drawImage(ImageReader(img), 72, 500, width=400, height=200)
    c.showPage()
    c.save()


def write_docx(path: Path, recs: list[dict], who: dict) -> None:
    import docx

    d = docx.Document()
    sec = d.sections[0]
    sec.header.paragraphs[0].text = f"乐安县农业农村局　监督电话：{who['landline']}"
    sec.footer.paragraphs[0].text = f"经办人：{who['name']}　手机：{who['mobile']}"
    d.add_heading(TITLE, level=1)
    d.add_paragraph(INTRO)
    t = d.add_table(rows=1, cols=len(HEADER))
    t.style = "Table Grid"
    for c, h in enumerate(HEADER):
        t.rows[0].cells[c].text = h
    for row in rows_of(recs):
        cells = t.add_row().cells
        for c, v in enumerate(row):
            cells[c].text = str(v)
    d.add_paragraph("公示期满无异议的，将按规定兑付补贴资金。")
    d.save(path)


def write_html(path: Path, recs: list[dict], who: dict, backup: str) -> None:
    """The notice as a GBK page; ``backup`` (a mobile) only in a comment, which is published too."""
    trs = "\n".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows_of(recs))
    html = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{TITLE}</title>
<style>td {{ border: 1px solid #000 }} /* 13800138000 in a style is not text */</style>
<script>var hotline = "13800138000"; // scripts are not page text</script>
</head><body>
<div class="title"><h2>{TITLE}</h2></div>
<p>{INTRO}</p>
<table border="1"><thead><tr>{''.join(f'<th>{h}</th>' for h in HEADER)}</tr></thead>
<tbody>
{trs}
</tbody></table>
<p>监督电话：{who['landline']}</p><p>经办人：{who['name']}<br>手机：{who['mobile']}</p>
<!-- 备份联系人 {backup} : comments are published with the page source -->
</body></html>
"""
    path.write_bytes(html.encode("gbk"))


def write_clean(out: Path) -> None:
    text = ("乐安县2021年农机购置补贴实施方案（摘要）\n\n"
            "一、补贴范围：轮式拖拉机、谷物联合收割机、旋耕机、插秧机、植保无人机等15大类。\n"
            "二、补贴标准：轮式拖拉机（LX904）单台补贴18000元，谷物联合收割机（4LZ-5.0E）26000元。\n"
            "三、办理时间：2021年3月1日至2021年11月30日，政务服务热线12345。\n"
            "四、出厂编号 2020123456789012 的机具已完成核验，批准文号 赣农机〔2021〕15号。\n"
            "五、资金总额 13800000000.00 元，订单号 202103010000123456。\n")
    (out / "clean_policy.txt").write_text(text, encoding="utf-8")
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "补贴标准"
    ws.append(["序号", "机具品目", "型号", "出厂编号", "补贴金额", "购机日期"])
    for i, (m, model, price) in enumerate(MACHINES, 1):
        ws.append([i, m, model, f"2020{i:012d}", price, datetime.date(2021, 3, i)])
    wb.save(out / "clean_machinery.xlsx")


# Registration list: header -> entity type (the table), and how the text version labels each value.
REG_COLUMNS = {
    "姓名": "PERSON_NAME", "护照号码": "CN_PASSPORT", "回乡证号": "CN_HOME_RETURN_PERMIT",
    "台胞证号码": "CN_TW_COMPATRIOT_PERMIT", "往来港澳通行证号码": "CN_EXIT_ENTRY_PERMIT",
    "香港身份证号码": "HK_ID", "台湾身份证号码": "TW_ID", "澳门身份证": "MO_ID", "残疾人证号": "CN_DISABILITY_CERT",
    "车牌号码": "CN_PLATE", "车架号": "CN_VIN", "IMEI": "IMEI", "登录IP": "IP_ADDRESS", "MAC地址": "MAC_ADDRESS",
    "QQ号": "QQ_NUMBER", "微信号": "WECHAT_ID",
}
REG_HEADER = ["序号", *REG_COLUMNS, "登记日期"]
REG_TITLE = "2021年第二季度来访人员及车辆登记表"


def registrations(rng: random.Random, n: int) -> list[dict]:
    """Records with one value of each identifier type (all invented; check characters valid)."""
    out = []
    for i in range(1, n + 1):
        digits = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
        macau = f"{rng.choice('157')}{digits(6)}"
        out.append({
            "序号": i,
            "姓名": synth.person_name(rng),
            "护照号码": synth.passport_number(rng),
            "回乡证号": rng.choice("HM") + digits(8),
            "台胞证号码": digits(8),
            "往来港澳通行证号码": "C" + digits(8),
            "香港身份证号码": _bracketed(synth.hk_id_number(rng)),
            "台湾身份证号码": synth.tw_id_number(rng),
            "澳门身份证": f"{macau}({rng.randrange(10)})",
            "残疾人证号": synth.disability_cert_number(rng),
            "车牌号码": synth.plate_number(rng),
            "车架号": synth.vin_number(rng),
            "IMEI": synth.imei_number(rng),
            "登录IP": f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "MAC地址": ":".join(f"{rng.randrange(256):02X}" for _ in range(6)),
            "QQ号": str(rng.randrange(10**7, 10**10)),
            "微信号": "wx_" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(6)) + digits(2),
            "登记日期": (datetime.date(2021, 4, 1) + datetime.timedelta(days=rng.randrange(90))).isoformat(),
        })
    return out


def _bracketed(hkid: str) -> str:
    return f"{hkid[:-1]}({hkid[-1]})"


def write_registrations(out: Path, regs: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(REG_HEADER)
    w.writerows([[r[h] for h in REG_HEADER] for r in regs])
    (out / "registrations.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))
    lines = [REG_TITLE, ""]
    for r in regs:
        lines.append("；".join(f"{h}：{r[h]}" for h in REG_HEADER) + "。")
    (out / "registrations.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def planted_registrations(regs: list[dict]) -> dict:
    by_type: dict[str, list[str]] = {}
    for r in regs:
        for col, t in REG_COLUMNS.items():
            by_type.setdefault(t, []).append(str(r[col]))
    return by_type


def planted(recs: list[dict], who: dict) -> dict:
    by_type: dict[str, list[str]] = {}
    for r in recs:
        for col, t in PERSONAL.items():
            value = str(r[col])
            if t == "PHONE":
                t = "CN_LANDLINE" if value.startswith("0") else "CN_MOBILE"
            by_type.setdefault(t, []).append(value)
    return {"table": by_type, "contact": who, "non_personal_columns": ["序号", "机具品目", "型号", "出厂编号", "补贴金额", "购机日期"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "samples"))
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--with-scanned", action="store_true",
                    help="also write attachment_scanned.pdf (a page with no text layer; redact refuses it)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    recs = records(rng, args.rows)
    who = contact(rng)
    # IDs typed into Excel as numbers (an X-final ID would stay text, so none here).
    lost = []
    while len(lost) < 5:
        id_ = synth.resident_id_number(rng, region="361025")
        if id_[-1] != "X":
            lost.append(id_)
    # Drawn last, so every value above stays what it was before the HTML comment was planted.
    mobiles = set(planted(recs, who)["table"].get("CN_MOBILE", [])) | {who["mobile"]}
    backup = synth.mobile_number(rng)
    while backup in mobiles:
        backup = synth.mobile_number(rng)

    write_txt(out / "notice.txt", recs, who)
    write_csv(out / "notice_utf8.csv", recs, "utf-8-sig")
    write_csv(out / "notice_gbk.csv", recs, "gbk")
    write_xlsx(out / "notice.xlsx", recs, lost)
    write_xls(out / "notice.xls", recs)
    write_pdf(out / "notice.pdf", recs, who)
    if args.with_scanned:
        # Not in the bundled samples: `piiscan redact samples/` must succeed, and
        # a page with no text layer cannot be redacted without OCR.
        write_scanned_pdf(out / "attachment_scanned.pdf")
    write_docx(out / "notice.docx", recs, who)
    write_html(out / "notice.html", recs, who, backup)
    write_clean(out)
    # Drawn after everything above, so the notices' values stay what they were.
    regs = registrations(rng, 8)
    write_registrations(out, regs)
    with zipfile.ZipFile(out / "notices.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("notice_gbk.csv", "notice.docx", "clean_policy.txt"):
            z.write(out / name, f"2020/{name}")
    info = planted(recs, who)
    info["lost_digit_ids"] = lost
    info["html_comment"] = {"mobile": backup}  # notice.html only
    info["registrations"] = planted_registrations(regs)  # registrations.csv and .txt
    (out / "planted.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # The answer key lists every planted value: `piiscan scan samples/` must not report it.
    (out / ".piiscanignore").write_text("# the answer key, not a sample\nplanted.json\n", encoding="utf-8")
    print(f"wrote {len(list(out.iterdir()))} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
