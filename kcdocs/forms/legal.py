"""The P2 legal path's documents (枣教字〔2020〕16号 三(三)) and the 逾期未报到 催报 notice (三(一)).

批评教育记录 (a record the guardian signs), 责令限期改正通知书 (to the guardian: legal basis,
deadline, consequence), 提请发放司法文书的函 (from the bureau to the court, with the case's
history of persuasion), 逾期未报到催报通知书 (to the guardian of a child who did not report
after a 复学通知书). Pure functions from a ledger case to template data (see content.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kcdocs.forms.content import BLANK, TIME_SPAN, case_facts, child_with_id, date_cn
from kcdocs.ledger import Case, CaseType, Status, label
from kcdocs.marks.layout import Signer

LAW = "《中华人民共和国义务教育法》"
ARTICLE_5 = "适龄儿童、少年的父母或者其他法定监护人应当依法保证其按时入学接受并完成义务教育。"
ARTICLE_58 = ("适龄儿童、少年的父母或者其他法定监护人无正当理由未依照本法规定送适龄儿童、少年入学接受义务教育的，"
              "由当地乡镇人民政府或者县级人民政府教育行政部门给予批评教育，责令限期改正。")
DEFAULT_PERIOD = "自收到本通知书之日起七日内"
DATE_BLANK = "　　年　　月　　日"
OPEN = (None, Status.NOT_STARTED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class LetterContext:
    """What the ledger does not say: who issues, when, by when, to whom."""

    province: str = "山东省"
    unit: str | None = None  # 发文单位 (the bureau)
    issue_date: dt.date | None = None  # 落款日期; blank to write by hand when None
    deadline: dt.date | None = None  # 责令/催报 deadline; None: DEFAULT_PERIOD
    court: str | None = None  # 提请函 addressee
    mask: bool = False
    as_of: dt.date | None = None  # 催报: overdue as of this day
    overdue_days: int = 7  # 催报: days after the 复学通知书 after which a child is overdue


def _signoff(ctx: LetterContext) -> dict:
    return {"unit": ctx.unit or BLANK + BLANK, "date": date_cn(ctx.issue_date) or DATE_BLANK}


def _by_when(ctx: LetterContext) -> str:
    return f"于{date_cn(ctx.deadline)}前" if ctx.deadline else DEFAULT_PERIOD


def _enter(case: Case) -> str:
    return "入学" if case.case_type == CaseType.NEVER_ENROLLED else "复学"


def _situation(case: Case) -> str:
    """``原在峄城区示例中学初二就读，自2019年9月1日起未到校`` (or never enrolled)."""
    if case.case_type == CaseType.NEVER_ENROLLED:
        return "已达到接受义务教育年龄，至今未入学"
    since = f"自{date_cn(case.dropout_date)}起" if case.dropout_date else ""
    where = f"原在{case.school}{case.grade or ''}就读，" if case.school else ""
    return f"{where}{since}未到校就读"


def _attempts_sentence(case: Case) -> str:
    done = [a for a in case.attempts if a.date]
    if not case.attempts:
        return "经学校和有关部门劝返教育"
    first = f"{date_cn(min(a.date for a in done))}以来，" if done else ""
    return f"{first}学校和有关部门先后{len(case.attempts)}次开展劝返教育"


def criticism_record(case: Case, ctx: LetterContext) -> dict:
    staff = [Signer("staff", "工作人员签字", case.responsible or ""), Signer("staff", "工作人员签字", "")]
    return {
        "form": "criticism-record", "kind": "form", "title": "批评教育记录", "subtitle": "（强制入学）", "seq": 0,
        "facts": case_facts(case, ctx.mask) + [
            ["时间", DATE_BLANK], ["起止时间", TIME_SPAN],
            ["地点", ""], ["记录人", ""],
            ["实施单位", ctx.unit or ""], ["参加人员", ""],
        ],
        "sections": [
            {"heading": "基本情况", "text": f"{case.name}{_situation(case)}。{_attempts_sentence(case)}，"
                                        f"监护人{case.guardian or BLANK}仍未送其{_enter(case)}。"},
            {"heading": "批评教育内容",
             "text": f"向监护人宣讲{LAW}第五条、第五十八条和《{ctx.province}义务教育条例》有关规定，指出其无正当理由"
                     f"未送{case.name}接受义务教育违反法律规定，要求其履行法定义务，送{case.name}到校就读。",
             "lines": 2, "fill": 1},
            {"heading": "监护人态度及表态", "lines": 3, "fill": 1},
        ],
        "statement": "以上记录经监护人核对无误。工作人员和监护人签字确认。",
        "signers": [*staff, Signer("guardian", "监护人签字", case.guardian or "")],
    }


def _served_signers(case: Case) -> list[Signer]:
    return [Signer("guardian", "受送达人（监护人）签收", case.guardian or ""), Signer("server", "送达人签字", "")]


def correction_order(case: Case, ctx: LetterContext) -> dict:
    year = ctx.issue_date.year if ctx.issue_date else "　　　"
    where = f"到{case.school}" if case.school else ""
    return {
        "form": "correction-order", "kind": "letter", "title": "责令限期改正通知书", "subtitle": None, "seq": 0,
        "doc_no": f"〔{year}〕第　　号", "facts": [], "sections": [],
        "addressee": f"{case.guardian or BLANK}（{case.name}的父母或法定监护人）：",
        "paragraphs": [
            f"经查，你的子女（被监护人）{child_with_id(case, ctx.mask)}{_situation(case)}。{_attempts_sentence(case)}，"
            f"你至今仍未送其{_enter(case)}接受义务教育。",
            f"{LAW}第五条规定：“{ARTICLE_5}”第五十八条规定：“{ARTICLE_58}”依据上述规定和《{ctx.province}义务教育条例》"
            f"有关规定，现责令你{_by_when(ctx)}送{case.name}{where}报到{_enter(case)}。",
            "逾期不改正的，将提请司法部门依法发放相关司法文书，敦促你送被监护人接受义务教育；"
            "情节严重或者构成犯罪的，依法追究法律责任。",
            f"如有困难，请及时与{case.school or '学校'}或{case.township or '乡镇（街道）'}人民政府联系"
            f"（联系人：{case.responsible or BLANK}）。",
        ],
        "closing": ["特此通知。"],
        "signoff": _signoff(ctx),
        "signers": _served_signers(case),
    }


def attempts_table(case: Case) -> dict:
    rows = [[f"第{a.seq}次", date_cn(a.date), label(a.method), "、".join(a.participants), a.content or "",
             label(a.result)] for a in case.attempts]
    return {"head": ["次数", "日期", "方式", "参与人员", "劝返内容", "结果"], "widths": [1.1, 2.9, 1, 2.2, 4, 1.1],
            "rows": rows}


def judicial_request(case: Case, ctx: LetterContext) -> dict:
    steps = ("，并依法对监护人给予批评教育、责令限期改正" if case.measure is not None else "")
    sections = ([{"heading": "附表：历次劝返情况", "table": attempts_table(case)}] if case.attempts else
                [{"heading": "附表：历次劝返情况", "text": "台账「劝返记录」中没有该个案的劝返记录。"}])
    where = f"，家住{case.township or ''}{case.village or ''}" if case.township or case.village else ""
    return {
        "form": "judicial-request", "kind": "letter", "title": "关于提请依法发放司法文书的函", "subtitle": None,
        "seq": 0, "doc_no": None, "facts": [], "sections": sections,
        "addressee": f"{ctx.court or BLANK + '人民法院'}：",
        "paragraphs": [
            f"适龄{'儿童' if case.case_type == CaseType.NEVER_ENROLLED else '少年'}{child_with_id(case, ctx.mask)}"
            f"{('，' + case.sex) if case.sex else ''}{where}，{_situation(case)}。其法定监护人{case.guardian or BLANK}"
            f"{('（联系电话：' + case.phone + '）') if case.phone else ''}无正当理由未送其{_enter(case)}接受义务教育。",
            f"{_attempts_sentence(case)}（见附表）{steps}，监护人逾期仍未改正。",
            f"为保障{case.name}接受义务教育的权利，根据{LAW}第五条、第五十八条和《{ctx.province}义务教育条例》有关规定，"
            f"特提请贵院依法向{case.guardian or '其监护人'}发放相关司法文书，敦促其送被监护人接受义务教育。",
        ],
        "closing": ["特此函告，请予支持。", f"联系人：{case.responsible or BLANK}　　联系电话：{BLANK}"],
        "attachments": [f"1. 劝返复学工作记录表（{len(case.attempts)}份）", "2. 批评教育记录",
                        "3. 责令限期改正通知书及送达回证"],
        "signoff": _signoff(ctx),
        "signers": [Signer("staff", "经办人签字", case.responsible or ""), Signer("principal", "单位负责人签字", "")],
    }


def is_overdue(case: Case, ctx: LetterContext) -> bool:
    """Sent a 复学通知书 at least ``overdue_days`` before ``as_of``, not back and not closed."""
    if case.return_notice_date is None or case.return_date is not None or case.status not in OPEN:
        return False
    as_of = ctx.as_of or dt.date.today()
    return (as_of - case.return_notice_date).days >= ctx.overdue_days


def overdue_reminder(case: Case, ctx: LetterContext) -> dict:
    as_of = ctx.as_of or dt.date.today()
    school = case.school or "学校"
    return {
        "form": "overdue-reminder", "kind": "letter", "title": "逾期未报到催报通知书", "subtitle": None, "seq": 0,
        "doc_no": None, "facts": [], "sections": [],
        "addressee": f"{case.guardian or BLANK}（{case.name}的父母或法定监护人）：",
        "paragraphs": [
            f"{date_cn(case.return_notice_date)}，已向你下达《义务教育复学通知书》，请你送孩子（被监护人）{case.name}"
            f"到{school}报到入读。截至{date_cn(as_of)}，{case.name}仍未到校报到。",
            f"接受义务教育是法律赋予每个适龄儿童、少年的权利和义务。请你{_by_when(ctx)}送{case.name}到{school}报到；"
            "如有困难或特殊情况，请及时向学校说明。",
            f"无正当理由逾期仍不送其入学的，将依照{LAW}第五十八条给予批评教育，责令限期改正。",
        ],
        "closing": ["特此催告。"],
        "tail": {"heading": "未报到原因（送达时了解情况后填写）", "lines": 3},
        "signoff": _signoff(ctx),
        "signers": _served_signers(case),
    }
