"""Who must sign which box of a kcdocs form, checked against the scan-back's measurements.

Used by the ``signatures`` and ``min_count`` operators when documents were identified by
their QR code (``ScannedDoc`` from the audit, duck-typed here: ``form``, ``seq``, ``subject``,
``boxes``, ``missing_pages``). Box order is the signer order the forms print
(kcdocs.forms.content): a persuasion record has one box per participant of that attempt,
then the guardian's; a P1 application guardian then child, a W7 application the guardian;
an education plan the helper. Uncertain boxes become review notes with a thumbnail.
"""

from __future__ import annotations

from dataclasses import dataclass

from kcdocs.checklists.context import CaseContext, Check, ReviewNote

STAFF = "工作人员"


@dataclass
class BoxReview(ReviewNote):
    """A review note about one signature box, with a picture of it for the report."""

    thumb: str | None = None  # PNG data URI


def _attempt(ctx: CaseContext, seq):
    return next((a for a in ctx.case.attempts if a.seq == seq), None)


def signers(doc, ctx: CaseContext) -> list[tuple[str, str]] | None:
    """(name, role) per box of ``doc`` in box order; None when the ledger does not say."""
    case = ctx.case
    guardian = case.guardian or "监护人"
    if doc.form == "persuasion-record":
        attempt = _attempt(ctx, doc.seq)
        if attempt is None:
            return None
        return [(name, STAFF) for name in attempt.participants] + [(guardian, "监护人")]
    if doc.form == "application":
        both = case.disposition == "P1"
        return [(guardian, "监护人")] + ([(case.name, "学生本人")] if both else [])
    if doc.form == "education-plan":
        return [(case.care_contact or case.responsible or "帮包责任人", "帮包责任人")]
    return None


def _required(p, people: list[tuple[str, str]]) -> list[int]:
    roles = set(p.who) | ({STAFF} if p.staff else set())
    wanted = [i for i, (_, role) in enumerate(people) if role in roles]
    return wanted if roles else list(range(len(people)))


def _label(doc) -> str:
    where = f"{doc.file} 第{doc.page}页"
    return f"第{doc.seq}次劝返的《{doc.document}》（{where}）" if doc.form == "persuasion-record" else \
        f"《{doc.document}》（{where}）"


def _one(p, ctx, doc, reviews: list) -> tuple[list[str], list[str]] | None:
    """(missing names, their labels) of one document; None when the ledger cannot tell."""
    if doc.subject and doc.subject != ctx.case.case_id:
        reviews.append(ReviewNote("", f"页面二维码属于另一案例 {doc.subject}，请核对是否放错文件夹", doc.file,
                                  doc.page, 1.0))
    people = signers(doc, ctx)
    if people is None:
        reviews.append(ReviewNote("", f"二维码序号 {doc.seq} 在台账「劝返记录」中没有对应的劝返，无法核对签字人",
                                  doc.file, doc.page, None))
        return None
    boxes = {b.index: b for b in doc.boxes}
    missing, labels = [], []
    for i in _required(p, people):
        name, role = people[i]
        box = boxes.get(i)
        if not getattr(doc, "layout_fixed", True):
            reviews.append(ReviewNote("", f"{_label(doc)}是用 Word 版打印的，签字框位置不固定，无法自动识别，"
                                      f"请人工核对{role}{name}的签字", doc.file, doc.page, None))
        elif box is None:
            pages = "、".join(map(str, doc.missing_pages)) or "?"
            reviews.append(ReviewNote("", f"{_label(doc)}缺第{pages}页，{role}{name}的签字框未扫描", doc.file,
                                      doc.page, None))
        elif box.confidence < _review_below():
            reviews.append(BoxReview("", _uncertain(doc, box, role, name), doc.file, box.page, box.confidence,
                                     thumb=box.thumb))
        elif not box.signed:
            missing.append(name)
            labels.append(f"{role}{name}")
    return missing, labels


def _uncertain(doc, box, role: str, name: str) -> str:
    """Why a measured box is left to a person: its page's own reason when nothing was decided there."""
    note = getattr(box, "note", None)
    if note:
        note = note.rstrip("。")
        return f"{_label(doc)}{note}{'' if note.endswith('核对') else '，请人工核对'}{role}{name}的签字"
    return f"签名框识别置信度低：{role}{name}（{'似有' if box.signed else '似无'}签字）"


def _review_below() -> float:
    from kcdocs.scan.defs import REVIEW_BELOW

    return REVIEW_BELOW


def check_boxes(p, ctx: CaseContext, docs: list, who: str) -> Check:
    """The ``signatures`` requirement on documents whose boxes were measured."""
    reviews: list[ReviewNote] = []
    records, messages, bad = [], [], []
    for doc in docs:
        if not getattr(doc, "boxes", ()):
            cause = getattr(doc, "scan_note", None) or "不是 kcdocs 打印的表格，无法自动识别"
            reviews.append(ReviewNote("", f"签名待核验：需{who}签字（{cause}）", doc.file, doc.page, None))
            continue
        outcome = _one(p, ctx, doc, reviews)
        if outcome and outcome[0]:
            missing, labels = outcome
            bad.append(doc)
            records.append({"file": doc.file, "page": doc.page, "form": doc.form, "seq": doc.seq, "missing": missing})
            messages.append(f"{_label(doc)}缺少{'、'.join(labels)}的签字")
    if not bad:
        return Check.passed(docs, reviews)
    first = records[0]
    detail = {"seq": first["seq"], "missing": first["missing"], "form": first["form"], "page": first["page"],
              "records": records}
    check = Check.failed("；".join(messages) + "。", kind="unsigned", files=list(dict.fromkeys(d.file for d in bad)),
                         detail=detail, used=docs)
    check.reviews = reviews
    return check


def check_attempts(of: str, ctx: CaseContext, items: list, need: int) -> Check:
    """``min_count per: attempts`` when records carry their attempt number in the QR: every
    attempt of the ledger must have its own record (records known only by file name may stand
    for any attempt)."""
    numbered = {d.seq for d in items if getattr(d, "seq", None) is not None and getattr(d, "form", None)}
    free = sum(1 for d in items if getattr(d, "form", None) is None)
    missing = [a.seq for a in ctx.case.attempts if a.seq not in numbered]
    if len(items) >= need and len(missing) <= free:
        return Check.passed(items)
    which = "、".join(f"第{s}次" for s in missing)
    return Check.failed(f"台账登记劝返 {len(ctx.case.attempts)} 次，{which}劝返没有《{of}》（按二维码中的劝返序号核对）。",
                        kind="missing", files=[d.file for d in items],
                        detail={"required": need, "found": len(items), "missing_seq": missing}, used=items)
