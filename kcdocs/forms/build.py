"""kcdocs forms: choose the forms for the chosen cases, paginate, attach QR payloads, render."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict

from kcdocs.config import Config
from kcdocs.errors import UsageError
from kcdocs.forms import content, legal
from kcdocs.ledger import Case, load_ledger
from kcdocs.marks.layout import get_layout, paginate
from kcdocs.marks.payload import PagePayload
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer

FormType = Literal["persuasion-record", "application", "education-plan", "criticism-record", "correction-order",
                   "judicial-request", "overdue-reminder"]
FORM_TYPES = {
    "persuasion-record": "劝返复学工作记录表（每次劝返一份）",
    "application": "书面申请（P1：引导至中等职业学校接受教育申请书；W7：延缓入学或休学申请书）",
    "education-plan": "个性化教育方案（P1）",
    "criticism-record": "批评教育记录（P2 强制入学）",
    "correction-order": "责令限期改正通知书（P2 强制入学，送监护人）",
    "judicial-request": "提请发放司法文书的函（P2 强制入学，教体局致人民法院）",
    "overdue-reminder": "逾期未报到催报通知书（复学通知书下达后仍未报到的）",
}
WHO_GETS = ("劝返记录表来自「劝返记录」工作表；书面申请只用于 P1、W7；个性化教育方案只用于 P1；"
            "批评教育记录、责令限期改正通知书、提请发放司法文书的函只用于 P2；催报通知书用于已填「复学通知书日期」、"
            "未填「复学日期」、状态为未劝返或劝返中，且通知书已下达满规定天数的个案。")
TEMPLATE = "ledgers/forms.typ"
# Forms cost Typst ~4× the memory of a notice per page: smaller chunks.
FORMS_CHUNK = 250


class FormOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    form: FormType
    ledger: Path
    output: Path
    cases: list[str] = []
    docx_dir: Path | None = None
    mask_ids: bool = False  # 身份证号 masked (forms a guardian signs show it in full by default)
    unit: str | None = None  # 发文单位 of the letters (else config [notices] unit)
    issue_date: dt.date | None = None  # 落款日期 of the letters; 催报: the day overdue is judged
    deadline: dt.date | None = None  # 责令/催报 deadline (else 自收到本通知书之日起七日内)
    court: str | None = None  # addressee of 提请发放司法文书的函
    overdue_days: int = 7
    config: Config = Config()


@dataclass
class FormResult:
    output: Path
    documents: int
    pages: int
    seconds: float
    fonts: str
    skipped: list[str] = field(default_factory=list)  # chosen cases with no such form
    docx_count: int = 0
    ledger_problems: list = field(default_factory=list)  # ledger rows not fully read: no forms for them
    ledger_notices: list = field(default_factory=list)  # footer rows skipped and other notices


def letter_context(opts: FormOptions) -> legal.LetterContext:
    return legal.LetterContext(
        province=opts.config.notices.province, unit=opts.unit or opts.config.notices.unit,
        issue_date=opts.issue_date, deadline=opts.deadline, court=opts.court, mask=opts.mask_ids,
        as_of=opts.issue_date, overdue_days=opts.overdue_days)


def documents_for(form: str, case: Case, ctx: legal.LetterContext) -> list[dict]:
    """The documents of ``form`` that ``case`` needs (none when it does not apply)."""
    mask = ctx.mask
    if form == "persuasion-record":
        return [content.persuasion_record(case, a, mask) for a in case.attempts]
    if form == "application" and case.disposition in ("P1", "W7"):
        return [content.application(case, ctx.province, mask)]
    if form == "education-plan" and case.disposition == "P1":
        return [content.education_plan(case, mask)]
    if case.disposition == "P2" and form in P2_FORMS:
        return [P2_FORMS[form](case, ctx)]
    if form == "overdue-reminder" and legal.is_overdue(case, ctx):
        return [legal.overdue_reminder(case, ctx)]
    return []


P2_FORMS = {"criticism-record": legal.criticism_record, "correction-order": legal.correction_order,
            "judicial-request": legal.judicial_request}
PAGE_TOP_MM = 38  # the forms' top margin (templates/lib/forms.typ)


def with_pages(doc: dict, subject: str) -> dict:
    """Paginate the signers and attach each page's QR payload; returns template data."""
    pages = []
    layouts = paginate(doc["form"], doc["signers"])
    for layout in layouts:
        payload = PagePayload(doc["form"], subject, doc["seq"], layout.page, layout.pages, len(layout.signatures))
        pages.append(dict(layout.as_dict(), qr_text=payload.encode()))
    out = {k: v for k, v in doc.items() if k != "signers"}
    continuation = f"台账编号 {subject}"
    if doc.get("subtitle"):
        continuation += f" · {doc['subtitle']}"
    wide = content.wide_facts(doc["facts"])
    height = get_layout(doc["form"]).text_bottom(len(layouts[0].signatures)) - PAGE_TOP_MM
    out.update(subject=subject, pages=pages, content_height=height,
               continuation=continuation + " · 签字页", long=content.is_long(doc),
               wide_facts=wide, fact_columns=content.fact_columns(doc["facts"], wide))
    return out


def make_forms(opts: FormOptions, progress: Callable[[int, int], None] | None = None) -> FormResult:
    started = time.perf_counter()
    fonts = resolve_fonts(opts.config.fonts)
    ledger = load_ledger(opts.ledger)
    ctx = letter_context(opts)
    docs, skipped = [], []
    for case in ledger.select(opts.cases):
        found = documents_for(opts.form, case, ctx)
        if not found and opts.cases:
            skipped.append(case.case_id)
        docs.extend(with_pages(dict(d, child=case.name), case.case_id) for d in found)
    if not docs:
        raise UsageError(f"所选个案没有需要打印的「{FORM_TYPES[opts.form]}」。", WHO_GETS)
    renderer = TypstRenderer(fonts)
    common = {"title": FORM_TYPES[opts.form].split("（")[0]}
    renderer.render_batch(TEMPLATE, common, docs, opts.output, chunk_size=FORMS_CHUNK, progress=progress)
    result = FormResult(opts.output, len(docs), sum(len(d["pages"]) for d in docs),
                        0.0, fonts.describe(), skipped, ledger_problems=ledger.problems,
                        ledger_notices=ledger.warnings)
    if opts.docx_dir is not None:
        from kcdocs.forms.docx import write_form_docx

        result.docx_count = write_form_docx(docs, opts.docx_dir, ctx.unit)
    result.seconds = time.perf_counter() - started
    return result
