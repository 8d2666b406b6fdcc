"""Safe repairs of what OCR gets wrong in numbers: full-width forms, and O/l read inside a run of digits.

Only length-preserving, one-character repairs, so every character keeps its
box on the page. A letter is read as a digit only *inside* a digit run (a
digit on both sides, in a run of at least :data:`MIN_RUN` characters with at
least :data:`MIN_DIGITS` real digits and at most :data:`MAX_FIXES` letters):
``1380O138000`` becomes ``13800138000``, but an ``l`` at the end of a run is
left alone, because turning it into a digit would invent a check digit. The
repaired number still has to pass its validator (ID and card checksums,
mobile number segments) before anything is reported, and findings that
cover a repaired character say so (evidence ``ocr-corrected``).

>>> fix("身份证：３６１０２５１９８４０１２３９５６Ｘ")
('身份证：36102519840123956X', ())
>>> fix("手机 1380O138000")
('手机 13800138000', (7,))
>>> fix("36102519840123956l")  # the last character: never made a digit
('36102519840123956l', ())
>>> fix("Hello World 1O")[0]
'Hello World 1O'
"""
from __future__ import annotations

import re

MIN_RUN = 7
MIN_DIGITS = 5
MAX_FIXES = 2

# Full-width digits and the letters IDs use; other full-width forms (：，（）) are left to the scanner.
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "x"})
_LOOKALIKE = {"O": "0", "o": "0", "〇": "0", "Ｏ": "0", "l": "1", "I": "1", "|": "1", "ｌ": "1", "Ｉ": "1"}
_RUN = re.compile("[0-9" + re.escape("".join(_LOOKALIKE)) + "]+")


def fix(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with full-width digits made ASCII and lookalike letters inside digit runs made digits,
    and the positions of the letters so repaired (same length as the input, always)."""
    text = text.translate(_WIDE)
    if not any(c in _LOOKALIKE for c in text):
        return text, ()
    chars = list(text)
    fixed: list[int] = []
    for m in _RUN.finditer(text):
        run = m.group()
        letters = [i for i, c in enumerate(run) if c in _LOOKALIKE]
        if not letters or len(run) < MIN_RUN or len(run) - len(letters) < MIN_DIGITS or len(letters) > MAX_FIXES:
            continue
        for i in letters:
            if 0 < i < len(run) - 1 and run[i - 1].isdigit() and run[i + 1].isdigit():
                chars[m.start() + i] = _LOOKALIKE[run[i]]
                fixed.append(m.start() + i)
    return "".join(chars), tuple(fixed)
