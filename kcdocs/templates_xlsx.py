"""Blank workbooks an office starts from: the ledger (学生台账 + 劝返记录) and the notice roster
(名册), with the contract's columns, a comment on each header saying what to type, drop-down
lists for every closed vocabulary (from :mod:`kcdocs.ledger.vocab` and the checklists), date
and text formats (ID numbers stored as text, never 3.7E+17) and a frozen header row."""

from __future__ import annotations

from pathlib import Path

from kcdocs.fileio import atomic_path
from kcdocs.ledger import vocab
from kcdocs.tabular import Column, TableSchema

ROWS = 1000  # rows given formats and drop-downs
TEXT_KEYS = {"case_id", "id_number", "student_no", "phone"}
ENUMS = {"status": vocab.Status, "method": vocab.Method, "result": vocab.Outcome, "history": vocab.History,
         "measure": vocab.Measure, "case_type": vocab.CaseType, "priority_groups": vocab.PriorityGroup}
KIND_HELP = {"date": "日期，如 2020-05-11 或 2020年5月11日。", "int": "整数，如 1、2、3。",
             "id_number": "18 位身份证号（本列已设为文本，不会变成 3.7E+17）。"}
# what to type in a column whose schema has no hint of its own (the checklists ask for most of them)
HELP = {"id_number": "18 位公民身份号码，核对年龄、性别用", "student_no": "全国学籍号（有学籍的填写）",
        "birth_date": "不填则从身份证号读出", "district": "区（市），如 市中区；周报、月报按此汇总",
        "township": "乡镇（街道）全称，如 中心街街道", "village": "村（居）委会或社区名称",
        "school": "原就读或应就读学校的全称", "grade": "如 初二、五年级", "guardian": "父母或法定监护人的姓名",
        "phone": "监护人的手机号码", "dropout_date": "最后一天到校之后、开始不到校的日期",
        "reason": "具体写明辍学原因（家庭、学习、身体等），不要只写“厌学”“家庭原因”",
        "status": "个案当前进度", "plan": "一人一案的劝返方案：谁、做什么、何时",
        "return_notice_date": "下达《义务教育复学通知书》的日期", "return_date": "学生实际返校复学的日期",
        "writeoff_reason": "核销的具体理由（核销类处置填写）", "care_contact": "复学后负责关爱帮扶的教师姓名",
        "placement_date": "P1 引导至中职学校的安置日期", "responsible": "本案例责任人（包保干部或教师）姓名",
        "note": "其他需要说明的情况", "date": "这次劝返的日期", "content": "这次劝返宣讲、沟通的内容和监护人的表态"}


def choices(col: Column) -> list[str] | None:
    """The words of the drop-down list of ``col`` (None: free text)."""
    if col.key in ENUMS:
        return [words[0] for words in vocab.WORDS[ENUMS[col.key]].values()]
    if col.key == "sex":
        return list(vocab.SEX_WORDS)
    if col.key == "disposition":
        from kcdocs.checklists import load_checklists

        return [d.name for d in load_checklists().disposition_table().by_code.values()]
    return None


def comment_text(col: Column, words: list[str] | None) -> str:
    parts = ["必填。" if col.required else "可不填。"]
    if col.hint or col.key in HELP:
        parts.append((col.hint or HELP[col.key]) + "。")
    if col.kind in KIND_HELP:
        parts.append(KIND_HELP[col.kind])
    elif col.key in TEXT_KEYS:
        parts.append("本列为文本格式。")
    if words and col.kind == "list":
        parts.append("可从下拉列表选一项；多项用“、”分隔。")
    elif words:
        parts.append("请从下拉列表中选择。")
    return "".join(dict.fromkeys(p.replace("。。", "。") for p in parts))


def _sheet(wb, title: str, schema: TableSchema, *, first: bool) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    lists = wb["选项"] if "选项" in wb.sheetnames else None
    for i, col in enumerate(schema.columns, 1):
        letter = get_column_letter(i)
        cell = ws.cell(1, i, col.header)
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        words = choices(col)
        comment = Comment(comment_text(col, words), "kcdocs")
        comment.width, comment.height = 240, 110
        cell.comment = comment
        width = 12 if col.kind != "date" else 13
        ws.column_dimensions[letter].width = {"case_id": 18, "id_number": 21, "reason": 30, "plan": 30,
                                              "content": 36, "disposition": 28, "school": 20}.get(col.key, width)
        fmt = "yyyy-mm-dd" if col.kind == "date" else "@" if col.key in TEXT_KEYS or col.kind == "id_number" else None
        if fmt:
            for row in range(2, ROWS + 2):
                ws.cell(row, i).number_format = fmt
        if words:
            lists = lists or _lists_sheet(wb)
            ref = _list_range(lists, words)
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, showDropDown=False)
            dv.showErrorMessage = col.kind != "list"  # several 重点群体 in one cell are allowed
            dv.errorTitle, dv.error = "不在选项中", f"“{col.header}”请从下拉列表中选择。"
            dv.add(f"{letter}2:{letter}{ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30


def _lists_sheet(wb):
    ws = wb.create_sheet("选项")
    ws.sheet_state = "hidden"
    return ws


def _list_range(ws, words: list[str]) -> str:
    from openpyxl.utils import get_column_letter

    col = ws.max_column + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for row, word in enumerate(words, 1):
        ws.cell(row, col, word)
    letter = get_column_letter(col)
    return f"选项!${letter}$1:${letter}${len(words)}"


def write_ledger_template(path: Path) -> Path:
    from openpyxl import Workbook

    from kcdocs.ledger.schema import ATTEMPT_SCHEMA, CASE_SCHEMA

    wb = Workbook()
    _sheet(wb, "学生台账", CASE_SCHEMA, first=True)
    _sheet(wb, "劝返记录", ATTEMPT_SCHEMA, first=False)
    wb.move_sheet("选项", offset=len(wb.sheetnames))
    return _save(wb, path)


def write_roster_template(path: Path) -> Path:
    from openpyxl import Workbook

    from kcdocs.notices.roster import ROSTER_SCHEMA

    wb = Workbook()
    _sheet(wb, "名册", ROSTER_SCHEMA, first=True)
    return _save(wb, path)


def _save(wb, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "kcdocs"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
