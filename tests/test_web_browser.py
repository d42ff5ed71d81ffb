"""kcdocs serve in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Skipped with a reason when Chromium or Playwright is missing (``tools/ensure_system_packages.sh``
installs Chromium when run as root). Set ``KCDOCS_SCREENSHOTS=folder`` to keep a screenshot of
every page visited, for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.conftest import HEADER, REPO, write_xlsx

CHROMIUM = os.environ.get("KCDOCS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SAMPLES = REPO / "samples"
SHOTS = os.environ.get("KCDOCS_SCREENSHOTS")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from werkzeug.serving import make_server

    from kcdocs.web import WebSettings, create_app

    app = create_app(WebSettings(work_dir=tmp_path_factory.mktemp("web")))
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    app.extensions["kcdocs_tasks"].close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: run tools/ensure_system_packages.sh as root "
                    "(or apt-get install chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert not errors, f"browser errors: {errors}"  # e.g. a script blocked by the page's CSP


def until(pg, check, timeout: float = 60) -> None:
    """Poll ``check()`` (page.wait_for_function would evaluate a string, which the pages' CSP forbids)."""
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, "timed out"
        pg.wait_for_timeout(100)


def shot(pg, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_sample_roster_to_pdf(page, server, tmp_path):
    page.goto(server + "/")
    shot(page, "01-home")
    page.click("text=通知书 >> nth=0")
    page.check("input[value=enrollment]")
    page.set_input_files("input[name=roster]", str(SAMPLES / "enrollment_roster.xlsx"))
    page.fill("input[name=issue_date]", "2020-08-01")
    shot(page, "02-notices-form")
    page.click("button:has-text('上传并检查名册')")
    page.wait_for_selector("#valid-count")
    assert page.inner_text("#valid-count") == "60"
    assert page.inner_text("#rejected-count") == "0"
    assert page.locator("#rows tbody tr.ok").count() == 60
    until(page, lambda: page.locator("#preview").evaluate("img => img.complete && img.naturalWidth > 0"))
    shot(page, "03-notices-checked")
    page.click("#make")
    link = page.wait_for_selector("a.download[href$='.pdf']", timeout=60_000)
    assert "已生成 60 份入学通知书" in page.inner_text("main")
    shot(page, "04-notices-done")
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "notices.pdf"
    info.value.save_as(target)
    assert len(pdfium.PdfDocument(str(target))) == 60


def test_bad_rows_show_each_reason(page, server, tmp_path):
    roster = write_xlsx(tmp_path / "有错误的名册.xlsx", [
        HEADER,
        ["张小明", "370402201408310010", "张建国", "枣庄市市中区实验小学", date(2020, 8, 25), "市中区教体局"],
        ["李小红", "370403201408310018", "李卫东", "临城实验小学", date(2020, 8, 26), "薛城区教体局"],
        ["王一诺", "370481201408310016", None, "滕州市育才", date(2020, 8, 27), "滕州市教体局"],
        ["<b>赵四</b>", "370402201408310029", "赵&钱", "实验小学", date(2020, 7, 1), "市中区教体局"],
    ], text_columns=(1,))
    page.goto(server + "/notices")
    page.set_input_files("input[name=roster]", str(roster))
    page.fill("input[name=issue_date]", "2020-08-01")
    page.click("button:has-text('上传并检查名册')")
    page.wait_for_selector("#rows")
    assert page.inner_text("#valid-count") == "1" and page.inner_text("#rejected-count") == "3"
    reasons = {r: page.inner_text(f"tr[data-row='{r}'] td.reasons") for r in ("3", "4", "5")}
    assert "校验位错误" in reasons["3"]
    assert "监护人姓名" in reasons["4"]
    assert "早于落款日期" in reasons["5"]
    assert page.locator("tr.error").count() == 3
    assert page.locator("tr[data-row='5'] td", has_text="<b>赵四</b>").count() == 1  # shown as text
    assert page.locator("tr[data-row='5'] b").count() == 0
    shot(page, "05-notices-bad-rows")
    page.click("#make")  # 跳过错误行
    page.wait_for_selector("a.download[href$='.rejected.xlsx']", timeout=60_000)
    assert "已生成 1 份入学通知书" in page.inner_text("main")
    shot(page, "06-notices-skip-done")


def test_sample_audit_finds_the_missing_death_proof(page, server):
    page.goto(server + "/audit")
    page.fill("#ledger_path", str(SAMPLES / "ledger.xlsx"))
    page.fill("#evidence_path", str(SAMPLES / "evidence"))
    page.fill("#as_of", "2020-06-15")
    shot(page, "07-audit-form")
    page.click("button:has-text('开始稽核')")
    page.wait_for_selector("#cases", timeout=60_000)
    row = page.locator("tr[data-case='370405-2020-0002']")
    assert "不完整" in row.inner_text() and "缺少材料" in row.inner_text()
    assert page.inner_text("#incomplete-count") == "12"
    report = page.frame_locator("#report")
    report.locator("body").wait_for()
    assert report.locator("text=W4.death_proof").count() >= 1
    shot(page, "08-audit-result")
    # an evidence file opens from the report
    link = report.locator("a[href*='/evidence/']").first
    href = link.get_attribute("href")
    resp = page.request.get(server + href)
    assert resp.status == 200 and len(resp.body()) > 0


def test_forms_and_report_pages(page, server):
    page.goto(server + "/ledger")
    page.set_input_files("input[name=ledger_file]", str(SAMPLES / "ledger.xlsx"))
    page.click("button:has-text('打开台账')")
    page.wait_for_selector("#forms-form")
    page.check("input[name=case][value='370403-2020-0003']")
    page.click("#forms-form button[type=submit]")
    page.wait_for_selector("a.download[href$='.pdf']", timeout=60_000)
    page.fill("input[name=week]", "2020-W20")
    page.fill("#report-form input[name=generated]", "2020-05-19")
    page.click("#report-form button[type=submit]")
    until(page, lambda: page.locator("a.download[href$='.pdf']").count() >= 2)
    assert "周报（2020" in page.inner_text("main")
    shot(page, "09-ledger-forms-report")
    page.goto(server + "/ingest")
    shot(page, "10-ingest-form")
