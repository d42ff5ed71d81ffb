"""report.html: one self-contained Chinese page (no network), every value escaped."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kcdocs.audit.models import AuditResult, CaseResult
from kcdocs.audit.report import KIND_LABELS, mask_text, shown_id, summary_rows
from kcdocs.checklists import ChecklistSet
from kcdocs.ledger import label

TEMPLATE = Path(__file__).with_name("report.html.j2")
STATUS = {"ok": ("✓", "ok", "符合"), "fail": ("✗", "fail", "不符合"), "review": ("?", "review", "待核验"),
          "na": ("–", "na", "不适用")}
STATE_CLASS = {"完整": "ok", "待复核": "review", "不完整": "fail"}
BY = {"filename": "文件名", "text": "PDF 标题", "qr": "二维码", "ocr": "文字识别", None: "未识别"}


def _case_view(c: CaseResult, mask_ids: bool) -> dict:
    k = c.case
    info = [("身份证号", shown_id(k.id_number, mask_ids)), ("学籍号", _mask_no(k.student_no, mask_ids)),
            ("性别", k.sex or ""), ("学校", " ".join(filter(None, [k.school, k.grade]))),
            ("区市 / 乡镇 / 村居", " / ".join(filter(None, [k.district, k.township, k.village]))),
            ("监护人", k.guardian or ""), ("类型", label(k.case_type)), ("状态", label(k.status)),
            ("重点群体", "、".join(label(g) for g in k.priority_groups)),
            ("辍学日期", k.dropout_date.isoformat() if k.dropout_date else ""),
            ("原因分析", k.reason or ""), ("核销原因", k.writeoff_reason or ""), ("责任人", k.responsible or ""),
            ("佐证文件夹", "、".join(c.folders) or "（没有文件夹）")]
    attempts = [{"seq": t.seq, "date": t.date.isoformat() if t.date else "", "method": label(t.method),
                 "people": "、".join(t.participants), "content": t.content or "", "result": label(t.result)}
                for t in k.attempts]
    return {
        "id": k.case_id, "anchor": "case-" + "".join(ch if ch.isalnum() else "-" for ch in k.case_id),
        "name": k.name, "masked_id": shown_id(k.id_number, mask_ids), "district": k.district or "",
        "township": k.township or "", "disposition": f"{k.disposition} {c.disposition_name}",
        "code": k.disposition, "status": label(k.status), "state": c.state, "state_class": STATE_CLASS[c.state],
        "n_findings": len(c.findings), "n_review": len(c.review),
        "info": [(a, b) for a, b in info if b],
        "items": [{"mark": STATUS[i.status][0], "cls": STATUS[i.status][1], "label": STATUS[i.status][2],
                   "rule": i.rule, "name": i.name, "message": i.message, "files": i.files,
                   "guidance": i.guidance if i.status in ("fail", "review") else ""} for i in c.items],
        "findings": [{"rule": f.rule, "kind": KIND_LABELS.get(f.kind, f.kind), "message": f.message,
                      "files": f.files} for f in c.findings],
        "evidence": [{"file": e.file, "document": e.document or "", "rule": e.rule or "", "by": BY.get(e.by, e.by),
                      "pages": e.pages or "", "page": e.page or ""} for e in c.evidence],
        "review": [{"rule": r.rule, "file": r.file or "", "page": r.page or "", "reason": r.reason,
                    "confidence": "" if r.confidence is None else f"{r.confidence:.2f}",
                    "thumb": _thumb(getattr(r, "thumb", None))} for r in c.review],
        "attempts": attempts,
    }


def _thumb(uri: str | None) -> str:
    """A box picture (PNG data URI made by kcdocs.scan), or nothing for anything else."""
    return uri if isinstance(uri, str) and uri.startswith("data:image/png;base64,") else ""


def _mask_no(number: str | None, mask_ids: bool) -> str:
    """学籍号 G + ID number carries the ID number: mask it the same way."""
    if not number:
        return ""
    if mask_ids and len(number) == 19 and number[0] in "GLJgl":
        return number[0] + shown_id(number[1:], True)
    return number


def render_html(result: AuditResult, checklists: ChecklistSet, *, mask_ids: bool = True) -> str:
    from jinja2 import Environment, select_autoescape

    def finalize(value):  # every printed value: ID numbers masked (then escaped by autoescape)
        return mask_text(value) if mask_ids and isinstance(value, str) else value

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, finalize=finalize)
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    cases = [_case_view(c, mask_ids) for c in result.cases]
    rules = Counter((f.rule, f.kind) for c in result.cases for f in c.findings)
    by_rule = [{"rule": r, "name": (checklists.item(r).name if checklists.item(r) else ""),
                "kind": KIND_LABELS.get(k, k), "count": n} for (r, k), n in rules.most_common()]
    return template.render(
        as_of=result.as_of.isoformat(), total=len(result.cases), complete=result.complete - result.to_review,
        review=result.to_review, incomplete=result.incomplete, unmatched=result.unmatched,
        summary=summary_rows(result), by_rule=by_rule, cases=cases,
        districts=sorted({c["district"] for c in cases if c["district"]}),
        dispositions=sorted({c["disposition"] for c in cases}),
        warnings=[p.format() for p in result.ledger_warnings], masked=mask_ids,
    )
