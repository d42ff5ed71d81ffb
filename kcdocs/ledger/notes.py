"""The ledger rows a command could not use, named in the words of that command.

``skipped_rows(ledger, consequence)`` groups :attr:`Ledger.problems` by sheet and row: one entry
per row with the case it belongs to (when its 台账编号 could be read) and every problem of the row,
e.g. for a report's 数据问题 section: “学生台账第7行无法读取，未计入本报告：「处置类型」“核销·出国”
不是可识别的处置类型（可填……）”.
"""

from __future__ import annotations

from kcdocs.ledger.models import Ledger
from kcdocs.tabular.problems import without_column


def _problem(p) -> str:
    """「列」what is wrong（what to do）, the column named once."""
    where = f"「{p.column}」" if p.column else ""
    hint = (p.hint or "").strip().rstrip("。")
    return f"{where}{without_column(p.message, p.column).rstrip('。')}" + (f"（{hint}）" if hint else "")


def _join(problems: list) -> str:
    return "；".join(_problem(p) for p in problems) + "。"


def skipped_rows(ledger: Ledger, consequence: str, sheets: tuple[str, ...] | None = None) -> list[dict]:
    """[{"id", "name", "sheet", "row", "text"}] for every row with an error, in sheet order;
    ``consequence`` says what the command did with it (“未计入本报告”, “未生成卷宗”)."""
    cases = {(c.row, c.case_id): c for c in ledger.partial}
    by_row = {}
    for p in ledger.problems:
        if sheets is None or p.sheet in sheets:
            by_row.setdefault((p.sheet or "", p.row or 0), []).append(p)
    names = {c.row: c for c in ledger.all_cases()}
    out = []
    for (sheet, row), problems in by_row.items():
        case = names.get(row) if sheet == "学生台账" else None
        case = case if case is not None and any(k == (row, case.case_id) for k in cases) else None
        text = f"{sheet}第{row}行无法读取，{consequence}：" + _join(problems)
        out.append({"id": case.case_id if case else f"第{row}行", "name": case.name if case else "",
                    "sheet": sheet, "row": row, "text": text})
    return out


def row_lines(problems: list) -> list[str]:
    """One line per row with errors (file, sheet, row, every problem of the row), for messages."""
    rows: dict[tuple, list] = {}
    for p in problems:
        rows.setdefault((p.file, p.sheet or "", p.row or 0), []).append(p)
    return [f"{file} 工作表「{sheet}」第{row}行：" + _join(found)
            for (file, sheet, row), found in rows.items()]
