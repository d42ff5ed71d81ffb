"""kcdocs report weekly|monthly: figures, lists, chart data, signature page with QR; two passes
(the first counts the pages so every page's QR can say "page i of n")."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kcdocs import dates, idnumber
from kcdocs.config import Config
from kcdocs.errors import UsageError
from kcdocs.fileio import write_bytes_atomic
from kcdocs.ledger import label, load_ledger
from kcdocs.marks.layout import Signer, paginate
from kcdocs.marks.payload import PagePayload
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer
from kcdocs.reports.lists import ListsWriter
from kcdocs.reports.figures import CLOSE_KINDS, KIND_LABELS, Event, Timeline, case_event, open_counts, tally
from kcdocs.reports.periods import WEEKDAYS, Period, parse_month, parse_week, week_ends

TEMPLATE = "ledgers/report.typ"
TITLES = {"weekly": "控辍保学工作周报", "monthly": "控辍保学工作月报"}
FORMS = {"weekly": "weekly-report", "monthly": "monthly-report"}


class ReportOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: Literal["weekly", "monthly"]
    ledger: Path
    period: str  # 2020-W20 or 2020-05
    output: Path
    unit: str | None = None
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


def period_for(opts: ReportOptions) -> Period:
    cfg = opts.config.reports
    if opts.kind == "weekly":
        return parse_week(opts.period, cfg.weekly_due_days_after)
    return parse_month(opts.period, cfg.monthly_due_day)


def _select(events: list[Event], unit: str | None):
    """Events of ``unit`` (a district or a school) and how to group them."""
    if not unit:
        return events, lambda e: e.case.district or "（未填区市）", "区（市）"
    by_district = [e for e in events if e.case.district == unit]
    if by_district:
        return by_district, lambda e: e.case.school or "（未填学校）", "学校"
    by_school = [e for e in events if e.case.school == unit]
    if by_school:
        return by_school, lambda e: e.case.grade or "（未填年级）", "年级"
    raise UsageError(f"台账中没有区市或学校为“{unit}”的个案。", "请核对 --unit，应与台账“区市”或“学校”列一致。")


def _case_row(ev: Event, on: date | None = None, day: date | None = None) -> dict:
    c = ev.case
    row = {"id": c.case_id, "name": c.name, "idno": idnumber.mask(c.id_number) if c.id_number else "",
           "district": c.district or "", "school": c.school or "", "disposition": c.disposition,
           "status": label(c.status), "responsible": c.responsible or "",
           "date": on.isoformat() if on else ""}
    if day is not None:
        row["days"] = (day - ev.opened).days if ev.opened else None
    return row


def report_data(opts: ReportOptions, events: list[Event], period: Period, today: date) -> dict:
    chosen, key, group_label = _select(events, opts.unit)
    timeline = Timeline(chosen)
    rows, total = tally(chosen, period.start, period.end, key, timeline)
    by_disp, _ = tally(chosen, period.start, period.end, lambda e: e.case.disposition, timeline)
    in_period = lambda d: d is not None and period.contains(d)  # noqa: E731
    open_at_end = timeline.open_on(period.end).tolist()
    overdue = max(0, (today - period.due).days)
    data = {
        "title": TITLES[opts.kind], "unit": opts.unit or "全部", "period": period.label,
        "group_label": group_label, "kinds": [KIND_LABELS[k] for k in CLOSE_KINDS],
        "due": f"{dates.format_cn(period.due)}（星期{WEEKDAYS[period.due.weekday()]}）",
        "generated": dates.format_cn(today), "overdue_days": overdue,
        "rows": [r.as_dict() for r in rows], "total": total.as_dict(),
        "by_disposition": [r.as_dict() for r in by_disp],
        "new": [_case_row(e, e.opened) for e in chosen if in_period(e.opened)],
        "closed": {KIND_LABELS[k]: [_case_row(e, e.closed) for e in chosen if e.kind == k and in_period(e.closed)]
                   for k in CLOSE_KINDS},
        "open": sorted((_case_row(e, e.opened, period.end) for e, is_open in zip(chosen, open_at_end) if is_open),
                       key=lambda r: (r["district"], r["id"])),
        "problems": [{"id": e.case.case_id, "name": e.case.name, "text": e.problem} for e in chosen if e.problem],
    }
    if opts.kind == "monthly":
        days = week_ends(period)
        data["trend"] = [{"label": f"{d.month}/{d.day}", "value": n}
                         for d, n in zip(days, open_counts(chosen, days, timeline))]
        data["open_by_disposition"] = [{"label": r["name"], "value": r["end"]} for r in data["by_disposition"]]
    return data


def _subject(period: Period, unit: str | None) -> str:
    return f"{period.code}-" + (hashlib.sha256(unit.encode()).hexdigest()[:6] if unit else "ALL")


def make_report(opts: ReportOptions) -> ReportResult:
    started = time.perf_counter()
    period = period_for(opts)
    today = opts.generated or date.today()
    fonts = resolve_fonts(opts.config.fonts)
    lists_path = opts.output.with_name(opts.output.stem + ".名单.xlsx")
    with ListsWriter(lists_path) as lists:  # the workbook is written beside, while the PDF is typeset
        ledger = load_ledger(opts.ledger)
        from kcdocs.checklists import load_checklists

        groups = {code: d.group for code, d in load_checklists().disposition_table().by_code.items()}
        events = [case_event(c, groups.get(c.disposition, "return")) for c in ledger.cases]
        data = report_data(opts, events, period, today)
        del ledger, events  # the lists and figures are all that is needed now
        lists.send(data)
        printable = cap_lists(data, opts.config.reports.max_listed, lists_path.name)
        if opts.docx_dir is None:
            del data  # the full lists are the workbook's, and the Word version's only
        count, pdf = _typeset(opts, printable, period, fonts)
        lists.finish()
    write_bytes_atomic(opts.output, pdf)
    if opts.docx_dir is not None:
        from kcdocs.reports.docx import write_report_docx

        write_report_docx(data, opts.docx_dir / f"{TITLES[opts.kind]}_{period.code}.docx")
    total = printable["total"]
    return ReportResult(opts.output, period, count, printable["overdue_days"], total["balanced"], total,
                        time.perf_counter() - started, fonts.describe(), lists_path)


def _typeset(opts: ReportOptions, printable: dict, period: Period, fonts) -> tuple[int, bytes]:
    """The report's PDF (``printable``: the report data with its lists cut) and its page count."""
    renderer = TypstRenderer(fonts)
    common = {"kind": opts.kind}
    form, subject = FORMS[opts.kind], _subject(period, opts.unit)
    # Every page's QR says "page i of n". The template is given the marks for each plausible n
    # and picks the set for its final page count; only a far-off guess costs a second pass.
    guess = _guess_pages(printable)
    totals = range(max(1, guess - PAGE_GUESS_SPAN), guess + PAGE_GUESS_SPAN + 1)
    while True:
        by_total = {str(n): _qr_pages(form, subject, n) for n in totals}
        pdf = renderer.render(TEMPLATE, {"common": common, "report": printable, "pages_by_total": by_total})
        count = _page_count(pdf)
        if count in totals:
            return count, pdf
        totals = range(count, count + 1)


def _qr_pages(form: str, subject: str, count: int) -> list[dict]:
    layouts = paginate(form, [Signer("principal", "主要负责人（签字）")], lead_pages=count - 1)
    return [dict(l.as_dict(), qr_text=PagePayload(form, subject, 0, l.page, l.pages, len(l.signatures)).encode())
            for l in layouts]


PAGE_GUESS_SPAN = 3


def _guess_pages(printable: dict) -> int:
    """A guess of the page count (checked after typesetting): ~55 table rows a page, plus the
    fixed parts and the signature block."""
    rows = (len(printable["rows"]) + len(printable["by_disposition"]) + len(printable["new"])
            + sum(len(r) for r in printable["closed"].values()) + len(printable["open"]) + len(printable["problems"]))
    fixed = 2 if "trend" in printable else 1
    return fixed + rows // 55


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
    for kind, rows in data["closed"].items():
        out["closed"][kind] = cut(kind, rows)
    return out


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()
