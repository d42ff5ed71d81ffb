"""kcdocs report weekly|monthly: figures, lists, chart data, signature block with QR.

Two passes: the first finds the page count and where the signature block landed (a tiny probe
mark drawn at its top); the second prints every page's QR ("page i of n", and on the last page
where the signature box and seal are) and draws the boxes there.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kcdocs.config import Config
from kcdocs.errors import UsageError
from kcdocs.fileio import write_bytes_atomic
from kcdocs.ledger import CASE_SHEET, load_ledger
from kcdocs.ledger.notes import row_lines, skipped_rows
from kcdocs.ledger.schema import ATTEMPT_SHEET
from kcdocs.marks.layout import Signer, moved, paginate
from kcdocs.marks.payload import PagePayload
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer
from kcdocs.reports.content import TITLES, report_data
from kcdocs.reports.figures import case_event
from kcdocs.reports.lists import ListsWriter
from kcdocs.reports.periods import Period, parse_month, parse_week

TEMPLATE = "ledgers/report.typ"
FORMS = {"weekly": "weekly-report", "monthly": "monthly-report"}
PROBE_MM = (0.37, 0.73)  # the probe's size: no other mark of the report has it


class ReportOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    kind: Literal["weekly", "monthly"]
    ledger: Path
    period: str  # 2020-W20, 2020年第20周, a date in the week; 2020-05, 2020年5月
    output: Path
    unit: str | None = None  # 报送单位 (who reports); default: config [reports] unit
    district: str | None = None  # only the cases of this 区市
    school: str | None = None  # only the cases of this 学校
    scope: str | None = None  # a 区市 or a 学校, whichever the ledger has (for the web page)
    narrative: dict[str, str] | None = None  # progress / issues / plans
    generated: date | None = None  # the report's date (default today): lateness is judged on it
    docx_dir: Path | None = None
    config: Config = Config()


@dataclass
class ReportResult:
    output: Path
    period: Period
    pages: int
    overdue_days: int
    balanced: bool
    totals: dict
    seconds: float
    fonts: str
    lists: Path | None = None
    docx: Path | None = None
    skipped_rows: int = 0  # 学生台账 rows not fully read, named in 数据问题 and not counted
    ledger_notices: list = field(default_factory=list)  # footer rows skipped and other notices
    attempt_rows: list[str] = field(default_factory=list)  # 劝返记录 rows not read: one line each (file, sheet, row)


def period_for(opts: ReportOptions, year: int | None = None) -> Period:
    cfg = opts.config.reports
    if opts.kind == "weekly":
        return parse_week(opts.period, cfg.weekly_due_days_after, year)
    return parse_month(opts.period, cfg.monthly_due_day, year)


def docx_name(kind: str, period: Period) -> str:
    """``2020年第20周周报.docx`` / ``2020年5月月报.docx``."""
    return f"{period.file_label}{'周报' if kind == 'weekly' else '月报'}.docx"


def _filters(opts: ReportOptions, cases) -> tuple[str | None, str | None]:
    """(district, school) to select; ``scope`` resolved against the ledger; a 报送单位 that is
    in fact a 区市 or 学校 of the ledger (the old meaning of --unit) refused with the new way."""
    district, school = opts.district, opts.school
    districts = {c.district for c in cases}
    schools = {c.school for c in cases}
    if opts.scope:
        if opts.scope in districts:
            district = opts.scope
        elif opts.scope in schools:
            school = opts.scope
        else:
            raise UsageError(f"台账中没有区市或学校为“{opts.scope}”的个案。", "应与台账“区市”或“学校”列一致。")
    if opts.unit and not (district or school) and opts.unit in districts | schools:
        col, flag = ("区市", "--district") if opts.unit in districts else ("学校", "--school")
        raise UsageError(f"“{opts.unit}”是台账中的{col}名称，而 --unit 是报送单位（如 滕州市教育和体育局）。",
                         f"只统计该{col}的个案请用 {flag} {opts.unit}；报送单位请写单位全称，或在 kcdocs.toml 的 "
                         "[reports] unit 中设置。")
    return district, school


def make_report(opts: ReportOptions) -> ReportResult:
    started = time.perf_counter()
    today = opts.generated or date.today()
    period = period_for(opts, today.year)
    fonts = resolve_fonts(opts.config.fonts)
    lists_path = opts.output.with_name(opts.output.stem + ".名单.xlsx")
    with ListsWriter(lists_path) as lists:  # the workbook is written beside, while the PDF is typeset
        ledger = load_ledger(opts.ledger)
        from kcdocs.checklists import load_checklists

        table = load_checklists().disposition_table().by_code
        groups = {code: d.group for code, d in table.items()}
        names = {code: d.name for code, d in table.items()}
        district, school = _filters(opts, ledger.cases)
        events = [case_event(c, groups.get(c.disposition, "return")) for c in ledger.cases]
        data = report_data(opts.kind, events, period, today, names=names,
                           reporter=opts.unit or opts.config.reports.unit, district=district, school=school,
                           narrative=opts.narrative)
        skipped = skipped_rows(ledger, "未计入本报告", sheets=(CASE_SHEET,))
        tries = skipped_rows(ledger, "这次劝返未计入本报告", sheets=(ATTEMPT_SHEET,))  # a case may show as 未劝返
        attempt_rows = row_lines([p for p in ledger.problems if p.sheet == ATTEMPT_SHEET])
        notices = [p for p in ledger.warnings if p.sheet == CASE_SHEET]
        data["problems"] = skipped + tries + data["problems"]
        del ledger, events  # the lists and figures are all that is needed now
        lists.send(data)
        printable = cap_lists(data, opts.config.reports.max_listed, lists_path.name)
        if opts.docx_dir is None:
            del data  # the full lists are the workbook's, and the Word version's only
        count, pdf = _typeset(opts, printable, period, fonts)
        lists.finish()
    write_bytes_atomic(opts.output, pdf)
    docx = None
    if opts.docx_dir is not None:
        from kcdocs.reports.docx import write_report_docx

        docx = opts.docx_dir / docx_name(opts.kind, period)
        write_report_docx(data, docx)
    total = printable["total"]
    return ReportResult(opts.output, period, count, printable["overdue_days"], total["balanced"], total,
                        time.perf_counter() - started, fonts.describe(), lists_path, docx, len(skipped), notices,
                        attempt_rows)


def _subject(period: Period, opts: ReportOptions) -> str:
    scope = "|".join(x or "" for x in (opts.district, opts.school, opts.scope))
    return f"{period.code}-" + (hashlib.sha256(scope.encode()).hexdigest()[:6] if scope.strip("|") else "ALL")


def _typeset(opts: ReportOptions, printable: dict, period: Period, fonts) -> tuple[int, bytes]:
    """The report's PDF (``printable``: the report data with its lists cut) and its page count."""
    renderer = TypstRenderer(fonts)
    common = {"kind": opts.kind}
    form, subject = FORMS[opts.kind], _subject(period, opts)
    probe = renderer.render(TEMPLATE, {"common": common, "report": printable, "probe": True, "marks": []})
    count, top = _probe(probe)
    marks = _qr_pages(form, subject, count, math.ceil(top))
    pdf = renderer.render(TEMPLATE, {"common": common, "report": printable, "probe": False, "marks": marks})
    return count, pdf


def _qr_pages(form: str, subject: str, count: int, top: int) -> list[dict]:
    layouts = paginate(form, [Signer("principal", "主要负责人（签字）")], lead_pages=count - 1)
    layouts[-1] = moved(layouts[-1], top)
    return [dict(l.as_dict(), qr_text=PagePayload(form, subject, top if l.page == count else 0, l.page, l.pages,
                                                  len(l.signatures)).encode())
            for l in layouts]


def _probe(pdf: bytes) -> tuple[int, float]:
    """(page count, top of the signature block on the last page in mm) of a probe pass."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    mm = 72 / 25.4
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[len(doc) - 1]
        height = page.get_height()
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
            left, bottom, right, top = obj.get_bounds()
            if abs((right - left) / mm - PROBE_MM[0]) < 0.05 and abs((top - bottom) / mm - PROBE_MM[1]) < 0.05:
                return len(doc), (height - top) / mm
        raise RuntimeError("signature block probe not found on the report's last page")
    finally:
        doc.close()


def cap_lists(data: dict, limit: int, lists_name: str) -> dict:
    """The report as printed: each case list cut to ``limit`` rows, with a note of the rest."""
    out = dict(data, closed=dict(data["closed"]), notes={})

    def cut(name: str, rows: list) -> list:
        if len(rows) > limit:
            out["notes"][name] = f"仅列出前 {limit} 人，另有 {len(rows) - limit} 人；完整名单见 {lists_name}"
        return rows[:limit]

    out["new"] = cut("new", data["new"])
    out["open"] = cut("open", data["open"])
    out["open_count"] = len(data["open"])
    out["counts"] = {"new": len(data["new"]), **{k: len(v) for k, v in data["closed"].items()}}
    for kind, rows in data["closed"].items():
        out["closed"][kind] = cut(kind, rows)
    return out
