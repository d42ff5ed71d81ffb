"""Append suspected out-of-school children to the ledger (控辍保学台账, interfaces.md §2).

Existing rows are never changed: new cases go below the last used row of 学生台账, a backup
copy is made first, and the workbook is replaced atomically. A child whose ID number is
already in the ledger is not added twice.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from kcdocs.errors import InputFileError
from kcdocs.fileio import atomic_path
from kcdocs.idnumber import normalize
from kcdocs.ledger.schema import ATTEMPT_SCHEMA, ATTEMPT_SHEET, CASE_SCHEMA, CASE_SHEET
from kcdocs.reconcile.divisions import Divisions
from kcdocs.reconcile.match import Suspect
from kcdocs.reconcile.sources import GROUP_WORDS
from kcdocs.textnorm import squash

CASE_HEADERS = tuple(c.header for c in CASE_SCHEMA.columns)
ATTEMPT_HEADERS = tuple(c.header for c in ATTEMPT_SCHEMA.columns)
NEW_STATUS = "未劝返"
NEW_DISPOSITION = "R0"  # 劝返复学 until the investigation decides otherwise
TEXT_KEYS = ("case_id", "id_number", "student_no", "phone")
_CASE_ID = re.compile(r"^(\d{6})-(\d{4})-(\d+)$")
HEADER_SCAN_ROWS = 10


@dataclass
class LedgerResult:
    path: Path
    added: list[tuple[str, Suspect]] = field(default_factory=list)
    already: int = 0  # children already in the ledger (matched by ID number)
    backup: Path | None = None
    created: bool = False
    missing_columns: list[str] = field(default_factory=list)


def append_cases(path: Path, suspects: list[Suspect], *, year: int, divisions: Divisions,
                 found_on: date) -> LedgerResult:
    """Add one 未劝返 case per suspect not yet in the ledger; return what was done."""
    from openpyxl import Workbook, load_workbook

    path = Path(path)
    result = LedgerResult(path)
    if path.exists():
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise InputFileError(f"台账 {path.name} 不是 .xlsx 工作簿，无法追加。",
                                 "请在 Excel/WPS 中另存为 .xlsx 后再用 --ledger 指定。")
        try:
            wb = load_workbook(path)
        except Exception as exc:
            raise InputFileError(f"台账 {path.name} 无法打开（{exc}）。",
                                 "请确认它是正常的 Excel 工作簿，并且没有设置打开密码。") from exc
    else:
        wb = Workbook()
        wb.remove(wb.active)
        result.created = True
    if CASE_SHEET not in wb.sheetnames:
        wb.create_sheet(CASE_SHEET, 0).append(list(CASE_HEADERS))
        _style_header(wb[CASE_SHEET], len(CASE_HEADERS))
    if ATTEMPT_SHEET not in wb.sheetnames:
        wb.create_sheet(ATTEMPT_SHEET).append(list(ATTEMPT_HEADERS))
        _style_header(wb[ATTEMPT_SHEET], len(ATTEMPT_HEADERS))
    ws = wb[CASE_SHEET]
    header_row, columns = _header(ws, path)
    wanted = _case_values("", suspects[0], found_on) if suspects else {}
    result.missing_columns = [CASE_SCHEMA.column(k).header for k in wanted if k not in columns]
    known_ids, last_seq, last_row = _existing(ws, header_row, columns)
    next_row = max(last_row, header_row) + 1
    for suspect in suspects:
        p = suspect.person
        if p.id in known_ids:
            result.already += 1
            continue
        county = divisions.county_code(p.district) or p.id[:6]
        seq = last_seq.get((county, year), 0) + 1
        last_seq[(county, year)] = seq
        case_id = f"{county}-{year}-{seq:04d}"
        values = _case_values(case_id, suspect, found_on)
        for key, value in values.items():
            col = columns.get(key)
            if col is None or value in (None, ""):
                continue
            cell = ws.cell(row=next_row, column=col, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif key in TEXT_KEYS:
                cell.number_format = "@"
        known_ids.add(p.id)
        result.added.append((case_id, suspect))
        next_row += 1
    if not result.added and not result.created:
        return result  # nothing to change: no backup, no rewrite
    if path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        result.backup = path.with_name(f"{path.stem}.备份-{stamp}{path.suffix}")
        shutil.copy2(path, result.backup)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return result


def _style_header(ws, n: int) -> None:
    from openpyxl.styles import Font

    for cell in ws[1][:n]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def _header(ws, path: Path) -> tuple[int, dict[str, int]]:
    """The header row and {column key: column number}, headers matched with the ledger's aliases."""
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True), start=1):
        columns: dict[str, int] = {}
        for i, value in enumerate(cells, start=1):
            col = CASE_SCHEMA.match_header(value)
            if col is not None:
                columns.setdefault(col.key, i)
        if "case_id" in columns:
            return r, columns
    raise InputFileError(f"台账 {path.name} 的「{CASE_SHEET}」工作表前{HEADER_SCAN_ROWS}行中没有“台账编号”列。",
                         "台账须按规定格式，表头含“台账编号”“姓名”“身份证号”等列；或用 --ledger 指定一个新文件名，"
                         "由程序新建台账。")


def _existing(ws, header_row: int, columns: dict[str, int]):
    id_col, case_col = columns.get("id_number"), columns.get("case_id")
    known: set[str] = set()
    last_seq: dict[tuple[str, int], int] = {}
    last_row = header_row
    for r, cells in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        if not any(v not in (None, "") for v in cells):
            continue
        last_row = r
        if id_col and id_col <= len(cells) and cells[id_col - 1]:
            known.add(normalize(cells[id_col - 1]))
        if case_col and case_col <= len(cells) and cells[case_col - 1]:
            m = _CASE_ID.match(squash(str(cells[case_col - 1])))
            if m:
                key = (m.group(1), int(m.group(2)))
                last_seq[key] = max(last_seq.get(key, 0), int(m.group(3)))
    return known, last_seq, last_row


def _case_values(case_id: str, s: Suspect, found_on: date) -> dict[str, object]:
    """The new case's cells by ledger column key."""
    p, st = s.person, s.student
    groups = [g for g in p.groups if g in GROUP_WORDS]
    note = f"{found_on.isoformat()} 底数比对发现（名单：{'、'.join(p.sources)}）"
    if s.notes:
        note += "；" + "；".join(s.notes)
    return {
        "case_id": case_id, "name": p.name, "sex": p.sex, "id_number": p.id,
        "student_no": st.record_no if st else "", "birth_date": p.birth, "district": p.district,
        "township": p.township, "village": p.village, "school": st.school if st else "",
        "grade": st.grade if st else "", "guardian": "、".join(p.guardians), "phone": p.phone,
        "priority_groups": "、".join(groups), "case_type": s.kind, "registered_date": found_on,
        "disposition": NEW_DISPOSITION, "status": NEW_STATUS, "note": note,
    }
