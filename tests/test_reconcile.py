"""kcdocs.reconcile (底数比对) through the library: real .xlsx/.csv files written in tmp_path."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kcdocs.errors import InputFileError, UsageError
from kcdocs.idnumber import check_char, mask
from kcdocs.reconcile import ReconcileOptions, reconcile
from kcdocs.reconcile import match as m

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reconcile"
POP_HEADERS = ["姓名", "性别", "身份证号", "区市", "乡镇街道", "监护人"]
STU_HEADERS = ["学籍号", "身份证号", "姓名", "性别", "出生日期", "学校", "年级"]


def make_id(birth: str, seq: int = 11, county: str = "370402") -> str:
    body = f"{county}{birth.replace('-', '')}{seq:03d}"
    return body + check_char(body)


def write_xlsx(path: Path, headers: list, rows: list, *, title: str | None = None, sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def person(name: str, number: str, guardian: str = "", sex: str = "", district: str = "市中区",
           town: str = "税郭镇") -> list:
    return [name, sex, number, district, town, guardian]


def student(name: str, number: str = "", record: str = "", birth: str = "", sex: str = "") -> list:
    return [record or (f"G{number}" if len(number) == 18 else ""), number, name, sex, birth, "实验小学", "三年级"]


def run(tmp_path: Path, people: list, students: list, *, as_of=date(2020, 5, 15), stu_headers=STU_HEADERS, **kw):
    pop = write_xlsx(tmp_path / "户籍.xlsx", POP_HEADERS, people)
    stu = write_xlsx(tmp_path / "学籍.xlsx", stu_headers, students)
    opts = ReconcileOptions(population=[str(pop)], students=stu, output=tmp_path / "out" / "结果.xlsx",
                            as_of=as_of, **kw)
    return reconcile(opts)


def categories(result) -> dict[str, str]:
    return {pid: p.category for pid, p in result.outcome.people.items()}


def sheet_rows(path: Path, title: str) -> list[dict]:
    ws = load_workbook(path, read_only=True)[title]
    rows = list(ws.iter_rows(values_only=True))
    header_idx = next(i for i, r in enumerate(rows) if r and r[0] in ("序号", "组号", "区市"))
    headers = rows[header_idx]
    return [dict(zip(headers, r)) for r in rows[header_idx + 1:]]


# --- ID normalisation -----------------------------------------------------------------------------

def test_id_forms_match_exactly(tmp_path):
    a, b, c = make_id("2010-03-15", 11), make_id("2011-04-16", 13), make_id("2009-05-17", 15)
    x = next(make_id("2012-01-01", s) for s in range(1, 999, 2) if make_id("2012-01-01", s).endswith("X"))
    full = "".join(chr(ord(ch) + 0xFEE0) for ch in a)  # full-width digits
    people = [person("甲", full), person("乙", f" {b[:6]} {b[6:14]} {b[14:]} "), person("丙", c), person("丁", x)]
    students = [student("甲", a), student("乙", b), student("丙", record=f"G{c}"), student("丁", x.lower())]
    result = run(tmp_path, people, students)
    assert set(categories(result).values()) == {m.ENROLLED}
    assert result.suspected == [] and result.students_only == 0 and result.errors == []


def test_fifteen_digit_number_is_upgraded_and_matched(tmp_path):
    old15 = "370402850303123"  # born 1985-03-03, no check character
    full18 = "37040219850303123" + check_char("37040219850303123")
    other15 = "370402860404124"
    result = run(tmp_path, [person("老号", old15), person("无学籍", other15)], [student("老号", full18)],
                 as_of=date(1996, 6, 1))
    cats = categories(result)
    assert cats[full18] == m.ENROLLED
    upgraded = "37040219860404124" + check_char("37040219860404124")
    assert [s.person.id for s in result.suspected] == [upgraded]


# --- age scope and the cut-off ---------------------------------------------------------------------

def test_cutoff_born_first_of_september_is_not_yet_six(tmp_path):
    on_cutoff, after = make_id("2014-08-31", 11), make_id("2014-09-01", 13)
    oldest, too_old = make_id("2004-09-01", 15), make_id("2004-08-31", 17)
    people = [person("甲", on_cutoff), person("乙", after), person("丙", oldest), person("丁", too_old)]
    result = run(tmp_path, people, [], as_of=date(2020, 9, 15))
    cats = categories(result)
    assert cats[on_cutoff] == m.SUSPECTED and cats[oldest] == m.SUSPECTED
    assert cats[after] == m.YOUNG and cats[too_old] == m.OLD
    assert result.scope.born_from == date(2004, 9, 1) and result.scope.born_to == date(2014, 8, 31)


def test_before_september_the_previous_intake_applies(tmp_path):
    six_in_may = make_id("2014-03-01", 11)  # 6 on 2020-05-15, but starts school in September 2020
    due = make_id("2013-08-31", 13)
    result = run(tmp_path, [person("甲", six_in_may), person("乙", due)], [], as_of=date(2020, 5, 15))
    assert categories(result) == {six_in_may: m.YOUNG, due: m.SUSPECTED}


def test_cutoff_is_configurable(tmp_path):
    born = make_id("2014-09-01", 11)
    result = run(tmp_path, [person("甲", born)], [], as_of=date(2020, 9, 15), cutoff="09-01")
    assert categories(result)[born] == m.SUSPECTED
    with pytest.raises(UsageError):
        run(tmp_path, [person("甲", born)], [], cutoff="13-45")


# --- candidates are reviewed, never merged -------------------------------------------------------------

def test_name_and_birth_candidate_goes_to_review_not_merged(tmp_path):
    child = make_id("2010-06-01", 22)
    stranger = make_id("2010-06-02", 24)
    people = [person("孙丽", child, "孙江", "女"), person("钱多多", stranger)]
    students = [student("孙丽", record="J37040420100601001", birth="2010-06-01", sex="女"),
                student("钱多多", birth="2011-12-12")]  # same name, unrelated birth date: no candidate
    result = run(tmp_path, people, students)
    cats = categories(result)
    assert cats[child] == m.REVIEW
    assert cats[stranger] == m.SUSPECTED
    assert [(c.person.id, c.student.name) for c in result.outcome.review] == [(child, "孙丽")]
    assert result.students_only == 1  # 钱多多's record stays unexplained, the candidate is not counted twice
    review = sheet_rows(result.output, "待核实")
    assert len(review) == 1 and review[0]["身份证号（户籍）"] == child and review[0]["核实结论"] in (None, "")
    assert child not in {r["身份证号"] for r in sheet_rows(result.output, "疑似失学辍学")}


def test_sex_and_guardian_disagreeing_is_not_a_candidate(tmp_path):
    child = make_id("2010-06-01", 22)  # female (even sequence)
    headers = [*STU_HEADERS, "监护人"]
    only_sex = run(tmp_path, [person("孙丽", child, "孙江")], [["", "", "孙丽", "男", "2010-06-01", "一小", "三年级",
                                                                "孙江"]], stu_headers=headers)
    assert categories(only_sex)[child] == m.REVIEW  # one disagreement: still shown for review
    both = run(tmp_path, [person("孙丽", child, "孙江")], [["", "", "孙丽", "男", "2010-06-01", "一小", "三年级",
                                                             "李四"]], stu_headers=headers)
    assert categories(both)[child] == m.SUSPECTED


def test_student_with_invalid_id_is_reported_and_still_a_candidate(tmp_path):
    child = make_id("2007-02-14", 45)
    typo = child[:15] + ("3" if child[15] != "3" else "4") + child[16:]
    result = run(tmp_path, [person("周杰", child)], [student("周洁", typo, record="", birth="2007-02-14")])
    assert categories(result)[child] == m.REVIEW
    [problem] = result.errors
    assert problem.file == "学籍.xlsx" and problem.row == 2 and problem.column == "身份证号"
    assert problem.value == typo and "校验位" in problem.message


# --- duplicates (W2 candidates) --------------------------------------------------------------------------

def test_duplicate_registration_with_same_guardian_is_not_counted_as_dropout(tmp_path):
    first, second = make_id("2008-05-05", 47, "370481"), make_id("2008-05-05", 49, "370403")
    people = [person("刘洋", first, "刘建国"), person("刘洋", second, "刘建国")]
    result = run(tmp_path, people, [student("刘洋", first)])
    assert categories(result) == {first: m.ENROLLED, second: m.DUPLICATE}
    assert result.suspected == []
    [group] = result.outcome.duplicates
    assert group.strong and {p.id for p in group.members} == {first, second}
    rows = sheet_rows(result.output, "重复户籍")
    assert {r["身份证号"]: r["有无学籍"] for r in rows} == {first: "有", second: "无"}


def test_same_name_and_birthday_with_other_guardian_stays_suspected(tmp_path):
    first, second = make_id("2008-05-05", 47), make_id("2008-05-05", 49)
    people = [person("刘洋", first, "刘建国"), person("刘洋", second, "王芳")]
    result = run(tmp_path, people, [student("刘洋", first)])
    assert categories(result)[second] == m.SUSPECTED
    [suspect] = result.suspected
    assert any("重复户籍" in note for note in suspect.notes)
    assert not result.outcome.duplicates[0].strong


# --- sources, priority groups, several sheets, CSV ----------------------------------------------------

def test_sources_carry_priority_groups(tmp_path):
    poor, disabled, plain = make_id("2009-09-09", 51), make_id("2011-07-20", 53), make_id("2010-01-01", 55)
    police = write_xlsx(tmp_path / "公安.xlsx", POP_HEADERS, [person("甲", poor), person("乙", disabled),
                                                               person("丙", plain)])
    with open(tmp_path / "扶贫办名单.csv", "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows([["姓名", "公民身份号码", "户主姓名"], ["甲", poor, "甲父"]])
    card = write_xlsx(tmp_path / "list3.xlsx", ["姓名", "残疾人证号"], [["乙", disabled + "42"]])
    stu = write_xlsx(tmp_path / "学籍.xlsx", STU_HEADERS, [])
    opts = ReconcileOptions(population=[f"公安={police}", str(tmp_path / "扶贫办名单.csv"), f"残联={card}"],
                            students=stu, output=tmp_path / "r.xlsx", as_of=date(2020, 5, 15))
    result = reconcile(opts)
    groups = {s.person.id: s.person.groups for s in result.suspected}
    assert groups == {poor: ("建档立卡",), disabled: ("残疾",), plain: ()}
    assert result.count_group("建档立卡") == 1 and result.count_group("残疾") == 1
    by_id = {r["身份证号"]: r for r in sheet_rows(result.output, "疑似失学辍学")}
    assert by_id[poor]["名单来源"] == "公安、扶贫办名单" and by_id[poor]["重点群体"] == "建档立卡"


def test_every_sheet_with_the_columns_is_read(tmp_path):
    a, b = make_id("2010-01-01", 11, "370402"), make_id("2010-01-02", 13, "370481")
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本文件按区市分表"])
    for title, number in (("市中区", a), ("滕州市", b)):
        ws = wb.create_sheet(title)
        ws.append(["户籍人口花名册"])
        ws.append(["姓名", "公民身份号码"])
        ws.append(["某某", number])
    wb.save(tmp_path / "分区.xlsx")
    stu = write_xlsx(tmp_path / "学籍.xlsx", STU_HEADERS, [student("某某", a)])
    result = reconcile(ReconcileOptions(population=[str(tmp_path / "分区.xlsx")], students=stu,
                                        output=tmp_path / "r.xlsx", as_of=date(2020, 5, 15)))
    assert categories(result) == {a: m.ENROLLED, b: m.SUSPECTED}
    assert [s.person.district for s in result.suspected] == ["滕州市"]  # from the ID's county code
    assert any("说明" == p.sheet for p in result.problems)  # the skipped sheet is reported, not silent


def test_missing_columns_and_unreadable_files_raise(tmp_path):
    pop = write_xlsx(tmp_path / "户籍.xlsx", POP_HEADERS, [person("甲", make_id("2010-01-01"))])
    no_ids = write_xlsx(tmp_path / "学籍.xlsx", ["姓名", "学校"], [["甲", "一小"]])
    with pytest.raises(InputFileError) as err:
        reconcile(ReconcileOptions(population=[str(pop)], students=no_ids, output=tmp_path / "r.xlsx"))
    assert "学籍号" in err.value.message and "身份证号" in err.value.message
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(InputFileError):
        reconcile(ReconcileOptions(population=[str(broken)], students=pop, output=tmp_path / "r.xlsx"))
    assert not (tmp_path / "r.xlsx").exists()


# --- output workbook ---------------------------------------------------------------------------------------

def test_workbook_sheets_formatting_and_mask(tmp_path):
    child = make_id("2010-03-15", 11)
    result = run(tmp_path, [person("王小明", child)], [], mask=True)
    wb = load_workbook(result.output)
    assert wb.sheetnames == ["汇总", "疑似失学辍学", "待核实", "重复户籍", "学籍无户籍", "不在适龄", "数据问题"]
    ws = wb["疑似失学辍学"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws["A1"].font.bold
    [row] = sheet_rows(result.output, "疑似失学辍学")
    assert row["身份证号"] == mask(child) and child not in str(row)
    summary = sheet_rows(result.output, "汇总")
    total = next(r for r in summary if r["区市"] == "合计")
    assert total["疑似失学辍学"] == 1 and total["适龄人数"] == 1


# --- the planted sample set ----------------------------------------------------------------------------

def test_planted_samples_are_recovered_exactly(tmp_path):
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    opts = ReconcileOptions(
        population=[f"公安={SAMPLES / '户籍名单_公安.xlsx'}", f"建档立卡={SAMPLES / '扶贫办_建档立卡.csv'}",
                    f"残疾={SAMPLES / '残联_残疾儿童.xlsx'}"],
        students=SAMPLES / "学籍_平台导出.xlsx", output=tmp_path / "结果.xlsx",
        as_of=date.fromisoformat(expected["as_of"]))
    result = reconcile(opts)
    suspected = {r["身份证号"]: r for r in sheet_rows(result.output, "疑似失学辍学")}
    assert set(suspected) == set(expected["suspected"])
    for number, want in expected["suspected"].items():
        assert suspected[number]["类型"] == want["kind"]
        assert (suspected[number]["重点群体"] or "") == "、".join(want["groups"])
    assert {r["身份证号（户籍）"] for r in sheet_rows(result.output, "待核实")} == set(expected["review"])
    cats = categories(result)
    assert {k for k, v in cats.items() if v == m.DUPLICATE} == set(expected["duplicate"])
    assert sorted(r["身份证号"] for r in sheet_rows(result.output, "重复户籍")) == expected["duplicate_group"]
    assert {k for k, v in cats.items() if v == m.ENROLLED} == set(expected["enrolled"])
    assert {k for k, v in cats.items() if v == m.YOUNG} == set(expected["young"])
    assert {k for k, v in cats.items() if v == m.OLD} == set(expected["old"])
    only = {r["身份证号"]: r["情形"] for r in sheet_rows(result.output, "学籍无户籍")}
    assert {v["id"] for v in expected["students_only"].values()} == set(only)
    for v in expected["students_only"].values():
        assert only[v["id"]].startswith(v["reason"])
    assert sorted([p.file, p.row] for p in result.errors) == sorted(expected["error_rows"])


def test_result_writer_keeps_text_as_text(tmp_path):
    from python_calamine import CalamineWorkbook

    from kcdocs import fastxlsx as xlsx

    sheet = xlsx.Sheet("测试", (10, 10))
    sheet.append(["表头", "值"], xlsx.HEADER)
    tricky = ["=SUM(A1:A2)", "<b>&amp;</b>", " 前后空格 ", "控制\x07字符", "0012"]
    for text in tricky:
        sheet.append([text, 7])
    sheet.freeze_row, sheet.filter_ref = 1, "A1:B6"
    xlsx.save(tmp_path / "t.xlsx", [sheet])
    ws = load_workbook(tmp_path / "t.xlsx")["测试"]
    assert [ws.cell(row=i, column=1).value for i in range(2, 7)] == [
        "=SUM(A1:A2)", "<b>&amp;</b>", " 前后空格 ", "控制字符", "0012"]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb == "FFDDEBF7" and ws["B2"].value == 7
    assert ws.cell(row=2, column=1).data_type == "s"  # a string, never a formula
    grid = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("测试").to_python()
    assert grid[1][0] == "=SUM(A1:A2)" and grid[3][0] == " 前后空格 "
    from openpyxl.utils import get_column_letter

    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 703, 16384)] == \
        [get_column_letter(n) for n in (1, 26, 27, 52, 703, 16384)] == ["A", "Z", "AA", "AZ", "AAA", "XFD"]
    wrap = xlsx.Sheet("换行", (10,))
    wrap.append(["第一行\n第二行"], xlsx.WRAP)
    xlsx.save(tmp_path / "w.xlsx", [wrap])
    cell = load_workbook(tmp_path / "w.xlsx")["换行"]["A1"]
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top" and cell.value == "第一行\n第二行"
