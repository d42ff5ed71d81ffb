"""The rejected-rows workbook of `kcdocs notices --skip-invalid`: every error of a row listed once,
each naming its column once, with what to do — read back from the real xlsx the command writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kcdocs.idnumber import check_char


def good_id(birth: str, seq: int) -> str:
    body = f"370402{birth}{seq:03d}"
    return body + check_char(body)


def bad_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


def roster(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(["学生姓名", "性别", "身份证号", "学校", "监护人姓名", "报到截止日期"])
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def rejected_reasons(tmp_path: Path, sheets: dict[str, list[list]]) -> list[tuple]:
    path = roster(tmp_path / "名册.xlsx", sheets)
    out = tmp_path / "通知书.pdf"
    proc = subprocess.run([sys.executable, "-m", "kcdocs", "notices", "enrollment", str(path), "-o", str(out),
                           "--date", "2020-08-01", "--unit", "市中区教育和体育局", "--skip-invalid"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = list(load_workbook(out.with_name("通知书.rejected.xlsx")).active.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因"
    return rows


def test_each_error_names_its_column_once_and_says_what_to_do(tmp_path):
    ok = ["张三", "男", good_id("20140101", 11), "实验小学", "张父", "2020-08-25"]
    rows = rejected_reasons(tmp_path, {"一年级1班": [ok, ["李四", "女", bad_check(good_id("20140202", 22)),
                                                        "实验小学", "李父", "2020-08-25"]]})
    (reason,) = [r[-1] for r in rows[1:]]
    assert reason.count("身份证号") == 1, reason  # not 「身份证号」身份证号“…”
    assert reason.startswith("「身份证号」列：“") and "校验位错误" in reason and "处理：" in reason


def test_every_error_of_a_row_is_listed_numbered(tmp_path):
    ok = ["张三", "男", good_id("20140101", 11), "实验小学", "张父", "2020-08-25"]
    messy = [None, "男", "12345", "实验小学", None, "2020-08-25"]
    rows = rejected_reasons(tmp_path, {"一年级1班": [ok], "一年级2班": [ok[:2] + [good_id("20140303", 33)] + ok[3:],
                                                                   messy]})
    header, (row,) = rows[0], rows[1:]
    assert header[:2] == ("工作表", "原行号") and row[:2] == ("一年级2班", 3)
    lines = row[-1].split("\n")
    assert len(lines) == 3, row[-1]
    assert [line[:3] for line in lines] == ["1. ", "2. ", "3. "]
    by_column = {line.split("「")[1].split("」")[0]: line for line in lines}
    assert set(by_column) == {"学生姓名", "监护人姓名", "身份证号"}
    assert "必填项为空" in by_column["学生姓名"] and by_column["学生姓名"].count("学生姓名") == 1
    assert "18位" in by_column["身份证号"] and by_column["身份证号"].count("身份证号") == 1
    assert all("处理：" in line for line in lines)
