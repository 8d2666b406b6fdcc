"""Tables read as tables: classify each column once, then scan its cells with that prior.

Every table reader (CSV, Excel, PDF, Word, HTML) and :func:`piiscan.files.scan_dataframe`
goes through :func:`scan_table`:

1. the header row is found (title rows above it are scanned as plain text);
2. each column is classified from its header (``patterns/column_headers.toml``)
   and from a sample of its values (the share of cells that validate as one type);
3. every cell of a column is scanned with the column's header as ``label`` — so a
   non-Luhn account number under 银行账号 or a bare 张三 under 姓名 is reported.
   Known non-personal columns (序号, 备注, 编号, 补贴金额, 出厂编号, 购机日期) are
   scanned too, for what their header cannot hide: a value that validates on
   its own (a checksum-valid ID, an allocated mobile, a Luhn card, a landline
   with its area code) or that the cell itself labels (备注: 联系电话138…).
   What only context would report there (a bare name, an address-shaped
   phrase, an account number) loses :data:`NOT_PERSONAL_PENALTY` of its
   confidence;
4. findings carry ``row`` (1-based data row: the first row under the header is 1),
   ``column`` (the header text) and the table's ``sheet``/``page``.

Excel stores numbers in 15 significant digits, so an 18-digit ID typed as a
number comes back as e.g. ``3.61025198001011e17``: the last digits are gone and
no checksum can pass. Such cells are still personal information (region, birth
date and most of the sequence survive), so they are reported as findings of the
column's type with confidence 0.6 and detector ``numeric_cell_lost_digits``,
and the column's classification carries a note saying why.
"""
from __future__ import annotations

import datetime
import functools
import itertools
import math
import numbers
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

import regex

from . import regions
from .headers import (_WRAP, NONE, PHONE, _header_data, _kind_types, canonical_label,  # noqa: F401 - re-exported
                      header_kind, normalise_header)
from .finding import BANK_CARD, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS, Finding
from .validators import resident_id


#: Detector name (and confidence) for numeric cells that lost digits.
LOST_DIGITS = "numeric_cell_lost_digits"
LOST_DIGITS_CONFIDENCE = 0.6

SAMPLE_CELLS = 100  # cells per column scanned without a label to classify by values
VALUE_SHARE = 0.5  # share of sampled cells that must hold one type to classify a column by values
OVERRIDE_SHARE = 0.8  # share needed to scan a column whose header says it is not personal
OVERRIDE_MIN_CELLS = 3
# Types whose values validate by a checksum or their shape: only these may
# classify a whole "non-personal" column as personal. Not mobiles: a column
# of serials such as 13800138000 under 出厂编号 is not a phone column (each
# cell that validates as a mobile is still reported, see below).
_SELF_VALIDATING = frozenset({CN_RESIDENT_ID, BANK_CARD, EMAIL_ADDRESS})
#: Confidence lost, under a header that says "not personal", by a finding that
#: neither validates on its own nor is labelled in the cell itself.
NOT_PERSONAL_PENALTY = 0.3
# Evidence that a finding stands on its own (see ``Finding.evidence``).
_VALIDATES = frozenset({"checksum", "luhn", "segment", "area-code"})



@dataclass
class Table:
    """Raw cells of one table, as a reader found them.

    ``rows`` hold str, int, float, date/datetime or None; a reader of a big
    file may give an iterator of rows instead of a list (see
    :func:`scan_table`). If ``header`` is
    given, every row is a data row; otherwise the header row is looked for
    in the first rows. ``first_row`` numbers the first data row (a PDF table
    continued on the next page goes on counting).
    """

    rows: Sequence[Sequence[Any]] | Iterable[Sequence[Any]]
    location: dict[str, Any] = field(default_factory=dict)
    header: list[str] | None = None
    first_row: int = 1
    #: Column classes shared by the parts of one table (a PDF table over pages): the first part's scan
    #: fills the list, the others reuse it instead of classifying again.
    shared_classes: list | None = None


@dataclass(frozen=True)
class ColumnClass:
    """What one column holds, as :func:`classify_columns` decided."""

    column: str  # header text
    index: int  # 0-based position
    type: str | None  # entity type, or None (non-personal or nothing recognised)
    share: float  # share of non-empty sampled cells holding ``type``
    confidence: float
    source: str  # "header", "values", "header+values", "non-personal", "unknown"
    note: str | None = None
    #: Digit lengths at which this column's numbers validate only by chance (see
    #: :class:`_ChanceCount`); worked out for non-personal columns only.
    chance: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "chance"}


# --- headers: piiscan.headers (below the detectors, which read a cell's header as context) ------------

def find_header_row(rows: Sequence[Sequence[Any]], look: int = 10) -> int | None:
    """Index of the header row among the first ``look`` non-blank rows, or None.

    The header is the first row with the most cells naming a known column
    (at least two, or one in a one-column table). A row with a cell that
    holds personal information (姓名：张三) is data, never the header.
    """
    best, best_score = None, 0
    seen = 0
    for i, row in enumerate(rows):
        if not any(c not in (None, "") for c in row):
            continue  # blank rows above the header (exports often start with some) do not count
        seen += 1
        if seen > look:
            break
        score = sum(1 for c in row if isinstance(c, str) and header_kind(c) is not None)
        if score > best_score and not holds_personal_data(row):
            best, best_score = i, score
    width = max((len(r) for r in rows), default=0)
    if best is not None and (best_score >= 2 or (best_score == 1 and width == 1)):
        return best
    return None


def split_header(rows: Sequence[Sequence[Any]], look: int = 10) -> tuple[list[str], list[list[Any]], list[list[Any]]]:
    """(header names, data rows, rows above the header).

    Without a row of known column names, a first row of short texts without
    digits, at least one of them a known column name, is the header;
    otherwise the table has none, columns are called 列1, 列2, … and the
    first row is data. Header text ends up in every finding's ``column``, so
    a row that holds personal information is never taken for the header.

    >>> split_header([["张三", "男", "江西省抚州市乐安县鳌溪镇湖溪村3组"]])[0]
    ['列1', '列2', '列3']
    """
    width = max((len(r) for r in rows), default=0)
    best = find_header_row(rows, look)
    if best is not None:
        return header_names(rows[best], width), [list(r) for r in rows[best + 1:]], [list(r) for r in rows[:best]]
    first = next((i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)), None)
    if first is not None and _looks_like_header(rows[first]):
        return header_names(rows[first], width), [list(r) for r in rows[first + 1:]], [list(r) for r in rows[:first]]
    return header_names([], width), [list(r) for r in rows], []


def _looks_like_header(row: Sequence[Any]) -> bool:
    """Short texts without digits, one of them a known column name, none personal information."""
    texts = [c for c in row if c not in (None, "")]
    return (bool(texts)
            and all(isinstance(c, str) and len(c) <= 20 and not any(ch.isdigit() for ch in c) for c in texts)
            and any(header_kind(c) is not None for c in texts)
            and not holds_personal_data(row))


def holds_personal_data(row: Sequence[Any]) -> bool:
    """Whether a text cell of ``row`` scans positive on its own (all types, default confidence).

    Always judged by the same rules-only scanner, whatever scanner the table
    is scanned with and whatever extras are installed, so that the scan and
    the redact writers pick the same header row (a header is never a
    question for the learned name stage).
    """
    scanner = _header_scanner()
    for cell in row:
        if isinstance(cell, str):
            text, _ = cell_text(cell)
            if text and scanner.scan(text):
                return True
    return False


@functools.lru_cache(maxsize=1)
def _header_scanner():
    from .scanner import Scanner

    return Scanner(ner=False)


def header_names(row: Sequence[Any], width: int) -> list[str]:
    """Column names from a header row: wrapped text joined, blanks named 列N, repeats numbered."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i in range(width):
        raw = row[i] if i < len(row) else None
        # Headers wrap inside their cell (身份证\n号码): one name.
        name = _WRAP.sub("", str(raw)).strip() if raw not in (None, "") else f"列{i + 1}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


# --- cells ---------------------------------------------------------------

def cell_text(value: Any) -> tuple[str, bool]:
    """(text of a cell, lost_digits).

    Integral floats print without ``.0`` (a phone typed as a number reads
    13800138000); floats of 16+ digits cannot be held by Excel and have lost
    their last digits: their text is the 15 significant digits padded with
    zeros. Integers (Python or numpy, e.g. a pandas int64 column) are exact
    and print in full.

    >>> cell_text(13800138000.0)
    ('13800138000', False)
    >>> cell_text(3.61025198001011e17)
    ('361025198001011000', True)
    >>> cell_text(' 张三\\n')
    ('张三', False)
    >>> cell_text(6222021234567890123)
    ('6222021234567890123', False)
    """
    if value is None:
        return "", False
    if isinstance(value, str):
        # A value wrapped over lines in a cell (PDF, Excel alt-enter) is one value.
        return (_WRAP.sub("", value).strip() if "\n" in value else value.strip()), False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, numbers.Integral):
        # Exact: Python and numpy integers keep every digit, however many.
        return str(int(value)), False
    if isinstance(value, float):
        if not math.isfinite(value):
            return "", False
        if not value.is_integer():
            return repr(value), False
        if abs(value) >= 1e15:
            # Excel keeps 15 significant digits; anything longer is padded noise.
            return str(int(Decimal(repr(float(value))).quantize(Decimal(1)))), True
        return str(int(value)), False
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat(), False
    return str(value).strip(), False


def _plausible_id_prefix(digits: str) -> bool:
    """First 14 digits of an 18-digit number look like region + birth date."""
    if len(digits) != 18 or not regions.is_known_code(digits[:6]):
        return False
    try:
        resident_id.birth_date(digits[:17] + "0")
    except Exception:
        return False
    return True


# --- classification and scanning ----------------------------------------

def classify_columns(header: Sequence[str], data: Sequence[Sequence[Any]], scanner) -> list[ColumnClass]:
    """Classify each column from its header and a sample of its values."""
    out = []
    for c, name in enumerate(header):
        kind = header_kind(name)
        texts: list[str] = []
        lost = lost_id = 0
        for row in data:
            if c >= len(row):
                continue
            text, lost_digits = cell_text(row[c])
            if not text:
                continue
            if lost_digits:
                lost += 1
                lost_id += _plausible_id_prefix(text)
            texts.append(text)
            if len(texts) >= SAMPLE_CELLS:
                break
        counts: Counter[str] = Counter()
        numbers = _ChanceCount() if kind == NONE else None
        for text in texts:
            # Without the label: what do the values say by themselves?
            # A cell counts for a type when a finding covers most of it.
            found = scanner.scan(text)
            kinds = {f.type for f in found if (f.end - f.start) * 2 >= len(text)}
            counts.update(kinds)
            if numbers is not None:
                numbers.add(text, found)
        n = len(texts)
        value_type, value_share = (counts.most_common(1)[0] if counts else (None, 0))
        value_share = value_share / n if n else 0.0
        header_types = _kind_types(kind)
        note = None
        if lost and lost * 2 >= n:
            lost_type = BANK_CARD if kind == BANK_CARD else CN_RESIDENT_ID
            if kind in (CN_RESIDENT_ID, BANK_CARD) or lost_id * 2 >= lost:
                note = (f"{lost} of {n} sampled cells are numbers with 16+ digits stored as numeric cells: "
                        f"digits after the 15th are lost; probable {lost_type} column (store it as text)")
                out.append(ColumnClass(name, c, lost_type, round(lost / n, 3), LOST_DIGITS_CONFIDENCE,
                                       "header+values" if kind == lost_type else "values", note))
                continue
        if kind == NONE:
            if value_type in _SELF_VALIDATING and value_share >= OVERRIDE_SHARE and n >= OVERRIDE_MIN_CELLS:
                note = f"header {name!r} names a non-personal column but {value_share:.0%} of its values are {value_type}"
                out.append(ColumnClass(name, c, value_type, round(value_share, 3), 0.8, "values", note))
            else:
                out.append(ColumnClass(name, c, None, 0.0, 0.9, "non-personal", chance=numbers.lengths()))
            continue
        if header_types:
            if value_type in header_types:
                ctype = value_type
            else:
                ctype = CN_MOBILE if kind == PHONE else kind
            share = counts[ctype] / n if n else 0.0
            agree = share >= VALUE_SHARE
            out.append(ColumnClass(name, c, ctype, round(share, 3), 0.95 if agree else 0.8,
                                   "header+values" if agree else "header"))
            continue
        if value_type and value_share >= VALUE_SHARE:
            out.append(ColumnClass(name, c, value_type, round(value_share, 3), round(0.5 + value_share / 2, 2), "values"))
        else:
            out.append(ColumnClass(name, c, None, round(value_share, 3), 0.0, "unknown"))
    return out


def _label_for(col: ColumnClass) -> str:
    """The context the detectors see for a cell of ``col``.

    The header itself, plus the canonical header of the column's type when the
    header is not one the detectors know (户主证件 → 身份证号码): the detectors'
    context words then apply whatever the publisher called the column.
    """
    if col.type is None or col.source == "unknown":
        return col.column
    kind = PHONE if col.type in (CN_MOBILE, CN_LANDLINE) else col.type
    canonical = canonical_label(kind)
    if not canonical or canonical in col.column:
        return col.column
    return f"{col.column} {canonical}"


#: Same-length numbers a non-personal column needs before its validating
#: share can tell chance from a misplaced column of personal numbers.
CHANCE_MIN_CELLS = 5
CHANCE_SHARE = 0.5
CHANCE_CONFIDENCE = 0.3  # what a number that validates there by chance is left with
_NOT_DIGITS = regex.compile(r"[^0-9０-９Xx]")


def _digits(value: str) -> str:
    return _NOT_DIGITS.sub("", value)


_SEVEN_DIGITS = re.compile(r"(?:[0-9０-９][^0-9０-９]{0,3}){7}")
_HAN_OR_AT = re.compile("[\u3400-\u4dbf\u4e00-\u9fff@＠]")


def _could_stand_alone(text: str, chance: frozenset[int], chance_hides: bool) -> bool:
    """Whether a cell under a non-personal header could hold what is reported there:
    words that label a value, an e-mail, or a number long enough to validate
    (7+ digits) and not of a length at which the column's numbers pass by chance."""
    if _HAN_OR_AT.search(text) is not None:
        return True
    if _SEVEN_DIGITS.search(text) is None:
        return False
    return not (chance_hides and chance and len(_digits(text)) in chance)


class _ChanceCount:
    """Counts, per digit length, the one-number cells of a column and those that validate.

    A column of serials (出厂编号 2020123456789012 …) has many numbers of one
    length; if fewer than half of them validate (Luhn passes one random
    number in ten), those that do are chance, not cards.
    """

    def __init__(self) -> None:
        self.by_length: Counter[int] = Counter()
        self.valid: Counter[int] = Counter()

    def add(self, text: str, found: list[Finding]) -> None:
        if _NOT_DIGITS.sub("", text) != text.replace(" ", "").replace("-", ""):
            return  # only cells that are one number
        n = len(_digits(text))
        if n >= 10:
            self.by_length[n] += 1
            self.valid[n] += any(e in _VALIDATES for f in found for e in f.evidence)

    def lengths(self) -> frozenset[int]:
        return frozenset(n for n, k in self.by_length.items()
                         if k >= CHANCE_MIN_CELLS and self.valid[n] < CHANCE_SHARE * k)


#: Rows read before a streamed table's columns are classified (see :class:`Table`).
STREAM_HEAD_ROWS = 10_000
_BATCH_ROWS = 10_000
# Distinct (column, value) pairs remembered per table: enough for the values
# a column repeats, few enough that the kept findings cost little memory and
# garbage-collector time on tables whose values are all different.
_MEMO_CELLS = 4096


class TableScan:
    """Scans the data rows of one table: columns classified once, then the cells, row by row.

    The rows may come in batches (:meth:`scan_rows` once per batch) so that a
    table too big for memory is never held whole; the columns are classified
    from ``sample``, the rows given first.
    """

    def __init__(self, header: Sequence[str], sample: Sequence[Sequence[Any]], scanner,
                 location: dict[str, Any] | None = None, classes: Sequence[ColumnClass] | None = None) -> None:
        self.header = list(header)
        self.location = dict(location or {})
        self.scanner = scanner
        self.classes = list(classes) if classes else classify_columns(self.header, sample, scanner)
        wanted = scanner.types
        # What each scanned column's class implies, worked out once for all its cells.
        self._plan = []
        for col in self.classes:
            lost_ok = (col.type in (CN_RESIDENT_ID, BANK_CARD) and col.type in wanted
                       and LOST_DIGITS_CONFIDENCE >= scanner.min_confidence)
            col_types = {CN_MOBILE, CN_LANDLINE} if col.type in (CN_MOBILE, CN_LANDLINE) else {col.type}
            # Under a non-personal header: the digit lengths at which this
            # column's own numbers validate only by chance (None: not such a column).
            quiet = col.chance if col.source == "non-personal" else None
            self._plan.append((col, _label_for(col), lost_ok, col_types, quiet))
        self._cells: Counter[int] = Counter()
        self._hits: Counter[int] = Counter()
        # Columns repeat their values (村组, 开户银行, 机具品目): a value is
        # scanned once per column; findings are relative to the cell's text.
        self._memo: dict[tuple[int, str], list[Finding]] = {}

    def scan_rows(self, rows: Iterable[Sequence[Any]], first_row: int) -> list[Finding]:
        """Findings in ``rows`` (numbered from ``first_row``), row by row, left to right."""
        findings: list[Finding] = []
        scan, loc, width, memo = self.scanner.scan, self.location, len(self.header), self._memo
        chance_hides = self.scanner.min_confidence > CHANCE_CONFIDENCE
        for r, row in enumerate(rows, first_row):
            for col, label, lost_ok, col_types, quiet in self._plan:
                c = col.index
                if c >= len(row):
                    continue
                text, lost_digits = cell_text(row[c])
                if not text:
                    continue
                self._cells[c] += 1
                if lost_digits:
                    if lost_ok:
                        findings.append(Finding(col.type, 0, len(text), text, LOST_DIGITS_CONFIDENCE, LOST_DIGITS,
                                                **{**loc, "row": r, "column": col.column}))
                        self._hits[c] += 1
                    continue
                if quiet is not None and not _could_stand_alone(text, quiet, chance_hides):
                    continue  # 序号 1, 补贴金额 18000, a serial: nothing under this header could be reported
                key = (c, text)
                found = memo.get(key)
                if found is None:
                    found = scan(text, label=label)
                    if quiet is not None:
                        found = self._not_personal(found, quiet)
                    if len(memo) >= _MEMO_CELLS:
                        memo.clear()
                    memo[key] = found
                if found:
                    self._hits[c] += any(f.type in col_types for f in found)
                    where = {**loc, "row": r, "column": col.column}
                    findings.extend(f.with_location(**where) for f in found)
            # A ragged row of a streamed table, wider than the rows the
            # columns were classified from: its extra cells are plain text.
            for c in range(width, len(row)):
                text, _ = cell_text(row[c])
                if text:
                    where = {**loc, "row": r, "column": f"列{c + 1}"}
                    findings.extend(f.with_location(**where) for f in scan(text))
        return findings

    def _not_personal(self, found: list[Finding], chance: frozenset[int]) -> list[Finding]:
        """Findings of a cell under a non-personal header: what stands on its own
        stays; what only context reported loses :data:`NOT_PERSONAL_PENALTY`.

        A number that validates stands on its own unless the column is full of
        numbers of its length that mostly do not (``chance``): among random
        16-digit serials one in ten passes Luhn.
        """
        kept = []
        for f in found:
            labelled = any(e.startswith("label:") for e in f.evidence)
            validates = any(e in _VALIDATES for e in f.evidence)
            by_chance = validates and len(_digits(f.value)) in chance
            if f.type == EMAIL_ADDRESS or labelled or (validates and not by_chance):
                kept.append(f)
                continue
            if by_chance:
                confidence = min(f.confidence, CHANCE_CONFIDENCE)
            else:
                confidence = round(f.confidence - NOT_PERSONAL_PENALTY, 2)
            if confidence >= self.scanner.min_confidence:
                kept.append(replace(f, confidence=confidence))
        return kept

    def column_classes(self) -> list[ColumnClass]:
        """The column classes; for header-classified columns the share is what was actually found."""
        classes = list(self.classes)
        for col in classes:
            cells = self._cells[col.index]
            if col.source in ("header", "header+values") and cells:
                classes[col.index] = replace(col, share=round(self._hits[col.index] / cells, 3))
        return classes


def scan_table(table: Table, scanner, *, path: str | None = None) -> tuple[list[Finding], list[ColumnClass]]:
    """Findings in a table (with ``row``/``column``, the table's location and ``path``) and its column classes.

    Findings come row by row, as a reader of the table would go through it.
    A table whose ``rows`` is an iterator rather than a list (a big CSV file
    read as it is scanned) is classified from its first
    :data:`STREAM_HEAD_ROWS` rows and scanned in batches, never held whole;
    :func:`iter_table` gives its findings without holding them either.
    """
    classes: list[ColumnClass] = []
    findings = list(iter_table(table, scanner, path=path, classes=classes))
    return findings, classes


def iter_table(table: Table, scanner, *, path: str | None = None,
               classes: list[ColumnClass] | None = None) -> Iterator[Finding]:
    """The findings of :func:`scan_table`, batch by batch; ``classes`` (a list) receives the column classes at the end."""
    rows = None if isinstance(table.rows, Sequence) else iter(table.rows)
    failed: Exception | None = None  # a streamed table that breaks part-way: what came before still counts
    if rows is None:
        head = table.rows
    else:
        head, failed = _take(rows, STREAM_HEAD_ROWS)
    if table.header is not None:
        header, data, preface = list(table.header), head, []
        width = max([len(header)] + [len(r) for r in data])
        header = header + [f"列{i + 1}" for i in range(len(header), width)]
    else:
        header, data, preface = split_header(head)
    # Located once, file and cell together: a dense table has a finding per cell.
    loc = {**table.location, "path": path} if path is not None else table.location
    for row in preface:  # titles and notes above the header: plain text
        for cell in row:
            text, _ = cell_text(cell)
            if text:
                yield from (f.with_location(**loc) for f in scanner.scan(text))
    shared = table.shared_classes
    scan = TableScan(header, data, scanner, loc, classes=shared if shared and len(shared) == len(header) else None)
    if shared is not None and not shared:
        shared[:] = scan.classes
    yield from scan.scan_rows(data, table.first_row)
    next_row = table.first_row + len(data)
    del head, data  # a streamed table's first rows are not kept while the rest is read
    while rows is not None and failed is None:
        batch, failed = _take(rows, _BATCH_ROWS)
        if not batch:
            break
        yield from scan.scan_rows(batch, next_row)
        next_row += len(batch)
    if classes is not None:
        classes[:] = scan.column_classes()
    if failed is not None:
        raise failed


def _take(rows: Iterator[Sequence[Any]], n: int) -> tuple[list[Sequence[Any]], Exception | None]:
    """Up to ``n`` rows, and the error that stopped the reader before that, if one did."""
    out: list[Sequence[Any]] = []
    try:
        for row in itertools.islice(rows, n):
            out.append(row)
    except Exception as exc:  # the reader's error is raised again once these rows are scanned
        return out, exc
    return out, None
