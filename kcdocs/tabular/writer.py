"""Write rejected rows back to a workbook, with the reason beside each row."""

from __future__ import annotations

from pathlib import Path

from kcdocs.fileio import atomic_path
from kcdocs.tabular.problems import Problem, without_column
from kcdocs.tabular.reader import RawRow, Table
from kcdocs.tabular.schema import TableSchema
from kcdocs.tabular.validate import display_value


def write_rejected(
    path: str | Path,
    table: Table,
    schema: TableSchema,
    rejected: list[tuple[RawRow, list[Problem]]],
) -> None:
    """The rejected rows with every original column, plus 原行号 and 错误原因 columns,
    so the clerk can correct them and paste them back."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    multi = len(table.parts) > 1
    header_cells = _union_headers(table) if multi else table.header_cells
    width = len(header_cells)
    lead = ["工作表", "原行号"] if multi else ["原行号"]
    wb = Workbook()
    ws = wb.active
    ws.title = "被拒绝的行"
    ws.append([*lead, *header_cells, "错误原因"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6")
    for row, problems in rejected:
        reasons = reason_text(problems, schema)
        if multi:
            cells = _aligned(table, row, header_cells)
            ws.append([row.sheet, row.row, *[display_value(c) for c in cells], reasons])
        else:
            cells = (row.cells + [None] * width)[:width]
            ws.append([row.row, *[display_value(c) for c in cells], reasons])
    for col_cells in ws.columns:
        for cell in col_cells[1:]:
            cell.number_format = "@"  # keep ID numbers as text
    ws.column_dimensions["A"].width = 8
    last = ws.cell(row=1, column=width + len(lead) + 1).column_letter
    ws.column_dimensions[last].width = 60
    for cell in ws[last][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    with atomic_path(path) as tmp:
        wb.save(tmp)


def reason_text(problems: list[Problem], schema: TableSchema) -> str:
    """Every error of a row once, numbered, each as 「列」列：what is wrong. 处理：what to do.

    The column is named once: a message that starts with the column's name (``身份证号“…”``)
    or names it again (``必填项「学生姓名」为空``) is shortened; the same error twice is listed once.
    """
    lines: list[str] = []
    seen: set[tuple] = set()
    for p in problems:
        col = schema.match_header(p.column) if p.column else None
        message = without_column(p.message, p.column, col.names() if col else ())
        key = (p.column, message, p.hint)
        if key in seen:
            continue
        seen.add(key)
        text = (f"「{p.column}」列：" if p.column else "") + message
        if p.hint and p.hint not in message:
            text += "处理：" + p.hint.rstrip("。") + "。"
        lines.append(text)
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def _union_headers(table: Table) -> list[str]:
    """Every header text of every sheet read, in first-seen order (sheets of one workbook
    may order their columns differently)."""
    seen: dict[str, None] = {}
    for part in table.parts:
        for text in part.header_cells:
            if text:
                seen.setdefault(text, None)
    return list(seen)


def _aligned(table: Table, row: RawRow, header_cells: list[str]) -> list:
    part = table.part(row.sheet)
    own = part.header_cells if part else table.header_cells
    by_header = {h: row.cells[i] for i, h in enumerate(own) if h and i < len(row.cells)}
    return [by_header.get(h) for h in header_cells]
