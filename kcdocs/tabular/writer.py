"""Write rejected rows back to a workbook, with the reason beside each row."""

from __future__ import annotations

from pathlib import Path

from kcdocs.fileio import atomic_path
from kcdocs.tabular.problems import Problem
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

    width = len(table.header_cells)
    wb = Workbook()
    ws = wb.active
    ws.title = "被拒绝的行"
    ws.append(["原行号", *table.header_cells, "错误原因"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6")
    for row, problems in rejected:
        reasons = "；".join(
            (f"「{p.column}」" if p.column else "") + p.message + (f"（{p.hint}）" if p.hint else "")
            for p in problems
        )
        cells = (row.cells + [None] * width)[:width]
        ws.append([row.row, *[display_value(c) for c in cells], reasons])
    for col_cells in ws.columns:
        for cell in col_cells[1:]:
            cell.number_format = "@"  # keep ID numbers as text
    ws.column_dimensions["A"].width = 8
    last = ws.cell(row=1, column=width + 2).column_letter
    ws.column_dimensions[last].width = 60
    for cell in ws[last][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    with atomic_path(path) as tmp:
        wb.save(tmp)
