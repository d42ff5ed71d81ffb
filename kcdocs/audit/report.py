"""Stage 4 — report: findings.json (schema kcdocs.audit/1), findings.xlsx and report.html.

Contract: ``write_reports(result, checklists, out_dir) -> [paths]``; the three files
appear together or not at all. ID numbers are masked in the workbook and the page.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from kcdocs.audit.models import AuditResult
from kcdocs.checklists import ChecklistSet
from kcdocs.fileio import atomic_dir_files
from kcdocs.idnumber import mask

KIND_LABELS = {
    "missing": "缺少材料", "unsigned": "缺少签字", "unsealed": "缺少公章", "condition": "条件不符",
    "data": "台账数据问题", "duplicate": "材料重复", "unreadable": "文件无法读取",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGIT_RUN = re.compile(r"[0-9]{15,}[Xx]?")  # whole runs: a match never starts after a digit


def _mask_run(m: re.Match) -> str:
    run, text, end = m.group(0), m.string, m.end()
    after = text[end] if end < len(text) else ""
    if len(run) == 18 and not (after.isascii() and after.isalnum()):
        return mask(run)  # 17 digits and a digit or X, not followed by a letter or digit
    if len(run) == 15 or len(run) == 16 and run[-1] in "Xx":
        return mask(run[:15]) + run[15:]  # an old 15-digit number
    return run


def mask_text(text: str) -> str:
    """Every ID number inside a text (messages, file names, 学籍号 G+ID) masked: 18 characters
    (17 digits and a digit or X) not followed by a letter or digit, or 15 digits alone."""
    return _DIGIT_RUN.sub(_mask_run, text)


def write_reports(result: AuditResult, checklists: ChecklistSet, out_dir: Path, *, mask_ids: bool = True
                  ) -> list[Path]:
    from kcdocs.audit.report_html import render_html

    names = ("findings.json", "report.html", "findings.xlsx")
    with atomic_dir_files(out_dir) as staging:
        (staging / names[0]).write_text(findings_json(result), encoding="utf-8")
        (staging / names[1]).write_text(render_html(result, checklists, mask_ids=mask_ids), encoding="utf-8")
        write_xlsx(result, checklists, staging / names[2], mask_ids=mask_ids)
    return [Path(out_dir) / n for n in names]


def findings_json(result: AuditResult) -> str:
    """findings.json text: the top-level keys one per line and each case on a line of its own
    (readable, diff-friendly, and written by the C encoder: an indented dump takes seconds)."""
    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in result.as_dict().items():
        if isinstance(value, list) and value:
            value = "[\n  " + ",\n  ".join(dumps(v) for v in value) + "\n ]"
        else:
            value = dumps(value)
        parts.append(f"{dumps(key)}: {value}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def shown_id(number: str | None, mask_ids: bool = True) -> str:
    if not number:
        return ""
    return mask(number) if mask_ids else number


def safe_cell(value, mask_ids: bool = False):
    """Text that a spreadsheet would run as a formula is neutralised with a leading apostrophe."""
    if isinstance(value, str):
        if mask_ids:
            value = mask_text(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def summary_rows(result: AuditResult) -> list[tuple[str, str, int, int, int, int]]:
    """(区市, 处置类型, 案例数, 完整, 待复核, 不完整) sorted, with a 合计 row last."""
    table: dict[tuple[str, str], Counter] = {}
    for c in result.cases:
        key = (c.case.district or "（未填区市）", f"{c.case.disposition} {c.disposition_name}")
        table.setdefault(key, Counter())[c.state] += 1
    rows = [(d, p, sum(n.values()), n["完整"], n["待复核"], n["不完整"]) for (d, p), n in sorted(table.items())]
    rows.append(("合计", "", len(result.cases), result.complete - result.to_review, result.to_review,
                 result.incomplete))
    return rows


def write_xlsx(result: AuditResult, checklists: ChecklistSet, path: Path, *, mask_ids: bool = True) -> None:
    """findings.xlsx: the 整改台账 workbook (kcdocs.audit.workbook)."""
    from kcdocs.audit.workbook import write_xlsx as write

    write(result, checklists, path, mask_ids=mask_ids)
