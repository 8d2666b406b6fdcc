"""A self-contained HTML report for a disclosure officer: one file, no scripts,
no external resources, masked values only.

Everything from the scanned files (paths, sheet names, headers) is escaped:
a file named ``<script>….csv`` must not run in the reviewer's browser.
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace
from html import escape

from ..finding import LABELS
from ..masking import mask_location, mask_text, mask_value
from ..gate.policy import ALLOWED, BASELINED, BLOCKING, WARNING, GateResult

_STATUS_LABEL = {BLOCKING: "阻止发布 blocking", WARNING: "提示 warning", BASELINED: "基线 baselined",
                 ALLOWED: "允许 allowed"}

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-size:1.2rem;padding:.6rem 1rem;border-radius:6px;display:inline-block}
.blocked{background:#ffebe9;color:#82071e}.passed{background:#dafbe1;color:#116329}.error{background:#fff8c5;color:#4d2d00}
tr.blocking td:first-child{border-left:4px solid #cf222e}code{font-family:ui-monospace,monospace}
"""


def _bar_chart(counts: dict[str, int], width: int = 560) -> str:
    """An inline SVG bar chart: one labelled bar per type."""
    if not counts:
        return "<p>No findings.</p>"
    bar_h, gap, label_w = 22, 8, 190
    top = max(counts.values())
    height = len(counts) * (bar_h + gap) + gap
    rows = []
    for i, (etype, n) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
        y = gap + i * (bar_h + gap)
        w = max(2, int((width - label_w - 60) * n / top))
        label = escape(f"{LABELS.get(etype, '')} {etype}")
        rows.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" font-size="12">{label}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#cf222e"><title>{label}: {n}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + bar_h * 0.7:.0f}" font-size="12">{n}</text>'
        )
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Findings by type" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(rows)}</svg>')


def _location(f) -> str:
    parts = []
    if f.line is not None:
        parts.append(f"line {f.line}, col {f.column}")
    for name, value in (("sheet", f.sheet), ("page", f.page), ("row", f.row)):
        if value is not None:
            parts.append(f"{name} {value}")
    if isinstance(f.column, str):
        parts.append(f"column {f.column}")
    return ", ".join(parts)


def to_html(result: GateResult, *, title: str = "piiscan report") -> str:
    """The report as one HTML document (UTF-8)."""
    c = result.counts()
    # Locations come from the documents: a file or sheet named after a phone is shown masked.
    shown = [replace(v, finding=mask_location(v.finding)) for v in result.verdicts
             if v.status in (BLOCKING, WARNING, BASELINED, ALLOWED)]
    by_type = Counter(v.finding.type for v in shown if v.status in (BLOCKING, WARNING))
    by_file: dict[str, Counter] = {}
    for v in shown:
        by_file.setdefault(v.finding.path or "", Counter())[v.status] += 1

    if result.incomplete:
        verdict = '<p class="verdict error">未完成 Incomplete: some files could not be read in full</p>'
    elif result.blocked:
        verdict = f'<p class="verdict blocked">阻止发布 Blocked: {c["blocking"]} finding(s) must be redacted</p>'
    else:
        verdict = '<p class="verdict passed">通过 Passed: nothing blocks publication</p>'

    type_rows = "".join(
        f"<tr><td>{escape(LABELS.get(t, ''))}</td><td><code>{escape(t)}</code></td><td class=n>{n}</td></tr>"
        for t, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
    file_rows = "".join(
        f"<tr><td>{escape(path)}</td>" + "".join(f"<td class=n>{cnt[s]}</td>" for s in (BLOCKING, WARNING, BASELINED, ALLOWED))
        + "</tr>"
        for path, cnt in sorted(by_file.items(), key=lambda kv: (-kv[1][BLOCKING], kv[0])))
    finding_rows = "".join(
        f'<tr class="{v.status}"><td>{escape(_STATUS_LABEL[v.status])}</td><td>{escape(v.finding.path or "")}</td>'
        f"<td>{escape(_location(v.finding))}</td><td>{escape(LABELS.get(v.finding.type, v.finding.type))}</td>"
        f"<td><code>{escape(mask_value(v.finding.type, v.finding.value))}</code></td>"
        f"<td class=n>{v.finding.confidence:.2f}</td></tr>"
        for v in shown)
    def status(r) -> str:
        if r.error:
            return "error"
        if r.unchecked and not result.accept_unsupported:
            return "not checked (fails the gate)"
        return "skipped" if r.skipped else "read in part"

    problems = "".join(
        f"<tr><td>{escape(mask_text(r.path))}</td><td>{status(r)}</td>"
        f"<td>{escape(r.error or r.skipped or '; '.join(r.unread))}</td></tr>"
        for r in result.files if r.error or r.skipped or r.unread)
    baseline = (f" · baseline {escape(str(result.baseline.get('path')))} (hash mode {escape(result.baseline['mode'])})"
                if result.baseline else "")
    generated = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    ignored = f" · {c['ignored']} ignored by .piiscanignore" if c["ignored"] else ""
    from .._version import __version__

    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{_CSS}</style></head><body>
<h1>{escape(title)}</h1>
{verdict}
<p>{c["files"]} file(s) checked · {c["blocking"]} blocking · {c["warnings"]} warning(s) · {c["baselined"]} baselined · {c["allowed"]} allowed · {c["errors"]} error(s) · {c["skipped"]} skipped{ignored}{baseline}. Values are masked.</p>
<h2>按类型 By type (blocking and warnings)</h2>
{_bar_chart(dict(by_type))}
<table><thead><tr><th>类型</th><th>type</th><th>count</th></tr></thead><tbody>{type_rows}</tbody></table>
<h2>按文件 By file</h2>
<table><thead><tr><th>file</th><th>blocking</th><th>warning</th><th>baselined</th><th>allowed</th></tr></thead><tbody>{file_rows}</tbody></table>
<h2>明细 Findings</h2>
<table><thead><tr><th>status</th><th>file</th><th>location</th><th>type</th><th>value (masked)</th><th>confidence</th></tr></thead>
<tbody>{finding_rows}</tbody></table>
{"<h2>未检查 Not checked</h2><table><thead><tr><th>file</th><th>status</th><th>reason</th></tr></thead><tbody>" + problems + "</tbody></table>" if problems else ""}
<footer><p><small>piiscan {escape(__version__)} · {generated}</small></p></footer>
</body></html>
"""
