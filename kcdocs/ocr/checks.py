"""Conditions on what a document's own text says (``condition: evidence_subject`` and
``condition: evidence_dates`` in the checklists), for documents whose text was read by OCR.

- ``evidence_subject``: the name and ID number on the document are the case's. Another
  child's ID number, or another name and not the case's, is a finding; a document on which
  neither could be read, or identified by OCR with little confidence, goes to review.
- ``evidence_dates``: a labelled date on the document (死亡日期 …) compared with a ledger
  column (核销日期 …): ``not_after`` / ``not_before``.

Registered into the checklist's closed list of conditions on import (kcdocs.checklists).
"""

from __future__ import annotations

import json

from kcdocs import idnumber
from kcdocs.checklists.checks import Args, _date_field, check
from kcdocs.checklists.context import CaseContext, Check, ReviewNote
from kcdocs.ledger.schema import field_header
from kcdocs.ocr.content import labelled_date
from kcdocs.ocr.titles import normalise, one_apart

CONFIDENT = 0.70  # kcdocs.ocr.read.CONFIDENT (not imported: that module loads numpy and the engine)


def _facts(doc) -> dict | None:
    text = getattr(doc, "facts_json", None)
    return json.loads(text) if text else None


def _where(doc) -> str:
    return f"《{doc.document}》（{doc.file}" + (f" 第{doc.page}页）" if doc.page > 1 else "）")


class SubjectArgs(Args):
    documents: list[str] = []  # only these documents (default: every document read by OCR)


def _subject(doc, facts: dict, case) -> tuple[str | None, str | None]:
    """(mismatch message, review reason) for one document."""
    own_id = idnumber.normalize(case.id_number or "") if case.id_number else ""
    ids, names = facts.get("ids", []), facts.get("names", [])
    body = normalise(facts.get("text", ""))
    name_seen = bool(case.name) and normalise(case.name) in body
    others = [i for i in ids if i != own_id]
    if others and own_id not in ids:
        return (f"{_where(doc)}上的身份证号是 {others[0]}，不是本案例{case.name}的身份证号；"
                "请核实是否放错案例或冒用他人材料。"), None
    if own_id in ids or name_seen:
        return None, None
    if names:
        near = next((n for n in names if case.name and one_apart(normalise(n), normalise(case.name))), None)
        if near is not None:  # one character off: as likely a misreading as another child
            return None, (f"{_where(doc)}上的姓名读作“{near}”，与本案例的{case.name}只差一个字，"
                          f"可能是文字识别读错，请人工核对是否为{case.name}本人的材料。")
        return (f"{_where(doc)}上写的是“{names[0]}”，不是本案例的{case.name}；"
                "请核实是否放错案例或冒用他人材料。"), None
    return None, f"{_where(doc)}上读不出姓名和身份证号，请人工核对是否为{case.name}本人的材料。"


@check("evidence_subject", SubjectArgs, lambda a: "外单位材料上的姓名、身份证号与台账一致（按文字识别核对）")
def _evidence_subject(args: SubjectArgs, ctx: CaseContext) -> Check:
    wrong, reviews, files = [], [], []
    for doc in ctx.docs:
        facts = _facts(doc)
        if facts is None or (args.documents and doc.document not in args.documents):
            continue
        confidence = getattr(doc, "confidence", None)
        if doc.by == "ocr" and confidence is not None and confidence < CONFIDENT:
            reviews.append(ReviewNote("", f"{_where(doc)}是按文字识别认出的，把握不大，请人工确认是什么材料。",
                                      doc.file, doc.page, confidence))
        mismatch, review = _subject(doc, facts, ctx.case)
        if mismatch:
            wrong.append(mismatch)
            files.append(doc.file)
        elif review:
            reviews.append(ReviewNote("", review, doc.file, doc.page, None))
    if wrong:
        return Check.failed("".join(wrong), kind="data", files=files, detail={"documents": files})
    return Check.passed(reviews=reviews)


class DateRule(Args):
    document: str
    labels: list[str] = []  # words just before the date on the document (any date when empty)
    not_after: str | None = None  # ledger column the document's date must not be later than
    not_before: str | None = None

    def model_post_init(self, _context) -> None:
        for column in (self.not_after, self.not_before):
            if column is not None:
                _date_field(column)


class DatesArgs(Args):
    rules: list[DateRule]


def _describe_dates(a: DatesArgs) -> str:
    parts = [f"《{r.document}》上的日期" + (f"不晚于{r.not_after}" if r.not_after else "")
             + (f"不早于{r.not_before}" if r.not_before else "") for r in a.rules]
    return "；".join(parts)


@check("evidence_dates", DatesArgs, _describe_dates)
def _evidence_dates(args: DatesArgs, ctx: CaseContext) -> Check:
    errors, files = [], []
    for rule in args.rules:
        for doc in ctx.docs_named(rule.document):
            facts = _facts(doc)
            day = labelled_date(facts, rule.labels) if facts else None
            if day is None:
                continue
            for column, later in ((rule.not_after, False), (rule.not_before, True)):
                ledger = getattr(ctx.case, _date_field(column), None) if column else None
                if ledger is None or (day >= ledger if later else day <= ledger):
                    continue
                side = "早于" if later else "晚于"
                errors.append(f"{_where(doc)}上的日期 {day.isoformat()} {side}台账「{field_header(_date_field(column))}」"
                              f" {ledger.isoformat()}")
                files.append(doc.file)
    if errors:
        return Check.failed("日期与台账不一致：" + "；".join(errors) + "。请核对材料和台账。", kind="data",
                            files=sorted(set(files)), detail={"errors": errors})
    return Check.passed()
