"""What each form says: facts, sections, signers — built from a ledger case (pure functions).

A document is a dict for templates/lib/forms.typ: ``kind`` "form" (facts table and sections)
or "letter" (addressee, paragraphs, closing, attachments), its signers, and for a unit's
letter the ``signoff`` printed on the seal area. The P2 legal path's documents are in
:mod:`kcdocs.forms.legal`.
"""

from __future__ import annotations

import re
import unicodedata

from kcdocs import dates, idnumber
from kcdocs.ledger import Attempt, Case, CaseType, label
from kcdocs.marks.layout import Signer

BLANK = "＿＿＿＿＿＿"  # a word the guardian or clerk writes in by hand
TIME_SPAN = "　 时　 分至　 时　 分"

# Text (characters) that surely fits the first page at 12 pt beside the fixed parts of a form.
LONG_TEXT = 450


def is_long(doc: dict) -> bool:
    """Whether a document's texts might not fit its content area at full size."""
    text = sum(len(s.get("text") or "") + 40 * s.get("lines", 0) for s in doc["sections"])
    return text + 40 * len(doc["facts"]) // 2 > LONG_TEXT + 40 * 6


# Width of a value cell (61 mm less its insets) in ems of full-size (12 pt) text; the template
# sets wider values in a cell of their own at a smaller size.
FACT_VALUE_EMS = 13.0


def text_ems(text: str) -> float:
    """Estimated width of ``text`` in ems: a CJK (wide) character is 1 em, any other at most 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def wide_facts(facts: list[list[str]]) -> list[int]:
    """Indexes of the facts whose values might not fit one line of their cell at full size."""
    # No character is wider than 1 em: short values need no closer look (the common case).
    return [i for i, (_, value) in enumerate(facts) if len(value) > FACT_VALUE_EMS and text_ems(value) > FACT_VALUE_EMS]


def fact_columns(facts: list[list[str]], wide: list[int]) -> list[str]:
    """The facts table's four columns (left labels, left values, right labels, right values),
    each one text with a line per row; ``wide`` values are left blank (set on their own)."""
    values = ["" if i in wide else value for i, (_, value) in enumerate(facts)]
    labels = [label for label, _ in facts]
    return ["\n".join(column[side::2]) for side in (0, 1) for column in (labels, values)]


def id_text(case: Case, mask: bool) -> str:
    """The child's ID number as the form prints it: in full on a form a guardian signs (the
    default), masked (``370402********0039``) with ``--mask-ids``."""
    if not case.id_number:
        return ""
    return idnumber.mask(case.id_number) if mask else idnumber.normalize(case.id_number)


def date_cn(value) -> str:
    return dates.format_cn(value) if value else ""


def case_facts(case: Case, mask: bool = False) -> list[list[str]]:
    return [
        ["台账编号", case.case_id], ["学生姓名", case.name],
        ["性别", case.sex or ""], ["身份证号", id_text(case, mask)],
        ["学校", case.school or ""], ["年级", case.grade or ""],
        ["监护人", case.guardian or ""], ["联系电话", case.phone or ""],
    ]


def child_with_id(case: Case, mask: bool) -> str:
    """``韩梅（公民身份号码：370402200601010023）``, or the name alone without an ID."""
    number = id_text(case, mask)
    return f"{case.name}（公民身份号码：{number}）" if number else case.name


def persuasion_record(case: Case, attempt: Attempt, mask: bool = False) -> dict:
    signers = [Signer("staff", "工作人员签字", name) for name in attempt.participants]
    signers.append(Signer("guardian", "监护人签字", case.guardian or ""))
    return {
        "form": "persuasion-record", "kind": "form",
        "title": "劝返复学工作记录表",
        "subtitle": f"第{attempt.seq}次劝返",
        "seq": attempt.seq,
        "facts": case_facts(case, mask) + [
            ["劝返日期", date_cn(attempt.date)], ["起止时间", TIME_SPAN],
            ["劝返方式", label(attempt.method)], ["地点", ""],
            ["参与人员", "、".join(attempt.participants)], ["记录人", ""],
            ["劝返结果", label(attempt.result)], ["录音录像号", ""],
        ],
        "sections": [
            {"heading": "劝返内容", "text": attempt.content or "", "lines": 0 if attempt.content else 3,
             "fill": 0 if attempt.content else 1},
            {"heading": "学生及监护人态度、意见", "lines": 3, "fill": 1},
            {"heading": "下一步措施", "lines": 2, "fill": 1},
        ],
        "statement": "以上记录属实。参与劝返的工作人员逐一签字确认材料真实性，监护人签字确认；"
                     "劝返录音、录像按编号留存备查。",
        "signers": signers,
    }


_APPLIED = re.compile(r"[，,；;]?\s*(?:现|特)?申请(?:休学|延缓入学|缓学)([^，,。；;]*)")


def deferral_cause(case: Case) -> tuple[str, str]:
    """(cause, period) of a W7 application from the ledger's words: "患白血病住院治疗，申请休学一年"
    gives ("患白血病住院治疗", "一年") — the letter says 申请休学 once, in its own sentence."""
    text = (case.writeoff_reason or case.reason or "").strip().rstrip("。；;，,.")
    found = _APPLIED.search(text)
    period = found.group(1).strip() if found else ""
    cause = _APPLIED.sub("", text).strip("，,；; ")
    cause = cause[1:] if cause.startswith("因") else cause
    return cause, period


def application(case: Case, province: str, mask: bool = False) -> dict:
    """P1: guardian and child apply for vocational school; W7: guardian applies to defer/suspend."""
    guardian = case.guardian or BLANK
    intro = f"申请人{guardian}，系{child_with_id(case, mask)}的法定监护人。"
    doc = {"form": "application", "kind": "letter", "subtitle": None, "seq": 0, "facts": [], "sections": [],
           "closing": ["特此申请。"], "statement": None}
    if case.disposition == "P1":
        history = f"{label(case.history)}，" if case.history else ""
        doc.update(
            title="引导至中等职业学校接受教育申请书",
            addressee=f"{case.school or BLANK + '学校'}：",
            paragraphs=[intro + f"{case.name}{history}经学校和有关部门多次劝返教育，仍不愿回原学校就读。",
                        f"经家庭商量，{case.name}本人和监护人同意到中等职业学校接受教育，学籍保留在义务教育学校，"
                        "正常滚动。我们将配合学校做好思想教育和学习管理，保证孩子按时到校、完成学业。"],
            attachments=[],
            signers=[Signer("guardian", "申请人（监护人）签字", case.guardian or ""),
                     Signer("child", "学生本人签字", case.name)])
        return doc
    kind = "延缓入学" if case.case_type == CaseType.NEVER_ENROLLED else "休学"
    cause, period = deferral_cause(case)
    situation = f"因{cause}，" if cause else f"因{BLANK}，"
    unable = "暂不能按时入学" if kind == "延缓入学" else "暂不能正常在校学习"
    doc.update(
        title=f"{kind}申请书",
        addressee=f"{case.township or BLANK}人民政府、{case.district or BLANK}教育和体育局：",
        paragraphs=[intro + f"{case.name}{situation}{unable}。",
                    f"根据《{province}义务教育条例》和中小学生学籍管理有关规定，现申请{case.name}{kind}"
                    f"{period or '（期限：　　年　　月至　　年　　月）'}。{kind}期满后，我们将按时送其"
                    f"{'入学' if kind == '延缓入学' else '复学'}。"],
        attachments=["县（市、区）教育行政部门指定医疗机构的检查证明"],
        signers=[Signer("guardian", "申请人（监护人）签字", case.guardian or "")])
    return doc


def education_plan(case: Case, mask: bool = False) -> dict:
    helper = case.care_contact or case.responsible or ""
    return {
        "form": "education-plan", "kind": "form", "title": "个性化教育方案",
        "subtitle": "（引导至中等职业学校接受教育）", "seq": 0,
        "facts": case_facts(case, mask)[:6] + [
            ["辍学情形", label(case.history)], ["安置日期", date_cn(case.placement_date)],
            ["帮包责任人", helper], ["责任人", case.responsible or ""],
        ],
        "sections": [
            {"heading": "一、在学帮包责任人及职责", "text": f"在学帮包责任人：{helper}。" if helper else "",
             "lines": 2, "fill": 1},
            {"heading": "二、教学计划方案（思想法制教育、义务教育授课基本知识、职业技能培训内容）",
             "text": case.plan or "", "lines": 4, "fill": 2},
            {"heading": "三、落实保障措施", "lines": 3, "fill": 1},
        ],
        "statement": None,
        "signers": [Signer("helper", "帮包责任人签字", helper)],
    }
