"""Excel workbooks, ``.xlsx``/``.xlsm`` and legacy ``.xls``: every sheet read as a table, and everything around it.

python-calamine reads both formats ~8x faster than openpyxl (REFERENCE.md:
0.20 s vs 1.55 s for 20,000 rows); openpyxl and xlrd are the fallback when it
is not installed. Number cells come back as numbers, so
:func:`piiscan.tables.cell_text` can tell an ID that Excel truncated
(3.61025198001011e17) from one stored as text.

For ``.xlsx`` the package is read part by part within :mod:`piiscan.limits`
(:class:`~piiscan.readers.ooxml.Package`) and, besides the cells:

* **formulas** that build text from literals (``="1391234"&"5678"``,
  ``CONCATENATE``) are evaluated (:mod:`.formula`): Excel recalculates them
  on open, cached value or not; a formula that cannot be evaluated and has
  no cached value is scanned as written (part ``formula``);
* sheet names, defined names, data-validation lists, headers and footers,
  hyperlinks, cell comments, chart text, text boxes and shapes, pivot
  caches, document properties, customXml (:func:`~piiscan.readers.ooxml.units`,
  parts ``sheet name``, ``comment``, ``hyperlink`` …);
* shared strings no cell uses any more (left over from deleted cells);
* embedded workbooks and documents; one ``Unread`` per picture and per
  embedded object piiscan cannot read.

A sheet can declare (and a hostile one can hold) a range of 10⁶ × 16k
cells: calamine builds that range densely and aborted the process (a Rust
panic, exit 134). The cells of every sheet are counted in its XML first
(:func:`check_sheet`), against the ``cells`` limit.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Iterator

import regex

from .. import limits
from ..tables import Table
from . import ReadError, Segment, ooxml
from .formula import evaluate
from .oleprops import text_properties
from .registry import OLE_MAGIC, Unread, read_file_bytes

_SML_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_SHEET_DATA = frozenset(f"{{{ns}}}sheetData" for ns in _SML_NS)
_SHEET_DATA_SPAN = regex.compile(rb"<(?P<p>\w+:)?sheetData\b[^>]*?(?:/>|>.*</(?P=p)?sheetData\s*>)", regex.DOTALL)
_SHEET_DATA_HOLE = regex.compile(rb"<(?:\w+:)?sheetData/>")
_FORMULA_TAG = regex.compile(rb"<(?:\w+:)?f[\s>]")
# A shared-string cell as Excel and openpyxl write it (t last, then the value): fast to find.
_SHARED_REF = re.compile(rb't="s"><(?:\w+:)?v>([0-9]+)<')
_WORKSHEET = "/worksheet"
_SHARED_STRINGS = "/sharedStrings"


def read_bytes(data: bytes, name: str = "") -> Iterator[Table | Segment | Unread]:
    if not data:
        return
    legacy = name.lower().endswith(".xls")
    if legacy:
        if not data.startswith(OLE_MAGIC):
            if data.startswith(b"PK"):
                legacy = False  # an .xlsx saved under .xls: read it as what it is
            else:
                raise ReadError("corrupt or not a valid .xls workbook (no OLE2 header)")
    if legacy:
        # Legacy .xls: cells, sheet names and document properties (cell comments and defined
        # names are not read; the redact writer rewrites the values into a new workbook, so
        # none of them is in a redacted copy).
        for sheet, rows in _sheets(data, True):
            yield Table(rows, location={"sheet": sheet})
            yield Segment(sheet, location={"part": "sheet name"})
        for prop in text_properties(data):
            # A custom property's own name is context for its value, as a column header is.
            yield Segment(prop.text, label=prop.name if prop.custom else None,
                          location={"part": f"document properties ({prop.name})"})
        return
    yield from read_package(data, name)


def read(path: Path) -> Iterator[Table | Segment | Unread]:
    return read_bytes(read_file_bytes(path), path.name)


# --- the package --------------------------------------------------------------------------------

def workbook_part(pkg: ooxml.Package) -> str:
    return ooxml.main_part(pkg, "xl/workbook.xml", "corrupt .xlsx workbook: no workbook part")


def sheet_parts(pkg: ooxml.Package) -> list[tuple[str, str]]:
    """``(sheet name, part name)`` of every worksheet, in workbook order."""
    wb = workbook_part(pkg)
    targets = {r["Id"]: pkg.find(r["Target"]) for r in pkg.rels(wb) if r["Type"].endswith(_WORKSHEET)}
    out = []
    for el in pkg.xml(wb).iter(*(f"{{{ns}}}sheet" for ns in _SML_NS)):
        part = targets.get(el.get(ooxml._R_ID) or "")
        if part:
            out.append((el.get("name") or "", part))
    return out


def shared_strings_part(pkg: ooxml.Package) -> str | None:
    for rel in pkg.rels(workbook_part(pkg)):
        if rel["Type"].endswith(_SHARED_STRINGS):
            return pkg.find(rel["Target"])
    return None


def read_package(data: bytes, name: str = "", *, depth: int = 0,
                 budget: list[int] | None = None) -> Iterator[Table | Segment | Unread]:
    """What an .xlsx publishes; ``budget`` is the enclosing package's inflated bytes, for an embedded one."""
    pkg = ooxml.Package(data, "Excel workbook", budget=budget)
    sheets = sheet_parts(pkg)
    xml = {part: pkg.read(part) for _, part in sheets}
    for sheet, part in sheets:
        check_sheet(xml[part], sheet)
    formulas = {part: formula_cells(xml[part]) for _, part in sheets}
    # Cells: calamine reads them; text formulas fill in what it has no cached value for.
    for sheet, rows in _sheets(data, False):
        part = next((p for s, p in sheets if s == sheet), None)
        extra = []
        for (r, c), (formula, cached) in (formulas.get(part) or {}).items():
            value = evaluate(formula)
            if value is None:
                if cached in (None, ""):
                    extra.append(formula)  # neither evaluated nor cached: the formula's literals are published
                continue
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            if len(row) <= c:
                row.extend([None] * (c + 1 - len(row)))
            if row[c] in (None, ""):
                row[c] = value
            elif str(row[c]) != value:
                extra.append(value)  # a stale cache: Excel shows the new value after recalculating
        yield Table(rows, location={"sheet": sheet})
        for text in extra:
            yield Segment(text, location={"sheet": sheet, "part": "formula"})
    strings = shared_strings_part(pkg)
    if strings is not None:
        used = set()
        for body in xml.values():
            used.update(int(m) for m in set(_SHARED_REF.findall(body)))
        for i, text in enumerate(shared_strings(pkg.read(strings), strings)):
            if i not in used and text.strip():
                yield Segment(text, location={"part": f"{strings} (unused string)"})
    sheet_set = set(xml)
    for part in pkg.names():
        if not ooxml.scanned(part) or part == strings:
            continue
        if part in sheet_set:
            root = ooxml.parse_xml(outside_sheet_data(xml[part]), part)
        else:
            root = pkg.xml(part, recover=part.endswith(".vml"))
        for unit in ooxml.units(part, root, skip=_SHEET_DATA):
            text = unit.text()
            if text.strip():
                yield Segment(text, label=unit.label, location={"part": unit.part})
    yield from ooxml.embedded_items(pkg, depth)
    yield from ooxml.picture_items(pkg)
    yield from ooxml.macro_notes(pkg)


def outside_sheet_data(xml: bytes) -> bytes:
    """A sheet's XML with the cells left out (``<sheetData/>``): what is around them is small.

    >>> outside_sheet_data(b'<worksheet><sheetData><row r="1"/></sheetData><headerFooter/></worksheet>')
    b'<worksheet><sheetData/><headerFooter/></worksheet>'
    """
    m = _SHEET_DATA_SPAN.search(xml)
    if m is None:
        return xml
    prefix = m.group("p") or b""
    return xml[:m.start()] + b"<" + prefix + b"sheetData/>" + xml[m.end():]


def put_back_sheet_data(original: bytes, outside: bytes) -> bytes:
    """``outside`` (rewritten) with the cells of ``original`` back in their place."""
    m = _SHEET_DATA_SPAN.search(original)
    hole = _SHEET_DATA_HOLE.search(outside)
    if m is None or hole is None:
        return outside
    return outside[:hole.start()] + original[m.start():m.end()] + outside[hole.end():]


def check_sheet(xml: bytes, sheet: str) -> None:
    """Raise :class:`~piiscan.limits.LimitExceeded` when a sheet holds or spans more cells than ``cells``.

    Two counts: the cells written in the XML (each costs memory in any
    reader), and the range from A1 to the last cell with a value (calamine
    and the redact writer hold that range densely). The range is taken from
    the sheet's ``<dimension>`` (or its last row) and verified with two
    searches for a cell reference beyond it (:func:`_beyond`), so a
    well-formed sheet costs a few scans in C and no Python per cell. A
    sheet that lies, writes cells without references, or spans more than
    the limit is then parsed, since an empty but formatted cell far away
    does not widen calamine's range.
    """
    what = f"cells of sheet {sheet!r}"
    head = _SHEET_DATA_START.search(xml)
    p = head.group(1) or b"" if head else b""
    written = xml.count(b"<" + p + b"c ") + xml.count(b"<" + p + b"c>") + xml.count(b"<" + p + b"c/>")
    limits.check("cells", written, what)
    cap = limits.current().cells
    extent = _extent_from_refs(xml, p, written)
    if extent is None or extent[0] * extent[1] > cap:
        rows, cols = _extent_of_values(xml)
        limits.check("cells", rows * cols, f"the range of {what} (rows × columns)")


_SHEET_DATA_START = re.compile(rb"<(\w+:)?sheetData\b")
_R_ATTR = re.compile(rb'\sr="([0-9]+)"')
_LETTERS, _DIGITS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0123456789"


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _greater(value: bytes, alphabet: bytes) -> bytes:
    """A pattern for strings of ``alphabet`` that sort after ``value`` (as numbers or column letters do).

    >>> import re
    >>> [bool(re.fullmatch(_greater(b"D", _LETTERS), c)) for c in (b"C", b"D", b"E", b"AA")]
    [False, False, True, True]
    >>> [bool(re.fullmatch(_greater(b"409", _DIGITS), c)) for c in (b"400", b"409", b"410", b"999", b"1000")]
    [False, False, True, True, True]
    """
    lo, hi = alphabet[:1].decode(), alphabet[-1:].decode()
    alts = [f"[{lo}-{hi}]{{{len(value) + 1},}}".encode()]
    for i, ch in enumerate(value):
        if ch < alphabet[-1]:
            alts.append(re.escape(value[:i]) + b"[" + bytes([ch + 1]) + b"-" + hi.encode() + b"]"
                        + (f"[{lo}-{hi}]{{{len(value) - i - 1}}}".encode() if len(value) - i - 1 else b""))
    return b"(?:" + b"|".join(alts) + b")"


def _beyond(xml: bytes, rows: bytes, cols: bytes) -> bool:
    """Whether a cell reference lies below row ``rows`` or right of column ``cols``."""
    return bool(re.search(rb' r="' + _greater(cols, _LETTERS) + rb"[0-9]", xml)
                or re.search(rb' r="[A-Z]{1,3}' + _greater(rows, _DIGITS) + rb'"', xml))


def _extent_from_refs(xml: bytes, p: bytes, written: int) -> tuple[int, int] | None:
    """Rows and columns from A1 to the last cell reference, or None when they cannot be read cheaply."""
    if written == 0:
        return 0, 0
    if xml.count(b"<" + p + b'c r="') != written:
        return None  # cells without a reference (or with it later in the tag): parse
    dim = re.search(rb"<" + re.escape(p) + rb'dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"', xml)
    if dim:
        cols, rows = dim.group(1), dim.group(2)
    else:
        last = xml.rfind(b"<" + p + b"row ")
        m = _R_ATTR.search(xml, last, xml.find(b">", last)) if last >= 0 else None
        rows = m.group(1) if m else str(xml.count(b"<" + p + b"row")).encode()
        letters = set(re.findall(rb' r="([A-Z]{1,3})[0-9]', xml))
        cols = max(letters, key=lambda c: (len(c), c)) if letters else b"A"
    if _beyond(xml, rows, cols):
        return None  # the dimension lies: parse
    return int(rows), _column_number(cols)


def _extent_of_values(xml: bytes) -> tuple[int, int]:
    """Rows and columns from A1 to the last cell holding a value, formula or inline string."""
    import lxml.etree

    rows = cols = 0
    for ns in _SML_NS:
        row_i = 0
        for _event, el in lxml.etree.iterparse(io.BytesIO(xml), events=("end",), tag=(f"{{{ns}}}row", f"{{{ns}}}c"),
                                               resolve_entities=False, no_network=True, load_dtd=False):
            if el.tag.endswith("}row"):
                row_i = int(el.get("r") or row_i + 1)
                el.clear()
                continue
            ref = el.get("r")
            if any(_local(c.tag) in ("v", "is", "f") and (c.text or len(c)) for c in el):
                if ref:
                    m = regex.match(r"([A-Z]+)([0-9]+)", ref)
                    if m:
                        cols = max(cols, _column_number(m.group(1).encode()))
                        rows = max(rows, int(m.group(2)))
                else:
                    rows = max(rows, row_i + 1)
                    cols = max(cols, len(el.getparent()) if el.getparent() is not None else 1)
    return rows, cols


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# A formula cell as Excel and openpyxl write it: reference first, the formula then the cached value.
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<f(?:\s[^>]*)?>([^<]*)</f>\s*(?:<v>([^<]*)</v>|<v/>)?')
_XML_REF = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_XML_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text
    return _XML_REF.sub(lambda m: _XML_NAMED.get(m.group(1)) or chr(int(m.group(1)[2:], 16) if m.group(1)[1] == "x"
                                                                    else int(m.group(1)[1:])), text)


def formula_cells(xml: bytes) -> dict[tuple[int, int], tuple[str, str | None]]:
    """``(row, column)`` (0-based) → ``(formula, cached value)`` for every cell with a written formula.

    Sheets written the usual way (no namespace prefix, the reference first,
    the formula first in the cell) are searched in C, formula cells only;
    when that search does not account for every formula, the sheet is parsed.

    >>> formula_cells(b'<c r="C2" t="str"><f>"139"&amp;"1"</f><v>1391</v></c><c r="D2"><f t="shared" si="0"/></c>')
    {(1, 2): ('="139"&"1"', '1391')}
    """
    if not _FORMULA_TAG.search(xml):
        return {}
    head = _SHEET_DATA_START.search(xml)
    if head and head.group(1):
        return _formula_cells_parsed(xml)
    out = {}
    found = 0
    for m in _FORMULA_CELL.finditer(xml):
        found += 1
        if m.group(3):
            v = m.group(4)
            out[(int(m.group(2)) - 1, _column_number(m.group(1)) - 1)] = (
                "=" + _xml_text(m.group(3)), _xml_text(v) if v is not None else None)
    if found != len(_FORMULA_WITH_TEXT.findall(xml)):
        return _formula_cells_parsed(xml)
    return out


# <f> and <f …> that are not empty elements (<f t="shared" si="0"/> carries no formula).
_FORMULA_WITH_TEXT = re.compile(rb"<f(?:\s[^>]*[^/])?>")


def _formula_cells_parsed(xml: bytes) -> dict[tuple[int, int], tuple[str, str | None]]:
    import lxml.etree

    out: dict[tuple[int, int], tuple[str, str | None]] = {}
    tags = tuple(f"{{{ns}}}c" for ns in _SML_NS)
    try:
        for _event, el in lxml.etree.iterparse(io.BytesIO(xml), events=("end",), tag=tags,
                                               resolve_entities=False, no_network=True, load_dtd=False):
            f = next((c for c in el if _local(c.tag) == "f"), None)
            ref = el.get("r")
            if f is not None and f.text and ref:
                m = regex.match(r"([A-Z]+)([0-9]+)$", ref)
                if m:
                    v = next((c for c in el if _local(c.tag) == "v"), None)
                    key = (int(m.group(2)) - 1, _column_number(m.group(1).encode()) - 1)
                    out[key] = ("=" + f.text, v.text if v is not None else None)
            el.clear()
    except lxml.etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt .xlsx worksheet: {str(exc)[:120]}") from None
    return out


def shared_strings(data: bytes, name: str) -> list[str]:
    """Every shared string, in order (phonetic runs left out, as Excel shows them)."""
    root = ooxml.parse_xml(data, name)
    out = []
    for si in root:
        if _local(si.tag) != "si":
            continue
        out.append("".join(t.text or "" for t in si.iter() if _local(t.tag) == "t"
                           and _local(t.getparent().tag) != "rPh"))
    return out


# --- cells ----------------------------------------------------------------------------------------

def _sheets(data: bytes, legacy: bool) -> Iterator[tuple[str, list[list[Any]]]]:
    try:
        import python_calamine as pc
    except ImportError:  # pragma: no cover - calamine is the normal path
        yield from (_xls_sheets(data) if legacy else _xlsx_sheets(data))
        return
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own errors and sometimes plain ones
        raise _read_error(exc, legacy) from None
    for name in names:
        try:
            sheet = wb.get_sheet_by_name(name)
            # Python objects for the whole range cost ~10x calamine's own cells: check before making them.
            end = sheet.end or (0, 0)
            limits.check("cells", (end[0] + 1) * (end[1] + 1), f"the range of cells of sheet {name!r} (rows × columns)")
            rows = sheet.to_python(skip_empty_area=False)
        except limits.LimitExceeded:
            raise
        except Exception as exc:
            raise _read_error(exc, legacy, name) from None
        yield name, [[None if v == "" else v for v in row] for row in rows]


def _read_error(exc: Exception, legacy: bool, sheet: str | None = None) -> ReadError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "password" in msg.lower() or "encrypt" in msg.lower():
        return ReadError("encrypted (password-protected) Excel workbook: cannot be scanned")
    where = f" (sheet {sheet!r})" if sheet else ""
    return ReadError(f"corrupt {'.xls' if legacy else '.xlsx'} workbook{where}: {msg}")


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, list[list[Any]]]]:  # pragma: no cover - fallback
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _read_error(exc, False) from None
    for ws in wb.worksheets:
        yield ws.title, [list(r) for r in ws.iter_rows(values_only=True)]


def _xls_sheets(data: bytes) -> Iterator[tuple[str, list[list[Any]]]]:  # pragma: no cover - fallback
    import xlrd

    try:
        wb = xlrd.open_workbook(file_contents=data)
    except Exception as exc:
        raise _read_error(exc, True) from None
    for sh in wb.sheets():
        yield sh.name, [sh.row_values(i) for i in range(sh.nrows)]
