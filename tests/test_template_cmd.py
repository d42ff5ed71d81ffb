"""Blank workbooks from `kcdocs template`, filled in as an office would (openpyxl keeps the
template's drop-downs and formats), then read back by the commands they are made for."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from tests.conftest import run_cli

D = date
CASES = [
    {"台账编号": "370402-2020-0001", "姓名": "李明", "性别": "男", "身份证号": "370402200703120039",
     "区市": "市中区", "乡镇街道": "中心街街道", "村居社区": "示例村", "学校": "市中区示例中学", "年级": "初二",
     "监护人": "李某某", "联系电话": "13806320000", "重点群体": "留守", "类型": "辍学", "辍学日期": D(2019, 12, 2),
     "登记日期": D(2019, 12, 2), "原因分析": "父母外出务工，随祖父母生活，学习跟不上产生厌学情绪，长期不到校。",
     "处置类型": "劝返复学", "状态": "已复学", "劝返方案": "班主任每周家访一次，申请助学金。",
     "复学通知书日期": D(2020, 3, 2), "复学日期": D(2020, 3, 9), "关爱联系人": "王丽", "责任人": "张伟"},
    {"台账编号": "370402-2020-0002", "姓名": "赵小红", "性别": "女", "身份证号": "37040220080520004X",
     "区市": "市中区", "乡镇街道": "中心街街道", "村居社区": "示例村", "学校": "市中区示例中学", "年级": "初一",
     "监护人": "赵某某", "联系电话": "13806320001", "重点群体": "建档立卡", "类型": "辍学",
     "辍学日期": D(2019, 11, 20), "登记日期": D(2019, 11, 20),
     "原因分析": "家庭经济困难，父亲患病需要照顾，学生外出打零工。", "处置类型": "劝返复学", "状态": "劝返中",
     "劝返方案": "申请助学金，班主任每周家访。", "复学通知书日期": D(2020, 3, 10), "责任人": "张伟"},
]
ATTEMPTS = [
    ["370402-2020-0001", 1, D(2020, 2, 20), "入户", "张伟、刘芳", "宣讲义务教育法，动员返校。", "有效"],
    ["370402-2020-0002", 1, D(2020, 3, 1), "电话", "张伟", "电话沟通，了解家庭困难。", "无效"],
]


def _valid_id(prefix17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return prefix17 + "10X98765432"[sum(int(c) * w for c, w in zip(prefix17, weights)) % 11]


CASES[1]["身份证号"] = _valid_id("37040220080520004")


def _template(tmp_path: Path, kind: str, name: str) -> Path:
    out = tmp_path / name
    r = run_cli("template", kind, "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.exists() and "已生成" in r.stdout
    return out


def _lists(wb, ws) -> dict[str, list[str]]:
    """Header -> the words of that column's drop-down list, resolved through the hidden sheet."""
    head = [c.value for c in ws[1]]
    found = {}
    for dv in ws.data_validations.dataValidation:
        sheet, ref = dv.formula1.split("!")
        words = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
        col = openpyxl.utils.column_index_from_string(str(dv.sqref).split(":")[0].rstrip("0123456789"))
        found[head[col - 1]] = words
        assert str(dv.sqref).endswith("1001"), dv.sqref  # the drop-down reaches far down the sheet
    return found


def _check_sheet(wb, ws, text_cols: tuple[str, ...], date_cols: tuple[str, ...]) -> dict[str, list[str]]:
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    for i, header in enumerate(head, 1):
        comment = ws.cell(1, i).comment
        assert comment is not None and len(comment.text) > 4, header
        assert "必填" in comment.text or "可不填" in comment.text
    for header in text_cols:
        assert ws.cell(2, head.index(header) + 1).number_format == "@", header
        assert ws.cell(500, head.index(header) + 1).number_format == "@", header
    for header in date_cols:
        assert "yy" in ws.cell(2, head.index(header) + 1).number_format, header
    return _lists(wb, ws)


def _fill(ws, rows: list[dict], lists: dict[str, list[str]]) -> None:
    head = [c.value for c in ws[1]]
    for r, row in enumerate(rows, 2):
        for header, value in row.items():
            if header in lists and isinstance(value, str):
                for word in value.split("、"):
                    assert word in lists[header], (header, word, lists[header])
            ws.cell(r, head.index(header) + 1).value = value


def test_ledger_template_filled_in_is_read_by_the_audit_without_a_data_problem(tmp_path):
    path = _template(tmp_path, "ledger", "控辍保学台账模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["学生台账", "劝返记录"]
    cases = _check_sheet(wb, wb["学生台账"], ("台账编号", "身份证号", "学籍号", "联系电话"),
                         ("辍学日期", "登记日期", "复学日期", "核销日期"))
    for header in ("性别", "处置类型", "状态", "辍学情形", "强制措施", "重点群体", "类型"):
        assert cases.get(header), header
    assert "劝返复学" in cases["处置类型"] and not any(w in ("R0", "W5") for w in cases["处置类型"])
    attempts = _check_sheet(wb, wb["劝返记录"], ("台账编号",), ("日期",))
    assert set(attempts) >= {"方式", "结果"}
    _fill(wb["学生台账"], CASES, cases)
    head = [c.value for c in wb["劝返记录"][1]]
    _fill(wb["劝返记录"], [dict(zip(head, row)) for row in ATTEMPTS], attempts)
    filled = tmp_path / "台账.xlsx"
    wb.save(filled)

    evidence = tmp_path / "佐证材料"
    evidence.mkdir()
    r = run_cli("audit", filled, evidence, "-o", tmp_path / "稽核", "--as-of", "2020-06-15")
    assert r.returncode in (0, 1), r.stderr
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
    found = json.loads((tmp_path / "稽核" / "findings.json").read_text(encoding="utf-8"))
    assert found["summary"]["cases"] == 2 and found["ledger_problems"] == []
    assert [c["case_id"] for c in found["cases"]] == [c["台账编号"] for c in CASES]
    data = [(c["case_id"], f["message"]) for c in found["cases"] for f in c["findings"] if f["kind"] == "data"]
    assert data == []
    # the ID number stayed text through Excel's formats: read back whole
    assert {c["disposition"] for c in found["cases"]} == {"R0"}
    assert all(f["kind"] == "missing" for c in found["cases"] for f in c["findings"])


def test_roster_template_filled_in_prints_notices(tmp_path):
    path = _template(tmp_path, "roster", "名册模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    lists = _check_sheet(wb, ws, ("身份证号", "台账编号"), ("报到截止日期", "落款日期"))
    rows = [{"学生姓名": "李明", "监护人姓名": "李某某", "学校": "市中区示例中学", "报到截止日期": D(2020, 5, 20),
             "身份证号": CASES[0]["身份证号"], "发文单位": "枣庄市市中区教育和体育局", "落款日期": D(2020, 5, 10),
             "台账编号": CASES[0]["台账编号"]},
            {"学生姓名": "赵小红", "监护人姓名": "赵某某", "学校": "市中区示例中学", "报到截止日期": D(2020, 5, 20),
             "身份证号": CASES[1]["身份证号"], "发文单位": "枣庄市市中区教育和体育局", "落款日期": D(2020, 5, 10),
             "台账编号": CASES[1]["台账编号"]}]
    _fill(ws, rows, lists)
    filled = tmp_path / "名册.xlsx"
    wb.save(filled)
    out = tmp_path / "通知书.pdf"
    r = run_cli("notices", "return", filled, "--receipt", "-o", out)
    assert r.returncode == 0, r.stdout + r.stderr
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 2
        texts = [p.extract_text() for p in pdf.pages]
    for text, row in zip(texts, rows):
        assert row["学生姓名"] in text and row["监护人姓名"] in text and "5月20日" in text
        assert "2020年5月10日" in text and "送达回证" in text.replace(" ", "")


@pytest.mark.parametrize("kind, default", [("ledger", "控辍保学台账模板.xlsx"), ("roster", "名册模板.xlsx")])
def test_template_default_name_is_chinese(tmp_path, kind, default):
    r = run_cli("template", kind, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / default).exists()
