"""Files under a phone's or scanner's name (微信图片_….jpg, IMG_0001.jpg, 扫描全能王 ….pdf) that kcdocs
cannot identify: the missing finding names them and the fix, report.html and findings.xlsx list them
per case; and report.html's search, filters and print style work — parsed and in headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.phone_names import CASE, FOLDER, PHONE_FILES, phone_named_copy

CHROMIUM = os.environ.get("KCDOCS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def audit(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("phone")
    ledger, evidence = phone_named_copy(root)
    out = root / "audit"
    proc = subprocess.run([sys.executable, "-m", "kcdocs", "audit", str(ledger), str(evidence), "-o", str(out),
                           "--as-of", "2020-06-15"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    return {"out": out, "data": data, "cases": {c["case_id"]: c for c in data["cases"]}, "html": html}


def test_missing_finding_names_the_unidentified_files_and_the_fix(audit):
    case = audit["cases"][CASE]
    assert sorted(case["unidentified"]) == sorted(f"{FOLDER}/{name}" for name in PHONE_FILES)
    (missing,) = [f for f in case["findings"] if f["kind"] == "missing"]
    for name in PHONE_FILES:
        assert name in missing["message"]
    assert "改名" in missing["message"] and "kcdocs ingest" in missing["message"]
    assert sorted(missing["detail"]["unidentified"]) == sorted(case["unidentified"])


def _case_details(html: str, case_id: str) -> str:
    anchor = "case-" + re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "-", case_id)
    start = html.index(f'<details class="case" id="{anchor}"')
    return html[start:html.index("</details>", start)]


def test_report_html_and_findings_xlsx_list_unidentified_files_per_case(audit):
    section = _case_details(audit["html"], CASE)
    assert "未能识别的文件（3 个）" in section
    for name in PHONE_FILES:
        assert name in section
    assert "kcdocs ingest" in section
    rows = list(load_workbook(audit["out"] / "findings.xlsx")["未识别的文件"].iter_rows(values_only=True))
    assert rows[0][:3] == ("台账编号", "姓名", "文件")
    mine = sorted(r[2] for r in rows[1:] if r[0] == CASE)
    assert mine == sorted(audit["cases"][CASE]["unidentified"])
    others = {r[0] for r in rows[1:]}  # every case with such files, not only this one
    assert others == {c["case_id"] for c in audit["data"]["cases"] if c["unidentified"]}


def _row(html: str, case_id: str) -> str:
    match = re.search(r'<tr data-case="[^"]*"[^>]*>\s*<td class="id"><a [^>]*>' + re.escape(case_id) + "<", html)
    assert match, case_id
    return match.group(0)


def test_filter_attributes_and_choices_are_in_the_page(audit):
    html = audit["html"]
    states = re.search(r'<select id="f-state">(.*?)</select>', html).group(1)
    assert re.findall(r"<option>([^<]+)</option>", states) == ["完整", "待复核", "不完整"]
    kinds = re.search(r'<select id="f-kind">(.*?)</select>', html).group(1)
    assert "未能识别的文件" in kinds and "待复核" in kinds
    row = _row(html, CASE)
    assert 'data-state="不完整"' in row and "未能识别的文件" in re.search(r'data-kinds="([^"]*)"', row).group(1)
    text = re.search(r'data-text="([^"]*)"', row).group(1)
    assert all(name in text for name in PHONE_FILES)  # the search box finds a case by such a file
    assert not re.search(r"\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]", html)  # ID numbers masked everywhere


def test_print_css_hides_the_controls_and_repeats_table_heads():
    css = (Path(__file__).resolve().parent.parent / "kcdocs" / "audit" / "report.css").read_text(encoding="utf-8")
    printing = css[css.index("@media print"):]
    assert re.search(r"\.filters[^{]*\{[^}]*display:\s*none", printing)
    assert re.search(r"thead\s*\{[^}]*table-header-group", printing)
    assert re.search(r"details\.case\s*\{[^}]*break-inside:\s*avoid", printing)


@pytest.fixture(scope="module")
def page(audit):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: run tools/ensure_system_packages.sh --browser as root")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        tab.goto((audit["out"] / "report.html").as_uri())
        yield tab
        browser.close()


def _visible_cases(page) -> list[str]:
    return page.eval_on_selector_all(
        "#cases tbody tr", "rows => rows.filter(r => r.style.display !== 'none').map(r => r.cells[0].innerText.trim())")


def test_search_and_filters_in_a_browser(page, audit):
    total = len(audit["data"]["cases"])
    assert page.inner_text("#count") == f"显示 {total} / {total} 个案例"
    page.fill("#q", "微信图片")
    assert _visible_cases(page) == [CASE]
    assert page.inner_text("#count") == f"显示 1 / {total} 个案例"
    assert page.is_visible(f"details#case-{CASE}") and not page.is_visible("details#case-370402-2020-0001")
    page.fill("#q", "")
    page.select_option("#f-kind", "未能识别的文件")
    assert sorted(_visible_cases(page)) == sorted(c for c, v in audit["cases"].items() if v["unidentified"])
    page.select_option("#f-kind", "")
    for state, label in (("complete", "完整"), ("review", "待复核"), ("incomplete", "不完整")):
        page.select_option("#f-state", label)
        expected = sorted(c for c, v in audit["cases"].items() if v["status"] == state)
        assert sorted(_visible_cases(page)) == expected, label
    page.select_option("#f-state", "")
    page.fill("#q", "没有这样的案例")
    assert _visible_cases(page) == [] and page.is_visible("#none")
    page.fill("#q", "")


def test_print_media_hides_the_filters_in_a_browser(page):
    page.emulate_media(media="print")
    try:
        assert page.eval_on_selector(".filters", "e => getComputedStyle(e).display") == "none"
        assert page.eval_on_selector("#cases thead", "e => getComputedStyle(e).display") == "table-header-group"
    finally:
        page.emulate_media(media="screen")
    assert page.eval_on_selector(".filters", "e => getComputedStyle(e).display") != "none"
