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
    page.wait_for_selector("#cases", timeout=180_000)  # a first audit on a cold machine
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


# --- 复核, 通报, the week picker and the other new pages ------------------------------------------

SIGNED_CASE = "370402-2020-0001"  # 待复核: one persuasion record whose signatures cannot be read


def _audit_copy(page, server, tmp_path) -> Path:
    evidence = shutil.copytree(SAMPLES / "evidence", tmp_path / "佐证材料")  # decisions are written beside it
    page.goto(server + "/audit")
    page.fill("#ledger_path", str(SAMPLES / "ledger.xlsx"))
    page.fill("#evidence_path", str(evidence))
    page.fill("#as_of", "2020-06-15")
    page.click("button:has-text('开始稽核')")
    page.wait_for_selector("#to-review", timeout=60_000)
    return evidence


def test_review_a_signature_and_see_the_case_complete(page, server, tmp_path):
    evidence = _audit_copy(page, server, tmp_path)
    page.click("#to-review")
    block = page.locator(f"#case-{SIGNED_CASE}")
    block.wait_for()
    assert "待复核" in block.locator("h2").inner_text()
    img = block.locator(".thumb img").first
    until(page, lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"))
    assert block.locator("button", has_text="确认已盖章").count() == 0  # a signature item
    page.locator("#workbook").scroll_into_view_if_needed()  # the pictures below load as they come into view
    page.wait_for_timeout(500)
    shot(page, "11-review-list")
    block.locator("input[name=reviewer]").fill("刘芳")
    block.locator("input[name=note]").fill("原件已核")
    block.locator("button", has_text="确认已签字").click()
    page.wait_for_selector("#review-message")
    row = page.locator(f"#decided tr[data-case='{SIGNED_CASE}']")
    until(page, lambda: row.count() == 1 and "完整" in row.inner_text(), timeout=60)
    assert "刘芳" in row.inner_text() and "确认已签字" in row.inner_text()
    assert page.inner_text("#case-now") == f"{SIGNED_CASE} 李明 重新稽核后：完整"
    assert page.locator(f"#case-{SIGNED_CASE}").count() == 0
    assert page.inner_text("#pending-count") == "20"
    assert "刘芳" in (evidence / "复核记录.jsonl").read_text("utf-8")
    shot(page, "12-review-decided")
    # the audit page shows the new conclusion too
    page.click("text=返回稽核结果")
    page.wait_for_selector("#cases")
    assert page.locator(f"#cases tr[data-case='{SIGNED_CASE}']").count() == 0  # 完整: not in 需要处理的案例


def test_bulletin_page(page, server, tmp_path):
    from kcdocs.audit import AuditOptions, audit

    evidence = shutil.copytree(SAMPLES / "evidence", tmp_path / "佐证材料")
    audit(AuditOptions(ledger=SAMPLES / "ledger.xlsx", evidence_root=evidence, output=tmp_path / "稽核",
                       as_of=date(2020, 6, 15)))
    page.goto(server + "/")
    page.click("nav >> text=通报")
    page.set_input_files("input[name=sources]", [str(tmp_path / "稽核" / "findings.json")])
    page.fill("input[name=unit]", "枣庄市教育局")
    page.fill("input[name=when]", "2020-06-20")
    shot(page, "13-bulletin-form")
    page.click("button:has-text('生成通报')")
    link = page.wait_for_selector("a.download[href$='.pdf']", timeout=120_000)
    assert page.locator("#districts tbody tr").count() >= 5
    assert "通报完成" in page.inner_text("main")
    shot(page, "14-bulletin-done")
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "通报.pdf"
    info.value.save_as(target)
    assert len(pdfium.PdfDocument(str(target))) >= 1


def test_week_picker_reads_chinese_weeks_as_typed(page, server):
    page.goto(server + "/ledger")
    page.set_input_files("input[name=ledger_file]", str(SAMPLES / "ledger.xlsx"))
    page.click("button:has-text('打开台账')")
    page.wait_for_selector("#report-form")
    assert "核销·实际死亡" in page.inner_text("#forms-form")
    page.fill("#generated", "2020-05-19")
    out = page.locator("#week-out")
    for typed in ("第20周", "2020-W20", "2020-05-13", "2020年第20周"):
        page.fill("#week", typed)
        until(page, lambda: "2020年第20周（5月11日—5月17日）" in out.inner_text(), timeout=10)
    assert "报送截止 2020年5月20日" in out.inner_text()
    shot(page, "15-week-picker")
    page.fill("#week", "下周")
    until(page, lambda: "不是周的写法" in out.inner_text(), timeout=10)
    page.fill("#month", "2020年5月")
    until(page, lambda: "2020年5月，报送截止 2020年6月2日" in page.inner_text("#month-out"), timeout=10)
    assert page.is_checked("#kind-monthly")  # typing a month chooses 月报
    shot(page, "16-month-picker")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("a.download[href$='.pdf']", timeout=60_000)
    assert "月报（2020年5月）" in page.inner_text("main")


def test_dossier_verify_reconcile_and_review_pages(page, server, tmp_path):
    _audit_copy(page, server, tmp_path)
    page.click("#to-dossier")
    page.wait_for_selector("#dossier-cases")
    page.click("text=全选")
    assert page.locator("input[name=case]:checked").count() == 21
    page.click("text=全不选")
    page.check(f"input[name=case][value='{SIGNED_CASE}']")
    shot(page, "17-dossier-cases")
    page.click("#dossier-cases button[type=submit]")
    page.wait_for_selector("a.download[href$='.zip']", timeout=120_000)
    assert "卷宗生成完成：1 份" in page.inner_text("main")
    shot(page, "18-dossier-done")
    page.click("button:has-text('核对卷宗')")
    page.wait_for_selector("#intact", timeout=60_000)
    shot(page, "19-verify-intact")
    page.goto(server + "/reconcile")
    folder = SAMPLES / "reconcile"
    page.set_input_files("input[name=population]", [str(folder / "户籍名单_公安.xlsx"), str(folder / "扶贫办_建档立卡.csv")])
    page.set_input_files("input[name=students]", str(folder / "学籍_平台导出.xlsx"))
    page.fill("input[name=as_of]", "2020-05-15")
    shot(page, "20-reconcile-form")
    page.click("button:has-text('开始比对')")
    page.wait_for_selector("a.download[href$='.xlsx']", timeout=60_000)
    assert int(page.inner_text("#suspected-count")) >= 1
    shot(page, "21-reconcile-done")
    page.goto(server + "/review")
    assert page.locator("#audits tbody tr").count() >= 1
    shot(page, "22-review-home")
    for path, name in (("/verify", "23-verify-form"), ("/dossier", "24-dossier-form"), ("/", "25-home")):
        page.goto(server + path)
        shot(page, name)
