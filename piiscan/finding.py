"""The one result type every detector, reader and report shares."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

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

ENTITY_TYPES: tuple[str, ...] = (
    CN_RESIDENT_ID,
    CN_MOBILE,
    CN_LANDLINE,
    BANK_CARD,
    EMAIL_ADDRESS,
    CN_ADDRESS,
    PERSON_NAME,
    UNDER_MASKED,
    FORBIDDEN_FIELD,
)

#: Human labels, used by reports and by the ``tag`` redaction strategy.
LABELS: dict[str, str] = {
    CN_RESIDENT_ID: "身份证号",
    CN_MOBILE: "手机号",
    CN_LANDLINE: "固定电话",
    BANK_CARD: "银行卡号",
    EMAIL_ADDRESS: "电子邮箱",
    CN_ADDRESS: "地址",
    PERSON_NAME: "姓名",
    UNDER_MASKED: "遮蔽不足",
    FORBIDDEN_FIELD: "不得公开的字段",
}


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
        from .masking import mask_value

        d = {k: v for k, v in asdict(self).items() if v is not None and v != ()}
        if "box" in d:
            d["box"] = [round(float(c), 2) for c in d["box"]]
        if "evidence" in d:
            d["evidence"] = list(d["evidence"])
        d["value"] = self.value if show_value else mask_value(self.type, self.value)
        if not show_value:  # locations come from the document too: a sheet or file named after a phone
            from .masking import LOCATION_TEXT_FIELDS, mask_text

            for k in LOCATION_TEXT_FIELDS:
                if isinstance(d.get(k), str):
                    d[k] = mask_text(d[k])
        return d


_LOCATION_FIELDS = frozenset({"path", "line", "column", "page", "sheet", "row", "part", "box"})
