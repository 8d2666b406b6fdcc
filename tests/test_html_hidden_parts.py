"""HTML comments and JSON data scripts are published with the page: read, redacted, still well formed.

Ordinary JavaScript is read too (a string in code is published); of <style> only CSS ``content:``
strings are read. Every value is synthetic (piiscan.synth).
"""
from __future__ import annotations

import json
import random
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli.redact import redact as redact_cmd
from piiscan.files import scan_file, scan_file_result
from piiscan.readers import Segment
from piiscan.readers.html import read_bytes
from piiscan.redact import redact_file
from piiscan.redact.strategies import Context, mask
from piiscan.scanner import Scanner

KEY = "html-hidden-parts-key-0123456789"
STRATEGIES = ["mask", "tag", "pseudonymize", "encrypt", "generalize", "fake"]


class Values:
    def __init__(self, seed: int = 11) -> None:
        rng = random.Random(seed)
        self.backup, self.js, self.css, self.json_phone, self.body_phone = (synth.mobile_number(rng) for _ in range(5))
        self.rid, self.ie_rid = synth.resident_id_number(rng), synth.resident_id_number(rng)
        self.top = synth.mobile_number(rng)


def page(v: Values) -> str:
    ld = json.dumps({"@type": "Person", "telephone": v.json_phone, "identifier": v.rid}, ensure_ascii=False)
    return (f"<!-- 导出 {v.top} -->\n<!DOCTYPE html>\n"
            f'<html><head><meta charset="utf-8"><title>公示</title>\n'
            f'<script>if (a < b && c) {{ var hotline = "{v.js}"; }}</script>\n'
            f'<style>/* {v.css} */ td {{ border: 1px solid #000 }}</style>\n'
            f'<script type="application/ld+json">{ld}</script>\n'
            f"</head><body>\n<p>联系电话：{v.body_phone}</p>\n"
            f"<!-- 备份联系人 {v.backup} -->\n"
            f"<!--[if lt IE 9]><p>身份证号：{v.ie_rid}</p><![endif]-->\n"
            f'<p id="after">完</p></body></html>\n')


def comments(html: str) -> list[str]:
    """Comment bodies as the stdlib tokenizer (the one the writer uses) sees them."""
    found: list[str] = []

    class P(HTMLParser):
        def handle_comment(self, data):
            found.append(data)

    p = P(convert_charrefs=False)
    p.feed(html)
    p.close()
    return found


def scripts(html: str) -> list[str]:
    import lxml.html

    return [s.text or "" for s in lxml.html.document_fromstring(html).iter("script")]


def assert_well_formed_comment(body: str) -> None:
    # HTML: a comment's text must not start with ">" or "->", nor contain "<!--", "-->", "--!>",
    # nor end with "<!-"; XML (and the brief) also forbid "--" anywhere.
    assert "--" not in body and not body.startswith((">", "->")) and not body.endswith("-")


# --- reader ------------------------------------------------------------------

def test_reader_yields_comments_and_json_scripts_not_code():
    v = Values()
    segments = [s for s in read_bytes(page(v).encode("utf-8")) if isinstance(s, Segment)]
    texts = [s.text for s in segments]
    assert f" 导出 {v.top} " in texts  # a comment before <html> is in the source too
    assert f" 备份联系人 {v.backup} " in texts  # each comment its own segment
    assert f"[if lt IE 9]><p>身份证号：{v.ie_rid}</p><![endif]" in texts
    [ld] = [t for t in texts if '"@type"' in t]
    assert json.loads(ld) == {"@type": "Person", "telephone": v.json_phone, "identifier": v.rid}
    joined = "\n".join(texts)
    assert v.js in joined  # ordinary JavaScript: a string in code is published too
    assert v.css not in joined and "border" not in joined  # a style's rules are not text
    # The page text is only the body text, comments not glued into it.
    assert texts[-1] == f"联系电话：{v.body_phone}\n完"


@pytest.mark.parametrize("kind, read", [
    ("application/json", True), ("application/ld+json", True), ("Application/LD+JSON; charset=utf-8", True),
    ("application/geo+json", True), ("text/javascript", True), ("module", True), ("", True),
])
def test_which_scripts_are_data(tmp_path, kind, read):
    phone = synth.mobile_number(random.Random(3))
    attr = f' type="{kind}"' if kind else ""
    p = tmp_path / "page.html"
    p.write_text(f'<html><body><script{attr}>{{"tel": "{phone}"}}</script><p>正文</p></body></html>', encoding="utf-8")
    assert [f.value for f in scan_file(p, Scanner())] == ([phone] if read else [])


def test_json_escapes_do_not_hide_a_number(tmp_path):
    phone = synth.mobile_number(random.Random(4))
    # "\n" before the digits would otherwise glue them to a letter ("n138…").
    p = tmp_path / "page.html"
    p.write_text(f'<html><body><script type="application/json">{{"note": "联系电话\\n{phone}"}}</script></body></html>',
                 encoding="utf-8")
    assert "\\n" + phone in p.read_text(encoding="utf-8")
    assert [f.value for f in scan_file(p, Scanner())] == [phone]


def test_scan_file_finds_comment_and_json_values(tmp_path):
    v = Values()
    p = tmp_path / "page.html"
    p.write_text(page(v), encoding="utf-8")
    values = {f.value for f in scan_file(p, Scanner())}
    assert {v.top, v.backup, v.json_phone, v.rid, v.ie_rid, v.body_phone, v.js} <= values
    assert v.css not in values


# --- writer ------------------------------------------------------------------

def test_mask_changes_only_the_values(tmp_path):
    v = Values()
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    html = page(v)
    src.write_bytes(html.encode("utf-8"))
    report = redact_file(src, dst, strategy="mask")
    out = dst.read_bytes().decode("utf-8")
    ctx = Context()
    expected = html
    # Ordinary script text was redacted before this change too; the style never.
    for value in (v.top, v.backup, v.json_phone, v.body_phone, v.js):
        expected = expected.replace(value, mask.replace("CN_MOBILE", value, ctx))
    for value in (v.rid, v.ie_rid):
        expected = expected.replace(value, mask.replace("CN_RESIDENT_ID", value, ctx))
    assert out == expected  # byte for byte: every other character is where it was
    assert report.by_type == {"CN_MOBILE": 5, "CN_RESIDENT_ID": 2}
    assert v.css in out  # <style> is left alone
    assert f"<!--[if lt IE 9]><p>身份证号：{mask.replace('CN_RESIDENT_ID', v.ie_rid, ctx)}</p><![endif]-->" in out
    assert 'if (a < b && c) {' in out  # the script's own "<" and "&" are not HTML-escaped


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_redacted_copy_rescans_clean(tmp_path, strategy):
    """The CLI re-scans each output (now comments and JSON scripts too) and deletes it on a leak."""
    v = Values(seed=12)
    src = tmp_path / "in" / "page.html"
    src.parent.mkdir()
    src.write_bytes(page(v).encode("utf-8"))
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out"), "--strategy", strategy],
                             env={"PIISCAN_KEY": KEY}, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    dst = tmp_path / "out" / "page.html"
    out = dst.read_text(encoding="utf-8")
    for value in (v.top, v.backup, v.json_phone, v.rid, v.ie_rid, v.body_phone):
        assert value not in out
    assert len(comments(out)) == 3
    ld = json.loads(scripts(out)[1])  # still JSON
    assert set(ld) == {"@type", "telephone", "identifier"} and ld["identifier"] != v.rid
    result = scan_file_result(dst, Scanner())
    assert result.error is None
    if strategy != "fake":
        assert result.findings == []


def test_leak_in_a_comment_is_caught(tmp_path, monkeypatch):
    """If the writer left a comment alone (as it used to), the re-scan now sees it and deletes the output."""
    from piiscan.redact.writers import html as html_writer

    monkeypatch.setattr(html_writer._Rewriter, "handle_comment", lambda self, data: None)
    v = Values(seed=13)
    src = tmp_path / "page.html"
    src.write_bytes(page(v).encode("utf-8"))
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 1 and "LEAK" in res.output
    assert not (tmp_path / "out" / "page.html").exists()


@pytest.mark.parametrize("tag_format", ["[{label}]", "<{type}>", "--{type}-->", "<!--{type}", "-{type}-"])
def test_tag_keeps_comments_and_json_scripts_well_formed(tmp_path, tag_format):
    v = Values(seed=14)
    html = page(v) + f"<!--{v.backup}--><!---{v.body_phone}-->\n"
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_bytes(html.encode("utf-8"))
    redact_file(src, dst, strategy="tag", tag_format=tag_format)
    out = dst.read_bytes().decode("utf-8")
    for value in (v.top, v.backup, v.json_phone, v.rid, v.ie_rid, v.body_phone):
        assert value not in out
    # The same comments, in the same places, each still well formed.
    before, after = comments(html), comments(out)
    assert len(after) == len(before) == 5
    for body in after:
        assert_well_formed_comment(body)
    assert after[2].startswith("[if lt IE 9]><p>身份证号：") and after[2].endswith("</p><![endif]")
    import lxml.html

    root = lxml.html.document_fromstring(out)
    assert root.get_element_by_id("after").text == "完"  # nothing after a comment was swallowed
    around = [*root.itersiblings(preceding=True), *root.iter(lxml.etree.Comment), *root.itersiblings()]
    assert sum(isinstance(el, lxml.etree._Comment) for el in around) == 5  # libxml2 agrees
    # The JSON script: no way out of the element, still JSON, the tag readable after parsing.
    ld_text = scripts(out)[1]
    assert "<" not in ld_text and ">" not in ld_text
    ld = json.loads(ld_text)
    tag = tag_format.format(label="手机号", type="CN_MOBILE")
    assert ld["telephone"] == tag


def test_json_numbers_and_escapes_stay_json(tmp_path):
    rng = random.Random(15)
    phone, other, rid = synth.mobile_number(rng), synth.mobile_number(rng), synth.resident_id_number(rng)
    data = {"tel": int(phone), "list": [int(other), 1.5], "note": f"户主身份证\n{rid}", "n": 12}
    text = json.dumps(data, ensure_ascii=False)
    assert "\\n" in text
    html = f'<html><body><p>x</p><script type="application/json">{text}</script></body></html>'
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(html, encoding="utf-8")
    for strategy, opts in (("mask", {}), ("tag", {"tag_format": "<{type}>"})):
        redact_file(src, dst, strategy=strategy, **opts)
        out = json.loads(scripts(dst.read_text(encoding="utf-8"))[0])
        ctx = Context(options=opts)
        if strategy == "mask":
            # A number replaced by text becomes a string; the rest of the data is as it was.
            assert out == {"tel": mask.replace("CN_MOBILE", phone, ctx),
                           "list": [mask.replace("CN_MOBILE", other, ctx), 1.5],
                           "note": f"户主身份证\n{mask.replace('CN_RESIDENT_ID', rid, ctx)}", "n": 12}
        else:
            assert out == {"tel": "<CN_MOBILE>", "list": ["<CN_MOBILE>", 1.5],
                           "note": "户主身份证\n<CN_RESIDENT_ID>", "n": 12}


def test_noscript_and_template_text_is_read(rng):
    from piiscan.readers import html

    phone, other = synth.mobile_number(rng), synth.mobile_number(rng)
    page = (f"<html><body><p>公示</p><noscript>请致电 {phone}</noscript>"
            f"<template><p>联系人电话 {other}</p></template></body></html>").encode()
    texts = " ".join(getattr(item, "text", "") for item in html.read_bytes(page))
    assert phone in texts and other in texts


def test_xhtml_with_xml_declaration_and_meta_charset(tmp_path, rng):
    # A common government-site template: XML declaration, XHTML doctype, GB2312 <meta>.
    phone = synth.mobile_number(rng)
    page = ('<?xml version="1.0" encoding="gb2312"?>\n'
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" /><title>公示</title></head>'
            f'<body><p>户主张三，联系电话：{phone}</p></body></html>').encode("gbk")
    path = tmp_path / "notice.html"
    path.write_bytes(page)
    assert [f.value for f in scan_file(path) if f.type == "CN_MOBILE"] == [phone]


@pytest.mark.parametrize("junk", ["<!foo bar>", "</ 1>", "<!DOCTYPE html>"])
def test_bogus_comments_do_not_stop_redaction(tmp_path, rng, junk):
    from piiscan import redact_file

    phone = synth.mobile_number(rng)
    src = tmp_path / "in.html"
    src.write_text(f"<html><body>{junk}<p>电话 {phone}</p></body></html>", encoding="utf-8")
    out = tmp_path / "out.html"
    redact_file(src, out)
    text = out.read_text(encoding="utf-8")
    assert phone not in text and junk in text


# --- everything else a page publishes (issue 15) -------------------------------------------------

import html as html_lib
import re
import urllib.parse
import zlib

from piiscan import limits


def published_layers(page_text: str) -> list[str]:
    """The page as an independent reader could see it: raw, tags removed, references decoded,
    percent-decoded, JSON-escapes decoded. A planted value must be in none of them."""
    raw = page_text
    no_tags = re.sub(r"<[^>]*>", "", raw)
    unescaped = html_lib.unescape(raw)
    layers = [raw, no_tags, unescaped, html_lib.unescape(no_tags), urllib.parse.unquote(unescaped),
              html_lib.unescape(re.sub(r"<[^>]*>", "", unescaped))]
    layers.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), unescaped))
    return layers


def percent(value: str) -> str:
    return "".join(f"%{b:02X}" for b in value.encode())


def charrefs(value: str) -> str:
    return "".join(f"&#{ord(c)};" for c in value)


def u_escapes(value: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in value)


HIDDEN = {
    # name: (page template taking {v}, part the finding carries)
    "query string": ('<a href="https://www.example.gov.cn/query?mobile={v}&amp;t=1">查询</a>', "@href"),
    "tel percent": ('<a href="tel:{pv}">拨打</a>', "@href"),
    "sms percent": ('<a href="sms:{pv}?body=hi">短信</a>', "@href"),
    "weixin": ('<a href="weixin://dl/chat?{pv}">微信</a>', "@href"),
    "img src": ('<img src="/uploads/photo_{v}.jpg" alt="">', "@src"),
    "srcdoc": ('<iframe srcdoc="&lt;p&gt;联系电话：{v}&lt;/p&gt;"></iframe>', "srcdoc"),
    "css style element": ('<style>p.c::after {{ content: "电话 {v}"; color: red }}</style><p class=c>x</p>', "css"),
    "css style attribute": ('<p style="--x: 1; content: \'{v}\'">x</p>', "@style"),
    "script": ('<script>var hotline = "{v}";</script>', "script"),
    "event handler": ('<button onclick="call(\'{v}\')">拨打</button>', "@onclick"),
    "split by tags": ("<p>联系电话：<b>{v3}</b><i>{v8}</i></p>", None),
    "character references": ("<p>联系电话：{cv}</p>", None),
    "attribute with references": ('<p title="联系电话：{cv}">x</p>', "@title"),
    "json \\u escapes": ('<script type="application/json">{{"tel": "{uv}"}}</script>', "json"),
    "cdata": ("<p>a<![CDATA[ 联系电话 {v} ]]>b</p>", "comment"),
}


def hidden_page(kind: str, value: str) -> str:
    template, _ = HIDDEN[kind]
    body = template.format(v=value, pv=percent(value), cv=charrefs(value), uv=u_escapes(value),
                           v3=value[:3], v8=value[3:])
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>公示</title></head><body>{body}<p>完</p></body></html>'


@pytest.mark.parametrize("kind", sorted(HIDDEN))
def test_every_hidden_place_is_scanned_and_redacted(tmp_path, kind):
    phone = synth.mobile_number(random.Random(zlib.crc32(kind.encode())))
    src = tmp_path / "in" / "page.html"
    src.parent.mkdir()
    src.write_text(hidden_page(kind, phone), encoding="utf-8")
    found = scan_file_result(src, Scanner(types=["CN_MOBILE"]))
    assert [f.value for f in found.findings] == [phone]
    assert found.findings[0].part == HIDDEN[kind][1]
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    for layer in published_layers(out):
        assert phone not in layer
    assert phone[:3] + "****" + phone[-4:] in "\n".join(published_layers(out))
    assert out.endswith("<p>完</p></body></html>")


def test_split_value_keeps_the_markup(tmp_path):
    phone = synth.mobile_number(random.Random(21))
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(hidden_page("split by tags", phone), encoding="utf-8")
    redact_file(src, dst)
    out = dst.read_text(encoding="utf-8")
    masked = phone[:3] + "****" + phone[-4:]
    assert f"联系电话：<b>{masked}</b><i></i></p>" in out  # the tags stay, balanced


def test_srcdoc_stays_an_attribute(tmp_path):
    import lxml.html

    phone = synth.mobile_number(random.Random(22))
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(hidden_page("srcdoc", phone), encoding="utf-8")
    redact_file(src, dst)
    [frame] = lxml.html.document_fromstring(dst.read_text(encoding="utf-8")).iter("iframe")
    assert frame.get("srcdoc") == f"<p>联系电话：{phone[:3]}****{phone[-4:]}</p>"


def test_percent_encoded_link_stays_a_link(tmp_path):
    phone = synth.mobile_number(random.Random(23))
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(hidden_page("tel percent", phone), encoding="utf-8")
    redact_file(src, dst, strategy="tag")
    out = dst.read_text(encoding="utf-8")
    assert '<a href="tel:' + urllib.parse.quote("[手机号]", safe="[]") + '">' in out


def test_json_u_escapes_decoded_and_still_json(tmp_path):
    rng = random.Random(24)
    phone, rid = synth.mobile_number(rng), synth.resident_id_number(rng)
    data = json.dumps({"tel": phone, "note": "身份证 " + rid}, ensure_ascii=True)
    data = data.replace(phone, u_escapes(phone))
    page_ = f'<html><body><script type="application/ld+json">{data}</script></body></html>'
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(page_, encoding="utf-8")
    assert {f.value for f in scan_file(src, Scanner())} == {phone, rid}
    redact_file(src, dst)
    out = json.loads(scripts(dst.read_text(encoding="utf-8"))[0])
    assert out == {"tel": phone[:3] + "****" + phone[-4:], "note": "身份证 " + rid[:6] + "********" + rid[-4:]}


@pytest.mark.parametrize("levels", [300, 3000])
def test_deep_page_is_read_whole(tmp_path, levels):
    rng = random.Random(levels)
    deep, after = synth.mobile_number(rng), synth.mobile_number(rng)
    page_ = ("<html><body>" + "<div>" * levels + f"<p>联系电话 {deep}</p>" + "</div>" * levels
             + f"<p>值班电话 {after}</p></body></html>")
    src = tmp_path / "in" / "deep.html"
    src.parent.mkdir()
    src.write_text(page_, encoding="utf-8")
    assert sorted(f.value for f in scan_file(src, Scanner(types=["CN_MOBILE"]))) == sorted([deep, after])
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out" / "deep.html").read_text(encoding="utf-8")
    assert deep not in out and after not in out and out.count("<div>") == levels


def test_nesting_over_the_limit_is_an_error(tmp_path):
    page_ = "<html><body>" + "<div>" * 3000 + "<p>x</p>" + "</div>" * 3000 + "</body></html>"
    src = tmp_path / "deep.html"
    src.write_text(page_, encoding="utf-8")
    with limits.using(limits.replace(limits.DEFAULT, nesting=1000)):
        res = scan_file_result(src, Scanner())
        assert res.error and "nesting" in res.error
        with pytest.raises(limits.LimitExceeded):
            redact_file(src, tmp_path / "out.html")


def test_huge_attribute_is_read_whole_and_limited(tmp_path):
    phone = synth.mobile_number(random.Random(25))
    filler = "x" * (11 * 1024 * 1024)  # past libxml2's 10 MB, which truncated it silently
    src = tmp_path / "big.html"
    src.write_text(f'<html><body><p title="{filler} 电话 {phone}">a</p><p>after</p></body></html>', encoding="utf-8")
    found = scan_file_result(src, Scanner(types=["CN_MOBILE"]))
    assert [f.value for f in found.findings] == [phone]
    with limits.using(limits.replace(limits.DEFAULT, attribute_bytes=1024 * 1024)):
        res = scan_file_result(src, Scanner())
        assert res.error and "attribute_bytes" in res.error
        with pytest.raises(limits.LimitExceeded):
            redact_file(src, tmp_path / "out.html")


def test_ordinary_text_is_byte_identical(tmp_path):
    """References, inline tags and attributes that hold nothing are never rewritten."""
    page_ = ('<html><body><p title="a &amp; b" class=x>R&amp;D &copy; <b>粗体</b>&#20013;文</p>'
             '<a href="/p?q=1&amp;r=%E4%B8%AD">链接</a><style>p { content: "x" }</style></body></html>')
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(page_, encoding="utf-8")
    redact_file(src, dst)
    assert dst.read_text(encoding="utf-8") == page_


# --- fuzz: any page, no crash; a redacted page never keeps a planted phone ------------------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_PIECES = st.sampled_from([
    "<p>", "</p>", "<b>", "</b>", "<div>", "</div>", "<td>", "</td>", "<tr>", "<table>", "</table>", "<br>",
    "&#49;", "&#x33;", "&amp;", "&nbsp;", "&lt;", "&", "<!-- c -->", "<![CDATA[ x ]]>", "<script>", "</script>",
    "<style>", "</style>", '<a href="tel:%31', '">', "<img alt='", "'>", "<title>", "</title>", " ", "\n",
    "联系电话", "张三", "1", "3", "9", "0", "-", '"', "'", "<", ">", "=", "<i title=&#49;3>", "</i>",
    "<th>手机</th>", "<td>13800138000</td>", "<textarea>", "</textarea>",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40), st.integers(0, 40))
def test_fuzz_any_page_is_read_and_redacted_without_a_leak(pieces, at):
    from piiscan.readers.html import read_bytes as read_html
    from piiscan.redact import FileReport
    from piiscan.redact.writers.html import redact_html_text

    phone = "13912345678"
    page_ = "".join(pieces[:at]) + f"电话{phone}" + "".join(pieces[at:])
    list(read_html(page_.encode("utf-8")))  # never raises on text
    try:
        out = redact_html_text(page_, FUZZ_REDACTOR, FileReport("a", "b"))
    except ValueError:
        return  # refused (exit 2): honest, never a silent pass
    # What the reader sees of the output holds nothing the redactor's types find: no silent pass.
    from piiscan.tables import Table, scan_table

    for item in read_html(out.encode("utf-8")):
        if isinstance(item, Table):
            assert scan_table(item, FUZZ_REDACTOR.scanner)[0] == [], (page_, out)
        else:
            assert FUZZ_REDACTOR.scanner.scan(item.text) == [], (page_, out)


FUZZ_REDACTOR = None


@pytest.fixture(autouse=True, scope="module")
def _fuzz_redactor():
    global FUZZ_REDACTOR
    from piiscan.redact import Redactor

    FUZZ_REDACTOR = Redactor(types=["CN_MOBILE"])
    yield


def test_changed_attribute_keeps_the_spelling_of_the_rest(tmp_path):
    phone = synth.mobile_number(random.Random(31))
    masked = phone[:3] + "****" + phone[-4:]
    page_ = (f'<html><body><a href="/q?a=1&amp;copy=2&amp;m={phone}&amp;x=%E4%B8%AD">查询</a>'
             f'<p title="电话{charrefs(phone[:2])}{phone[2:]} &amp; &#20013;">x</p>'
             f"<img alt={phone}></body></html>")
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(page_, encoding="utf-8")
    redact_file(src, dst)
    out = dst.read_text(encoding="utf-8")
    assert f'href="/q?a=1&amp;copy=2&amp;m={masked}&amp;x=%E4%B8%AD"' in out
    assert f'title="电话{masked} &amp; &#20013;"' in out
    assert f"<img alt={masked}>" in out


def test_unclosed_paragraphs_are_not_nesting(tmp_path):
    """Old pages leave </p> and </li> out: 20,000 of them are siblings, not 20,000 levels."""
    phone = synth.mobile_number(random.Random(33))
    page_ = "<html><body>" + "<p>第{}条".format(1) * 1 + "".join(f"<p>第{i}条<li>项" for i in range(12_000)) \
        + f"<p>电话 {phone}</body></html>"
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(page_, encoding="utf-8")
    res = scan_file_result(src, Scanner(types=["CN_MOBILE"]))
    assert res.error is None and [f.value for f in res.findings] == [phone]
    redact_file(src, dst)
    assert phone not in dst.read_text(encoding="utf-8")


@pytest.mark.parametrize("header", ["姓 名", "收款人"])
def test_table_columns_as_the_reader_classifies_them(tmp_path, header):
    """Names under 姓 名 (a space) or 收款人: the table reader classifies the column and finds them all;
    the writer used the raw header as context, found none, and redact failed with a leak."""
    rng = random.Random(44)
    names = [synth.person_name(rng) for _ in range(8)]
    rows = "".join(f"<tr><td>{i + 1}</td><td><b>{n[:1]}</b>{n[1:]}</td><td>1200</td></tr>" for i, n in enumerate(names))
    src = tmp_path / "in" / "t.html"
    src.parent.mkdir()
    src.write_text(f"<html><body><table><tr><th>序号</th><th>{header}</th><th>补贴金额</th></tr>{rows}</table>"
                   "</body></html>", encoding="utf-8")
    assert {f.value for f in scan_file(src, Scanner())} == set(names)
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out" / "t.html").read_text(encoding="utf-8")
    for layer in published_layers(out):
        assert not any(n in layer for n in names)
    assert out.count("<td>1200</td>") == 8 and out.count("<b>") == 8
