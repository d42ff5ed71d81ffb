"""Table-driven pass/fail cases for every operator and every named condition."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kcdocs.checklists import CHECKS, OPERATORS, CaseContext, DocRef, Requirement
from kcdocs.idnumber import check_char
from kcdocs.ledger import Attempt, Case
from kcdocs.tabular import Problem

AS_OF = date(2020, 6, 15)


BAD_CELL = Problem("台账.xlsx", "“2019-02-30”不是存在的日期。", "学生台账", 7, "辍学日期", "2019-02-30", "请写成 2019-02-28。")


def idn(body17: str) -> str:
    return body17 + check_char(body17)


ID13 = idn("37040220070312003")  # born 2007-03-12, male (odd sequence)


def case(**kw) -> Case:
    base = dict(case_id="370402-2020-0001", name="李明", disposition="R0", id_number=ID13)
    base.update(kw)
    return Case.model_validate(base)


def doc(name, file=None, signatures=None, seals=None, colour=None) -> DocRef:
    return DocRef(file or f"c/{name}.jpg", name, "0" * 64, "filename", signatures=signatures, seals=seals,
                  colour=colour)


OTHER_ID = idn("37040220080520002")  # another child


def read(name, ids=(), names=(), dates=(), text="", file=None, confidence=0.95):
    """A document identified by OCR, with the facts read off it (kcdocs.ocr.content.facts)."""
    from kcdocs.ocr.documents import ReadDoc

    facts = {"ids": list(ids), "names": list(names), "dates": [list(d) for d in dates], "text": text}
    return ReadDoc(file or f"c/{name}.jpg", name, "0" * 64, "ocr", confidence=confidence, how="exact",
                   facts_json=json.dumps(facts, ensure_ascii=False))


def ctx(c=None, docs=(), media=(), duplicates=None, unreadable=()) -> CaseContext:
    return CaseContext(c or case(), AS_OF, list(docs), list(media), duplicates or {}, list(unreadable))


def attempts(n, result="无效", d="2020-01-0{}", **kw):
    return [Attempt(case_id="x", seq=i, date=date.fromisoformat(d.format(i)), method="入户",
                    participants=["张伟"], content="劝返", result=result, **kw) for i in range(1, n + 1)]


R = Requirement.model_validate

CASES = [
    # (operator, requirement, context, passes, kind when failing)
    ("document", {"document": "火化证明"}, ctx(docs=[doc("火化证明")]), True, None),
    ("document", {"document": "火化证明"}, ctx(docs=[doc("死亡医学证明")]), False, "missing"),
    ("any_of", {"any_of": ["火化证明", "死亡医学证明"]}, ctx(docs=[doc("死亡医学证明")]), True, None),
    ("any_of", {"any_of": ["火化证明", "死亡医学证明"]}, ctx(), False, "missing"),
    ("any_of", {"any_of": [{"min_count": {"of": "media"}}, {"field": {"name": "备注", "contains_any": ["录音"]}}]},
     ctx(case(note="录音存于乡镇档案室")), True, None),
    ("min_count", {"min_count": {"of": "劝返记录", "count": 2}}, ctx(docs=[doc("劝返记录", "a"), doc("劝返记录", "b")]),
     True, None),
    ("min_count", {"min_count": {"of": "劝返记录", "count": 2}}, ctx(docs=[doc("劝返记录")]), False, "missing"),
    ("min_count", {"min_count": {"of": "劝返记录", "per": "attempts"}},
     ctx(case(attempts=attempts(3)), docs=[doc("劝返记录", "a"), doc("劝返记录", "b")]), False, "missing"),
    ("min_count", {"min_count": {"of": "media"}}, ctx(media=["c/录音.mp3"]), True, None),
    ("min_count", {"min_count": {"of": "media"}}, ctx(), False, "missing"),
    ("field", {"field": "原因分析"}, ctx(case(reason="父母外出务工，长期无人监管。")), True, None),
    ("field", {"field": "原因分析"}, ctx(case(reason=None)), False, "data"),
    ("field", {"field": {"name": "原因分析", "placeholders": ["不详"]}}, ctx(case(reason=" 不详。")), False, "data"),
    ("field", {"field": {"name": "reason", "min_length": 8}}, ctx(case(reason="厌学")), False, "data"),
    ("field", {"field": {"name": "学籍号", "pattern": r"G\d{17}[\dX]", "equals": "G{id_number}"}},
     ctx(case(student_no="G" + ID13)), True, None),
    ("field", {"field": {"name": "学籍号", "pattern": r"G\d{17}[\dX]"}}, ctx(case(student_no="12345")), False, "data"),
    ("field", {"field": {"name": "学籍号", "equals": "G{id_number}"}},
     ctx(case(student_no="G" + idn("37040220070312005"))), False, "data"),
    ("field", {"field": {"name": "备注", "required": False}}, ctx(), True, None),
    ("field", {"field": {"name": "备注", "contains_any": ["录音", "视频"]}}, ctx(case(note="已家访")), False, "data"),
    ("condition", {"condition": "identity"}, ctx(), True, None),
    ("condition", {"condition": "identity"}, ctx(case(id_number=ID13[:-1] + ("0" if ID13[-1] != "0" else "1"))),
     False, "data"),
    ("signatures", {"signatures": {"document": "书面申请", "who": ["监护人"]}}, ctx(docs=[doc("书面申请")]), True, None),
    ("signatures", {"signatures": {"document": "书面申请", "who": ["监护人"]}}, ctx(), False, "missing"),
    ("signatures", {"signatures": {"document": "书面申请", "who": ["监护人", "学生本人"]}},
     ctx(docs=[doc("书面申请", signatures=1)]), False, "unsigned"),
    ("signatures", {"signatures": {"document": "书面申请", "who": ["监护人", "学生本人"]}},
     ctx(docs=[doc("书面申请", signatures=2)]), True, None),
    ("seal", {"seal": {"document": "批准意见", "by": "乡镇政府"}}, ctx(docs=[doc("批准意见")]), True, None),
    ("seal", {"seal": "批准意见"}, ctx(docs=[doc("批准意见", seals=0, colour=True)]), False, "unsealed"),
    ("seal", {"seal": "批准意见"}, ctx(docs=[doc("批准意见", seals=1, colour=True)]), True, None),
    ("seal", {"seal": "批准意见"}, ctx(), False, "missing"),
]


@pytest.mark.parametrize("op, raw, context, passes, kind", CASES,
                         ids=[f"{c[0]}-{'pass' if c[3] else 'fail'}-{n}" for n, c in enumerate(CASES)])
def test_operator(op, raw, context, passes, kind):
    req = R(raw)
    assert req.op == op
    check = req.evaluate(context)
    assert check.ok is passes, check.message
    if not passes:
        assert (check.kind or OPERATORS[op].kind) == kind
        assert check.message  # a Chinese explanation


def test_every_operator_has_a_pass_and_a_fail_case():
    covered = {(c[0], c[3]) for c in CASES}
    for name in OPERATORS:
        assert (name, True) in covered and (name, False) in covered, name


def test_unmeasured_signature_and_seal_go_to_review_not_silent_pass():
    check = R({"signatures": {"document": "书面申请", "who": ["监护人"]}}).evaluate(ctx(docs=[doc("书面申请")]))
    assert check.ok and len(check.reviews) == 1 and "待核验" in check.reviews[0].reason
    grey = R({"seal": "批准意见"}).evaluate(ctx(docs=[doc("批准意见", seals=0, colour=False)]))
    assert grey.ok and "灰度" in grey.reviews[0].reason  # not "missing": a grey scan cannot show red


COND = [
    # (check, args, context, passes)
    ("age", {"min": 6, "max": 15}, ctx(), True),
    ("age", {"min": 6, "max": 15}, ctx(case(id_number=idn("37040220030101001"))), False),
    ("age", {"min": 6, "max": 15}, ctx(case(id_number="bad", birth_date=date(2010, 1, 1))), True),
    ("age", {"min": 12, "on": "安置日期"}, ctx(case(placement_date=date(2020, 5, 1))), True),
    ("age", {"min": 12, "on": "安置日期"}, ctx(case(placement_date=date(2019, 3, 11))), False),
    ("age", {"min": 12, "on": "安置日期"}, ctx(case()), False),
    ("attempts", {"min": 3, "before": "安置日期"}, ctx(case(attempts=attempts(3), placement_date=date(2020, 2, 1))), True),
    ("attempts", {"min": 3, "before": "安置日期"}, ctx(case(attempts=attempts(3), placement_date=date(2020, 1, 2))), False),
    ("attempts", {"min": 3}, ctx(case(attempts=attempts(3, result="有效"))), False),
    ("attempt_details", {}, ctx(case(attempts=attempts(2))), True),
    ("attempt_details", {}, ctx(case(attempts=[Attempt(case_id="x", seq=1, date=date(2020, 1, 1))])), False),
    ("dates", {}, ctx(case(dropout_date=date(2019, 9, 1), attempts=attempts(2))), True),
    ("dates", {}, ctx(case(dropout_date=date(2020, 1, 5), attempts=attempts(2))), False),
    ("dates", {}, ctx(case(dropout_date=date(2019, 9, 1), return_date=date(2020, 7, 1))), False),
    ("dates", {}, ctx(case(dropout_date=date(2019, 9, 1), return_date=date(2019, 8, 1))), False),
    ("identity", {}, ctx(case(sex="女")), False),
    ("identity", {}, ctx(case(birth_date=date(2007, 3, 12), sex="男")), True),
    ("identity", {}, ctx(case(birth_date=date(2007, 3, 13))), False),
    ("identity", {}, ctx(case(id_number=None)), False),
    ("unique_evidence", {}, ctx(), True),
    ("unique_evidence", {}, ctx(duplicates={"a/x.jpg": [("370402-2020-0002", "b/x.jpg")]}), False),
    ("readable_evidence", {}, ctx(), True),
    ("readable_evidence", {}, ctx(unreadable=[("a/x.pdf", "PDF 文件已损坏")]), False),
    ("ledger_row", {}, ctx(), True),
    ("ledger_row", {}, ctx(case(problems=[BAD_CELL])), False),
    ("evidence_subject", {}, ctx(docs=[read("火化证明", ids=[ID13], names=["李明"])]), True),
    ("evidence_subject", {}, ctx(docs=[read("火化证明", ids=[OTHER_ID], names=["王芳"])]), False),
    ("evidence_subject", {}, ctx(docs=[read("火化证明", names=["王芳"], text="兹证明王芳于2020年3月1日火化")]), False),
    ("evidence_dates", {"rules": [{"document": "火化证明", "labels": ["火化日期"], "not_after": "核销日期"}]},
     ctx(case(writeoff_date=date(2020, 4, 1)), docs=[read("火化证明", dates=[["2020-03-01", "火化日期"]])]), True),
    ("evidence_dates", {"rules": [{"document": "火化证明", "labels": ["火化日期"], "not_after": "核销日期"}]},
     ctx(case(writeoff_date=date(2020, 2, 1)), docs=[read("火化证明", dates=[["2020-03-01", "火化日期"]])]), False),
]


@pytest.mark.parametrize("name, args, context, passes", COND,
                         ids=[f"{c[0]}-{'pass' if c[3] else 'fail'}-{n}" for n, c in enumerate(COND)])
def test_condition(name, args, context, passes):
    check = R({"condition": {"check": name, **args}}).evaluate(context)
    assert check.ok is passes, check.message
    if not passes:
        assert check.message


def test_every_condition_has_a_pass_and_a_fail_case():
    covered = {(c[0], c[3]) for c in COND}
    for name in CHECKS:
        assert (name, True) in covered and (name, False) in covered, name


@pytest.mark.parametrize("raw, words", [
    ({"documnt": "x"}, "未知的要求类型"),
    ({"document": "x", "seal": "y"}, "只有一个键"),
    ({"field": "不存在的列"}, "没有“不存在的列”"),
    ({"condition": "no_such_check"}, "未知的条件"),
    ({"condition": {"check": "age", "on": "没有这列"}}, "没有“没有这列”"),
    ({"min_count": {"of": "劝返记录", "count": 0}}, "greater than or equal"),
    ({"field": {"name": "学籍号", "pattern": "G[0-9"}}, "正则表达式"),
])
def test_bad_requirements_are_rejected(raw, words):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        R(raw)
    assert words in str(info.value)
