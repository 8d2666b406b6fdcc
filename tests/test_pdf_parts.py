"""A PDF is more than its pages (issue 15): every part scanned with where it is, cleaned or removed on redaction;
corrupt and hostile files are errors with a reason, within bounded memory."""
from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

import pdf_zoo
from piiscan import limits
from piiscan.cli import main
from piiscan.files import scan_file_result
from piiscan.redact import RedactionError, redact_file
from piiscan.scanner import Scanner


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    return pdf_zoo.build("hidden_parts", tmp_path_factory.mktemp("hidden"))


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def test_every_part_is_scanned_and_says_where(hidden, scanner):
    r = scan_file_result(hidden.path, scanner)
    assert r.error is None and r.unread == []
    for part, values in hidden.parts.items():
        for v in values:
            hits = [f for f in r.findings if f.value.endswith(v) and (f.part or "").startswith(part)]
            assert hits, f"{part}: a planted value was not found there"
    # Nothing on the page itself is personal: every finding is in a part.
    assert all(f.part for f in r.findings)
    # A link's percent-encoded +86 is decoded before scanning.
    [link] = [f for f in r.findings if f.part == "link"]
    assert link.value.startswith("+86")
    # The form field's name is the context of its value.
    [field] = [f for f in r.findings if f.part == "form field"]
    assert field.type == "CN_RESIDENT_ID" and field.page == 1
    # The old revision's page is the page the value was deleted from.
    [old] = [f for f in r.findings if f.part == "old revision"]
    assert old.page == 1


def _all_text(path: Path) -> tuple[bytes, list[str]]:
    """Every decompressed stream and every string object of a PDF (what `strings` or a viewer could show)."""
    raw: list[bytes] = [path.read_bytes()]
    strings: list[str] = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                raw.append(obj.read_bytes())
            stack = [obj]
            while stack:
                o = stack.pop()
                if isinstance(o, pikepdf.String):
                    strings.append(str(o))
                elif isinstance(o, (pikepdf.Dictionary, pikepdf.Stream)):
                    stack.extend(v for k, v in o.items() if not (isinstance(v, pikepdf.Object) and v.is_indirect))
                elif isinstance(o, pikepdf.Array):
                    stack.extend(v for v in o if not (isinstance(v, pikepdf.Object) and v.is_indirect))
        for k, v in pdf.trailer.items():
            if isinstance(v, pikepdf.String):
                strings.append(str(v))
    return b"\n".join(raw), strings


def test_redaction_leaves_no_part_holding_a_value(hidden, scanner, tmp_path):
    dst = tmp_path / "out.pdf"
    report = redact_file(hidden.path, dst)
    raw, strings = _all_text(dst)
    for v in hidden.all_values():
        for form in (v.encode("utf-8"), v.encode("utf-16-be"), v.encode("utf-16-be").hex().encode()):
            assert form not in raw, "a planted value is still somewhere in the file's bytes"
        assert not any(v in s for s in strings)
    # Written fresh: one revision only; attachments and scripts gone; the page text kept.
    assert raw.count(b"%%EOF") >= 1 and dst.read_bytes().count(b"%%EOF") == 1
    with pikepdf.open(dst) as pdf:
        names = pdf.Root.get("/Names", {})
        assert "/EmbeddedFiles" not in names and "/JavaScript" not in names
        annots = pdf.pages[0].obj.Annots
        assert [str(a.Subtype) for a in annots] == ["/Text", "/FreeText", "/Link", "/Widget"]
        free, widget = annots[1], annots[3]
        assert "/AP" not in free and "/AP" not in widget  # appearances that drew a value are gone
        assert pdf.Root.AcroForm.NeedAppearances  # so viewers redraw the redacted field value
        assert str(pdf.Root.Outlines.First.Title).startswith("联系人 ")
    assert "JavaScript removed" in report.notes and "embedded files and media removed" in report.notes
    r = scan_file_result(dst, scanner)
    assert r.error is None and r.findings == []
    from test_pdf_zoo import _pdfium_text

    assert pdf_zoo.TITLE in _pdfium_text(dst)


def test_check_fails_on_a_value_only_in_metadata(tmp_path):
    src = tmp_path / "meta.pdf"
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(src))
    c.drawString(72, 720, "Notice")
    c.setSubject("contact 13912345678")
    c.showPage()
    c.save()
    res = CliRunner().invoke(main, ["scan", str(src), "--format", "json", "--no-progress"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 1
    [f] = doc["findings"]
    assert f["part"] == "metadata" and f["type"] == "CN_MOBILE" and "13912345678" not in res.stdout


def test_an_attachment_that_cannot_be_read_is_unread(tmp_path, scanner):
    src = tmp_path / "a.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.attachments["photo.jpg"] = pikepdf.AttachedFileSpec(pdf, b"\xff\xd8\xff\xe0 not really")
        pdf.save(src)
    r = scan_file_result(src, scanner)
    assert r.unread and "embedded file photo.jpg" in r.unread[0]
    dst = tmp_path / "b.pdf"
    redact_file(src, dst)  # the attachment has no place in a published copy: removed
    with pikepdf.open(dst) as pdf:
        assert len(pdf.attachments) == 0


def test_javascript_in_an_open_action_is_found_and_removed(tmp_path, scanner):
    src = tmp_path / "js.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pdf.make_stream(b'var tel = "13912345678";')))
        pdf.save(src)
    r = scan_file_result(src, scanner)
    assert [(f.part, f.value) for f in r.findings] == [("javascript", "13912345678")]
    dst = tmp_path / "out.pdf"
    redact_file(src, dst)
    with pikepdf.open(dst) as pdf:
        assert "/OpenAction" not in pdf.Root
    assert b"13912345678" not in _all_text(dst)[0]


# --- corrupt and hostile files ---------------------------------------------------------------

@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n", "cut short"),
    (b"%PDF-1.4\n%%EOF\n", "corrupt"),
    (b"not a pdf at all %%EOF", "not a PDF"),
])
def test_a_corrupt_pdf_is_an_error_never_nothing_found(tmp_path, scanner, data, reason):
    p = tmp_path / "bad.pdf"
    p.write_bytes(data)
    r = scan_file_result(p, scanner)
    assert r.error and reason in r.error and r.findings == []
    res = CliRunner().invoke(main, ["check", str(p)])
    assert res.exit_code == 2
    with pytest.raises(RedactionError):
        redact_file(p, tmp_path / "out.pdf")


def test_a_truncated_notice_is_an_error(tmp_path, scanner):
    src = tmp_path / "a.pdf"
    pdf_zoo.reportlab_table(src, pdf_zoo.people(5, seed=1))
    data = src.read_bytes()
    src.write_bytes(data[: len(data) * 2 // 3])
    r = scan_file_result(src, scanner)
    assert r.error and "cut short" in r.error


def _bomb(path: Path, inflated: int) -> None:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of spaces."""
    comp = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(inflated >> 20)]
    parts.append(comp.flush())
    stream = b"".join(parts)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    _write_pdf(path, objs)


def _write_pdf(path: Path, objs: list[bytes]) -> None:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def test_a_stream_bomb_hits_part_bytes(tmp_path, scanner):
    p = tmp_path / "bomb.pdf"
    _bomb(p, 64 << 20)
    with limits.using(limits.replace(limits.DEFAULT, part_bytes=8 << 20)):
        r = scan_file_result(p, scanner)
        assert r.error and "part_bytes" in r.error
        with pytest.raises(RedactionError, match="part_bytes"):
            redact_file(p, tmp_path / "out.pdf")
    with limits.using(limits.replace(limits.DEFAULT, file_bytes=8 << 20)):
        r = scan_file_result(p, scanner)
        assert r.error and "file_bytes" in r.error


def test_too_many_pages_hit_the_page_limit(tmp_path, scanner):
    p = tmp_path / "pages.pdf"
    _many_pages(p, 12)
    with limits.using(limits.replace(limits.DEFAULT, pages=5)):
        r = scan_file_result(p, scanner)
    assert r.error and "pages" in r.error


def _many_pages(path: Path, n: int) -> None:
    kids = b" ".join(b"%d 0 R" % (i + 4) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            b"<< /Length 0 >>\nstream\n\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"] * n
    _write_pdf(path, objs)


_MEASURED = """
import sys
from piiscan.cli import main
sys.argv = ["piiscan"] + sys.argv[1:]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
# VmHWM: this process's own peak (ru_maxrss would keep the forked parent's size across exec).
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print("MAXRSS_KIB", hwm, file=sys.stderr)
sys.exit(code)
"""


def _peak_child_mib(args: list[str]) -> tuple[int, str, float]:
    """Exit code, output and peak RSS (MiB) of ``piiscan ARGS`` in a fresh process (it reports its own peak)."""
    proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, timeout=300)
    peak = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS_KIB"))
    return proc.returncode, proc.stdout + proc.stderr, peak / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc (Linux)")
@pytest.mark.parametrize("kind", ["bomb", "pages"])
def test_hostile_pdfs_stay_within_memory(tmp_path, kind):
    """A stream inflating to 512 MiB (twice part_bytes), and 200,000 pages: a clear limit error, peak memory
    far under 1 GB (the old reader reached 8.2 GB and 1.2 GB).

    Each runs in a fresh process that reports its own peak (VmHWM)."""
    p = tmp_path / f"{kind}.pdf"
    if kind == "bomb":
        _bomb(p, 512 << 20)
    else:
        _many_pages(p, 200_000)
    code, out, peak = _peak_child_mib(["scan", str(p), "--no-progress"])
    assert code == 2, out
    assert ("part_bytes" if kind == "bomb" else "pages") in out
    assert peak < 400, f"peak RSS {peak:.0f} MiB"
