"""`kcdocs reconcile` through the real command line (subprocess): exit codes, Chinese messages,
outputs written whole or not at all, and appending to the ledger."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kcdocs.idnumber import check_char

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reconcile"
LEDGER_HEADERS = ["台账编号", "姓名", "性别", "身份证号", "学籍号", "出生日期", "区市", "乡镇街道", "村居社区", "学校",
                  "年级", "监护人", "联系电话", "重点群体", "类型", "辍学日期", "原因分析", "处置类型", "状态"]


def kcdocs(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def make_id(birth: str, seq: int, county: str = "370402") -> str:
    body = f"{county}{birth.replace('-', '')}{seq:03d}"
    return body + check_char(body)


def write_xlsx(path: Path, headers: list, rows: list) -> Path:
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def small_inputs(tmp_path: Path, *, bad_row: bool = False) -> tuple[Path, Path, list[str]]:
    kids = [make_id("2010-01-0" + str(i), 10 + i, county) for i, county in
            enumerate(("370402", "370402", "370481", "370406"), start=1)]
    rows = [[f"儿童{i}", number, "", "张家村"] for i, number in enumerate(kids)]
    if bad_row:
        rows.append(["错号", kids[0][:17] + ("1" if kids[0][17] != "1" else "2"), "", ""])
    pop = write_xlsx(tmp_path / "户籍.xlsx", ["姓名", "身份证号", "乡镇街道", "村居社区"], rows)
    stu = write_xlsx(tmp_path / "学籍.xlsx", ["全国学籍号", "姓名"], [[f"G{kids[0]}", "儿童0"]])
    return pop, stu, kids


def test_help_is_chinese():
    proc = kcdocs("reconcile", "--help")
    assert proc.returncode == 0
    for text in ("底数比对", "户籍名单", "--as-of", "--cutoff", "--ledger", "--mask", "退出码"):
        assert text in proc.stdout


def test_clean_run_exits_0_and_bad_rows_exit_1(tmp_path):
    pop, stu, kids = small_inputs(tmp_path)
    out = tmp_path / "结果.xlsx"
    proc = kcdocs("reconcile", pop, stu, "-o", out, "--as-of", "2020-05-15")
    assert proc.returncode == 0, proc.stderr
    assert "疑似失学辍学 3 人" in proc.stdout and out.exists()

    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    pop, stu, _ = small_inputs(bad_dir, bad_row=True)
    proc = kcdocs("reconcile", pop, stu, "-o", bad_dir / "结果.xlsx", "--as-of", "2020-05-15")
    assert proc.returncode == 1
    assert "户籍.xlsx" in proc.stderr and "第6行" in proc.stderr and "校验位错误" in proc.stderr
    problems = list(load_workbook(bad_dir / "结果.xlsx")["数据问题"].iter_rows(values_only=True))
    assert problems[1][1:6] == ("错误", "户籍.xlsx", "Sheet", 6, "身份证号")


def test_unusable_invocations_exit_2_and_write_nothing(tmp_path):
    pop, stu, _ = small_inputs(tmp_path)
    out = tmp_path / "结果.xlsx"
    proc = kcdocs("reconcile", pop, "-o", out)
    assert proc.returncode == 2 and "至少需要两个文件" in proc.stderr
    proc = kcdocs("reconcile", tmp_path / "没有这个文件.xlsx", stu, "-o", out)
    assert proc.returncode == 2 and "找不到户籍名单文件" in proc.stderr
    wrong = write_xlsx(tmp_path / "学籍错表.xlsx", ["姓名", "备注"], [["甲", ""]])
    proc = kcdocs("reconcile", pop, wrong, "-o", out)
    assert proc.returncode == 2 and "学籍号" in proc.stderr and "Traceback" not in proc.stderr
    proc = kcdocs("reconcile", pop, stu, "-o", out, "--cutoff", "8月32日")
    assert proc.returncode == 2 and "入学截止日" in proc.stderr
    proc = kcdocs("reconcile", pop, stu, "-o", pop)
    assert proc.returncode == 2 and "覆盖" in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_ledger_is_created_then_appended_without_touching_rows(tmp_path):
    pop, stu, kids = small_inputs(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "学生台账"
    ws.append(LEDGER_HEADERS)
    existing = ["370402-2020-0007", "旧案", "男", make_id("2009-09-09", 99), None, "2009-09-09", "市中区", None,
                None, None, None, None, None, None, "辍学", None, "厌学", "R0", "劝返中"]
    ws.append(existing)
    wb.create_sheet("劝返记录").append(["台账编号", "序号", "日期", "方式", "参与人员", "内容", "结果"])
    wb.save(ledger)

    proc = kcdocs("reconcile", pop, stu, "-o", tmp_path / "结果.xlsx", "--as-of", "2020-05-15", "--ledger", ledger)
    assert proc.returncode == 0, proc.stderr
    assert "新增 3 个案件" in proc.stdout
    backups = list(tmp_path.glob("台账.备份-*.xlsx"))
    assert len(backups) == 1
    assert [c.value for c in load_workbook(backups[0])["学生台账"][2]] == existing
    rows = list(load_workbook(ledger)["学生台账"].iter_rows(values_only=True))
    assert list(rows[1]) == existing
    new = {r[3]: r for r in rows[2:]}
    assert set(new) == set(kids[1:])
    assert {r[0] for r in new.values()} == {"370402-2020-0008", "370481-2020-0001", "370406-2020-0001"}
    assert {r[18] for r in new.values()} == {"未劝返"} and {r[14] for r in new.values()} == {"失学"}
    from kcdocs.ledger.load import load_ledger

    loaded = load_ledger(ledger)  # the ledger reader accepts the new cases as they are
    assert {c.case_id for c in loaded.cases} >= {r[0] for r in new.values()}

    again = kcdocs("reconcile", pop, stu, "-o", tmp_path / "结果.xlsx", "--as-of", "2020-05-15", "--ledger", ledger)
    assert again.returncode == 0 and "新增 0 个案件" in again.stdout and "3 人已在台账中" in again.stdout
    assert len(list(load_workbook(ledger)["学生台账"].iter_rows(values_only=True))) == len(rows)

    fresh = tmp_path / "新台账.xlsx"
    proc = kcdocs("reconcile", pop, stu, "-o", tmp_path / "结果2.xlsx", "--as-of", "2020-05-15", "--ledger", fresh)
    wb = load_workbook(fresh)
    assert wb.sheetnames == ["学生台账", "劝返记录"]
    header = [c.value for c in wb["学生台账"][1]]
    assert header[:3] == ["台账编号", "姓名", "性别"] and "强制措施" in header and header[-1] == "备注"
    assert wb["学生台账"].max_row == 4
    assert len(load_ledger(fresh).cases) == 3


def test_samples_run_as_documented(tmp_path):
    proc = kcdocs("reconcile", f"公安={SAMPLES / '户籍名单_公安.xlsx'}", f"建档立卡={SAMPLES / '扶贫办_建档立卡.csv'}",
                  f"残疾={SAMPLES / '残联_残疾儿童.xlsx'}", SAMPLES / "学籍_平台导出.xlsx", "-o", tmp_path / "结果.xlsx",
                  "--as-of", "2020-05-15", "--mask")
    assert proc.returncode == 1  # the samples plant three invalid ID numbers on purpose
    assert "疑似失学辍学 6 人（其中建档立卡 2 人，残疾 1 人）" in proc.stdout
    ws = load_workbook(tmp_path / "结果.xlsx")["疑似失学辍学"]
    ids = [row[6] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(ids) == 6 and all("*" in number for number in ids)
