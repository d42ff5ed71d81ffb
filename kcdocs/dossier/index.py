"""District index of a run: ``index.pdf`` and ``index.xlsx``.

Contract: ``write_index(infos, out_dir, renderer, as_of, generated) -> [paths]``. One row per
dossier, sorted by district and case id, with completeness, page count and open findings.
These files are meant to circulate: ID numbers are always masked.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

from kcdocs.audit.report import mask_text, safe_cell
from kcdocs.dates import format_cn
from kcdocs.dossier.models import DossierInfo

TITLE = "控辍保学一人一案卷宗索引"
FAILED = "生成失败"
KIND = {"完整": "ok", "待复核": "review", "不完整": "fail", FAILED: "fail"}
NO_DISTRICT = "（未填区市）"
HEADER = ["序号", "区（市）", "台账编号", "姓名", "学校", "处置类型", "状态", "结论", "页数", "佐证文件数",
          "无法读取的文件数", "待复核项", "未解决的问题数", "未解决的问题", "卷宗文件", "卷宗 SHA-256"]


def sort_key(info: DossierInfo) -> tuple[str, str]:
    return info.district or "\uffff", info.case_id


def _state(info: DossierInfo) -> str:
    return FAILED if info.error else info.state


def summary(infos: list[DossierInfo]) -> list[list]:
    """[区市, 卷宗, 完整, 待复核, 不完整, 生成失败, 总页数] per district, 合计 last."""
    table: dict[str, Counter] = {}
    for info in infos:
        row = table.setdefault(info.district or NO_DISTRICT, Counter())
        row["n"] += 1
        row[_state(info)] += 1
        row["pages"] += info.pages
    keys = ("n", "完整", "待复核", "不完整", FAILED, "pages")
    rows = [[d] + [c[k] for k in keys] for d, c in sorted(table.items())]
    total = Counter()
    for c in table.values():
        total.update(c)
    return rows + [["合计"] + [total[k] for k in keys]]


def _rows(infos: list[DossierInfo]) -> list[dict]:
    rows = []
    for n, info in enumerate(sorted(infos, key=sort_key), 1):
        rows.append({"n": n, "district": info.district, "case_id": info.case_id, "name": info.name,
                     "school": info.school, "disposition": info.disposition, "status": info.status,
                     "state": _state(info), "kind": KIND[_state(info)], "pages": info.pages,
                     "findings": mask_text("；".join(info.findings)) or review_text(info),
                     "error": mask_text(info.error) if info.error else None})
    return rows


def review_text(info: DossierInfo) -> str:
    """What a 待复核 dossier waits for (it has no open finding to show)."""
    if _state(info) != "待复核":
        return ""
    if info.unscanned_files:
        return (f"签字和公章尚未核验（{info.unscanned_files} 个文件未读取页面）：先运行 kcdocs audit，"
                "再重新生成卷宗")
    return f"{info.review_count} 项须人工核验签字、公章等，见卷宗“四、清单核对”中标为“待复核”的各项"


def _note(infos: list[DossierInfo]) -> str:
    note = ("结论：完整＝清单各项齐全；待复核＝材料齐全，签字、公章等须人工核验；不完整＝有未解决的问题，"
            "见各卷宗“四、清单核对”。身份证号已脱敏。")
    unchecked = sum(1 for i in infos if i.unscanned_files)
    if unchecked:
        note += (f"其中 {unchecked} 份卷宗生成时未读取扫描页，签字和公章尚未核验（标为待复核）；"
                 "运行 kcdocs audit 后重新生成卷宗，即写明核验结论。")
    return note


def write_index(infos: list[DossierInfo], out_dir: Path, pool, as_of: date, generated: datetime
                ) -> list[Path]:
    """``pool``: the :class:`~kcdocs.render.typst_engine.TypstPool` that typesets index.pdf."""
    pdf, xlsx = out_dir / "index.pdf", out_dir / "index.xlsx"
    payload = {"title": TITLE,
               "subtitle": f"稽核基准日 {format_cn(as_of)} · 生成于 {format_cn(generated.date())} {generated:%H:%M}"
                           f" · 共 {len(infos)} 份卷宗",
               "note": _note(infos), "summary": summary(infos), "rows": _rows(infos)}
    pool.submit("dossier/index.typ", payload, pdf).result()
    write_xlsx(infos, xlsx)
    return [pdf, xlsx]


def write_xlsx(infos: list[DossierInfo], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "卷宗索引"
    ws.append(HEADER)
    for n, info in enumerate(sorted(infos, key=sort_key), 1):
        ws.append([safe_cell(v, mask_ids=True) for v in (
            n, info.district, info.case_id, info.name, info.school, info.disposition, info.status, _state(info),
            info.pages, info.evidence_files, info.unreadable_files, info.review_count, len(info.findings),
            info.error or "\n".join(info.findings), info.file or "", info.sha256 or "")])
    widths = [6, 12, 20, 10, 24, 24, 10, 10, 7, 10, 10, 9, 10, 60, 34, 66]
    for col, width in zip("ABCDEFGHIJKLMNOP", widths):
        ws.column_dimensions[col].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row in ws.iter_rows(min_row=2, min_col=14, max_col=14):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    summary_ws = wb.create_sheet("按区市汇总")
    summary_ws.append(["区（市）", "卷宗", "完整", "待复核", "不完整", FAILED, "总页数"])
    for row in summary(infos):
        summary_ws.append([safe_cell(v) for v in row])
    summary_ws.column_dimensions["A"].width = 16
    wb.save(path)
