"""Ledger workbook import: models, vocabularies, and every bad cell reported at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kcdocs.errors import ExitCode, InputFileError
from kcdocs.idnumber import check_char
from kcdocs.ledger import (CaseType, History, LedgerProblems, Measure, Method, Outcome, PriorityGroup, Status,
                           load_ledger)

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ID = "37040220070312003" + check_char("37040220070312003")
HEAD = ["台账编号", "姓名", "性别", "身份证号", "重点群体", "类型", "辍学日期", "原因分析", "处置类型", "状态",
        "辍学情形", "强制措施"]
GOOD = ["370402-2020-0001", "李明", "男", ID, "建档立卡、留守", "辍学", "2019/9/1", "厌学", "P1", "已安置",
        "连续辍学一年以上", None]
ATT_HEAD = ["台账编号", "序号", "日期", "方式", "参与人员", "内容", "结果"]


def workbook(path: Path, rows, attempts=None, head=HEAD, title_row=False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "学生台账"
    if title_row:
        ws.append(["某某区控辍保学台账（2020年6月）"])
    ws.append(head)
    for row in rows:
        ws.append(row)
    if attempts is not None:
        at = wb.create_sheet("劝返记录")
        at.append(ATT_HEAD)
        for row in attempts:
            at.append(row)
    wb.save(path)
    return path


def test_sample_ledger_loads_every_disposition():
    ledger = load_ledger(SAMPLES / "ledger.xlsx")
    assert len(ledger.cases) == 21
    assert {c.disposition for c in ledger.cases} == {"R0", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "P1", "P2"}
    p1 = ledger.case("370402-2020-0003")
    assert [a.seq for a in p1.attempts] == [1, 2, 3]
    assert p1.history is History.LONG_DROPOUT and p1.status is Status.PLACED
    assert p1.attempts[0].result is Outcome.NO_EFFECT and p1.attempts[0].participants == ["张伟", "刘芳"]


def test_words_names_and_codes(tmp_path):
    rows = [GOOD,
            ["370402-2020-0002", "赵红", "女", ID, "随迁,残疾", "失学", None, "x", "核销·实际死亡", "已核销", None, None],
            ["370402-2020-0003", "钱亮", "男", None, None, None, None, None, "强制劝返", "强制程序中", None, "责令改正"],
            ["370402-2020-0004", "孙丽", "女", None, None, None, None, None, "w7 延缓入学", None, None, None]]
    attempts = [["370402-2020-0001", 2, "2020年3月1日", "电话", "张伟", "沟通", "部分有效"],
                ["370402-2020-0001", 1, "2020-02-01", "入户", "张伟、刘芳", "家访", "无效"]]
    ledger = load_ledger(workbook(tmp_path / "t.xlsx", rows, attempts, title_row=True))
    a, b, c, d = ledger.cases
    assert a.priority_groups == [PriorityGroup.POOR, PriorityGroup.LEFT_BEHIND] and a.case_type is CaseType.DROPPED_OUT
    assert a.dropout_date == date(2019, 9, 1) and a.row == 3
    assert [t.seq for t in a.attempts] == [1, 2] and a.attempts[1].method is Method.PHONE
    assert b.disposition == "W4" and b.priority_groups == [PriorityGroup.MIGRANT, PriorityGroup.DISABLED]
    assert c.disposition == "P2" and c.measure is Measure.ORDER_CORRECTION
    assert d.disposition == "W7"


def test_missing_attempt_sheet_is_a_warning(tmp_path):
    ledger = load_ledger(workbook(tmp_path / "t.xlsx", [GOOD]))
    assert ledger.cases[0].attempts == []
    assert any("劝返记录" in w.message for w in ledger.warnings)


def test_all_problems_at_once_with_location(tmp_path):
    rows = [GOOD,
            ["370402-2020-0002", "赵红", "女孩", ID, "贫困户口", "休学", "2019-02-30", "x", "Z9", "已经好了", "爱玩", "罚款"],
            ["370402-2020-0001", "李明", "男", ID, None, None, None, None, "R0", None, None, None],
            [None, "无编号", None, None, None, None, None, None, None, None, None, None]]
    attempts = [["370402-2020-0009", 1, "2020-01-01", "飞鸽", "张伟", "x", "还行"],
                ["370402-2020-0001", 1, "2020-01-01", "入户", "张伟", "x", "无效"],
                ["370402-2020-0001", 1, "2020-01-02", "入户", "张伟", "x", "无效"]]
    with pytest.raises(LedgerProblems) as info:
        load_ledger(workbook(tmp_path / "bad.xlsx", rows, attempts), strict=True)
    exc = info.value
    assert exc.exit_code == ExitCode.UNUSABLE
    where = {(p.sheet, p.row, p.column) for p in exc.problems if p.is_error}
    expected = {("学生台账", 3, "性别"), ("学生台账", 3, "重点群体"), ("学生台账", 3, "类型"),
                ("学生台账", 3, "辍学日期"), ("学生台账", 3, "处置类型"), ("学生台账", 3, "状态"),
                ("学生台账", 3, "辍学情形"), ("学生台账", 3, "强制措施"),
                ("学生台账", 2, "台账编号"), ("学生台账", 4, "台账编号"), ("学生台账", 5, "台账编号"),
                ("学生台账", 5, "处置类型"), ("劝返记录", 2, "台账编号"), ("劝返记录", 2, "方式"),
                ("劝返记录", 2, "结果"), ("劝返记录", 4, "序号")}
    missing = expected - where
    assert not missing, missing
    text = "\n".join(p.format() for p in exc.problems)
    assert "bad.xlsx" in text and "“Z9”不是可识别的处置类型" in text and "W4 核销·实际死亡" in text
    assert all(p.file == "bad.xlsx" for p in exc.problems)
    bad_disp = next(p for p in exc.problems if p.column == "处置类型" and p.row == 3)
    assert bad_disp.value == "Z9" and bad_disp.hint


def test_missing_required_column(tmp_path):
    head = [h for h in HEAD if h != "处置类型"]
    with pytest.raises(InputFileError) as info:
        load_ledger(workbook(tmp_path / "t.xlsx", [GOOD[:8] + GOOD[9:]], head=head))
    assert "处置类型" in str(info.value)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputFileError):
        load_ledger(path)
