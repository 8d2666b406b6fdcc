"""Hostile inputs for the red-team suite, generated at test time (never binaries in the repository).

Each function returns the bytes of one attack, small on disk: what makes it
hostile is what it declares or inflates to. Values planted in them are
synthetic (``piiscan.synth``) or well-known test numbers.
"""
from __future__ import annotations

import io
import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

#: A phone that must never appear raw in piiscan's output (a value planted in names, errors, parts).
PHONE = "13912345678"
PHONE_MASKED = "139****5678"
#: An ID for file names (valid checksum, the GB 11643 example).
RID = "11010519491231002X"


# --- zips ----------------------------------------------------------------------

def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def ratio_bomb(mib: int = 8) -> bytes:
    """One member of ``mib`` MiB of zeros: ~1000:1, over the 200:1 ratio limit."""
    return zip_bytes({"zeros.txt": b"0" * (mib << 20)})


def nested_bomb(depth: int = 6) -> bytes:
    """Zips in zips, deeper than the depth limit (3)."""
    data = f"手机 {PHONE}".encode()
    for i in range(depth):
        data = zip_bytes({f"level{i}.zip" if i else "x.txt": data})
    return data


def count_bomb(n: int = 60) -> bytes:
    return zip_bytes({f"f{i:04d}.txt": b"x" for i in range(n)})


def lying_header(real: int = 2 << 20, declared: int = 100) -> bytes:
    """A member whose central directory claims ``declared`` bytes but inflates to ``real``."""
    data = bytearray(zip_bytes({"z.txt": b"0" * real, "ok.txt": f"手机 {PHONE}".encode()}))
    cd = data.find(b"PK\x01\x02")
    data[cd + 24:cd + 28] = declared.to_bytes(4, "little")  # central directory: uncompressed size
    return bytes(data)


def overlapping_bomb(copies: int = 200, mib: int = 4) -> bytes:
    """Many directory entries pointing at one compressed member (the overlapping-files bomb)."""
    one = zip_bytes({"a.txt": b"0" * (mib << 20)})
    cd = one.find(b"PK\x01\x02")
    eocd = one.find(b"PK\x05\x06")
    entry = one[cd:eocd]
    name_len = struct.unpack("<H", entry[28:30])[0]
    entries = []
    for i in range(copies):
        name = f"a{i:04d}.txt".encode()
        e = bytearray(entry[:46]) + name + entry[46 + name_len:]
        e[28:30] = struct.pack("<H", len(name))
        entries.append(bytes(e))
    central = b"".join(entries)
    end = bytearray(one[eocd:])
    end[8:10] = end[10:12] = struct.pack("<H", copies)
    end[12:16] = struct.pack("<I", len(central))
    end[16:20] = struct.pack("<I", cd)
    return one[:cd] + central + bytes(end)


def encrypted_zip() -> bytes:
    """A member flagged as encrypted (traditional PKWARE encryption bit)."""
    data = bytearray(zip_bytes({"secret.txt": f"手机 {PHONE}".encode()}, zipfile.ZIP_STORED))
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        data[at + flag_at] |= 0x01
    return bytes(data)


def evil_names_zip() -> bytes:
    """Member names that escape the extraction folder, hold a value, repeat, or are symlinks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../evil.txt", "无")
        z.writestr("/abs/root.txt", "无")
        z.writestr("C:\\win\\x.txt", "无")
        z.writestr(f"名单/张三_{RID}.txt", f"联系电话 {PHONE}")
        z.writestr("dup/../x.txt", "一")
        z.writestr("x.txt", "二")
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        z.writestr(link, "/etc/passwd")
    return buf.getvalue()


# --- Office XML ------------------------------------------------------------------

def _patched(base: bytes, part: str, fn) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = fn(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


def docx_bytes(text: str = "PLACEHOLDER") -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes(rows, title: str | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    if title:
        wb.active.title = title
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _doctype(root: str, entities: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE {root} [{entities}]>\n'


def _body(xml: str) -> str:
    return xml.split("?>", 1)[1]


LAUGHS = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))


def xxe_docx(canary: Path) -> bytes:
    ent = f'<!ENTITY xxe SYSTEM "file://{canary}">'
    return _patched(docx_bytes(), "word/document.xml",
                    lambda s: _doctype("w:document", ent) + _body(s).replace("PLACEHOLDER", "&xxe;"))


def laughs_docx() -> bytes:
    return _patched(docx_bytes(), "word/document.xml",
                    lambda s: _doctype("w:document", LAUGHS) + _body(s).replace("PLACEHOLDER", "&j;"))


def xxe_xlsx(canary: Path) -> bytes:
    ent = f'<!ENTITY xxe SYSTEM "file://{canary}">'
    return _patched(xlsx_bytes([["PLACEHOLDER"]]), "xl/sharedStrings.xml",
                    lambda s: _doctype("sst", ent) + _body(s).replace("PLACEHOLDER", "&xxe;"))


def laughs_xlsx() -> bytes:
    return _patched(xlsx_bytes([["PLACEHOLDER"]]), "xl/sharedStrings.xml",
                    lambda s: _doctype("sst", LAUGHS) + _body(s).replace("PLACEHOLDER", "&j;"))


def dense_xlsx() -> bytes:
    """A 5 KB workbook whose sheet declares (and ends at) cell XFD1048576: 1.7 × 10¹⁰ cells."""
    def widen(s: str) -> str:
        s = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', s)
        return s.replace("</sheetData>",
                         '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    return _patched(xlsx_bytes([["姓名", "电话"], ["张三", PHONE]]), "xl/worksheets/sheet1.xml", widen)


def ole_encrypted_xlsx() -> bytes:
    """What Office writes for a password-protected workbook: an OLE2 file holding EncryptedPackage."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024


# --- PDF and HTML ----------------------------------------------------------------

def pdf_bytes(text: str = f"联系电话 {PHONE}") -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    buf = io.BytesIO()
    pdf.save(buf, encryption=pikepdf.Encryption(owner="owner-pw", user="user-pw"))
    return buf.getvalue()


def deep_html(depth: int = 20_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + f"联系电话 {PHONE}" + "</div>" * depth + "</body></html>").encode()


def huge_attribute_html(mib: int = 20) -> bytes:
    return (f'<html><body><p title="{"x" * (mib << 20)}">联系电话 {PHONE}</p></body></html>').encode()


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


# --- running piiscan as a user would ----------------------------------------------

#: Runs the CLI in a child and reports the largest resident set of that child and every
#: process it waited for (--jobs workers, isolated readers) on the last line of stderr.
_MEASURE = r"""
import resource, subprocess, sys
rc = subprocess.call([sys.executable, "-c", "import sys; from piiscan.cli import main; sys.exit(main())"] + sys.argv[1:])
sys.stderr.write("\nMAXRSS %d\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024))
sys.exit(rc)
"""


def run_measured(args: list[str], cwd: Path, *, timeout: float = 300, env: dict | None = None,
                 preexec_fn=None, keep_stdout: bool = True) -> tuple[int, str, str, int]:
    """``piiscan ARGS`` in a fresh process: (exit code, stdout, stderr, peak RSS in bytes).

    ``keep_stdout=False`` sends stdout to /dev/null (a scan of a huge file prints millions of lines)."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *args], cwd=cwd, text=True, timeout=timeout,
                          stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)
    err, _, tail = proc.stderr.rpartition("\nMAXRSS ")
    return proc.returncode, proc.stdout or "", err, int(tail.split()[0]) if tail.strip() else 0


def fsize_limit(nbytes: int):
    """A preexec_fn capping the size of any file the child writes (a full disk, portably)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return limit
