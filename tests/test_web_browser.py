"""The page in a real headless Chromium, driven as a person would use it.

Debian's ``chromium`` and ``chromium-driver`` through Selenium; no browser is
downloaded. The tests skip, saying why, where the browser cannot be started.
Screenshots of the main states are saved in each test's temporary folder
(``screens/``); with ``PIISCAN_DOCS_SCREENSHOT=docs/web.png`` the main flow
also writes the README's picture.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason='the web extra is not installed: pip install "piiscan-cn[web]"')
selenium = pytest.importorskip("selenium", reason="browser tests need selenium (pip install selenium)")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

import piiscan  # noqa: E402
from test_web_server import running  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PLANTED = json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))
RAW_IDS = PLANTED["table"]["CN_RESIDENT_ID"]
#: Chromium as root, in a container, offline and quiet.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN",
         "--window-size=1280,1000"]


def _find(*names: str) -> str | None:
    for n in names:
        path = shutil.which(n) or (n if os.path.isabs(n) and os.access(n, os.X_OK) else None)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = _find("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome")
    driver_bin = _find("chromedriver", "/usr/bin/chromedriver")
    if not chromium or not driver_bin:
        pytest.skip("no Chromium and chromedriver here (Debian: apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.add_experimental_option("prefs", {"download.prompt_for_download": False, "safebrowsing.enabled": False})
    try:
        driver = webdriver.Chrome(service=Service(driver_bin), options=opts)
    except WebDriverException as exc:
        pytest.skip(f"Chromium could not be started: {exc.msg.splitlines()[0] if exc.msg else exc}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("browser-serve")) as s:
        yield s


class Page:
    """The page open in the browser, with a download folder and a screenshot folder of its own."""

    def __init__(self, driver, url: str, tmp: Path) -> None:
        self.d, self.url = driver, url
        self.downloads = tmp / "downloads"
        self.screens = tmp / "screens"
        self.downloads.mkdir()
        self.screens.mkdir()
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow",
                                                               "downloadPath": str(self.downloads)})
        driver.get(url)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, cond, timeout: float = 60):
        return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(cond)

    def el(self, css: str):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def els(self, css: str):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def shot(self, name: str, *, full: bool = True) -> Path:
        """A screenshot of the whole page (not only the window), saved under the test's tmp folder."""
        path = self.screens / f"{name}.png"
        if not full:
            self.d.save_screenshot(str(path))
            return path
        size = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def upload(self, *paths: Path) -> None:
        self.el("#files").send_keys("\n".join(str(p) for p in paths))

    def cards_done(self, n: int):
        return self.wait(lambda d: len(done := [c for c in self.els("article.card")
                                                if c.get_attribute("aria-busy") == "false"]) >= n and done)

    def download(self, pattern: str, timeout: float = 60) -> Path:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [p for p in self.downloads.glob(pattern) if not p.name.endswith(".crdownload")]
            if got and not list(self.downloads.glob("*.crdownload")):
                return got[0]
            time.sleep(0.1)
        raise AssertionError(f"no download matching {pattern}: {list(self.downloads.iterdir())}")

    def key(self, key: str) -> None:
        """A key press to whatever has the focus (a file field's send_keys would take it for a path)."""
        ActionChains(self.d).send_keys(key).perform()

    def active(self):
        return self.d.switch_to.active_element

    def no_alert(self) -> bool:
        try:
            self.d.switch_to.alert
        except NoAlertPresentException:
            return True
        return False


@pytest.fixture
def page(browser, server, tmp_path):
    return Page(browser, server.url, tmp_path)


def _strategy(page: Page, etype: str, name: str) -> None:
    Select(page.el(f"#s-{etype}")).select_by_value(name)


def _sheet_values(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_main_flow_scan_choose_download_report(page, tmp_path):
    assert page.d.title.startswith("个人信息检查与脱敏")
    page.shot("01-start")
    page.upload(SAMPLES / "notice.xlsx")
    (card,) = page.cards_done(1)
    assert card.find_element(By.CSS_SELECTOR, ".badge").text == "发现个人信息"
    counts = {r.find_element(By.CSS_SELECTOR, "th").text: int(r.find_element(By.CSS_SELECTOR, "td").text)
              for r in card.find_elements(By.CSS_SELECTOR, "table.counts tbody tr")}
    assert counts["身份证号"] == 35 and counts["手机号"] == 24 and counts["姓名"] == 30
    # The findings are highlighted in the workbook's own table, masked.
    marks = card.find_elements(By.CSS_SELECTOR, ".doc-table mark.t-CN_RESIDENT_ID")
    assert marks and marks[0].text == "361025********9562"
    assert not any(v in page.el("#results").text for v in RAW_IDS)
    assert "发现个人信息，共 155 项" in page.el("#status").text
    page.shot("02-scanned")
    if os.environ.get("PIISCAN_DOCS_SCREENSHOT"):
        _docs_picture(page, Path(os.environ["PIISCAN_DOCS_SCREENSHOT"]))

    _strategy(page, "CN_MOBILE", "tag")
    card.find_element(By.XPATH, ".//button[text()='下载脱敏文件']").click()
    redacted = page.download("notice_脱敏.xlsx")
    assert piiscan.scan_file(redacted) == []  # the download, read by the scanner: nothing left
    values = _sheet_values(redacted)
    assert values.count("[手机号]") == 24 and not any(v in values for v in RAW_IDS)
    page.wait(lambda d: "已下载" in card.find_element(By.CSS_SELECTOR, ".outcome").text)

    card.find_element(By.XPATH, ".//button[text()='下载审批报告']").click()
    report = page.download("notice_脱敏报告.html")
    html = report.read_text(encoding="utf-8")
    assert "通过" in html and "notice.xlsx" in html and "标签" in html
    assert __import__("hashlib").sha256((SAMPLES / "notice.xlsx").read_bytes()).hexdigest() in html
    assert not any(v in html for v in RAW_IDS)
    page.shot("03-downloaded")
    page.d.get(report.as_uri())
    assert page.d.find_element(By.TAG_NAME, "h1").text == "个人信息检查与脱敏报告"
    page.shot("04-report")
    # It prints on one page, for the approval file.
    import pypdfium2

    pdf = base64.b64decode(page.d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert len(pypdfium2.PdfDocument(pdf)) == 1


def _docs_picture(page: Page, dest: Path) -> None:
    """The README's picture: from the strategy choices down into the highlighted table, small (palette PNG)."""
    from PIL import Image

    top = int(page.d.execute_script("return document.getElementById('opt-h').getBoundingClientRect().top"
                                    " + window.scrollY - 12"))
    full = page.shot("docs-full")
    with Image.open(full) as im:
        crop = im.convert("RGB").crop((0, top, im.width, min(im.height, top + 1500)))
        small = crop.resize((crop.width * 3 // 5, crop.height * 3 // 5), Image.LANCZOS)
        small.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(dest, optimize=True)


def test_reveal_toggle_shows_and_hides_values(page):
    page.upload(SAMPLES / "notice_utf8.csv")
    (card,) = page.cards_done(1)
    assert not any(v in page.el("#results").text for v in RAW_IDS)
    page.el("#reveal").click()
    page.wait(lambda d: RAW_IDS[0] in page.el("#results").text)
    assert all(v in page.el("#results").text for v in RAW_IDS)
    page.shot("revealed")
    page.el("#reveal").click()
    page.wait(lambda d: RAW_IDS[0] not in page.el("#results").text and page.els(".doc-table mark"))


def test_unreadable_and_hostile_files_say_why_in_plain_words(page, tmp_path):
    broken = tmp_path / "损坏的名单.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    hostile = tmp_path / "<img src=x onerror=alert(1)>.csv"
    hostile.write_text("<script>alert(2)</script>,联系电话\n张三,13800138000\n", encoding="utf-8")
    old = tmp_path / "会议纪要.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    page.upload(broken, hostile, old)
    cards = page.cards_done(3)
    by_name = {c.find_element(By.TAG_NAME, "h3").text: c for c in cards}
    assert set(by_name) == {broken.name, hostile.name, old.name}  # the hostile name is shown as text
    assert by_name[broken.name].find_element(By.CSS_SELECTOR, ".badge").text == "无法读取"
    assert "文件已损坏" in by_name[broken.name].text
    assert by_name[old.name].find_element(By.CSS_SELECTOR, ".badge").text == "不支持的格式"
    assert "另存为” .docx" in by_name[old.name].text
    assert by_name[broken.name].find_element(By.XPATH, ".//button[text()='下载脱敏文件']").get_attribute("disabled")
    assert page.els("#results img") == [] and page.els("#results script") == []
    assert "<script>alert(2)</script>" in by_name[hostile.name].text
    assert page.no_alert()
    page.shot("problems")


def test_keyboard_only_main_flow(page):
    """Tab to the file field, pick a file, choose a strategy with the arrow keys, download with Enter."""
    page.key(Keys.TAB)
    assert page.active().text == "跳到主要内容"  # the first stop skips to the content
    page.key(Keys.TAB)
    assert page.active().get_attribute("id") == "files"
    outline = page.d.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus can be seen
    page.active().send_keys(str(SAMPLES / "notice.txt"))  # what the file dialog gives back
    page.cards_done(1)
    _tab_to(page, lambda e: e.get_attribute("id") == "s-CN_MOBILE")
    page.key(Keys.ARROW_DOWN)  # mask -> tag
    assert Select(page.el("#s-CN_MOBILE")).first_selected_option.get_attribute("value") == "tag"
    _tab_to(page, lambda e: e.text == "下载脱敏文件")
    page.key(Keys.ENTER)
    redacted = page.download("notice_脱敏.txt")
    text = redacted.read_text(encoding="utf-8")
    assert "[手机号]" in text and piiscan.scan_file(redacted) == []
    page.shot("keyboard")


def _tab_to(page: Page, cond, limit: int = 80) -> None:
    for _ in range(limit):
        page.key(Keys.TAB)
        if cond(page.active()):
            return
    raise AssertionError("not reachable with Tab")


def test_several_files_download_as_one_zip(page):
    page.upload(SAMPLES / "notice_utf8.csv", SAMPLES / "notice.docx")
    page.cards_done(2)
    button = page.el("#download-all")
    page.wait(lambda d: button.is_enabled())
    button.click()
    z = page.download("*.zip")
    names = zipfile.ZipFile(z).namelist()
    assert names == ["notice_utf8_脱敏.csv", "notice_脱敏.docx"]
    out = z.parent / "unzipped"
    zipfile.ZipFile(z).extractall(out)
    for n in names:
        assert piiscan.scan_file(out / n) == []


def test_a_keyed_strategy_asks_for_a_key(page):
    page.upload(SAMPLES / "notice.txt")
    (card,) = page.cards_done(1)
    assert not page.el("#key-box").is_displayed()
    _strategy(page, "CN_RESIDENT_ID", "encrypt")
    assert page.el("#key-box").is_displayed()
    card.find_element(By.XPATH, ".//button[text()='下载脱敏文件']").click()
    page.wait(lambda d: "需要密钥" in card.find_element(By.CSS_SELECTOR, ".outcome").text)
    assert page.active().get_attribute("id") == "key"
    page.el("#gen-key").click()
    key = page.el("#key").get_attribute("value")
    assert len(key) >= 16 and page.el("#key").get_attribute("type") == "text"
    card.find_element(By.XPATH, ".//button[text()='下载脱敏文件']").click()
    redacted = page.download("notice_脱敏.txt")
    restored = piiscan.restore_text(redacted.read_text(encoding="utf-8"), key=key)
    assert RAW_IDS[0] in restored and RAW_IDS[0] not in redacted.read_text(encoding="utf-8")


def test_labels_and_contrast(page):
    page.upload(SAMPLES / "notice_utf8.csv")
    page.cards_done(1)
    unnamed = page.d.execute_script("""
        return Array.from(document.querySelectorAll('input, select, button')).filter(e =>
            !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML);
    """)
    assert unnamed == []
    ratios = page.d.execute_script("""
        function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.slice(0, 3); }
        function lum(c) { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                          return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
        function bg(e) { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                          if (!c.endsWith(', 0)') && c !== 'transparent') return rgb(c); } return [255, 255, 255]; }
        const out = {};
        for (const sel of ['body', 'h1', '.hint', '.badge', '#download-all:not([disabled])', 'button.primary', 'mark',
                           '.meta', 'label', 'th', 'td', 'summary', 'a']) {
            for (const e of document.querySelectorAll(sel)) {
                const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
                const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                out[sel] = Math.min(out[sel] || 99, r);
            }
        }
        return out;
    """)
    low = {k: round(v, 2) for k, v in ratios.items() if v < 4.5}
    assert low == {}, low
