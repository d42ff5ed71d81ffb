"""性别 in the ledger: 男/女 and the longer 男性/女性 (with stray full-width spaces) are accepted
and stored as 男/女, so that rule C.identity compares them with the ID number."""

from __future__ import annotations

from datetime import date

import pytest

from kcdocs.checklists import CaseContext, load_checklists
from kcdocs.idnumber import check_char
from kcdocs.ledger import LedgerProblems, load_ledger

HEAD = ["台账编号", "姓名", "性别", "身份证号", "原因分析", "处置类型"]
MALE = "37040220070312003" + check_char("37040220070312003")  # sequence 003: odd, a boy
FEMALE = "37040220070312004" + check_char("37040220070312004")


def workbook(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "学生台账"
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def row(n: int, sex, id_number):
    return [f"370402-2020-{n:04d}", "李明", sex, id_number, "父母外出务工，随祖父母生活，厌学。", "R0"]


@pytest.mark.parametrize("written, stored, id_number", [
    ("男", "男", MALE), ("女", "女", FEMALE),
    ("男性", "男", MALE), ("女性", "女", FEMALE),
    ("　男性　", "男", MALE), ("女　性", "女", FEMALE), (" 女 ", "女", FEMALE),
])
def test_sex_words_are_stored_as_one_character(tmp_path, written, stored, id_number):
    ledger = load_ledger(workbook(tmp_path / "台账.xlsx", [row(1, written, id_number)]))
    case = ledger.cases[0]
    assert case.sex == stored
    identity = load_checklists().item("C.identity").run(CaseContext(case, date(2020, 6, 15)))
    assert identity.failure is None


def test_long_word_still_checked_against_the_id_number(tmp_path):
    ledger = load_ledger(workbook(tmp_path / "台账.xlsx", [row(1, "女性", MALE)]))
    run = load_checklists().item("C.identity").run(CaseContext(ledger.cases[0], date(2020, 6, 15)))
    assert run.failure is not None and "性别“女”" in run.failure.message


@pytest.mark.parametrize("bad", ["男孩", "M", "男女", "性"])
def test_other_words_are_still_rejected(tmp_path, bad):
    with pytest.raises(LedgerProblems) as err:
        load_ledger(workbook(tmp_path / "台账.xlsx", [row(1, bad, MALE)]), strict=True)
    problems = [p for p in err.value.problems if p.column == "性别"]
    assert len(problems) == 1 and problems[0].row == 2
    assert "男性" in problems[0].message
