"""The real command line: exit codes 0 / 1 / 2, Chinese messages, findings.json written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def kcdocs(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_samples_exit_1_with_findings(tmp_path):
    out = tmp_path / "audit"
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", out, "--as-of", "2020-06-15")
    assert run.returncode == 1, run.stderr
    assert "稽核完成：21 个案例" in run.stdout and "不完整 12 个" in run.stdout
    assert "370402-2020-0099" in run.stderr  # the folder without a ledger row
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["schema"] == "kcdocs.audit/1" and data["summary"]["incomplete"] == 12
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "findings.xlsx", "report.html", "历史"]


def test_complete_case_exits_0(tmp_path):
    root = tmp_path / "ev"
    shutil.copytree(SAMPLES / "evidence" / "370405-2020-0001 王芳", root / "370405-2020-0001 王芳")
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", root, "-o", tmp_path / "o", "--as-of", "2020-06-15",
                 "--case", "370405-2020-0001", "--case", "370406-2020-0002")
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((tmp_path / "o" / "findings.json").read_text(encoding="utf-8"))
    assert [c["complete"] for c in data["cases"]] == [True, True]


def test_unusable_input_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"not a workbook")
    run = kcdocs("audit", bad, SAMPLES / "evidence", "-o", tmp_path / "o")
    assert run.returncode == 2 and "错误" in run.stderr and "台账.xlsx" in run.stderr
    assert not (tmp_path / "o").exists()
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", tmp_path / "没有这个文件夹", "-o", tmp_path / "o")
    assert run.returncode == 2 and "佐证材料文件夹不存在" in run.stderr
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "o", "--case", "X-1")
    assert run.returncode == 2 and "X-1" in run.stderr
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "o", "--as-of", "明天")
    assert run.returncode == 2 and "日期" in run.stderr
    assert not (tmp_path / "o").exists()


def test_bad_ledger_rows_are_audited_as_data_findings_exit_1(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(SAMPLES / "ledger.xlsx")
    ws = wb["学生台账"]
    column = {c.value: c.column_letter for c in ws[1]}
    ws[f"{column['处置类型']}3"] = "Z9"
    ws[f"{column['辍学日期']}4"] = "2019-02-30"
    wb.save(tmp_path / "ledger.xlsx")
    run = kcdocs("audit", tmp_path / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "o")
    assert run.returncode == 1, run.stderr
    assert "第3行 「处置类型」列" in run.stderr and "第4行 「辍学日期」列" in run.stderr
    assert "工作表「学生台账」" in run.stderr and "稽核完成：21 个案例" in run.stdout
    data = json.loads((tmp_path / "o" / "findings.json").read_text(encoding="utf-8"))
    rows = {c["case_id"]: [f for f in c["findings"] if f["rule"] == "L.ledger_row"] for c in data["cases"]}
    assert sum(1 for found in rows.values() if found) == 2


def test_bad_checklist_folder_exits_2(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "x.yaml").write_text("schema: kcdocs.checklist/1\ntitle: x\nitems: []\n", encoding="utf-8")
    run = kcdocs("audit", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "o",
                 "--checklists", folder)
    assert run.returncode == 2 and "清单文件 x.yaml 有错误" in run.stderr


def test_help_is_chinese():
    run = kcdocs("audit", "--help")
    assert run.returncode == 0
    for words in ("稽核台账与佐证材料", "--as-of", "--case", "输出文件夹", "退出码"):
        assert words in run.stdout
