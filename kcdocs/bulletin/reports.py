"""Which districts' weekly and monthly reports were late: from a 报送记录 table.

findings.json says nothing about reports, so the bulletin takes an optional table with the
columns 区市, 报告 (周报 / 月报), 期次 (2020-W20, 2020年第20周, 2020-05 …) and 报送日期 (empty:
not yet sent). Each row's due date comes from the period (``[reports]`` of kcdocs.toml: the
Wednesday after the week, the 2nd of the next month); a report sent after it, or not sent by
the bulletin's date, is overdue. A row that cannot be read is named and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kcdocs.errors import InputFileError, KcdocsError
from kcdocs.tabular import Problem

COLUMNS = ("区市", "报告", "期次", "报送日期")
HINT = "报送记录应有“区市”“报告”（周报/月报）“期次”（如 2020-W20、2020-05）“报送日期”四列。"


@dataclass
class LateReport:
    district: str
    report: str  # 周报 / 月报
    period: str  # the period's Chinese label
    due: date
    sent: date | None
    days_late: int


def _rows(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() == ".csv":
        import csv

        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(raw.decode(encoding).splitlines()))
            except UnicodeDecodeError:
                continue
    wb = CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)


def late_reports(path: Path, as_of: date, weekly_due_days_after: int = 3, monthly_due_day: int = 2
                 ) -> tuple[list[LateReport], int, list[Problem]]:
    """(late reports, rows read, problems) of a 报送记录 table."""
    from kcdocs import dates
    from kcdocs.reports.periods import parse_month, parse_week

    try:
        grid = _rows(Path(path))
    except FileNotFoundError:
        raise InputFileError(f"找不到报送记录：{path}", HINT) from None
    except Exception as exc:
        raise InputFileError(f"报送记录 {path} 无法读取：{exc}", HINT) from None
    head = [str(v or "").strip() for v in (grid[0] if grid else [])]
    if any(c not in head for c in COLUMNS):
        raise InputFileError(f"报送记录 {path} 缺少列：{'、'.join(c for c in COLUMNS if c not in head)}", HINT)
    col = {c: head.index(c) for c in COLUMNS}
    late, problems, count = [], [], 0
    for n, row in enumerate(grid[1:], start=2):
        cells = {c: (str(row[i]).strip() if i < len(row) and row[i] is not None else "") for c, i in col.items()}
        if not any(cells.values()):
            continue
        count += 1
        where = "报告"
        try:
            kind = cells["报告"]
            text = re.sub(r"[（(].*[)）]$", "", cells["期次"]).strip()
            if "周" in kind:
                where = "期次"
                period = parse_week(text, weekly_due_days_after, year=as_of.year)  # 第20周: the bulletin's year
            elif "月" in kind:
                where = "期次"
                period = parse_month(text, monthly_due_day)
            else:
                raise KcdocsError(f"报告“{kind}”应为周报或月报")
            where = "报送日期"
            sent = dates.parse_date(cells["报送日期"]) if cells["报送日期"] else None
        except (KcdocsError, dates.DateError) as exc:
            problems.append(Problem(str(path), f"无法识别：{exc.message}", None, n, where, cells[where] or None,
                                    getattr(exc, "hint", None) or HINT, "warning"))
            continue
        end = sent or as_of
        if end > period.due:
            late.append(LateReport(cells["区市"], "周报" if period.kind == "weekly" else "月报", period.label,
                                   period.due, sent, (end - period.due).days))
    return late, count, problems
