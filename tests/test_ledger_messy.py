"""One bad ledger row never stops a command: footer rows, garbage rows and unknown 处置类型 in
学生台账 and 劝返记录, through the real CLI (audit, dossier, forms, report weekly).

The ledger is the sample ledger with these planted in it (written with openpyxl, read back by
the command as a user runs it). Exit 2 only for what really cannot run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "samples" / "ledger.xlsx"
EVIDENCE = ROOT / "samples" / "evidence"
UNKNOWN_CASE = "370403-2020-0001"  # its 处置类型 becomes a word nobody uses
GARBAGE_CASE = "370481-2020-0009"  # a new row: a 台账编号, garbage in the other cells
ATTEMPT_CASE = "370402-2020-0001"  # gets a garbage 劝返记录 row
FOOTERS = (["合计：22人"], ["制表人：张伟", None, None, None, None, "审核人：刘芳"], ["填表说明：日期写成 2020-06-15。"])


def kcdocs(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _columns(ws) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[1] if c.value}


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> dict:
    """The messy ledger and where each planted row is (Excel row numbers as the user sees them)."""
    wb = load_workbook(LEDGER)
    ws = wb["学生台账"]
    col = _columns(ws)
    rows = {}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["台账编号"]).value == UNKNOWN_CASE:
            ws.cell(r, col["处置类型"]).value = "核销·出国定居"
            rows["unknown"] = r
    garbage = [None] * len(col)
    for header, value in (("台账编号", GARBAGE_CASE), ("姓名", "###"), ("性别", "未知性别"), ("身份证号", "12345"),
                          ("辍学日期", "去年冬天"), ("处置类型", "？？"), ("状态", "不清楚")):
        garbage[col[header] - 1] = value
    ws.append(garbage)
    rows["garbage"] = ws.max_row
    ws.append(["@@@@", "%%%%", "&&&&"])  # no 台账编号 at all: a row, not a case
    rows["nonsense"] = ws.max_row
    ws.append([])
    for footer in FOOTERS:
        ws.append(footer)
    rows["footer"] = ws.max_row - 2
    attempts = wb["劝返记录"]
    acol = _columns(attempts)
    bad = [None] * len(acol)
    for header, value in (("台账编号", ATTEMPT_CASE), ("序号", "第三"), ("日期", "昨天"), ("方式", "飞鸽传书"),
                          ("结果", "很好")):
        bad[acol[header] - 1] = value
    attempts.append(bad)
    rows["attempt"] = attempts.max_row
    attempts.append(["合计：18次"])
    path = tmp_path_factory.mktemp("messy") / "台账_杂乱.xlsx"
    wb.save(path)
    return {"path": path, "rows": rows, "out": path.parent}


@pytest.fixture(scope="module")
def audited(messy) -> dict:
    out = messy["out"] / "audit"
    proc = kcdocs("audit", messy["path"], EVIDENCE, "-o", out, "--as-of", "2020-06-15")
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {"proc": proc, "data": data, "cases": {c["case_id"]: c for c in data["cases"]}, "out": out}


def _data_findings(case: dict) -> list[dict]:
    return [f for f in case["findings"] if f["rule"] == "L.ledger_row"]


def test_audit_exits_1_and_audits_every_other_case(audited):
    proc, cases = audited["proc"], audited["cases"]
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr + proc.stdout
    assert len(cases) == 22  # the 21 sample cases and the garbage row that has a 台账编号
    assert cases["370402-2020-0002"]["findings"] == [] or all(
        f["rule"] != "L.ledger_row" for f in cases["370402-2020-0002"]["findings"])


def test_footer_rows_are_skipped_with_a_one_line_notice(audited, messy):
    err = audited["proc"].stdout + audited["proc"].stderr
    for text in ("合计：22人", "制表人", "填表说明", "合计：18次"):
        line = next(line for line in err.splitlines() if text in line)
        assert "已跳过" in line
    assert f"第{messy['rows']['footer']}行" in err
    assert all(not str(c).startswith(("合计", "制表人", "填表说明")) for c in audited["cases"])


def test_unknown_disposition_is_a_case_with_a_data_finding_naming_row_and_column(audited, messy):
    case = audited["cases"][UNKNOWN_CASE]
    assert case["status"] == "incomplete" and case["complete"] is False
    (finding,) = _data_findings(case)
    assert finding["kind"] == "data"
    (problem,) = finding["detail"]["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("学生台账", messy["rows"]["unknown"], "处置类型")
    assert f"第{messy['rows']['unknown']}行" in finding["message"] and "「处置类型」" in finding["message"]
    assert "核销·出国定居" in finding["message"] and "可填" in finding["message"]


def test_garbage_row_lists_every_error_of_the_row(audited, messy):
    case = audited["cases"][GARBAGE_CASE]
    columns = {p["column"] for f in _data_findings(case) for p in f["detail"]["problems"]}
    assert {"性别", "辍学日期", "处置类型", "状态"} <= columns, columns
    assert all(p["row"] == messy["rows"]["garbage"] for f in _data_findings(case) for p in f["detail"]["problems"])
    # the ID number is checked by its own item, on the same case
    assert any(f["rule"] == "C.identity" and "12345" in f["message"] for f in case["findings"])


def test_a_row_without_a_ledger_number_is_named_not_dropped(audited, messy):
    text = audited["proc"].stdout + audited["proc"].stderr
    assert f"第{messy['rows']['nonsense']}行" in text
    problems = [p for p in audited["data"]["ledger_problems"] if p["row"] == messy["rows"]["nonsense"]]
    assert {"台账编号", "处置类型"} <= {p["column"] for p in problems}
    assert any("不是台账编号" in p["message"] for p in problems)


def test_bad_attempt_row_is_a_finding_of_its_case_with_every_error(audited, messy):
    case = audited["cases"][ATTEMPT_CASE]
    problems = [p for f in _data_findings(case) for p in f["detail"]["problems"]]
    assert {p["sheet"] for p in problems} == {"劝返记录"}
    assert {p["row"] for p in problems} == {messy["rows"]["attempt"]}
    assert {"序号", "日期", "方式", "结果"} <= {p["column"] for p in problems}


def test_report_html_names_the_bad_rows(audited, messy):
    html = (audited["out"] / "report.html").read_text(encoding="utf-8")
    assert UNKNOWN_CASE in html and "核销·出国定居" in html
    assert f"第{messy['rows']['attempt']}行" in html


def _pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_dossier_still_produces_the_others_and_names_the_rows(messy):
    out = messy["out"] / "dossiers"
    proc = kcdocs("dossier", messy["path"], EVIDENCE, "-o", out, "--as-of", "2020-06-15")
    assert proc.returncode == 1, proc.stderr
    assert (out / "index.pdf").exists() and len(list(out.rglob("*.pdf"))) >= 20
    err = proc.stderr + proc.stdout
    for key in ("unknown", "garbage", "nonsense"):
        assert f"第{messy['rows'][key]}行" in err
    assert f"「劝返记录」第{messy['rows']['attempt']}行" in err
    assert "「序号」" in err and "「日期」" in err and "「方式」" in err  # every error of the row


def test_forms_still_print_the_others_and_name_the_rows(messy):
    out = messy["out"] / "劝返复学工作记录表.pdf"
    proc = kcdocs("forms", "persuasion-record", messy["path"], "-o", out)
    assert proc.returncode == 1, proc.stderr
    assert out.exists() and "李明" in _pdf_text(out)
    assert f"第{messy['rows']['unknown']}行" in proc.stderr and "「处置类型」" in proc.stderr


def test_weekly_report_is_made_and_its_data_section_names_the_row(messy):
    out = messy["out"] / "周报.pdf"
    proc = kcdocs("report", "weekly", messy["path"], "--week", "2020-W20", "-o", out, "--date", "2020-05-19")
    assert proc.returncode == 1, proc.stderr
    assert "无法稽核" not in proc.stderr
    text = _pdf_text(out)
    section = text[text.index("数据问题"):]
    assert f"第{messy['rows']['unknown']}行" in section and "核销·出国定居" in section
    assert f"第{messy['rows']['garbage']}行" in section
    assert f"劝返记录第{messy['rows']['attempt']}行" in section  # a persuasion the figures may miss
    assert f"「劝返记录」第{messy['rows']['attempt']}行" in proc.stderr + proc.stdout


def _ledger(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("command", ["audit", "dossier", "report"])
def test_exit_2_only_for_what_cannot_run(tmp_path, command):
    text = tmp_path / "不是表格.xlsx"
    text.write_text("这不是 Excel 文件", encoding="utf-8")
    cases = {
        "no such file": tmp_path / "没有这个文件.xlsx",
        "not a workbook": text,
        "no 学生台账": _ledger(tmp_path / "无台账表.xlsx", {"Sheet1": [["台账编号", "姓名"], ["370402-2020-0001", "甲"]]}),
        "no 台账编号": _ledger(tmp_path / "无编号.xlsx", {"学生台账": [["姓名", "处置类型"], ["甲", "R0"]]}),
    }
    for what, path in cases.items():
        if command == "report":
            args = ("report", "weekly", path, "--week", "2020-W20", "-o", tmp_path / "周报.pdf", "--date", "2020-05-19")
        else:
            args = (command, path, EVIDENCE, "-o", tmp_path / command, "--as-of", "2020-06-15")
        proc = kcdocs(*args)
        assert proc.returncode == 2, (what, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip(), what
