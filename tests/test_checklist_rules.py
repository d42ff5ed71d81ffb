"""Every rule id of domain.md: at least one passing and one failing case, run through the
built-in checklist item (so the YAML, not only the operator, is under test)."""

from __future__ import annotations

from datetime import date

import pytest

from kcdocs.checklists import load_checklists
from test_checklist_operators import BAD_CELL, ID13, OTHER_ID, attempts, case, ctx, doc, idn, read

PLACED = dict(placement_date=date(2020, 5, 1), attempts=attempts(3))
RULES = [
    ("C.subject", ctx(docs=[read("火化证明", ids=[ID13])]), ctx(docs=[read("火化证明", ids=[OTHER_ID])]), "data"),
    ("C.evidence_dates",
     ctx(case(writeoff_date=date(2020, 4, 1)), docs=[read("火化证明", dates=[["2020-03-01", "火化日期"]])]),
     ctx(case(writeoff_date=date(2020, 2, 1)), docs=[read("火化证明", dates=[["2020-03-01", "火化日期"]])]), "data"),
    # (rule, passing context, failing context, finding kind)
    ("C.reason", ctx(case(reason="父母外出务工，随祖父母生活，厌学。")), ctx(case(reason="其他")), "data"),
    ("C.reason", ctx(case(reason="家里经济困难，需要照顾弟妹。")), ctx(case(reason="厌学")), "data"),
    ("C.identity", ctx(), ctx(case(id_number="370402200703120031")), "data"),
    ("C.age", ctx(), ctx(case(id_number=idn("37040220150101001"))), "data"),
    ("W.reason", ctx(case(writeoff_reason="已死亡，见火化证明")), ctx(case(writeoff_reason="无")), "data"),
    ("W1.household_correction", ctx(docs=[doc("户口信息更正证明")]), ctx(), "missing"),
    ("W2.duplicate_cancellation", ctx(docs=[doc("重复户籍注销证明")]), ctx(docs=[doc("户口注销证明")]), "missing"),
    ("W3.police_confirmation", ctx(docs=[doc("失踪失联情况说明")]), ctx(), "missing"),
    ("W4.death_proof", ctx(docs=[doc("户口注销证明")]), ctx(docs=[doc("劝返记录")]), "missing"),
    ("W5.expert_appraisal", ctx(docs=[doc("残疾人教育专家委员会鉴定证明")]),
     ctx(docs=[doc("残疾人教育专家委员会鉴定证明", signatures=1)]), "unsigned"),
    ("W6.student_record", ctx(case(student_no="G" + ID13)), ctx(case(student_no=None)), "data"),
    ("W7.guardian_application", ctx(docs=[doc("书面申请")]), ctx(), "missing"),
    ("W7.medical_proof", ctx(docs=[doc("医疗机构检查证明")]), ctx(), "missing"),
    ("W7.approval", ctx(docs=[doc("批准意见", seals=1)]), ctx(docs=[doc("批准意见", seals=0)]), "unsealed"),
    ("P1.age", ctx(case(**PLACED)), ctx(case(placement_date=date(2019, 1, 1))), "condition"),
    ("P1.history", ctx(case(history="极度厌学")), ctx(case()), "condition"),
    ("P1.attempts", ctx(case(**PLACED)), ctx(case(placement_date=date(2020, 5, 1), attempts=attempts(2))),
     "condition"),
    ("P1.consent", ctx(docs=[doc("书面申请")]), ctx(), "condition"),
    ("P1.persuasion_records", ctx(case(**PLACED), docs=[doc("劝返记录", str(i)) for i in range(3)]),
     ctx(case(**PLACED), docs=[doc("劝返记录")]), "missing"),
    ("P1.application", ctx(docs=[doc("书面申请")]), ctx(), "missing"),
    ("P1.education_plan", ctx(docs=[doc("个性化教育方案")]), ctx(), "missing"),
    ("P1.acceptance", ctx(docs=[doc("中职学校接收证明")]), ctx(), "missing"),
    ("P1.media", ctx(media=["c/录音.m4a"]), ctx(case(note="已安置")), "missing"),
    ("P2.measure", ctx(case(measure="责令限期改正")), ctx(), "data"),
    ("P2.persuasion_records", ctx(docs=[doc("劝返记录")]), ctx(), "missing"),
    ("P2.enforcement_records", ctx(docs=[doc("司法文书")]), ctx(docs=[doc("劝返记录")]), "missing"),
    ("R0.plan", ctx(docs=[doc("劝返方案")]), ctx(case(plan="暂无")), "missing"),
    ("R0.return_notice", ctx(case(return_notice_date=date(2020, 3, 1))), ctx(), "data"),
    ("R0.persuasion_records", ctx(docs=[doc("劝返记录")]), ctx(docs=[doc("复学通知书")]), "missing"),
    ("R0.care", ctx(case(status="已复学", care_contact="王丽")), ctx(case(status="已复学")), "data"),
    ("L.process_detail", ctx(case(attempts=attempts(2))),
     ctx(case(attempts=[attempts(1)[0].model_copy(update={"participants": [], "method": None})])), "data"),
    ("L.dates", ctx(case(dropout_date=date(2019, 12, 1), attempts=attempts(2))),
     ctx(case(dropout_date=date(2019, 12, 1), attempts=attempts(1, d="2020-07-0{}"))), "data"),
    ("L.duplicate_evidence", ctx(), ctx(duplicates={"a/1.jpg": [("370481-2020-0004", "b/1.jpg")]}), "duplicate"),
    ("L.readable", ctx(), ctx(unreadable=[("a/扫描件.pdf", "PDF 已加密")]), "unreadable"),
    ("L.ledger_row", ctx(), ctx(case(problems=[BAD_CELL])), "data"),
]


@pytest.fixture(scope="module")
def checklists():
    return load_checklists()


@pytest.mark.parametrize("rule, good, bad, kind", RULES, ids=[f"{r[0]}-{n}" for n, r in enumerate(RULES)])
def test_rule_passes_and_fails(checklists, rule, good, bad, kind):
    item = checklists.item(rule)
    assert item is not None, rule
    passed = item.run(good)
    assert passed.ok, passed.failure and passed.failure.message
    failed = item.run(bad)
    assert not failed.ok
    assert failed.kind == kind
    assert failed.failure.message


def test_every_rule_of_the_checklists_is_exercised(checklists):
    assert {r[0] for r in RULES} == {i.id for i in checklists.all_items()}


def test_r0_care_does_not_apply_before_return(checklists):
    item = checklists.item("R0.care")
    assert item.applies(ctx(case(status="已复学")))
    assert not item.applies(ctx(case(status="劝返中")))


def test_signature_rules_are_reviewed_until_measurable(checklists):
    run = checklists.item("P1.persuasion_records").run(ctx(docs=[doc("劝返记录")]))
    assert run.ok and [r.rule for r in run.reviews] == ["P1.persuasion_records"]
