"""What each form says: facts, sections, signers — built from a ledger case (pure functions)."""

from __future__ import annotations

import unicodedata

from kcdocs import dates, idnumber
from kcdocs.ledger import Attempt, Case, CaseType, label
from kcdocs.marks.layout import Signer

CONTENT_HEIGHT_MM = 165  # room above the first page's signature grid (38 mm … 203 mm)


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


def _masked(case: Case) -> str:
    return idnumber.mask(case.id_number) if case.id_number else ""


def _date(value) -> str:
    return dates.format_cn(value) if value else ""


def case_facts(case: Case) -> list[list[str]]:
    return [
        ["台账编号", case.case_id], ["学生姓名", case.name],
        ["性别", case.sex or ""], ["身份证号", _masked(case)],
        ["学校", case.school or ""], ["年级", case.grade or ""],
        ["监护人", case.guardian or ""], ["联系电话", case.phone or ""],
    ]


def persuasion_record(case: Case, attempt: Attempt) -> dict:
    signers = [Signer("staff", "工作人员签字", name) for name in attempt.participants]
    signers.append(Signer("guardian", "监护人签字", case.guardian or ""))
    return {
        "form": "persuasion-record",
        "title": "劝返复学工作记录表",
        "subtitle": f"第{attempt.seq}次劝返",
        "seq": attempt.seq,
        "facts": case_facts(case) + [
            ["劝返日期", _date(attempt.date)], ["劝返方式", label(attempt.method)],
            ["参与人员", "、".join(attempt.participants)], ["劝返结果", label(attempt.result)],
        ],
        "sections": [
            {"heading": "劝返内容", "text": attempt.content or "", "lines": 0 if attempt.content else 6},
            {"heading": "学生及监护人态度、意见", "lines": 2},
            {"heading": "下一步措施", "lines": 2},
        ],
        "statement": "以上记录属实。参与劝返的工作人员逐一签字确认，监护人签字确认。",
        "signers": signers,
    }


def application(case: Case, province: str) -> dict:
    """P1: guardian and child apply for vocational school; W7: guardian applies to defer/suspend."""
    masked = _masked(case)
    who = f"{case.name}" + (f"（身份证号{masked}）" if masked else "")
    if case.disposition == "P1":
        text = (f"我是{who}的父母（法定监护人）{case.guardian or '＿＿＿＿'}。{case.name}"
                f"{('属' + label(case.history) + '情形，') if case.history else ''}经多次劝返教育，"
                f"监护人和{case.name}本人同意到中等职业学校接受教育，学籍编入义务教育学校，正常滚动。"
                "我们将配合学校做好思想教育和学习管理。特此申请。")
        signers = [Signer("guardian", "监护人签字", case.guardian or ""), Signer("child", "学生本人签字", case.name)]
        title, addressee = "书面申请", f"{case.school or '＿＿＿＿学校'}："
    else:
        deferral = case.case_type == CaseType.NEVER_ENROLLED
        kind = "延缓入学" if deferral else "休学"
        cause = (case.writeoff_reason or case.reason or "＿＿＿＿＿＿＿＿").rstrip("。；;，,.")
        text = (f"我是{who}的父母（法定监护人）{case.guardian or '＿＿＿＿'}。{case.name}因{cause}，"
                f"按照《{province}义务教育条例》和学籍管理有关规定，申请{kind}。"
                "附：县（市、区）教育行政部门指定医疗机构的检查证明。特此申请。")
        signers = [Signer("guardian", "监护人签字", case.guardian or "")]
        title = f"{kind}申请书"
        addressee = f"{case.township or '＿＿＿＿'}人民政府、{case.district or '＿＿'}教育和体育局："
    return {
        "form": "application", "title": title, "subtitle": None, "seq": 0,
        "facts": [],
        "sections": [{"heading": addressee, "text": text, "lines": 0}],
        "statement": "申请日期：　　　　年　　月　　日",
        "signers": signers,
    }


def education_plan(case: Case) -> dict:
    helper = case.care_contact or case.responsible or ""
    return {
        "form": "education-plan", "title": "个性化教育方案", "subtitle": "（引导至中职学校接受教育）", "seq": 0,
        "facts": case_facts(case)[:6] + [
            ["辍学情形", label(case.history)], ["安置日期", _date(case.placement_date)],
            ["帮包责任人", helper], ["责任人", case.responsible or ""],
        ],
        "sections": [
            {"heading": "一、在学帮包责任人及职责", "text": f"在学帮包责任人：{helper}。" if helper else "", "lines": 2},
            {"heading": "二、教学计划方案（思想法制教育、义务教育授课基本知识、职业技能培训内容）",
             "text": case.plan or "", "lines": 4},
            {"heading": "三、落实保障措施", "lines": 4},
        ],
        "statement": None,
        "signers": [Signer("helper", "帮包责任人签字", helper)],
    }
