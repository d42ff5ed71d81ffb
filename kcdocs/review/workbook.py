"""The decisions workbook: pending review items out (``待复核.xlsx``), decisions back in.

``write_pending_workbook(items, path)`` writes one row per pending item with a 决定 column
(a drop-down of the four decisions), 复核人 and 备注, and the columns that bind a decision
to its item (规则编号, 签名框, SHA256) at the right. ``read_workbook(path, evidence_root,
reviewer)`` reads a filled workbook — this one, or the audit's findings.xlsx (its 待人工复核
sheet has the same columns; its 整改台账 sheet a 整改情况 column) — and returns the decisions
and 整改情况 reports to record plus a problem for every row that cannot be used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kcdocs.errors import InputFileError
from kcdocs.review.pending import PendingItem
from kcdocs.review.store import DECISIONS, FITS, MATERIAL, Decision, box_of, mark_of, now_text, rectification_line
from kcdocs.tabular import Problem

SHEET = "待复核"
HEADER = ["序号", "台账编号", "姓名", "检查项目", "文件", "页", "需核验", "待复核事项", "置信度", "决定", "复核人", "备注",
          "规则编号", "签名框", "SHA256"]
WIDTHS = [6, 18, 8, 22, 40, 5, 8, 50, 7, 14, 10, 24, 22, 14, 20]
DECISION_COL = HEADER.index("决定") + 1
RECTIFY_SHEET = "整改台账"


def pending_row(n: int, p: PendingItem, mask_ids: bool = True) -> list:
    """One row of the 待复核 sheet; ID numbers masked in the texts, never in the SHA256 column
    (a hex digest can hold a run of digits that looks like one, and must be read back whole)."""
    from kcdocs.audit.report import mask_text

    confidence = "" if p.confidence is None else round(float(p.confidence), 2)
    mask = mask_text if mask_ids else str
    return [n, p.case_id, p.name, p.item_name, mask(p.file or ""), p.page or "", p.mark, mask(p.reason), confidence,
            "", "", "", p.rule, p.box, p.sha256 or ""]


def write_pending_workbook(items: list[PendingItem], path: Path) -> None:
    """The 待复核 workbook (openpyxl: the 决定 drop-down is a data validation)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from kcdocs.audit.report import safe_cell
    from kcdocs.fileio import atomic_path

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    for n, item in enumerate(items, start=1):
        ws.append([safe_cell(v) for v in pending_row(n, item)])
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    letter = ws.cell(1, DECISION_COL).column_letter
    dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="决定", error="请从下拉列表中选择。")
    dv.add(f"{letter}2:{letter}{max(len(items) + 1, 2)}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.column_dimensions[ws.cell(1, len(HEADER)).column_letter].hidden = True
    notes = wb.create_sheet("填写说明")
    for line in INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    with atomic_path(path) as tmp:
        wb.save(tmp)


INSTRUCTIONS = [
    "逐行打开“文件”列的佐证材料，翻到“页”列的页码，查看“待复核事项”所说的签字、公章或材料。",
    "在“决定”列的下拉列表中选择：确认已签字 / 确认已盖章 / 确认材料无误 / 不符合；“复核人”填写姓名（也可在命令中用 --reviewer 统一指定）；“备注”可写说明。",
    "“不符合”的项目在下次稽核时列为问题（缺少签字、缺少公章或台账数据问题）；确认的项目按已复核通过，报告中写明复核人。",
    "“决定”留空的行不记录，仍为待复核。请勿改动“规则编号”“签名框”及隐藏的 SHA256 列：决定按它们对应到文件；文件改动后决定自动失效，须重新复核。",
    "填好后运行：kcdocs review apply 待复核.xlsx --evidence 佐证材料文件夹 --reviewer 姓名，再重新稽核。",
]


@dataclass
class WorkbookInput:
    decisions: list[Decision] = field(default_factory=list)
    rectifications: list[str] = field(default_factory=list)  # lines for the store
    problems: list[Problem] = field(default_factory=list)
    blank: int = 0  # rows without a decision (still pending)


def _grid(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    if not Path(path).is_file():
        raise InputFileError(f"找不到文件：{path}", "请检查填好的复核工作簿的路径。")
    try:
        wb = CalamineWorkbook.from_path(str(path))
        return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    except FileNotFoundError:
        raise InputFileError(f"找不到文件：{path}", "请检查填好的复核工作簿的路径。") from None
    except Exception as exc:
        raise InputFileError(f"{path} 无法作为 Excel 工作簿打开：{exc}",
                             "请给出 kcdocs review export 导出（或稽核生成的 findings.xlsx）并填好的 .xlsx 文件。") from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Hasher:
    """SHA-256 of evidence files now, each file read once."""

    def __init__(self, root: Path):
        self.root, self.known = root, {}

    def __call__(self, rel: str) -> str | None:
        if rel not in self.known:
            try:
                with open(self.root / rel, "rb") as f:
                    self.known[rel] = hashlib.file_digest(f, "sha256").hexdigest()
            except OSError:
                self.known[rel] = None
        return self.known[rel]


def read_workbook(path: Path, evidence_root: Path, reviewer: str | None = None, at: str | None = None
                  ) -> WorkbookInput:
    path, at = Path(path), at or now_text()
    sheets = _grid(path)
    out = WorkbookInput()
    used = False
    for name, grid in sheets.items():
        head = [_text(v) for v in (grid[0] if grid else [])]
        if "决定" in head and "SHA256" in head:
            used = True
            _decisions(path, name, grid, head, out, _Hasher(Path(evidence_root)), reviewer, at)
        elif "整改情况" in head and name == RECTIFY_SHEET:
            used = True
            _rectifications(path, name, grid, head, out, reviewer, at)
    if not used:
        raise InputFileError(f"{path} 中没有“决定”列（待复核工作表）或“整改情况”列（整改台账工作表）。",
                             "请用 kcdocs review export 导出待复核工作簿，填写“决定”列后再读回。")
    return out


def _decisions(path, sheet, grid, head, out: WorkbookInput, digest, reviewer, at) -> None:
    col = {h: i for i, h in enumerate(head) if h}

    def cell(row, name):
        i = col.get(name)
        return _text(row[i]) if i is not None and i < len(row) else ""

    for n, row in enumerate(grid[1:], start=2):
        decision = cell(row, "决定")
        if not decision:
            out.blank += any(_text(v) for v in row)
            continue

        def bad(message, column="决定", value=decision, hint=None):
            out.problems.append(Problem(str(path), message, sheet, n, column, value, hint))

        who = cell(row, "复核人") or (reviewer or "")
        case_id, rule, file, sha = cell(row, "台账编号"), cell(row, "规则编号"), cell(row, "文件"), cell(row, "SHA256")
        reason = cell(row, "待复核事项")
        mark = cell(row, "需核验") or mark_of(reason)
        if decision not in DECISIONS:
            bad(f"“{decision}”不是可选的决定", hint="请从下拉列表中选择：" + "、".join(DECISIONS) + "。")
        elif not who:
            bad("没有填写复核人", "复核人", "", "请在“复核人”列填写姓名，或在命令中加 --reviewer 姓名。")
        elif not case_id or not rule:
            bad("这一行缺少台账编号或规则编号，无法对应到待复核项目", "规则编号", rule, "请重新导出待复核工作簿后填写。")
        elif decision not in FITS.get(mark, FITS[MATERIAL]):
            bad(f"这一项需核验{mark}，不能选“{decision}”", hint="请选择 " + "、".join(FITS.get(mark, ())) + "。")
        elif file and not sha:
            bad("这一行缺少 SHA256，无法确认复核的是哪一版文件", "SHA256", "", "请重新导出待复核工作簿后填写。")
        elif file and digest(file) is None:
            bad(f"佐证文件 {file} 已不存在，决定未记录", "文件", file, "请确认佐证材料文件夹是否正确（--evidence），或重新稽核。")
        elif file and digest(file) != sha:
            bad(f"佐证文件 {file} 在导出后已改动，决定未记录", "文件", file, "请重新稽核、重新导出后再复核这份材料。")
        else:
            page = cell(row, "页")
            out.decisions.append(Decision(case_id, file or None, sha or None, int(page) if page.isdigit() else None,
                                          rule, mark, cell(row, "签名框") or box_of(reason), decision, who, at,
                                          cell(row, "备注"), reason))


def _rectifications(path, sheet, grid, head, out: WorkbookInput, reviewer, at) -> None:
    from kcdocs.audit.report import KIND_LABELS

    kinds = {v: k for k, v in KIND_LABELS.items()}
    col = {h: i for i, h in enumerate(head) if h}
    for n, row in enumerate(grid[1:], start=2):
        def cell(name):
            i = col.get(name)
            return _text(row[i]) if i is not None and i < len(row) else ""

        text = cell("整改情况")
        if not text:
            continue
        case_id, rule, kind = cell("台账编号"), cell("规则编号"), cell("问题类型")
        if not case_id or not rule:
            out.problems.append(Problem(str(path), "这一行缺少台账编号或规则编号，整改情况未记录", sheet, n, "规则编号",
                                        rule, "请在稽核生成的 findings.xlsx 的整改台账中填写，不要删除这些列。"))
            continue
        who = cell("填报人") or cell("责任人") or reviewer or ""
        out.rectifications.append(rectification_line(case_id, rule, kinds.get(kind, kind), text, who, at))
