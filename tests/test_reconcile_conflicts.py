"""`kcdocs reconcile`: 出生日期 and 性别 cells checked against the ID number on both lists.

A conflict is a data problem naming file, sheet, row and column; the child is judged by the date
that keeps them visible, so no child disappears because one field is wrong. Real xlsx and csv
through the real command line.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kcdocs.idnumber import check_char


def kcdocs(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def make_id(birth: str, seq: int, county: str = "370402") -> str:
    body = f"{county}{birth.replace('-', '')}{seq:03d}"
    return body + check_char(body)


def write_population(path: Path, rows: list) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "户籍人口"
    ws.append(["姓名", "性别", "公民身份号码", "出生日期", "乡镇街道"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def sheet_rows(path: Path, title: str) -> list[tuple]:
    return list(load_workbook(path)[title].iter_rows(values_only=True))


def run(tmp_path: Path, population: list, students: list) -> tuple[subprocess.CompletedProcess, Path]:
    pop = write_population(tmp_path / "户籍名单.xlsx", population)
    stu = tmp_path / "学籍导出.csv"
    with stu.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "性别", "身份证号", "出生日期", "学校"])
        writer.writerows(students)
    out = tmp_path / "比对结果.xlsx"
    return kcdocs("reconcile", pop, stu, "-o", out, "--as-of", "2020-05-15"), out


def problem_rows(out: Path) -> list[tuple]:
    return sheet_rows(out, "数据问题")[1:]


def test_a_15_digit_id_implying_1912_keeps_the_child_of_2012_visible(tmp_path):
    old15 = "370402120617123"  # upgraded with 19: born 1912-06-17, 108 years old
    enrolled = make_id("2011-03-04", 21)
    proc, out = run(tmp_path, [["刘小雨", "女", old15, datetime(2012, 6, 17), "光明街道"],
                               ["孙一", "男", enrolled, "2011-03-04", "光明街道"]],
                    [["孙一", "男", enrolled, "2011-03-04", "实验小学（光明校区）"]])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "疑似失学辍学 1 人" in proc.stdout
    suspects = sheet_rows(out, "疑似失学辍学")
    header, row = suspects[0], suspects[1]
    assert row[header.index("姓名")] == "刘小雨"
    assert row[header.index("出生日期")] == "2012-06-17" and row[header.index("年龄")] == 7
    assert "1912-06-17" in row[header.index("备注")]
    conflict = [p for p in problem_rows(out) if p[5] == "出生日期"]
    assert len(conflict) == 1
    _, level, file, sheet, line, column, _value, message, hint = conflict[0]
    assert (level, file, sheet, line) == ("错误", "户籍名单.xlsx", "户籍人口", 2)
    assert "1912-06-17" in message and "15位" in message and "已按出生日期2012-06-17计算年龄" in message
    assert "18位" in hint and "户口簿" in hint
    assert "户籍名单.xlsx" in proc.stderr and "第2行" in proc.stderr  # printed, not only in the workbook


def test_when_the_id_number_is_of_school_age_it_decides_and_the_cell_is_reported(tmp_path):
    kid = make_id("2010-05-05", 33)
    proc, out = run(tmp_path, [["周六", "男", kid, "1990-05-05", "光明街道"]], [])
    assert proc.returncode == 1
    assert "疑似失学辍学 1 人" in proc.stdout
    row = sheet_rows(out, "疑似失学辍学")[1]
    assert "2010-05-05" in row
    (problem,) = [p for p in problem_rows(out) if p[5] == "出生日期"]
    assert problem[1] == "错误" and problem[4] == 2 and "已按身份证号计算年龄" in problem[7]


def test_sex_conflicts_are_named_on_both_lists(tmp_path):
    girl = make_id("2010-02-02", 42)  # 42: even, a girl
    proc, out = run(tmp_path, [["王芳", "男", girl, "2010-02-02", "光明街道"]],
                    [["王芳", "男", girl, "2010-02-02", "实验小学"]])
    assert proc.returncode == 1
    sex = [p for p in problem_rows(out) if p[5] == "性别"]
    assert {(p[2], p[4]) for p in sex} == {("户籍名单.xlsx", 2), ("学籍导出.csv", 2)}
    assert all(p[1] == "错误" and "表示女" in p[7] and "第17位" in p[8] for p in sex)
    assert "疑似失学辍学 0 人" in proc.stdout  # the exact ID match still counts: she is enrolled


def test_a_student_whose_id_disagrees_with_the_birth_cell_is_still_found_by_name_and_date(tmp_path):
    child = make_id("2009-09-09", 55)
    typo = make_id("2008-09-09", 55, county="370481")  # the student's ID number typed wrongly
    proc, out = run(tmp_path, [["赵小红", "女", child, "2009-09-09", "光明街道"]],
                    [["赵小红", "女", typo, "2009-09-09", "实验小学（光明校区）"]])
    assert proc.returncode == 1
    (problem,) = [p for p in problem_rows(out) if p[5] == "出生日期"]
    assert problem[2] == "学籍导出.csv" and problem[3] in (None, "") and problem[4] == 2
    assert "2008-09-09" in problem[7]
    review = sheet_rows(out, "待核实")
    assert len(review) == 2 and "出生日期相同" in review[1][2]  # a candidate to confirm, not a silent miss
    assert "疑似失学辍学 0 人" in proc.stdout and "待核实 1 人" in proc.stdout
