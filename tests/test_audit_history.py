"""Two audits into one output folder: 本次新增 / 已整改 / 仍未整改 in report.html, findings.xlsx as 整改台账."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
KCDOCS = REPO / ".venv" / "bin" / "kcdocs"
LEDGER = REPO / "samples" / "ledger.xlsx"
FIXED_CASE = "370402-2020-0002"  # 赵小红: no 劝返记录 in the sample


def kcdocs(*args, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [str(KCDOCS)] if KCDOCS.exists() else [sys.executable, "-m", "kcdocs"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def audit(work: Path, as_of: str) -> dict:
    done = kcdocs("audit", LEDGER, "ev", "-o", "out", "--as-of", as_of, cwd=work)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return json.loads((work / "out" / "findings.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    work = tmp_path_factory.mktemp("history")
    shutil.copytree(REPO / "samples" / "evidence", work / "ev")
    first = audit(work, "2020-06-15")
    first_html = (work / "out" / "report.html").read_text("utf-8")
    # the missing 劝返记录 handed in: a record of its own (not byte-identical to another case's)
    record = (work / "ev" / "370402-2020-0001 李明" / "劝返记录_第1次.pdf").read_bytes()
    (work / "ev" / "370402-2020-0002 赵小红" / "劝返记录.pdf").write_bytes(record + "\n% 赵小红\n".encode())
    second = audit(work, "2020-07-20")
    return work, first, first_html, second


def section(html: str, title: str) -> str:
    start = html.index(f"<h3>{title}")
    end = html.find("<h3>", start + 4)
    return html[start:end if end > 0 else len(html)]


def test_first_audit_says_there_is_nothing_to_compare(twice):
    _, _, first_html, _ = twice
    assert "第一次稽核" in first_html and "已整改（" not in first_html


def test_history_folder_keeps_both_audits(twice):
    work, *_ = twice
    kept = sorted(p.name for p in (work / "out" / "历史").iterdir())
    assert len(kept) == 2 and kept[0].startswith("2020-06-15") and kept[1].startswith("2020-07-20")
    assert all((work / "out" / "历史" / k / "findings.json").is_file() for k in kept)


def test_report_opens_with_fixed_and_still_open(twice):
    work, first, _, second = twice
    html = (work / "out" / "report.html").read_text("utf-8")
    assert html.index('id="changes"') < html.index(FIXED_CASE)  # the changes come first
    assert "上次基准日 2020-06-15" in html
    fixed = section(html, "已整改")
    assert FIXED_CASE in fixed and "缺少材料" in fixed and "2020-06-15" in fixed
    still = section(html, "仍未整改")
    # 赵小红's ledger problems are still open: first seen on the first audit, 35 days open, past 2020-07-15
    row = next(r for r in still.split("<tr>") if FIXED_CASE in r)
    assert "2020-06-15" in row and ">35<" in row and "逾期 5 天" in row
    before = {(c["case_id"], f["rule"], f["kind"]) for c in first["cases"] for f in c["findings"]}
    now = {(c["case_id"], f["rule"], f["kind"]) for c in second["cases"] for f in c["findings"]}
    assert (FIXED_CASE, "R0.persuasion_records", "missing") in before - now
    m = re.search(r"<h3>仍未整改（(\d+) 个案例，(\d+) 项）", html)
    assert m and int(m.group(2)) == len(before & now)
    assert "本次新增问题（0）" in html


def test_findings_xlsx_is_a_rectification_ledger(twice):
    work, _, _, second = twice
    wb = load_workbook(work / "out" / "findings.xlsx")
    ws = wb["整改台账"]
    head = [c.value for c in ws[1]]
    for column in ("台账编号", "检查项目", "责任人", "首次发现", "整改时限", "逾期", "整改情况"):
        assert column in head, head
    col = {h: i for i, h in enumerate(head)}
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == sum(len(c["findings"]) for c in second["cases"])
    mine = [r for r in rows if r[col["台账编号"]] == FIXED_CASE]
    assert mine and all(r[col["责任人"]] for r in mine)
    assert all(str(r[col["整改时限"]]).startswith("2020-07-15") for r in mine)
    assert all(r[col["逾期"]] for r in mine)  # past 整改时限 on 2020-07-20
    assert all(not re.search(r"\d{17}[\dXx]", str(v)) for r in rows for v in r if v)
    fixed = next(n for n in wb.sheetnames if n.startswith("已整改"))
    assert any(FIXED_CASE in (r[0] or "") for r in wb[fixed].iter_rows(min_row=2, values_only=True))


def test_rectification_reported_by_district_is_read_back(twice):
    """A district fills 整改情况 in findings.xlsx; review apply records it; the next audit shows it."""
    work, *_ = twice
    book = work / "out" / "findings.xlsx"
    wb = load_workbook(book)
    ws = wb["整改台账"]
    head = [c.value for c in ws[1]]
    n = next(i for i, r in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
             if r[head.index("台账编号")] == FIXED_CASE)
    ws.cell(n, head.index("整改情况") + 1, "已补写原因分析，待下周复查")
    filled = work / "整改台账_已填.xlsx"
    wb.save(filled)
    done = kcdocs("review", "apply", filled, "--evidence", "ev", "--reviewer", "市中区教体局", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 条整改情况" in done.stdout
    audit(work, "2020-07-21")
    html = (work / "out" / "report.html").read_text("utf-8")
    assert "已补写原因分析，待下周复查" in section(html, "仍未整改")


def test_audit_of_a_few_cases_between_full_audits(tmp_path):
    """A --case audit in between says nothing about the other cases: their problems stay 仍未整改
    with their first-seen date, not 本次新增 on the next full audit."""
    shutil.copytree(REPO / "samples" / "evidence", tmp_path / "ev")
    first = audit(tmp_path, "2020-06-15")
    record = (tmp_path / "ev" / "370402-2020-0001 李明" / "劝返记录_第1次.pdf").read_bytes()
    (tmp_path / "ev" / "370402-2020-0002 赵小红" / "劝返记录.pdf").write_bytes(record + "\n% 赵小红\n".encode())
    done = kcdocs("audit", LEDGER, "ev", "-o", "out", "--as-of", "2020-06-22", "--case", FIXED_CASE, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert FIXED_CASE in section(html, "已整改") and "本次新增问题（0）" in html
    assert "370403-2020-0001" not in html.split('id="changes"')[1].split("</section>")[0]
    audit(tmp_path, "2020-06-29")
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "本次新增问题（0）" in html and "已整改（0）" in html
    still = section(html, "仍未整改")
    row = next(r for r in still.split("<tr>") if "370403-2020-0001" in r)
    assert "2020-06-15" in row and ">14<" in row
    opened = sum(len(c["findings"]) for c in first["cases"]) - 1  # all but the one fixed
    assert f"{opened} 项）" in still.split("</h3>")[0]
