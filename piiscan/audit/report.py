"""The rectification report (整改报告): per file, what must change and under which rule.

Written for the record a disclosure office files after checking what it
published: in Chinese, one section per file, each item with where it is, what
the rule requires, the document the rule rests on and how far that document
was verified, and blank columns for who rectified it and when. The same
content as JSON (:func:`to_json`) for other tools, and as a few lines for a
terminal (:func:`to_text`).

Values are masked as every piiscan report masks them; joinable fragments are
reported by place and count only (see :mod:`piiscan.audit.joins`).
"""
from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from typing import Any

from ..finding import FORBIDDEN_FIELD, LABELS, UNDER_MASKED
from ..masking import mask_value
from ..profiles.model import STATUSES
from .joins import Join
from .kanon import TableRisk
from .masked import REVEALS
from .run import AuditReport, describe

KINDS = {FORBIDDEN_FIELD: "不得公开的列", UNDER_MASKED: "遮蔽不足"}
_DEFAULT_KIND = "违规公开"


def _place(f) -> str:
    parts = []
    if f.sheet is not None:
        parts.append(f"工作表“{f.sheet}”")
    if f.page is not None:
        parts.append(f"第{f.page}页")
    if f.row is not None:
        parts.append(f"第{f.row}行")
    if isinstance(f.column, str):
        parts.append(f"“{f.column}”列")
    if f.line is not None:
        parts.append(f"第{f.line}行")
    if f.part is not None:
        parts.append(str(f.part))
    return "，".join(parts) or "正文"


def items(report: AuditReport) -> dict[str, list[dict[str, Any]]]:
    """Per file, the things to rectify: violations grouped by rule and column, joins, small groups."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fa in report.files:
        groups: dict[tuple, list] = defaultdict(list)
        for f in fa.violations:
            v = f.violation
            groups[(v.rule, f.type, f.column if isinstance(f.column, str) else None, v.reason)].append(f)
        for (rule, etype, column, reason), fs in groups.items():
            v = fs[0].violation
            what = (f"“{column}”列" if etype == FORBIDDEN_FIELD and column else
                    LABELS.get(next((e.split(":", 1)[1] for e in fs[0].evidence if e.startswith("masked:")), etype),
                               etype))
            out[fa.path].append({
                "kind": KINDS.get(etype, _DEFAULT_KIND),
                "type": etype,
                "what": what,
                "count": len(fs),
                "locations": [{"place": _place(f), "value": mask_value(f.type, f.value),
                               **{k: getattr(f, k) for k in ("line", "row", "sheet", "page") if getattr(f, k) is not None},
                               **({"column": f.column} if isinstance(f.column, str) else {}),
                               **({"reveals": [REVEALS.get(e[8:], e[8:]) for e in f.evidence if e.startswith("reveals:")]}
                                  if etype == UNDER_MASKED else {})}
                              for f in fs],
                "requirement": v.requirement + (f"（{reason}）" if reason else ""),
                "rule": rule,
                "basis": v.source,
                "status": v.status,
                "status_text": STATUSES.get(v.status, v.status),
            })
    basis_k = "；".join(s.citation() for s in report.profile.quasi.sources) or "GB/T 37964-2019"
    for j in report.joins:
        for path in j.paths:
            others = [m.place() for m in j.members if m.path != path] or [m.place() for m in j.members]
            out[path].append({
                "kind": "碎片可拼接",
                "type": j.type,
                "what": LABELS.get(j.type, j.type),
                "count": sum(1 for m in j.members if m.path == path),
                "locations": [{"place": m.place(), "shows": m.shows} for m in j.members if m.path == path],
                "with": others,
                "requirement": (f"与其他位置的遮蔽形式合起来显示{j.together}/{j.length}位（{j.reason}）："
                                f"各处统一按规则遮蔽（{j.allowed}），或删除"),
                "rule": report.profile.types[j.type].id,
                "basis": report.profile.types[j.type].citation(),
                "status": report.profile.types[j.type].status(),
                "status_text": STATUSES.get(report.profile.types[j.type].status(), ""),
                "linked_by": "同一记录上的姓名" if j.linked_by == "name" else "共有的可区分数字",
            })
    for t in report.risky_tables:
        out[t.path].append({
            "kind": "重识别风险",
            "type": "K_ANONYMITY",
            "what": "、".join(t.columns),
            "count": sum(g.size for g in t.small),
            "locations": [{"place": "、".join(f"{h}={v}" for h, v in g.values), "rows": list(g.rows), "size": g.size}
                          for g in t.small],
            "requirement": (f"最小组规模k={t.k}，低于{t.threshold}：对这些列进一步泛化（如年龄改为年龄段、合并村组、"
                            f"金额改为区间）或删除相应行后再公布"),
            "rule": f"{report.profile.name}:quasi-identifiers",
            "basis": basis_k,
            "status": "verified",
            "status_text": "定义已核实；k值阈值为通行做法",
        })
    return dict(out)


def to_json(report: AuditReport) -> str:
    doc = {
        "title": "个人信息公开整改报告",
        "generated": report.generated.isoformat(),
        "profile": report.profile.describe(),
        "paths": report.paths,
        "threshold_k": report.threshold,
        "summary": describe(report),
        "exit_code": report.exit_code,
        "files": [{"path": p, "items": its} for p, its in sorted(items(report).items())],
        "joins": [j.to_dict() for j in report.joins],
        "k_anonymity": [t.to_dict() for t in report.tables],
        "not_checked": [{"path": f.path, "error": f.error} if f.error else {"path": f.path, "unread": f.unread}
                        for f in report.incomplete],
        "skipped": [{"path": f.path, "reason": f.skipped} for f in report.files if f.skipped],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_text(report: AuditReport) -> str:
    """A few lines per file for a terminal; the full record is the HTML or JSON report."""
    lines = []
    for path, its in sorted(items(report).items()):
        lines.append(path)
        for it in its:
            lines.append(f"  [{it['kind']}] {it['what']} ×{it['count']}: {it['requirement']} — {it['basis']}")
    for f in report.incomplete:
        lines.append(f"{f.path}: 未能完整检查 — {f.error or '; '.join(f.unread)}")
    s = describe(report)
    lines.append(f"{s['files']} 个文件；{s['files_to_rectify']} 个需整改；违规 {s['violations']} 处；"
                 f"可拼接碎片 {s['joins']} 组；k<{report.threshold} 的表 {s['tables_below_k']} 张"
                 + (f"；{s['incomplete']} 个文件未能完整检查" if s["incomplete"] else ""))
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right}code{font-family:ui-monospace,monospace}
.verdict{font-size:1.1rem;padding:.5rem 1rem;border-radius:6px;display:inline-block}
.bad{background:#ffebe9;color:#82071e}.ok{background:#dafbe1;color:#116329}.warn{background:#fff8c5;color:#4d2d00}
.u{color:#9a6700}small{color:#57606a}td.blank{min-width:6rem}
"""


def to_html(report: AuditReport) -> str:
    """The report as one self-contained HTML page (no scripts, nothing external); everything escaped."""
    from .._version import __version__

    p = report.profile
    s = describe(report)
    per_file = items(report)
    if report.incomplete:
        verdict = f'<p class="verdict warn">检查未完成：{len(report.incomplete)} 个文件未能完整检查</p>'
    elif report.exit_code:
        verdict = f'<p class="verdict bad">需要整改：{s["files_to_rectify"]} 个文件</p>'
    else:
        verdict = '<p class="verdict ok">未发现需整改的问题</p>'
    sources = "".join(
        f"<tr><td>{escape(src.citation())}</td><td>{escape(STATUSES[src.status])}</td>"
        f"<td>{escape(src.quote)}</td><td>{escape(src.url)}</td></tr>"
        for src in _used_sources(report))
    rules = "".join(
        f"<tr><td><code>{escape(r.id)}</code></td><td>{escape(r.requirement())}</td><td>{escape(r.citation())}</td>"
        f"<td{' class=u' if r.status() == 'unverified' else ''}>{escape(STATUSES[r.status()])}</td></tr>"
        for r in [*p.types.values(), *p.columns])
    sections = []
    for path, its in sorted(per_file.items()):
        rows = []
        for n, it in enumerate(its, 1):
            locs = it["locations"]
            shown = "；".join(escape(_loc_text(loc)) for loc in locs[:8]) + (f" …（共{len(locs)}处）" if len(locs) > 8 else "")
            extra = ("<br><small>与：" + escape("；".join(it["with"])) + "（依据：" + escape(it["linked_by"]) + "）</small>"
                     if it.get("with") else "")
            rows.append(
                f"<tr><td class=n>{n}</td><td>{escape(it['kind'])}</td><td>{escape(it['what'])}</td>"
                f"<td class=n>{it['count']}</td><td>{shown}{extra}</td><td>{escape(it['requirement'])}</td>"
                f"<td>{escape(it['basis'])}<br><small>{escape(it['status_text'])}</small></td>"
                f"<td class=blank></td><td class=blank></td></tr>")
        sections.append(
            f"<h3>{escape(path)}</h3><table><thead><tr><th>序号</th><th>问题</th><th>内容</th><th>处数</th>"
            f"<th>位置（值已遮蔽）</th><th>整改要求</th><th>依据</th><th>整改情况</th><th>整改人/日期</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    joins = "".join(
        f"<tr><td>{escape(LABELS.get(j.type, j.type))}</td><td>{escape('；'.join(m.place() + f'（显示{m.shows}位）' for m in j.members))}</td>"
        f"<td>{escape('同一记录上的姓名' if j.linked_by == 'name' else '共有的可区分数字')}</td>"
        f"<td class=n>{j.together}/{j.length}</td><td>{escape(j.reason)}</td></tr>" for j in report.joins)
    tables = "".join(
        f"<tr><td>{escape(t.path)}{escape(' ' + ' '.join(f'{k} {v}' for k, v in t.location) if t.location else '')}</td>"
        f"<td>{escape('、'.join(t.columns))}</td><td class=n>{t.rows}</td><td class=n>{t.k}</td>"
        f"<td>{escape('；'.join(f'第{g.rows[0]}行等{g.size}行：' + '、'.join(f'{h}={v}' for h, v in g.values) for g in t.small[:10]))}</td></tr>"
        for t in report.tables)
    problems = "".join(f"<tr><td>{escape(f.path)}</td><td>{escape(f.error or '；'.join(f.unread))}</td></tr>"
                       for f in report.incomplete)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>个人信息公开整改报告</title><style>{_CSS}</style></head><body>
<h1>个人信息公开整改报告</h1>
{verdict}
<table><tbody>
<tr><th>检查范围</th><td>{escape('、'.join(report.paths))}</td></tr>
<tr><th>适用规则</th><td>{escape(p.title)}（<code>{escape(p.name)}</code>）{escape(' — ' + p.description if p.description else '')}</td></tr>
<tr><th>检查时间</th><td>{escape(report.generated.strftime('%Y-%m-%d %H:%M'))}</td></tr>
<tr><th>结果</th><td>{s['files']} 个文件；{s['files_to_rectify']} 个需整改；违规 {s['violations']} 处；可拼接碎片 {s['joins']} 组；k&lt;{report.threshold} 的表 {s['tables_below_k']} 张；未能完整检查 {s['incomplete']} 个</td></tr>
</tbody></table>
<p><small>报告中的个人信息均已遮蔽；可拼接的碎片只列位置和位数，不列内容。</small></p>
<h2>一、逐文件整改清单</h2>
{''.join(sections) or '<p>无。</p>'}
<h2>二、遮蔽碎片拼接风险</h2>
<p><small>同一号码在不同位置以不同方式遮蔽时，把可见位合在一起可能还原更多甚至全部号码。</small></p>
{'<table><thead><tr><th>类型</th><th>位置</th><th>关联依据</th><th>合计可见</th><th>问题</th></tr></thead><tbody>' + joins + '</tbody></table>' if joins else '<p>未发现。</p>'}
<h2>三、表格重识别风险（k-匿名）</h2>
<p><small>按规则中的准标识符列（GB/T 37964-2019 3.7）分组，每组至少应有 {report.threshold} 行。</small></p>
{'<table><thead><tr><th>表</th><th>准标识符</th><th>行数</th><th>最小组k</th><th>低于阈值的组</th></tr></thead><tbody>' + tables + '</tbody></table>' if tables else '<p>没有含准标识符列的表。</p>'}
{'<h2>四、未能完整检查的文件</h2><table><thead><tr><th>文件</th><th>原因</th></tr></thead><tbody>' + problems + '</tbody></table>' if problems else ''}
<h2>附：适用规则及依据</h2>
<table><thead><tr><th>规则</th><th>要求</th><th>依据</th><th>核实情况</th></tr></thead><tbody>{rules}</tbody></table>
<table><thead><tr><th>文件</th><th>核实情况</th><th>原文</th><th>来源</th></tr></thead><tbody>{sources}</tbody></table>
<h2>整改记录</h2>
<table><tbody><tr><th>整改负责人</th><td class=blank></td><th>完成日期</th><td class=blank></td></tr>
<tr><th>复核人</th><td class=blank></td><th>复核日期</th><td class=blank></td></tr></tbody></table>
<footer><p><small>piiscan {escape(__version__)} · 规则文件 {escape(str(p.path or ''))}</small></p></footer>
</body></html>
"""


def _loc_text(loc: dict[str, Any]) -> str:
    text = loc.get("place", "")
    if "value" in loc:
        text += f" {loc['value']}"
    if "reveals" in loc and loc["reveals"]:
        text += "（可见：" + "、".join(loc["reveals"]) + "）"
    if "shows" in loc:
        text += f"（显示{loc['shows']}位）"
    if "rows" in loc:
        text += f"：第{'、'.join(map(str, loc['rows'][:10]))}行"
    return text


def _used_sources(report: AuditReport):
    seen = {}
    for r in [*report.profile.types.values(), *report.profile.columns]:
        for s in r.sources:
            seen.setdefault(s.id, s)
    for s in report.profile.quasi.sources:
        seen.setdefault(s.id, s)
    return list(seen.values())


def render(report: AuditReport, fmt: str) -> str:
    return {"json": to_json, "html": to_html, "table": to_text}[fmt](report)


__all__ = ["items", "render", "to_html", "to_json", "to_text", "Join", "TableRisk"]
