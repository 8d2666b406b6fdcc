"""Generated Word and Excel files with a value planted in one hidden place each (never binaries in the repo).

Every value is synthetic (piiscan.synth). The builders start from a file
python-docx or openpyxl writes and patch its parts, as another program
(Word, WPS, a template engine) would have written them.
"""
from __future__ import annotations

import io
import struct
import urllib.parse
import zipfile
import zlib
from pathlib import Path
from typing import Callable

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def patch(data: bytes, edit: dict[str, Callable[[bytes], bytes]] | None = None,
          add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """A copy of a zip with some parts edited, added or dropped."""
    edit, add = edit or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            if item.filename in drop:
                continue
            body = zin.read(item)
            if item.filename in edit:
                body = edit[item.filename](body)
            z.writestr(item.filename, body)
        for name, body in add.items():
            z.writestr(name, body)
    return out.getvalue()


def add_rel(part_rels: str, rid: str, rel_type: str, target: str, external: bool = False) -> Callable[[bytes], bytes]:
    mode = ' TargetMode="External"' if external else ""
    target = target.replace("&", "&amp;")

    def edit(body: bytes) -> bytes:
        return body.replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"{mode}/>'
                            "</Relationships>".encode())
    return edit


def add_override(part: str, content_type: str) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        return body.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'.encode())
    return edit


def add_default(ext: str, content_type: str) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        if f'Extension="{ext}"'.encode() in body:
            return body
        return body.replace(b"<Override", f'<Default Extension="{ext}" ContentType="{content_type}"/><Override'.encode(), 1)
    return edit


def chain(*edits: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        for e in edits:
            body = e(body)
        return body
    return edit


def in_body(xml: str) -> Callable[[bytes], bytes]:
    """Insert body XML before the section properties."""
    def edit(body: bytes) -> bytes:
        return body.replace(b"<w:sectPr", xml.encode() + b"<w:sectPr", 1)
    return edit


def base_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("乐安县2020年农机购置补贴公示")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def base_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示"
    ws.append(["序号", "补贴金额"])
    ws.append([1, 1200])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_with_phone(value: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "联系电话"])
    ws.append(["户主", value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_with_phone(value: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(f"联系电话：{value}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_DGM = "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"


def docx_hidden(kind: str, v: str) -> bytes:
    """A .docx whose only copy of ``v`` (a mobile number) is in the place ``kind``."""
    base = base_docx()
    doc, rels, ct = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
    pv = "".join(f"%{b:02X}" for b in v.encode())
    if kind == "core title":
        return patch(base, {"docProps/core.xml": lambda b: b.replace(
            b"</cp:coreProperties>", f"<dc:title>联系电话 {v}</dc:title></cp:coreProperties>".encode())})
    if kind == "core category":
        return patch(base, {"docProps/core.xml": lambda b: b.replace(
            b"</cp:coreProperties>", f"<cp:category>{v}</cp:category></cp:coreProperties>".encode())})
    if kind == "app company":
        return patch(base, {"docProps/app.xml": lambda b: b.replace(
            b"</Properties>", f"<Company>联系电话{v}</Company></Properties>".encode())})
    if kind == "custom property":
        custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                  'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                  '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="联系电话">'
                  f"<vt:lpwstr>{v}</vt:lpwstr></property></Properties>")
        return patch(base, {ct: add_override("docProps/custom.xml", CT_CUSTOM),
                            "_rels/.rels": add_rel("", "rId90", f"{REL}/custom-properties", "docProps/custom.xml")},
                     {"docProps/custom.xml": custom.encode()})
    if kind == "docVars":
        return patch(base, {"word/settings.xml": lambda b: b.replace(
            b"</w:settings>", f'<w:docVars><w:docVar w:name="tel" w:val="{v}"/></w:docVars></w:settings>'.encode())})
    if kind in ("tel link", "mailto link", "query link", "percent link"):
        target = {"tel link": f"tel:{v}", "mailto link": f"mailto:{v}@example.com",
                  "query link": f"https://www.example.gov.cn/q?mobile={v}&t=1", "percent link": f"tel:{pv}"}[kind]
        return patch(base, {rels: add_rel(rels, "rId91", f"{REL}/hyperlink", target, external=True),
                            doc: in_body('<w:p><w:hyperlink r:id="rId91"><w:r><w:t>联系我们</w:t></w:r></w:hyperlink></w:p>')})
    if kind in ("alt text", "picture"):
        import docx

        d = docx.Document()
        d.add_paragraph("照片")
        # A picture: a strip wide enough to show a table row (a 2×2 one is "too small to show a value").
        d.add_picture(io.BytesIO(png(240, 40) if kind == "picture" else png()))
        buf = io.BytesIO()
        d.save(buf)
        if kind == "picture":
            return buf.getvalue()
        return patch(buf.getvalue(), {doc: lambda b: b.replace(b"<wp:docPr ", f'<wp:docPr descr="联系电话 {v}" '.encode(), 1)})
    if kind == "shape title":
        shape = ('<w:p><w:r><w:pict><v:shape id="s1" style="width:10pt;height:10pt" '
                 f'alt="{v}"><v:textbox/></v:shape></w:pict></w:r></w:p>')
        return patch(base, {doc: in_body(shape)})
    if kind == "chart cache":
        chart = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
                 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich>'
                 f'<a:p><a:r><a:t>联系电话 {v[:4]}</a:t></a:r><a:r><a:t>{v[4:]}</a:t></a:r></a:p></c:rich></c:tx></c:title>'
                 '<c:plotArea><c:barChart><c:ser><c:cat><c:strRef><c:f>Sheet1!$A$2</c:f><c:strCache><c:ptCount val="1"/>'
                 '<c:pt idx="0"><c:v>户主甲</c:v></c:pt></c:strCache></c:strRef></c:cat></c:ser></c:barChart>'
                 '</c:plotArea></c:chart></c:chartSpace>')
        return patch(base, {ct: add_override("word/charts/chart1.xml", CT_CHART),
                            rels: add_rel(rels, "rId92", f"{REL}/chart", "charts/chart1.xml")},
                     {"word/charts/chart1.xml": chart.encode()})
    if kind == "chart value cache":
        chart = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea>'
                 '<c:barChart><c:ser><c:cat><c:strRef><c:f>Sheet1!$A$2</c:f><c:strCache><c:ptCount val="1"/>'
                 f'<c:pt idx="0"><c:v>{v}</c:v></c:pt></c:strCache></c:strRef></c:cat></c:ser></c:barChart>'
                 '</c:plotArea></c:chart></c:chartSpace>')
        return patch(base, {ct: add_override("word/charts/chart1.xml", CT_CHART),
                            rels: add_rel(rels, "rId92", f"{REL}/chart", "charts/chart1.xml")},
                     {"word/charts/chart1.xml": chart.encode()})
    if kind == "smartart":
        data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
                'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="1">'
                f'<dgm:t><a:bodyPr/><a:p><a:r><a:t>联系人电话{v}</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>')
        return patch(base, {ct: add_override("word/diagrams/data1.xml", CT_DGM),
                            rels: add_rel(rels, "rId93", f"{REL}/diagramData", "diagrams/data1.xml")},
                     {"word/diagrams/data1.xml": data.encode()})
    if kind == "embedded workbook":
        return patch(base, {ct: add_default("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                            rels: add_rel(rels, "rId94", f"{REL}/package", "embeddings/Microsoft_Excel_Worksheet.xlsx")},
                     {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx_with_phone(v)})
    if kind == "embedded object":
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + v.encode("utf-16-le")
        obj = ('<w:p><w:r><w:object><v:shape id="o1" style="width:10pt;height:10pt"/>'
               '<o:OLEObject Type="Embed" ProgID="Package" ShapeID="o1" r:id="rId95"/></w:object></w:r></w:p>')
        return patch(base, {ct: add_default("bin", "application/vnd.openxmlformats-officedocument.oleObject"),
                            rels: add_rel(rels, "rId95", f"{REL}/oleObject", "embeddings/oleObject1.bin"),
                            doc: in_body(obj)},
                     {"word/embeddings/oleObject1.bin": ole})
    if kind == "activeX":
        ax = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/'
              'office/2006/activeX" xmlns:r="' + R + '" ax:classid="{8BD21D10-EC42-11CE-9E0D-00AA006002F3}" '
              'ax:persistence="persistStorage" r:id="rId1"/>')
        ax_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="' + PKG_REL + '">'
                   '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary" '
                   'Target="activeX1.bin"/></Relationships>')
        ctl = '<w:p><w:r><w:object><w:control r:id="rId98" w:name="TextBox1" w:shapeid="c1"/></w:object></w:r></w:p>'
        return patch(base, {ct: chain(add_override("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
                                      add_default("bin", "application/vnd.ms-office.activeX")),
                            rels: add_rel(rels, "rId98", f"{REL}/control", "activeX/activeX1.xml"),
                            doc: in_body(ctl)},
                     {"word/activeX/activeX1.xml": ax.encode(), "word/activeX/_rels/activeX1.xml.rels": ax_rels.encode(),
                      "word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0" + v.encode("utf-16-le")})
    if kind in ("altChunk html", "altChunk rtf"):
        ext = "htm" if kind.endswith("html") else "rtf"
        content = (f"<html><body><p>联系电话：{v}</p></body></html>".encode() if ext == "htm"
                   else b"{\\rtf1\\ansi " + v.encode() + b"}")
        return patch(base, {ct: add_default(ext, "text/html" if ext == "htm" else "application/rtf"),
                            rels: add_rel(rels, "rId96", f"{REL}/aFChunk", f"afchunk.{ext}"),
                            doc: in_body('<w:altChunk r:id="rId96"/>')},
                     {f"word/afchunk.{ext}": content})
    if kind == "customXml":
        item = f'<?xml version="1.0" encoding="UTF-8"?><record><name>户主</name><mobile>{v}</mobile></record>'
        return patch(base, {rels: add_rel(rels, "rId97", f"{REL}/customXml", "../customXml/item2.xml")},
                     {"customXml/item2.xml": item.encode()})
    if kind == "form field default":
        ff = ('<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/>'
              f'<w:textInput><w:default w:val="{v}"/></w:textInput></w:ffData></w:fldChar></w:r>'
              '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>见表</w:t></w:r>'
              '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
        return patch(base, {doc: in_body(ff)})
    if kind == "field code":
        fc = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
              f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "tel:{v[:5]}</w:instrText></w:r>'
              f'<w:r><w:instrText xml:space="preserve">{v[5:]}" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>拨打电话</w:t></w:r>'
              '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
        return patch(base, {doc: in_body(fc)})
    if kind in ("fallback only", "text box"):
        choice_text = "" if kind == "fallback only" else f"联系电话 {v}"
        fallback_text = f"联系电话 {v}" if kind == "fallback only" else f"联系电话 {v}"
        box = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="5" name="T"/>'
               '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="x">'
               f'<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{choice_text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
               '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
               f'<v:shape id="t1"><v:textbox><w:txbxContent><w:p><w:r><w:t>{fallback_text}</w:t></w:r></w:p>'
               '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
        return patch(base, {doc: in_body(box)})
    if kind == "thumbnail":
        return base  # python-docx's template carries docProps/thumbnail.jpeg
    raise KeyError(kind)


def unzip_all(data: bytes, prefix: str = "") -> dict[str, bytes]:
    """Every part's decompressed bytes, embedded zips expanded (an independent route: zipfile alone)."""
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            body = z.read(name)
            out[prefix + name] = body
            if body[:2] == b"PK":
                out.update(unzip_all(body, f"{prefix}{name}!"))
    return out


def planted_forms(value: str) -> list[bytes]:
    """The byte forms a planted value can take in a part: UTF-8, UTF-16, percent-encoded."""
    return [value.encode(), value.encode("utf-16-le"), "".join(f"%{b:02X}" for b in value.encode()).encode(),
            urllib.parse.quote(value).encode()]


def parts_holding(path: Path, value: str) -> list[str]:
    return [name for name, body in unzip_all(path.read_bytes()).items()
            if any(form in body for form in planted_forms(value))]


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _workbook():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示"
    ws.append(["序号", "补贴金额"])
    ws.append([1, 1200])
    return wb, ws


def xlsx_hidden(kind: str, v: str) -> bytes:
    """An .xlsx whose only copy of ``v`` (a mobile number) is in the place ``kind``."""
    wb, ws = _workbook()
    ct = "[Content_Types].xml"
    wbrels = "xl/_rels/workbook.xml.rels"
    if kind == "core title":
        wb.properties.title = f"联系电话 {v}"
        return _save(wb)
    if kind == "core category":
        wb.properties.category = v
        return _save(wb)
    if kind == "app company":
        return patch(_save(wb), {"docProps/app.xml": lambda b: b.replace(
            b"</Properties>", f"<Company>联系电话{v}</Company></Properties>".encode())})
    if kind == "custom property":
        from openpyxl.packaging.custom import StringProperty

        wb.custom_doc_props.append(StringProperty(name="联系电话", value=v))
        return _save(wb)
    if kind == "defined name":
        from openpyxl.workbook.defined_name import DefinedName

        wb.defined_names["联系电话"] = DefinedName("联系电话", attr_text=f'"{v}"')
        return _save(wb)
    if kind == "data validation":
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1=f'"户主,{v}"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add("B5")
        return _save(wb)
    if kind in ("tel hyperlink", "query hyperlink"):
        ws["A4"] = "联系我们"
        ws["A4"].hyperlink = f"tel:{v}" if kind == "tel hyperlink" else f"https://www.example.gov.cn/q?m={v}&t=1"
        return _save(wb)
    if kind == "header":
        ws.oddHeader.center.text = f"联系电话 {v}"
        return _save(wb)
    if kind == "footer":
        ws.oddFooter.right.text = f"值班电话{v}"
        return _save(wb)
    if kind == "chart title":
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.title = f"联系电话 {v}"
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
        ws.add_chart(chart, "D2")
        return _save(wb)
    if kind in ("text box", "shape alt text"):
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
        ws.add_chart(chart, "D2")
        shape = ('<twoCellAnchor><from><col>1</col><colOff>0</colOff><row>8</row>'
                 '<rowOff>0</rowOff></from><to><col>4</col><colOff>0</colOff>'
                 '<row>12</row><rowOff>0</rowOff></to><sp macro="" textlink="">'
                 '<nvSpPr><cNvPr id="9" name="TextBox 1" descr="{descr}"/><cNvSpPr txBox="1"/></nvSpPr>'
                 '<spPr><a:prstGeom xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" prst="rect"/></spPr>'
                 '<txBody><a:bodyPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/>'
                 '<a:p xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:r><a:t>{text}</a:t></a:r></a:p>'
                 '</txBody></sp><clientData/></twoCellAnchor>')
        shape = shape.format(descr=f"联系电话 {v}" if kind == "shape alt text" else "文本框",
                             text=f"联系电话 {v}" if kind == "text box" else "说明")
        return patch(_save(wb), {"xl/drawings/drawing1.xml": lambda b: b.replace(b"</wsDr>", shape.encode() + b"</wsDr>")})
    if kind == "pivot cache":
        definition = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1" '
                      'recordCount="1"><cacheSource type="worksheet"><worksheetSource ref="A1:B2" sheet="公示"/>'
                      '</cacheSource><cacheFields count="1"><cacheField name="联系电话" numFmtId="0"><sharedItems>'
                      f'<s v="{v}"/></sharedItems></cacheField></cacheFields></pivotCacheDefinition>')
        records = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
                   f'<r><n v="{v}"/></r></pivotCacheRecords>')
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="' + PKG_REL + '">'
                f'<Relationship Id="rId1" Type="{REL}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>')
        return patch(_save(wb), {wbrels: add_rel(wbrels, "rId90", f"{REL}/pivotCacheDefinition",
                                                 "pivotCache/pivotCacheDefinition1.xml")},
                     {"xl/pivotCache/pivotCacheDefinition1.xml": definition.encode(),
                      "xl/pivotCache/pivotCacheRecords1.xml": records.encode(),
                      "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": rels.encode()})
    if kind == "sheet name":
        ws.title = f"户主{v}"
        other = wb.create_sheet("汇总")
        other["A1"] = f"='户主{v}'!B2"
        return _save(wb)
    if kind == "comment":
        from openpyxl.comments import Comment

        ws["B2"].comment = Comment(f"核对：联系电话 {v}", "审核")
        return _save(wb)
    if kind == "unused shared string":
        strings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
                   f'<si><t>序号</t></si><si><t>联系电话 {v}</t></si></sst>')
        return patch(_save(wb), {
            wbrels: add_rel(wbrels, "rId91", f"{REL}/sharedStrings", "sharedStrings.xml"),
            ct: add_override("xl/sharedStrings.xml",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"),
            "xl/worksheets/sheet1.xml": lambda b: b.replace(
                b'<c r="A1" t="inlineStr"><is><t>\xe5\xba\x8f\xe5\x8f\xb7</t></is></c>', b'<c r="A1" t="s"><v>0</v></c>')},
            {"xl/sharedStrings.xml": strings.encode()})
    if kind == "formula concat":
        ws["C2"] = f'="{v[:7]}"&"{v[7:]}"'
        ws["C1"] = "联系电话"
        return _save(wb)
    if kind == "formula concatenate":
        ws["C2"] = f'=CONCATENATE("{v[:3]}", "{v[3:8]}", "{v[8:]}")'
        ws["C1"] = "联系电话"
        return _save(wb)
    if kind == "formula with cache":
        ws["C2"] = "=MID(\"x\",1,1)"
        ws["C1"] = "联系电话"
        return patch(_save(wb), {"xl/worksheets/sheet1.xml": lambda b: b.replace(
            b'<f>MID("x",1,1)</f><v></v>', f'<f>MID("x",1,1)</f><v>{v}</v>'.encode()).replace(
            b'<c r="C2">', b'<c r="C2" t="str">')})
    if kind == "customXml":
        item = f'<?xml version="1.0" encoding="UTF-8"?><record><mobile>{v}</mobile></record>'
        return patch(_save(wb), {wbrels: add_rel(wbrels, "rId92", f"{REL}/customXml", "../customXml/item1.xml")},
                     {"customXml/item1.xml": item.encode()})
    if kind == "embedded document":
        return patch(_save(wb), {ct: add_default("docx", "application/vnd.openxmlformats-officedocument."
                                                 "wordprocessingml.document")},
                     {"xl/embeddings/Microsoft_Word_Document.docx": docx_with_phone(v)})
    if kind == "embedded object":
        return patch(_save(wb), {ct: add_default("bin", "application/vnd.openxmlformats-officedocument.oleObject")},
                     {"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + v.encode("utf-16-le")})
    if kind == "picture":
        from openpyxl.drawing.image import Image

        ws.add_image(Image(io.BytesIO(png(240, 40))), "D2")  # big enough to show a table row
        return _save(wb)
    raise KeyError(kind)
