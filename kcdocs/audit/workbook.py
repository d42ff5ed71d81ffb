"""findings.xlsx — the audit's workbook and the district's 整改台账.

Sheets: 汇总; 整改台账 (one row per open finding, checklist item names first and rule ids at
the right: 责任人 from the ledger, 首次发现, 整改时限, 逾期, and an empty 整改情况 column the
district fills in and ``kcdocs review apply`` reads back — the last one reported is shown
again); 已整改 (findings of the last audit that are gone, when there was one); 待人工复核
(the 待复核.xlsx columns with the 决定 drop-down: the same workbook records decisions);
按检查项目统计; 未识别的文件 (when cases carry an ``unidentified`` list); 未匹配的文件夹.
ID numbers masked; text that would run as a formula neutralised.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kcdocs import fastxlsx
from kcdocs.audit.models import AuditResult
from kcdocs.checklists import ChecklistSet

WRAP_MAX_ROWS = 3000
STATUS_WORDS = {"complete": "完整", "review": "待复核", "incomplete": "不完整"}


class _Sheet(fastxlsx.Sheet):
    """A fastxlsx sheet that may carry one list validation (a drop-down) on a column."""

    validation: tuple[str, list[str]] | None = None  # (column letter, choices)

    def xml(self) -> str:
        text = super().xml()
        if not self.validation or self.rows < 2:
            return text
        letter, choices = self.validation
        dv = ('<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
              f'sqref="{letter}2:{letter}{self.rows}"><formula1>"{",".join(choices)}"</formula1>'
              "</dataValidation></dataValidations>")
        return text.replace("<pageMargins", dv + "<pageMargins", 1)


def _sheet(title: str, header: list[str], rows, widths: list[int], mask_ids: bool = True) -> _Sheet:
    from kcdocs.audit.report import safe_cell

    sheet = _Sheet(title, tuple(widths))
    sheet.append(header, fastxlsx.HEADER)
    style = fastxlsx.WRAP
    for row in rows:
        sheet.append([safe_cell(v, mask_ids) for v in row], style)
        if sheet.rows > WRAP_MAX_ROWS:  # wrapped rows make big sheets slow to open; they stay plain
            style = fastxlsx.PLAIN
    sheet.freeze_row = 1
    sheet.filter_ref = f"A1:{fastxlsx.column_letter(len(header))}{sheet.rows}"
    return sheet


def _name(checklists: ChecklistSet, rule: str) -> str:
    item = checklists.item(rule)
    return item.name if item else rule


LEDGER_HEAD = ["序号", "台账编号", "姓名", "身份证号", "区市", "乡镇街道", "学校", "处置类型", "检查项目", "问题类型", "说明",
               "文件", "整改建议", "责任人", "首次发现", "已有天数", "整改时限", "逾期", "整改情况", "填报人", "规则编号"]
LEDGER_WIDTHS = [6, 18, 8, 20, 10, 12, 16, 22, 22, 12, 50, 36, 40, 10, 11, 8, 11, 10, 40, 10, 22]


def _ledger_rows(result: AuditResult, checklists: ChecklistSet, mask_ids: bool):
    from kcdocs.audit.report import KIND_LABELS, shown_id

    changes = getattr(result, "changes", None)
    tracked = {(c.case_id, c.rule, c.kind): c for c in (changes.open if changes else [])}
    n = 0
    for c in result.cases:
        k = c.case
        for f in c.findings:
            n += 1
            item = checklists.item(f.rule)
            t = tracked.get((k.case_id, f.rule, f.kind))
            timing = (["", "", "", ""] if t is None else
                      [t.first_seen.isoformat(), t.days_open, t.deadline.isoformat(),
                       f"逾期 {t.overdue_days} 天" if t.overdue_days else ""])
            yield [n, k.case_id, k.name, shown_id(k.id_number, mask_ids), k.district or "", k.township or "",
                   k.school or "", f"{k.disposition} {c.disposition_name}", item.name if item else f.rule,
                   KIND_LABELS.get(f.kind, f.kind), f.message, "\n".join(f.files), item.guidance if item else "",
                   k.responsible or "", *timing, t.rectification if t else "", t.reported_by if t else "", f.rule]


def _fixed_sheet(result: AuditResult, checklists: ChecklistSet, mask_ids: bool):
    from kcdocs.audit.report import KIND_LABELS

    changes = getattr(result, "changes", None)
    if not changes or changes.previous is None:
        return None
    rows = [[c.case_id, c.name, c.district, _name(checklists, c.rule), KIND_LABELS.get(c.kind, c.kind), c.message,
             c.first_seen.isoformat(), c.rectification, c.rule] for c in changes.fixed]
    return _sheet(f"已整改（与{changes.previous.isoformat()}相比）"[:31],
                  ["台账编号", "姓名", "区市", "检查项目", "问题类型", "说明", "首次发现", "整改情况", "规则编号"], rows,
                  [18, 8, 10, 22, 12, 50, 11, 40, 22], mask_ids)


def _review_sheet(result: AuditResult, checklists: ChecklistSet, mask_ids: bool) -> _Sheet:
    from kcdocs.review.pending import PendingItem
    from kcdocs.review.store import DECISIONS
    from kcdocs.review.workbook import DECISION_COL, HEADER, WIDTHS, pending_row

    rows, n = [], 0
    for c in result.cases:
        sha = {e.file: e.sha256 for e in c.evidence}
        for r in c.review:
            n += 1
            item = PendingItem(c.case.case_id, c.case.name, c.case.district or "", r.rule, _name(checklists, r.rule),
                               r.file, sha.get(r.file), r.page, r.reason, r.confidence)
            rows.append(pending_row(n, item, mask_ids))
    sheet = _sheet("待人工复核", HEADER, rows, WIDTHS, mask_ids=False)  # masked by pending_row, SHA256 kept whole
    sheet.validation = (fastxlsx.column_letter(DECISION_COL), list(DECISIONS))
    return sheet


def _unidentified_rows(result: AuditResult):
    for c in result.cases:
        extra = getattr(c, "unidentified", None)
        if extra is None:
            extra = c.as_dict().get("unidentified") if hasattr(c, "as_dict") else None
        for entry in extra or []:
            file = entry.get("file") if isinstance(entry, dict) else str(entry)
            why = entry.get("reason", "") if isinstance(entry, dict) else ""
            yield [c.case.case_id, c.case.name, file, why or "文件名和标题都对不上清单中的材料名称"]


def write_xlsx(result: AuditResult, checklists: ChecklistSet, path: Path, *, mask_ids: bool = True) -> None:
    from kcdocs.audit.report import KIND_LABELS, summary_rows

    days = result.changes.days if getattr(result, "changes", None) else 30
    sheets = [_sheet("汇总", ["区市", "处置类型", "案例数", "完整", "待复核", "不完整"], summary_rows(result),
                     [14, 30, 8, 8, 8, 8]),
              _sheet("整改台账", LEDGER_HEAD, _ledger_rows(result, checklists, mask_ids), LEDGER_WIDTHS, mask_ids)]
    fixed = _fixed_sheet(result, checklists, mask_ids)
    if fixed is not None:
        sheets.append(fixed)
    sheets.append(_review_sheet(result, checklists, mask_ids))
    counts = Counter((f.rule, f.kind) for c in result.cases for f in c.findings)
    sheets.append(_sheet("按检查项目统计", ["检查项目", "问题类型", "案例数", "规则编号"],
                         [[_name(checklists, rule), KIND_LABELS.get(kind, kind), n, rule]
                          for (rule, kind), n in sorted(counts.items())], [30, 14, 8, 24]))
    unidentified = list(_unidentified_rows(result))
    if unidentified:
        sheets.append(_sheet("未识别的文件", ["台账编号", "姓名", "文件", "说明"], unidentified, [18, 8, 50, 40], mask_ids))
    if result.unmatched:
        sheets.append(_sheet("未匹配的文件夹", ["文件夹或文件", "文件数", "说明"],
                             [[u.path, u.files, "台账中没有以此开头的台账编号"] for u in result.unmatched],
                             [40, 8, 40], mask_ids))
    sheets.append(_sheet("填写说明", ["说明"], [[t.format(days=days)] for t in NOTES], [110]))
    fastxlsx.save(path, sheets)


NOTES = [
    "“整改台账”每行一个未整改的问题：责任人取自台账，整改时限为首次发现后 {days} 天（kcdocs.toml 的 [rectification] days），"
    "超过时限的标“逾期”。",
    "区（市）在“整改情况”列填写整改措施和进展（可填“填报人”），交回后运行 kcdocs review apply findings.xlsx --evidence 佐证材料文件夹，"
    "下次稽核的整改台账和报告会列出最近一次填报的整改情况。",
    "“待人工复核”中逐项查看材料后，在“决定”列选择 确认已签字 / 确认已盖章 / 确认材料无误 / 不符合，填写复核人，"
    "同样用 kcdocs review apply 读回；请勿改动规则编号、签名框和 SHA256 列。",
]
