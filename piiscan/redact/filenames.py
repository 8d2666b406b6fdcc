"""File and zip member names that hold personal information (``张三_11010519491231002X.txt``).

A name is published with the file: ``piiscan scan`` reports what it finds in
one (``part: file name``), and ``piiscan redact`` writes the output under a
redacted name. Only the stem of each path component is redacted: the
extension picks the format and is never personal. Replacement text that
Windows forbids in names (the ``*`` of a mask) becomes its full-width twin
(``＊``), so a redacted archive extracts on every system.

>>> from piiscan.redact import Redactor
>>> redact_path("公示/张三_11010519491231002X.txt", Redactor(types=["CN_RESIDENT_ID"]))[0]
'公示/张三_110105＊＊＊＊＊＊＊＊002X.txt'
"""
from __future__ import annotations

from pathlib import PurePosixPath

#: Characters Windows refuses in file names, and what replaces them in a redacted name.
_WINDOWS_SAFE = str.maketrans({"*": "＊", "?": "？", ":": "：", "<": "＜", ">": "＞", "|": "｜", '"': "＂",
                               "\\": "＼", "/": "／"})


def redact_name(name: str, redactor) -> tuple[str, list]:
    """One path component with its stem redacted, and the changes made."""
    stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    if not stem:
        return name, []
    new, changes = redactor.redact(stem)
    if not changes:
        return name, []
    parts, pos = [], 0
    for c in sorted(changes, key=lambda c: c.new_start):
        parts.append(new[pos:c.new_start])
        parts.append(new[c.new_start:c.new_end].translate(_WINDOWS_SAFE))
        pos = c.new_end
    parts.append(new[pos:])
    return "".join(parts) + dot + suffix, changes


def redact_path(rel: str, redactor) -> tuple[str, list]:
    """A POSIX relative path with every component's stem redacted, and all the changes made."""
    out, changes = [], []
    for part in PurePosixPath(rel).parts:
        new, found = redact_name(part, redactor)
        out.append(new)
        changes.extend(found)
    return "/".join(out), changes
