"""The one-page approval report of a redaction, as a self-contained printable HTML file.

It records what an approver signs off: the file (name, size, SHA-256), when
it was checked, what was found (counts by type, values masked), the strategy
used for each type, and the verdict of scanning the redacted copy again —
including a refused download and why. Every piece of text that came from the
upload (its name, sheet and column names, masked values) is escaped; the page
carries a Content-Security-Policy that allows no script and no fetch at all,
so it stays inert wherever it is opened.
"""
from __future__ import annotations

import datetime
from html import escape

from .._version import __version__
from ..finding import ENTITY_TYPES, LABELS
from ..masking import mask_value
from ..redact.strategies import get as get_strategy
from . import texts
from .view import where_zh
from .work import Redacted

#: Findings listed by value; more would not fit a printed page (the counts are complete).
MAX_LISTED = 12

_VERDICT = {
    "clean": ("通过", "ok"),
    "leak": ("未通过", "bad"),
    "unverified": ("未通过", "bad"),
    "incomplete": ("未完成", "bad"),
    "error": ("未完成", "bad"),
}

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
color:#111;margin:2em auto;max-width:48em;line-height:1.5;font-size:11pt}
h1{font-size:16pt;margin:0 0 .6em}h2{font-size:12pt;margin:1.1em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #555;padding:.2em .45em;text-align:left;
vertical-align:top;word-break:break-all}th{background:#eee}
.meta th{width:9em}.num{text-align:right}.verdict{border:2px solid;padding:.5em .8em;font-weight:bold}
.ok{border-color:#0a5c2b;color:#0a5c2b}.bad{border-color:#a00;color:#a00}
.small{font-size:9pt;color:#333}.sign td{height:2.2em}code{font-family:monospace;font-size:9pt}
.types td,.types th{text-align:center}
@page{size:A4;margin:12mm}@media print{body{margin:0;max-width:none;font-size:9.5pt}h2{margin:.7em 0 .3em}}
"""


def render(r: Redacted, *, now: datetime.datetime | None = None) -> str:
    """The report of one file's redaction (see the module docstring)."""
    now = now or datetime.datetime.now().astimezone()
    counts = {t: 0 for t in ENTITY_TYPES}
    for f in r.findings:
        counts[f.type] += 1
    verdict_text, verdict_class = _VERDICT.get(r.verdict, _VERDICT["error"])
    e = escape
    # Types across, so that the whole report fits one printed page.
    heads = "".join(f"<th>{e(LABELS[t])}</th>" for t in ENTITY_TYPES)
    nums = "".join(f"<td class=num>{counts[t]}</td>" for t in ENTITY_TYPES)
    ways = "".join(f"<td>{e(texts.strategy_name(r.strategy.get(t, 'mask')))}"
                   f"{'（使用密钥，密钥未记录）' if get_strategy(r.strategy.get(t, 'mask')).NEEDS_KEY else ''}</td>"
                   for t in ENTITY_TYPES)
    listed = []
    for f in r.findings[:MAX_LISTED]:
        listed.append(f"<tr><td>{e(LABELS.get(f.type, f.type))}</td><td>{e(where_zh(f, with_path=True))}</td>"
                      f"<td><code>{e(mask_value(f.type, f.value))}</code></td></tr>")
    more = len(r.findings) - MAX_LISTED
    left = "".join(f"<li>{e(LABELS.get(f.type, f.type))} {e(where_zh(f, with_path=True))} "
                   f"<code>{e(mask_value(f.type, f.value))}</code></li>" for f in r.left[:5])
    problems = "".join(f"<li>{e(p['member'] + '：') if p['member'] else ''}{e(p['text'])}</li>"
                       for p in r.problems if p["kind"] != "note")
    out_rows = ""
    if r.output_sha256:
        out_rows = (f"<tr><th>脱敏后 SHA-256</th><td><code>{e(r.output_sha256)}</code></td></tr>"
                    f"<tr><th>已替换</th><td>{r.changes} 处</td></tr>")
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>个人信息检查与脱敏报告 - {e(r.name)}</title>
<style>{_CSS}</style></head>
<body>
<h1>个人信息检查与脱敏报告</h1>
<table class="meta">
<tr><th>文件名</th><td>{e(r.name)}</td></tr>
<tr><th>大小</th><td>{r.size} 字节</td></tr>
<tr><th>原文件 SHA-256</th><td><code>{e(r.sha256)}</code></td></tr>
<tr><th>检查时间</th><td>{e(now.strftime("%Y-%m-%d %H:%M:%S %z"))}</td></tr>
<tr><th>检查工具</th><td>piiscan {e(__version__)}（在本机运行，文件未发送到其他地方）</td></tr>
{out_rows}
</table>
<h2>复查结论</h2>
<p class="verdict {verdict_class}" role="status">{e(verdict_text)}：{e(r.message)}</p>
{f"<ul>{left}</ul>" if left else ""}
{f"<h2>未能读取的部分</h2><ul>{problems}</ul>" if problems else ""}
<h2>发现的个人信息（共 {len(r.findings)} 项）与脱敏方式</h2>
<table class="types"><tr><th>类型</th>{heads}</tr><tr><th>数量</th>{nums}</tr><tr><th>脱敏方式</th>{ways}</tr></table>
<h2>发现明细（值已遮盖）</h2>
{"<table><thead><tr><th>类型</th><th>位置</th><th>值（已遮盖）</th></tr></thead><tbody>" + "".join(listed)
 + "</tbody></table>" if listed else "<p>未发现个人信息。</p>"}
{f'<p class="small">另有 {more} 项未逐条列出（数量已计入上表）。</p>' if more > 0 else ""}
<h2>审批</h2>
<table class="sign"><tr><th>经办人</th><td></td><th>审核人</th><td></td><th>日期</th><td></td></tr></table>
<p class="small">本报告中的值均已遮盖。SHA-256 可用于核对发布的文件与本报告所记录的文件是否一致。</p>
</body></html>
"""
