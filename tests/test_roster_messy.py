"""Rosters as schools really keep them, through the real CLI: one sheet per class with title and
footer rows, padded names, a repeated ID number, deadlines typed as numbers or without a year,
campus school names, and characters the fonts may not have."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import openpyxl
import pdfplumber
import pytest

from kcdocs.idnumber import check_char
from kcdocs.notices.schools import school_text

UNIT = "峄城区教育和体育局"


def idn(body17: str) -> str:
    return body17 + check_char(body17)


def run(*args):
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def texts(pdf) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [re.sub(r"\s+", "", p.extract_text()) for p in doc.pages]


@pytest.fixture()
def class_roster(tmp_path):
    wb = openpyxl.Workbook()
    one = wb.active
    one.title = "一年级1班"
    one.append(["2020年秋季一年级新生名册"])
    one.append(["学生姓名", "监护人姓名", "学校", "报到截止日期", "身份证号"])
    one.append(["王　强", "王大山", "实验小学（光明校区）", "2020-08-25", idn("37040220140301001")])
    one.append(["孙丽", "孙父", "育才", 8.25, idn("37040220140405002")])
    one.append(["合计：2人"])
    two = wb.create_sheet("一年级2班")
    two.append(["学生姓名", "监护人姓名", "学校", "报到截止日期", "身份证号"])
    two.append(["赵敏", "赵父", "教学点", "8月25日", idn("37040220140501003")])
    two.append(["钱多", "钱父", "实验小学", "2020-08-25", idn("37040220140501003")])
    two.append(["制表人：张伟  审核人：刘芳"])
    wb.create_sheet("说明").append(["填表说明：每班一张表"])
    for column in (one["E"], two["E"]):
        for cell in column:
            cell.number_format = "@"
    path = tmp_path / "名册.xlsx"
    wb.save(path)
    return path


def test_every_class_sheet_is_read_and_every_problem_named(tmp_path, class_roster):
    out = tmp_path / "n.pdf"
    r = run("notices", "enrollment", class_roster, "-o", out, "--date", "2020-08-01", "--unit", UNIT,
            "--skip-invalid")
    assert r.returncode == 1, r.stderr
    pages = texts(out)
    # the second class's sheet is read too; padding inside a name is removed
    assert len(pages) == 2 and "王强" in pages[0] and "赵敏" in pages[1]
    # the campus name reads naturally, the 教学点 gets no second 学校
    assert "送其到实验小学（光明校区）报到入学" in pages[0] and "送其到教学点报到入学" in pages[1]
    err = r.stderr
    # footer rows skipped with a notice, the sheet that is no roster named
    assert "合计：2人" in err and "制表人" in err and "「说明」" in err
    # a number that is not a date is said as such, never a date computed from it
    assert "8.25" in err and "不是日期" in err and "1900" not in err
    # a date without a year takes the year of the 落款日期, with a notice
    assert "没有写年份" in err and "2020年8月25日" in err
    # a repeated ID: the first row kept, the later one rejected naming the first
    assert re.search(r"「一年级2班」 第3行.*与第2行重复", err)
    rejected = openpyxl.load_workbook(tmp_path / "n.rejected.xlsx").active
    rows = list(rejected.iter_rows(values_only=True))
    assert rows[0][:3] == ("工作表", "原行号", "学生姓名")  # the sheet named in the rejected-rows file
    assert {(r[0], r[1], r[2]) for r in rows[1:]} == {("一年级1班", 4, "孙丽"), ("一年级2班", 3, "钱多")}
    assert "Traceback" not in err


def test_sheet_option_reads_only_the_named_sheet(tmp_path, class_roster):
    out = tmp_path / "n.pdf"
    r = run("notices", "enrollment", class_roster, "-o", out, "--date", "2020-08-01", "--unit", UNIT,
            "--skip-invalid", "--sheet", "一年级2班")
    assert r.returncode == 1, r.stderr
    pages = texts(out)
    assert len(pages) == 1 and "赵敏" in pages[0]


def test_a_character_no_font_has_is_named_with_the_fix(tmp_path):
    roster = tmp_path / "g.csv"
    with open(roster, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["学生姓名", "监护人姓名", "学校", "报到截止日期"],
                                  ["周\U00031350", "周父", "实验小学", "2020-08-25"]])
    r = run("notices", "enrollment", roster, "-o", tmp_path / "g.pdf", "--date", "2020-08-01", "--unit", UNIT)
    assert r.returncode == 1, r.stderr  # printed, but never silently with an empty box
    assert "U+31350" in r.stderr and "第2行" in r.stderr and "学生姓名" in r.stderr
    assert "[fonts] paths" in r.stderr


@pytest.mark.parametrize("school, printed, word", [
    ("实验小学", "实验小学", ""),
    ("实验小学（光明校区）", "实验小学（光明校区）", ""),
    ("实验学校北校区", "实验学校北校区", ""),
    ("教学点", "教学点", ""),
    ("西集镇中心小学大吴教学点", "西集镇中心小学大吴教学点", ""),
    ("职业中专", "职业中专", ""),
    ("枣庄市职业中等专业学校", "枣庄市职业中等专业学校", ""),
    ("九年一贯制学校", "九年一贯制学校", ""),
    ("特殊教育学校", "特殊教育学校", ""),
    ("峄城区古邵镇中学", "峄城区古邵镇中学", ""),
    ("枣庄八中", "枣庄八中", ""),
    ("西王庄镇中心校", "西王庄镇中心校", ""),
    ("育才", "育才", "学校"),
    ("育才（光明校区）", "育才学校（光明校区）", ""),
    ("特殊教育", "特殊教育", "学校"),
])
def test_school_names_read_naturally(school, printed, word):
    assert school_text(school) == (printed, word)
    sentence = f"送其到{printed}{word}报到入学"
    assert "学校学校" not in sentence and "校区学校" not in sentence and "点学校" not in sentence
