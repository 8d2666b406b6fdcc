// The page of `piiscan serve`. Plain JavaScript, no build step, nothing loaded from elsewhere.
//
// Every piece of text that comes from a document or a file name is put into the page with
// textContent (never innerHTML), so a file named <img src=x onerror=alert(1)>.csv is shown as
// those characters. The files stay in the browser's memory: each action (scan, reveal,
// redact, report) sends them again, and the server forgets them after each answer.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const maxUpload = Number(document.querySelector('meta[name="max-upload"]').content);
  const $ = (id) => document.getElementById(id);
  const input = $("files"), drop = $("drop"), results = $("results"), status = $("status");
  const progressBox = $("progress-box"), progress = $("progress"), progressLabel = $("progress-label");
  const reveal = $("reveal"), keyBox = $("key-box"), key = $("key");
  const selects = Array.from(document.querySelectorAll("select[data-type]"));
  const entries = []; // {file, card, result}
  let busy = Promise.resolve();

  const STATUS = {
    found: ["发现个人信息", "st-found"],
    clean: ["未发现个人信息", "st-clean"],
    incomplete: ["未能完整检查", "st-warn"],
    error: ["无法读取", "st-error"],
    unsupported: ["不支持的格式", "st-error"],
  };
  const UNCHECKED = ["error", "unsupported"];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function say(text) { status.textContent = text; }

  function sizeZh(n) {
    if (n >= 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MB";
    if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
    return n + " 字节";
  }

  // --- choices -----------------------------------------------------------------------

  function strategy() {
    return selects.map((s) => s.dataset.type + "=" + s.value).join(",");
  }

  function needsKey() {
    return selects.some((s) => s.selectedOptions[0] && s.selectedOptions[0].hasAttribute("data-needs-key"));
  }

  function updateKeyBox() { keyBox.hidden = !needsKey(); }

  selects.forEach((s) => s.addEventListener("change", updateKeyBox));
  updateKeyBox();

  $("gen-key").addEventListener("click", () => {
    const bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    key.value = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    key.type = "text";
    $("show-key").setAttribute("aria-pressed", "true");
    $("show-key").textContent = "隐藏密钥";
    say("已生成随机密钥。请把它复制保存到安全的地方：加密的值只有用它才能还原。");
    key.focus();
    key.select();
  });

  $("show-key").addEventListener("click", (ev) => {
    const show = key.type === "password";
    key.type = show ? "text" : "password";
    ev.currentTarget.setAttribute("aria-pressed", String(show));
    ev.currentTarget.textContent = show ? "隐藏密钥" : "显示密钥";
  });

  function keyProblem() {
    if (!needsKey()) return null;
    if (key.value.trim().length < 16) return "所选的脱敏方式需要密钥：请填写至少 16 个字符，或点“生成随机密钥”。";
    return null;
  }

  // --- requests ------------------------------------------------------------------------

  // XMLHttpRequest rather than fetch: it reports upload progress for long files.
  function post(url, form, responseType, onUpload) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.responseType = responseType;
      if (onUpload) xhr.upload.onprogress = (e) => { if (e.lengthComputable) onUpload(e.loaded / e.total); };
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => resolve(null);
      xhr.send(form);
    });
  }

  async function errorOf(xhr) {
    if (!xhr) return { message: "无法连接到本机服务：它可能已经关闭。请重新运行 piiscan serve 后刷新页面。" };
    let body = xhr.response;
    try {
      if (body instanceof Blob) body = JSON.parse(await body.text());
      else if (typeof body === "string") body = JSON.parse(body);
    } catch (e) {
      body = null;
    }
    const err = (body && body.error) || { message: "出错了（" + xhr.status + "）。" };
    err.files = body && body.files;
    return err;
  }

  function filenameOf(xhr, fallback) {
    const cd = xhr.getResponseHeader("Content-Disposition") || "";
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
    const plain = /filename="([^"]+)"/i.exec(cd);
    return plain ? plain[1] : fallback;
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function showProgress(label, fraction) {
    progressBox.hidden = false;
    progressLabel.textContent = label;
    if (fraction === null) progress.removeAttribute("value");
    else progress.value = Math.round(fraction * 100);
  }

  function hideProgress() { progressBox.hidden = true; }

  // --- scanning --------------------------------------------------------------------------

  function addFiles(list) {
    const files = Array.from(list || []);
    if (!files.length) return;
    for (const file of files) {
      const entry = { file, result: null, card: el("article", { class: "card", "aria-busy": "true" }) };
      entry.card.append(el("h3", { text: file.name }), el("p", { class: "muted", text: "等待检查…" }));
      results.append(entry.card);
      entries.push(entry);
      queue(() => scan(entry, files.indexOf(file) + 1, files.length));
    }
    queue(async () => { hideProgress(); updateButtons(); });
    input.value = "";
  }

  function queue(task) { busy = busy.then(task, task); return busy; }

  async function scan(entry, i, n) {
    const label = "正在检查 " + entry.file.name + (n > 1 ? "（第 " + i + " 个，共 " + n + " 个）" : "");
    say(label);
    if (entry.file.size > maxUpload) {
      entry.result = null;
      renderError(entry, { message: "文件大小 " + sizeZh(entry.file.size) + "，超过了上限 " + sizeZh(maxUpload) + "。" });
      return;
    }
    const form = new FormData();
    form.append("file", entry.file, entry.file.name);
    if (reveal.checked) form.append("reveal", "1");
    showProgress("正在上传 " + entry.file.name, 0);
    const xhr = await post("/ui/scan", form, "json", (f) => {
      if (f < 1) showProgress("正在上传 " + entry.file.name, f);
      else showProgress("正在检查 " + entry.file.name + "（文件较长时需要一些时间）", null);
    });
    if (!xhr || xhr.status !== 200) {
      renderError(entry, await errorOf(xhr));
      return;
    }
    entry.result = xhr.response;
    render(entry);
    const r = entry.result;
    const why = r.problems.find((p) => p.kind !== "note");
    say(entry.file.name + "：" + STATUS[r.status][0] + (r.findings.length ? "，共 " + r.findings.length + " 项" : "") +
        (why ? "。" + why.text : "。"));
  }

  function renderError(entry, err) {
    const card = entry.card;
    card.replaceChildren(el("h3", { text: entry.file.name }),
      el("p", { class: "badge st-error", text: "无法检查" }),
      el("p", { class: "problem", role: "alert", text: err.message }));
    if (err.detail) card.append(el("details", {}, el("summary", { text: "技术细节" }), el("p", { text: err.detail })));
    card.setAttribute("aria-busy", "false");
    say(entry.file.name + "：" + err.message);
  }

  function render(entry) {
    const r = entry.result, card = entry.card;
    const [statusText, statusClass] = STATUS[r.status] || STATUS.error;
    card.replaceChildren();
    card.setAttribute("aria-busy", "false");
    card.append(el("h3", { text: r.name }));
    card.append(el("p", { class: "meta" },
      el("span", { class: "badge " + statusClass, text: statusText }), " ",
      el("span", { text: "大小 " + sizeZh(r.size) }), " · ",
      el("span", { text: "SHA-256 " }), el("code", { class: "hash", text: r.sha256 })));

    for (const p of r.problems) {
      const box = el("div", { class: "problem " + (p.kind === "note" ? "note" : ""), role: p.kind === "note" ? null : "alert" });
      box.append(el("p", { text: (p.member ? p.member + "：" : "") + p.text }));
      box.append(el("details", {}, el("summary", { text: "技术细节" }), el("p", { text: p.detail })));
      card.append(box);
    }

    if (!UNCHECKED.includes(r.status)) card.append(countsTable(r));
    if (r.view && r.view.blocks.length) card.append(documentView(r));
    if (r.findings.length) card.append(findingsTable(r));

    const actions = el("p", { class: "actions" });
    const dl = el("button", { type: "button", class: "primary", text: "下载脱敏文件" });
    const rep = el("button", { type: "button", text: "下载审批报告" });
    dl.disabled = UNCHECKED.includes(r.status);
    dl.addEventListener("click", () => queue(() => downloadRedacted([entry], dl)));
    rep.addEventListener("click", () => queue(() => downloadReport(entry, rep)));
    actions.append(dl, " ", rep);
    card.append(actions, el("div", { class: "outcome", role: "status", "aria-live": "polite" }));
  }

  function countsTable(r) {
    if (!r.counts.length) return el("p", { class: "clean", text: "未发现个人信息。" });
    const table = el("table", { class: "counts" }, el("caption", { text: "按类型统计" }));
    table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "类型" }), el("th", { scope: "col", text: "数量" }))));
    const body = el("tbody");
    for (const c of r.counts) {
      body.append(el("tr", { "data-type": c.type }, el("th", { scope: "row" }, el("span", { class: "swatch t-" + c.type }), c.label),
        el("td", { class: "num", text: String(c.count) })));
    }
    table.append(body);
    return table;
  }

  function runs(list) {
    const frag = document.createDocumentFragment();
    for (const run of list) {
      if (typeof run === "string") frag.append(run);
      else frag.append(el("mark", { class: "t-" + run.type, "data-f": String(run.f), title: labelOf(run.type), text: run.text }));
    }
    return frag;
  }

  let labels = {};
  function labelOf(type) { return labels[type] || type; }

  function documentView(r) {
    for (const c of r.counts) labels[c.type] = c.label;
    for (const f of r.findings) labels[f.type] = f.label;
    const details = el("details", { class: "doc", open: true });
    details.append(el("summary", { text: "原文（发现处已高亮" + (r.revealed ? "，显示原值" : "，已遮盖") + "）" }));
    if (r.view.truncated) details.append(el("p", { class: "muted", text: "文档较长，这里只显示开头部分；上面的统计和下面的明细是完整的。" }));
    for (const b of r.view.blocks) {
      const where = b.where ? el("p", { class: "where", text: b.where }) : null;
      if (b.kind === "text") {
        if (!b.runs.length) continue;
        details.append(el("div", { class: "block" }, where,
          el("div", { class: "doc-text", tabindex: "0", role: "region", "aria-label": "原文" + (b.where ? " " + b.where : "") }, runs(b.runs))));
      } else {
        const table = el("table", { class: "doc-table" });
        const body = el("tbody");
        b.rows.forEach((row, i) => {
          const tr = el("tr");
          // A title above the header (merged across the sheet): one cell spanning the row.
          if (b.header_row !== null && i < b.header_row && row.length > 1 && row.slice(1).every((c) => !c.length)) {
            const td = el("td", { class: "title", colspan: String(row.length) });
            td.append(runs(row[0]));
            body.append(el("tr", {}, td));
            return;
          }
          for (const cell of row) {
            const td = el(i === b.header_row ? "th" : "td", i === b.header_row ? { scope: "col" } : {});
            td.append(runs(cell));
            tr.append(td);
          }
          body.append(tr);
        });
        if (b.header) {
          const head = el("tr");
          for (const h of b.header) head.append(el("th", { scope: "col", text: h }));
          table.append(el("thead", {}, head));
        }
        table.append(body);
        details.append(el("div", { class: "block" }, where,
          el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "表格" + (b.where ? " " + b.where : "") }, table),
          b.truncated ? el("p", { class: "muted", text: "表格较长，只显示了前 " + b.rows.length + " 行。" }) : null));
      }
    }
    return details;
  }

  function findingsTable(r) {
    const details = el("details", { class: "findings" });
    details.append(el("summary", { text: "发现明细（" + r.findings.length + " 项" + (r.revealed ? "，显示原值" : "，值已遮盖") + "）" }));
    const table = el("table");
    table.append(el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: "类型" }), el("th", { scope: "col", text: "位置" }),
      el("th", { scope: "col", text: "值" }), el("th", { scope: "col", text: "可信度" }))));
    const body = el("tbody");
    const shown = r.findings.slice(0, 2000);
    for (const f of shown) {
      body.append(el("tr", {}, el("td", { text: f.label }), el("td", { text: f.where + (f.shown ? "" : "（原文中未显示）") }),
        el("td", {}, el("code", { text: f.value })), el("td", { class: "num", text: f.confidence.toFixed(2) })));
    }
    table.append(body);
    details.append(table);
    if (r.findings.length > shown.length) details.append(el("p", { class: "muted", text: "只列出前 " + shown.length + " 项。" }));
    return details;
  }

  // --- downloads ---------------------------------------------------------------------------

  function outcomeOf(entry) { return entry.card.querySelector(".outcome"); }

  function redactForm(list) {
    const form = new FormData();
    for (const e of list) form.append("file", e.file, e.file.name);
    form.append("strategy", strategy());
    if (needsKey()) form.append("key", key.value.trim());
    return form;
  }

  async function downloadRedacted(list, button) {
    const problem = keyProblem();
    const target = list.length === 1 ? outcomeOf(list[0]) : status;
    if (problem) { target.textContent = problem; key.focus(); return; }
    if (button) button.disabled = true;
    const what = list.length === 1 ? list[0].file.name : list.length + " 个文件";
    say("正在生成 " + what + " 的脱敏文件并复查…");
    showProgress("正在生成脱敏文件：" + what, null);
    const xhr = await post("/ui/redact", redactForm(list), "blob");
    hideProgress();
    if (button) button.disabled = false;
    if (xhr && xhr.status === 200) {
      const name = filenameOf(xhr, "脱敏文件");
      save(xhr.response, name);
      const done = "已下载 " + name + "（已重新检查，未发现个人信息）。";
      target.textContent = done;
      say(done);
      return;
    }
    const err = await errorOf(xhr);
    let text = err.message;
    if (err.files && err.files.length > 1) {
      text += " " + err.files.filter((f) => f.verdict !== "clean").map((f) => f.name + "：" + f.message).join("；");
    }
    target.textContent = "";
    target.append(el("p", { class: "problem", role: "alert", text: text }));
    say(text);
  }

  async function downloadReport(entry, button) {
    const problem = keyProblem();
    if (problem) { outcomeOf(entry).textContent = problem; key.focus(); return; }
    button.disabled = true;
    say("正在生成 " + entry.file.name + " 的审批报告…");
    showProgress("正在生成审批报告：" + entry.file.name, null);
    const form = redactForm([entry]);
    const xhr = await post("/ui/report", form, "blob");
    hideProgress();
    button.disabled = false;
    if (xhr && xhr.status === 200) {
      const name = filenameOf(xhr, "审批报告.html");
      save(xhr.response, name);
      const verdict = xhr.getResponseHeader("X-Piiscan-Verdict");
      const text = "已下载审批报告 " + name + (verdict === "clean" ? "（复查通过）。" : "（复查未通过，详见报告）。");
      outcomeOf(entry).textContent = text;
      say(text);
      return;
    }
    const err = await errorOf(xhr);
    outcomeOf(entry).textContent = err.message;
    say(err.message);
  }

  function updateButtons() {
    const ok = entries.filter((e) => e.result && !UNCHECKED.includes(e.result.status));
    $("download-all").disabled = ok.length < 2;
    $("clear").disabled = entries.length === 0;
  }

  $("download-all").addEventListener("click", (ev) => {
    const ok = entries.filter((e) => e.result && !UNCHECKED.includes(e.result.status));
    queue(() => downloadRedacted(ok, ev.currentTarget));
  });

  $("clear").addEventListener("click", () => {
    entries.splice(0, entries.length);
    results.replaceChildren();
    updateButtons();
    say("列表已清空。");
    input.focus();
  });

  reveal.addEventListener("change", () => {
    say(reveal.checked ? "正在重新读取以显示原值…" : "正在重新读取以遮盖原值…");
    const list = entries.filter((e) => e.result);
    list.forEach((e, i) => queue(() => scan(e, i + 1, list.length)));
    queue(async () => { hideProgress(); updateButtons(); });
  });

  // --- picking and dropping -------------------------------------------------------------------

  input.addEventListener("change", () => addFiles(input.files));
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (e) => { e.preventDefault(); addFiles(e.dataTransfer.files); });
})();
