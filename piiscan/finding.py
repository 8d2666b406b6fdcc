"""The one result type every detector, reader and report shares."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Callable  # noqa: F401 - Callable names the masker's type


from .entities.registry import ENTITY_TYPES, LABELS, get as _spec_of

# Names of the built-in types, kept here for the code that imports them from this module (the
# detectors, the audit). Everything known about a type is in its spec: piiscan.entities.
# Entity type names are part of the public contract: never rename one.
CN_RESIDENT_ID = "CN_RESIDENT_ID"
CN_MOBILE = "CN_MOBILE"
CN_LANDLINE = "CN_LANDLINE"
BANK_CARD = "BANK_CARD"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
CN_ADDRESS = "CN_ADDRESS"
PERSON_NAME = "PERSON_NAME"
# Produced by the masking audit and disclosure profiles (piiscan.audit, piiscan.profiles), not by
# the default scanner: a masked value that still reveals too much, and a value in a table column
# a profile says must not be published (出生日期 under the student-aid rules).
UNDER_MASKED = "UNDER_MASKED"
FORBIDDEN_FIELD = "FORBIDDEN_FIELD"

#: ``ENTITY_TYPES`` (every registered type, in order) and ``LABELS`` (type -> Chinese label, used by
#: reports and the ``tag`` strategy) are live views of the registry: a registered type shows up in them.
__all__ = ["BANK_CARD", "CN_ADDRESS", "CN_LANDLINE", "CN_MOBILE", "CN_RESIDENT_ID", "EMAIL_ADDRESS", "ENTITY_TYPES",
           "FORBIDDEN_FIELD", "Finding", "LABELS", "PERSON_NAME", "UNDER_MASKED", "display_mask", "set_location_masker"]


def display_mask(etype: str, value: str) -> str:
    """``value`` masked by its type's display mask (the default of ``piiscan redact``); a type nobody
    registered is masked whole but its first character."""
    try:
        spec = _spec_of(etype)
    except ValueError:
        return value[:1] + "*" * max(len(value) - 1, 1)
    return spec.mask(value, None, "*")


# Masking the location texts of a finding (a sheet named after a phone) needs a scanner, which sits
# above this module; piiscan.masking installs its mask_text here when imported, and importing any
# piiscan module imports the package, which imports masking, first.
_location_masker: "Callable[[str], str] | None" = None


def set_location_masker(fn: "Callable[[str], str]") -> None:
    global _location_masker
    _location_masker = fn


@dataclass(frozen=True)
class Finding:
    """One piece of personal information found in a text.

    ``start``/``end`` index the scanned text (a file's decoded text, or one
    table cell), so ``text[start:end] == value`` always holds.

    Location fields are filled by whoever knows them: ``line``/``column``
    (1-based, text files) by the file scanner; ``row`` (1-based data row) and
    ``column`` (the header text) by table readers, plus ``sheet`` or ``page``;
    ``part`` names a part of a file outside its body text (``docProps/core.xml``,
    ``annotation``, ``metadata``); ``box`` is ``(x0, y0, x1, y1)`` on a page or
    image (PDF points, or pixels for OCR).

    ``evidence`` says why the finding was reported, one entry per reason, each
    ``kind`` or ``kind:detail`` — ``checksum``, ``label:姓名``, ``title:先生``,
    ``record`` (an ID or phone on the same line), ``column:户主姓名``,
    ``model:lac``, ``ocr:0.93`` … — so a gate can weigh a name tied to a
    personal record differently from one a model found alone in prose.
    """

    type: str
    start: int
    end: int
    value: str
    confidence: float
    detector: str
    path: str | None = None
    line: int | None = None
    column: int | str | None = None
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    part: str | None = None
    box: tuple[float, float, float, float] | None = None
    evidence: tuple[str, ...] = ()

    def with_location(self, **where: Any) -> "Finding":
        """A copy with location fields set: ``path``, ``line``, ``column``, ``page``, ``sheet``, ``row``, ``part``, ``box``.

        >>> Finding("CN_MOBILE", 0, 11, "13800138000", 0.8, "cn_mobile").with_location(row=3, column="电话").row
        3
        >>> Finding("CN_MOBILE", 0, 11, "13800138000", 0.8, "cn_mobile").with_location(value="x")
        Traceback (most recent call last):
            ...
        TypeError: not location fields: value
        """
        # Every finding in a table cell is located twice (cell, then file):
        # copying the instance dict costs 0.5 us where dataclasses.replace,
        # which re-runs __init__ field by field, cost 2.2 us (a quarter of the
        # time of scanning a dense CSV file).
        if not _LOCATION_FIELDS.issuperset(where):
            raise TypeError(f"not location fields: {', '.join(sorted(set(where) - _LOCATION_FIELDS))}")
        new = object.__new__(type(self))
        state = new.__dict__
        state.update(self.__dict__)
        state.update(where)
        return new

    def with_evidence(self, *reasons: str) -> "Finding":
        """A copy with ``reasons`` added to :attr:`evidence` (each once, in order).

        >>> Finding("PERSON_NAME", 0, 2, "张三", 0.8, "person_name", evidence=("label:姓名",)).with_evidence("ocr:0.97").evidence
        ('label:姓名', 'ocr:0.97')
        """
        new = tuple(r for r in dict.fromkeys(reasons) if r not in self.evidence)
        if not new:
            return self
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__["evidence"] = self.evidence + new
        return copy

    def shifted(self, offset: int) -> "Finding":
        return replace(self, start=self.start + offset, end=self.end + offset)

    def place(self, sheet: str = "sheet {}", page: str = "page {}", row: str = "row {}",
              column: str = "column {}", part: str = "part {}") -> list[str]:
        """Where in a document or table the finding is, one formatted part per field that is set.

        Reports word it differently (a terminal line, a SARIF message), so
        each part's format can be given; line and column of a text are not
        parts here (``column`` is a part only when it names a table column).

        >>> Finding("CN_MOBILE", 0, 11, "13800138000", 0.8, "cn_mobile").with_location(sheet="公示", row=3, column="电话").place()
        ['sheet 公示', 'row 3', 'column 电话']
        """
        parts = []
        if self.sheet is not None:
            parts.append(sheet.format(self.sheet))
        if self.page is not None:
            parts.append(page.format(self.page))
        if self.row is not None:
            parts.append(row.format(self.row))
        if isinstance(self.column, str):
            parts.append(column.format(self.column))
        if self.part is not None:
            parts.append(part.format(self.part))
        return parts

    def to_dict(self, *, show_value: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; the value, and any value in the location texts, masked unless ``show_value``."""
        d = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        if "box" in d:
            d["box"] = [round(float(c), 2) for c in d["box"]]
        if "evidence" in d:
            d["evidence"] = list(d["evidence"])
        d["value"] = self.value if show_value else display_mask(self.type, self.value)
        if not show_value:  # locations come from the document too: a sheet or file named after a phone
            if _location_masker is None:  # never leak for want of a masker: fail loudly
                raise RuntimeError("piiscan.masking is not imported: location texts cannot be masked")
            for k in LOCATION_TEXT_FIELDS:
                if isinstance(d.get(k), str):
                    d[k] = _location_masker(d[k])
        return d


#: Location fields that hold text from the document (a path, a sheet name, a header, a part name).
LOCATION_TEXT_FIELDS = ("path", "sheet", "column", "part")

_LOCATION_FIELDS = frozenset({"path", "line", "column", "page", "sheet", "row", "part", "box"})
