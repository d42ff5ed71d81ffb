"""kcdocs forms: choose the forms for the chosen cases, paginate, attach QR payloads, render."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict

from kcdocs.config import Config
from kcdocs.errors import UsageError
from kcdocs.forms import content
from kcdocs.ledger import Case, load_ledger
from kcdocs.marks.layout import paginate
from kcdocs.marks.payload import PagePayload
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer

FormType = Literal["persuasion-record", "application", "education-plan"]
FORM_TYPES = {
    "persuasion-record": "劝返复学工作记录表（每次劝返一份）",
    "application": "书面申请（P1：监护人和学生；W7：监护人）",
    "education-plan": "个性化教育方案（P1）",
}
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


def documents_for(form: str, case: Case, province: str) -> list[dict]:
    """The documents of ``form`` that ``case`` needs (none when it does not apply)."""
    if form == "persuasion-record":
        return [content.persuasion_record(case, a) for a in case.attempts]
    if form == "application" and case.disposition in ("P1", "W7"):
        return [content.application(case, province)]
    if form == "education-plan" and case.disposition == "P1":
        return [content.education_plan(case)]
    return []


def with_pages(doc: dict, subject: str) -> dict:
    """Paginate the signers and attach each page's QR payload; returns template data."""
    ledger_problems: list = field(default_factory=list)  # ledger rows not fully read: no forms for them
    ledger_notices: list = field(default_factory=list)  # footer rows skipped and other notices
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
    out.update(subject=subject, pages=pages, content_height=content.CONTENT_HEIGHT_MM,
               continuation=continuation + " · 签字页", long=content.is_long(doc),
               wide_facts=wide, fact_columns=content.fact_columns(doc["facts"], wide))
    return out


def make_forms(opts: FormOptions, progress: Callable[[int, int], None] | None = None) -> FormResult:
    started = time.perf_counter()
    fonts = resolve_fonts(opts.config.fonts)
    ledger = load_ledger(opts.ledger)
    province = opts.config.notices.province
    docs, skipped = [], []
    for case in ledger.select(opts.cases):
        found = documents_for(opts.form, case, province)
        if not found and opts.cases:
            skipped.append(case.case_id)
        docs.extend(with_pages(d, case.case_id) for d in found)
    if not docs:
        raise UsageError(f"所选个案没有需要打印的「{FORM_TYPES[opts.form]}」。",
                         "劝返记录表来自「劝返记录」工作表；书面申请只用于 P1、W7；个性化教育方案只用于 P1。")
    renderer = TypstRenderer(fonts)
    common = {"title": FORM_TYPES[opts.form]}
    renderer.render_batch(TEMPLATE, common, docs, opts.output, chunk_size=FORMS_CHUNK, progress=progress)
    result = FormResult(opts.output, len(docs), sum(len(d["pages"]) for d in docs),
                        0.0, fonts.describe(), skipped, ledger_problems=ledger.problems,
                        ledger_notices=ledger.warnings)
    if opts.docx_dir is not None:
        from kcdocs.forms.docx import write_form_docx

        result.docx_count = write_form_docx(docs, opts.docx_dir)
    result.seconds = time.perf_counter() - started
    return result
