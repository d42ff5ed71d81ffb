"""The front matter of a dossier as data for ``templates/dossier/dossier.typ``.

Contract: ``front_payload(plan, evidence_pages) -> dict`` after the parts have their
offsets; ``batch_payload([...])`` for one compile of several cases. Everything the user
wrote reaches Typst only as JSON strings. Page numbers are given as offsets within the
evidence section; the template adds its own page count.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from kcdocs.audit.report import mask_text
from kcdocs.dates import format_cn
from kcdocs.dossier.models import CasePlan, Part
from kcdocs.idnumber import mask
from kcdocs.ledger import CASE_SCHEMA, label

TITLE = "控辍保学一人一案卷宗"
WIDE_FIELDS = ("reason", "plan", "writeoff_reason", "note")
MARKS = {"ok": "✓ 符合", "fail": "✗ 不符合", "review": "待复核", "na": "— 不适用"}
STATE_KIND = {"完整": "ok", "待复核": "review", "不完整": "fail"}
_SEQ = re.compile(r"第\s*(\d+)\s*次|(\d+)(?!.*\d)")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 ** 2:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 ** 2:.1f} MB"


def _text(plan: CasePlan, value: object) -> str:
    """A ledger value as shown: dates in Chinese, enums by their Chinese word, IDs masked if asked."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(_text(plan, v) for v in value)
    if isinstance(value, StrEnum):
        return label(value)
    if isinstance(value, dt.date):
        return format_cn(value)
    text = str(value)
    return mask_text(text) if plan.mask_ids else text


def _id_text(plan: CasePlan) -> str:
    number = plan.case.id_number or ""
    return mask(number) if plan.mask_ids and number else number


def sheet(plan: CasePlan) -> dict:
    """Every ledger field: short ones two per row, long texts on rows of their own."""
    case = plan.case
    pairs, wide = [], []
    for col in CASE_SCHEMA.columns:
        if col.key == "id_number":
            value = _id_text(plan)
        elif col.key == "disposition":
            value = f"{case.disposition} {plan.disposition_name}"
        else:
            value = _text(plan, getattr(case, col.key))
        (wide if col.key in WIDE_FIELDS else pairs).append([col.header, value])
    return {"pairs": pairs, "wide": wide}


def reason_blocks(plan: CasePlan) -> list[list[str]]:
    case = plan.case
    blocks = [["原因分析", _text(plan, case.reason)]]
    optional = [("辍学情形", case.history), ("核销原因", case.writeoff_reason), ("劝返方案（一人一案）", case.plan),
                ("强制措施（已到达的最新一步）", case.measure), ("备注", case.note)]
    blocks += [[title, _text(plan, value)] for title, value in optional if value]
    return blocks


def _persuasion_docs(plan: CasePlan) -> list[tuple[Part, int, int | None]]:
    """(part, page offset, sequence number written in the file name) of every 劝返记录."""
    out = []
    for part in plan.parts:
        docs = [d for d in part.docs if d.rule and d.rule.endswith(".persuasion_records")]
        for d in docs:
            m = _SEQ.search(part.name.rsplit(".", 1)[0]) if len(docs) == 1 else None
            seq = int(m.group(1) or m.group(2)) if m else None
            out.append((part, part.offset + d.page - 1 if part.attached else part.offset, seq))
    return out


def attempts(plan: CasePlan) -> list[dict]:
    """The persuasion log, each attempt with the scanned record(s) that prove it: matched by the
    number in the file name (劝返记录2.jpg, 第3次), the others in order."""
    tried = sorted(plan.case.attempts, key=lambda a: a.seq)
    proof: dict[int, list[dict]] = {a.seq: [] for a in tried}
    rest = []
    for part, offset, seq in _persuasion_docs(plan):
        entry = {"name": _text(plan, part.name), "offset": offset}
        (proof[seq] if seq in proof else rest).append(entry)
    for a in tried:
        if not proof[a.seq] and rest:
            proof[a.seq].append(rest.pop(0))
    rows = []
    for a in tried:
        rows.append({"seq": a.seq, "date": _text(plan, a.date), "method": _text(plan, a.method),
                     "participants": _text(plan, a.participants), "content": _text(plan, a.content),
                     "result": _text(plan, a.result), "proof": proof[a.seq], "no_proof": "未找到扫描件"})
    return rows


def items(plan: CasePlan) -> list[dict]:
    """The checklist table: every item with its mark, message, files and their pages."""
    by_rule: dict[str, list[Part]] = {}
    for part in plan.parts:
        for rule in dict.fromkeys([d.rule for d in part.docs if d.rule] + ([part.item] if part.item else [])):
            by_rule.setdefault(rule, []).append(part)
    rows = []
    for item in plan.items:
        files = []
        for part in by_rule.get(item.rule, []):
            pages = [d.page for d in part.docs if d.rule == item.rule] or [1]
            offsets = [part.offset + p - 1 if part.attached else part.offset for p in pages]
            files += [{"name": _text(plan, part.name), "offset": o} for o in offsets]
        quiet = item.status == "ok" and getattr(item, "by", None) != "review"  # a reviewer's name is shown
        message = "" if quiet else "；".join(dict.fromkeys(_text(plan, item.message).split("；")))
        rows.append({"rule": item.rule, "name": item.name, "status": item.status, "mark": MARKS[item.status],
                     "message": message, "files": files})
    return rows


UNSCANNED_NOTE = ("签字和公章尚未核验：生成本卷宗时未读取 {n} 个佐证材料文件的页面，相关各项标为“待复核”，"
                  "文书只按文件名和 PDF 标题识别。先运行 kcdocs audit 核验，再重新生成卷宗，本表即写明核验结论。")


def checklist_warning(plan: CasePlan) -> str | None:
    return UNSCANNED_NOTE.format(n=plan.unscanned) if plan.unscanned else None


def files(plan: CasePlan) -> list[dict]:
    rows = []
    for n, part in enumerate(plan.parts, 1):
        rows.append({"n": n, "name": _text(plan, part.name), "item": part.group, "offset": part.offset,
                     "pages": part.pages, "size": human_size(part.size), "sha256": part.sha256,
                     "problem": _text(plan, part.problem) if part.problem else None})
    return rows


def placeholders(plan: CasePlan) -> list[dict]:
    """One page for each file whose own pages cannot be in the dossier."""
    out = []
    for part in plan.parts:
        if part.attached:
            continue
        media = part.problem is None and part.kind == "media"
        rows = [["文件", _text(plan, part.name)], ["清单项", part.group], ["大小", human_size(part.size)],
                ["SHA-256", part.sha256 or "—"]]
        if part.problem is None and part.kind == "document":
            heading = "Word 文件"
            note = ("Word 文件不能直接并入卷宗（已按其中的文字识别材料），原文件保存在本案例的佐证材料文件夹中；"
                    "如需打印，请另存为 PDF 放入文件夹后重新生成卷宗。")
        elif media:
            heading = "录音录像文件"
            note = ("录音录像不能打印，原文件保存在本案例的佐证材料文件夹中留存备查；"
                    "可用上面的 SHA-256 核对文件是否被替换（kcdocs verify）。")
        else:
            heading = "无法读取的文件"
            rows.insert(1, ["原因", _text(plan, part.problem or "无法读取")])
            note = "该文件无法读取，未能附入卷宗。请重新扫描（PDF 不要设打开密码）后放回文件夹，再重新生成卷宗。"
        out.append({"offset": part.offset, "heading": heading, "rows": rows, "note": note})
    return out


def cover(plan: CasePlan) -> dict:
    case = plan.case
    state = plan.state
    review = "签字和公章尚未核验" if plan.unscanned else "须人工核验签字、公章等"
    state_text = {"完整": "卷宗结论：完整",
                  "待复核": f"卷宗结论：待复核（{plan.review_count} 项{review}）",
                  "不完整": f"卷宗结论：不完整（{len(plan.findings)} 个问题，见“四、清单核对”）"}[state]
    unreadable = sum(1 for p in plan.parts if p.problem)
    files_text = f"{len(plan.parts)} 个文件" + (f"，其中 {unreadable} 个无法读取" if unreadable else "")
    facts = [["台账编号", case.case_id], ["学生姓名", case.name], ["学校", _text(plan, case.school)],
             ["区（市）", _text(plan, case.district)], ["乡镇（街道）", _text(plan, case.township)],
             ["处置类型", f"{case.disposition} {plan.disposition_name}"], ["当前状态", _text(plan, case.status)],
             ["责任人", _text(plan, case.responsible)], ["佐证材料", files_text],
             ["稽核基准日", format_cn(plan.as_of)],
             ["生成时间", f"{format_cn(plan.generated.date())} {plan.generated:%H:%M}（kcdocs {plan.version}）"]]
    note = ("本卷宗由 kcdocs 根据台账和佐证材料文件夹自动汇编：佐证材料按清单顺序原样附后，图片按原像素无损转为页面，"
            "每页右下角加注页码标签，未改动材料内容。录音录像和无法读取的文件各有一页说明。"
            "各文件的 SHA-256 见“五、佐证材料目录”，输出文件夹中的 manifest.json 记录全部文件的 SHA-256，"
            "可用 kcdocs verify 核对卷宗和佐证材料是否被改动。")
    return {"kicker": "控辍保学 · 三细三实", "state_kind": STATE_KIND[state], "state_text": state_text,
            "facts": facts, "note": note}


def batch_payload(case_payloads: list[dict]) -> dict:
    """The template's data: the front matter of several cases, compiled together."""
    return {"title": TITLE, "cases": case_payloads}


def estimate_front_pages(payload: dict) -> int:
    """How many pages the front matter will take (a guess fitted on samples; the batch is
    compiled again for the cases where it was wrong): the cover and two pages hold about 30
    table rows after the case sheet, each further page about 38."""
    rows = (len(payload["items"]) + 1.6 * len(payload["files"]) + 1.5 * len(payload["attempts"])
            + sum(len(i["message"]) for i in payload["items"]) / 60 + (3 if payload["checklist_warning"] else 0))
    return 3 if rows < 30 else 4 + int((rows - 30) // 38)


def front_payload(plan: CasePlan, evidence_pages: int) -> dict:
    payload = {
        "title": TITLE, "case_id": plan.case_id, "name": plan.case.name,
        "cover": cover(plan), "sheet": sheet(plan), "reason": reason_blocks(plan),
        "attempts": attempts(plan),
        "attempts_note": "佐证材料按文件名中的次序（如“劝返记录2”“第3次”）对应；未写次序的按先后顺序对应，请核对。",
        "items": items(plan),
        "checklist_note": (f"按 {plan.case.disposition} {plan.disposition_name} 的清单逐项核对（稽核基准日 "
                           f"{format_cn(plan.as_of)}）。“待复核”表示签字、公章等须人工核验。"),
        "checklist_warning": checklist_warning(plan),
        "files": files(plan),
        "files_note": "本案例文件夹中的全部文件，按卷宗中的顺序排列；页码为本卷宗的页码。",
        "evidence_pages": evidence_pages, "evidence_files": len(plan.parts),
        "placeholders": placeholders(plan),
    }
    payload["front_pages"] = estimate_front_pages(payload)
    return payload
