"""Build notices: validate the roster, render one PDF, optionally Word files and rejects."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict

from kcdocs import dates
from kcdocs.config import Config
from kcdocs.defs import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN
from kcdocs.errors import DataProblems
from kcdocs.idnumber import parse as parse_id
from kcdocs.marks.layout import Signer, paginate
from kcdocs.marks.payload import PagePayload
from kcdocs.notices.roster import ROSTER_SCHEMA, RosterRow
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer
from kcdocs.tabular import Problem, RawRow, load_table
from kcdocs.tabular.writer import write_rejected

NoticeKind = Literal["enrollment", "return"]
NOTICE_TITLES = {"enrollment": "入学通知书", "return": "复学通知书"}
TEMPLATES = {"enrollment": "notices/enrollment.typ", "return": "notices/return.typ"}
# A school name ending in one of these already names the school; otherwise the
# form's word 学校 follows it (枣庄八中 → 枣庄八中, 实验小学 → 实验小学, 育才 → 育才学校).
SCHOOL_ENDINGS = ("学", "校", "中", "小", "院", "部", "园")


class NoticeOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: NoticeKind
    roster: Path
    output: Path
    docx_dir: Path | None = None
    unit: str | None = None
    issue_date: date | None = None
    deadline: date | None = None
    skip_invalid: bool = False
    sheet: str | None = None
    receipt: bool = False  # add a tear-off 送达回执 with QR and signature boxes (复学通知书)
    config: Config = Config()
    today: date | None = None


@dataclass
class NoticeResult:
    kind: NoticeKind
    output: Path
    count: int
    rows_total: int
    fonts: str
    seconds: float
    problems: list[Problem] = field(default_factory=list)
    rejected_path: Path | None = None
    rejected_count: int = 0
    docx_count: int = 0

    @property
    def title(self) -> str:
        return NOTICE_TITLES[self.kind]


def school_word(school: str) -> str:
    return "" if school.endswith(SCHOOL_ENDINGS) else "学校"


def notice_record(row: RosterRow) -> dict:
    """The fields one notice prints, as the template expects them."""
    return {
        "guardian": row.guardian_name,
        "child": row.student_name,
        "month": str(row.deadline.month),
        "day": str(row.deadline.day),
        "school": row.school,
        "school_word": school_word(row.school),
        "unit": row.unit,
        "date": dates.format_cn(row.issue_date),
    }


def age_reference(kind: NoticeKind, deadline: date, cutoff: str) -> date:
    """Enrollment: the cut-off day of the intake year (default 31 August); return: the deadline."""
    if kind == "enrollment":
        month, day = dates.parse_month_day(cutoff)
        return date(deadline.year, month, day)
    return deadline


def receipt_data(kind: NoticeKind, row: RosterRow, seq: int) -> dict:
    """The 送达回执 of one notice: its page layout (registry form "receipt") and QR payload."""
    signers = [Signer("guardian", "受送达人签字", row.guardian_name), Signer("server", "送达人签字", "")]
    (layout,) = paginate("receipt", signers)
    subject = re.sub(r"[|\s]", "", row.case_id or "") or "未编号"
    payload = PagePayload("receipt", subject, seq, 1, 1, len(layout.signatures))
    return {"document": f"义务教育{NOTICE_TITLES[kind]}", "page": dict(layout.as_dict(), qr_text=payload.encode())}


def roster_check(kind: NoticeKind, cutoff: str):
    """Checks across the fields of one roster row (deadline vs issue date, age from the ID)."""
    def check(data: dict, raw: RawRow):
        found = []
        deadline, issued = data.get("deadline"), data.get("issue_date")
        if deadline and issued and deadline < issued:
            found.append(("deadline", f"报到截止日期{deadline.isoformat()}早于落款日期{issued.isoformat()}。",
                          "请核对截止日期（或用 --date 改落款日期）。", "error"))
        if data.get("id_number") and deadline:
            ref = age_reference(kind, deadline, cutoff)
            age = dates.age_on(parse_id(data["id_number"]).birth_date, ref)
            if not SCHOOL_AGE_MIN <= age <= SCHOOL_AGE_MAX:
                found.append(("id_number", f"按身份证号，孩子在{dates.format_cn(ref)}为{age}周岁，不在义务教育适龄范围"
                              f"（{SCHOOL_AGE_MIN}—{SCHOOL_AGE_MAX}周岁）。", "请核对身份证号和姓名。", "warning"))
        return found

    return check


def make_notices(opts: NoticeOptions, progress: Callable[[int, int], None] | None = None) -> NoticeResult:
    """Validate the roster and write the notices. Raises :class:`DataProblems` in strict mode
    when any row is invalid (nothing is written)."""
    started = time.perf_counter()
    today = opts.today or date.today()
    fonts = resolve_fonts(opts.config.fonts)  # before reading: a missing font fails fast
    defaults = {
        "unit": opts.unit or opts.config.notices.unit,
        "deadline": opts.deadline,
        "issue_date": opts.issue_date or today,
    }
    result = load_table(opts.roster, ROSTER_SCHEMA, RosterRow, sheet=opts.sheet, defaults=defaults,
                        row_check=roster_check(opts.kind, opts.config.age.cutoff))
    if result.errors and not opts.skip_invalid:
        raise DataProblems(result.problems, f"名册 {opts.roster.name} 有 {len(result.errors)} 处错误"
                           f"（涉及 {len(result.rejected)} 行），未生成任何文件。",
                           "请改正名册后重新运行；或加 --skip-invalid：先为有效的行生成通知书，"
                           "错误行连同原因另存为 Excel。")
    rejected_path = opts.output.with_name(opts.output.stem + ".rejected.xlsx")
    if not result.valid:
        if result.rejected and opts.skip_invalid:
            write_rejected(rejected_path, result.table, ROSTER_SCHEMA, result.rejected)
        raise DataProblems(result.problems, f"名册 {opts.roster.name} 没有一行有效数据，未生成通知书。"
                           + (f"错误行已另存为 {rejected_path}。" if result.rejected and opts.skip_invalid else ""))

    rows = [model for _, model in result.valid]
    records = [notice_record(r) for r in rows]
    if opts.receipt:
        for seq, (record, row) in enumerate(zip(records, rows), start=1):
            record["receipt"] = receipt_data(opts.kind, row, seq)
    renderer = TypstRenderer(fonts)
    common = {"province": opts.config.notices.province}
    renderer.render_batch(TEMPLATES[opts.kind], common, records, opts.output, progress=progress)

    out = NoticeResult(opts.kind, opts.output, len(records), len(result.table.rows), fonts.describe(), 0.0,
                       problems=result.problems, rejected_count=len(result.rejected))
    if result.rejected:
        out.rejected_path = rejected_path
        write_rejected(out.rejected_path, result.table, ROSTER_SCHEMA, result.rejected)
    if opts.docx_dir is not None:
        from kcdocs.render.docx import write_notice_docx

        out.docx_count = write_notice_docx(opts.kind, common, records, rows, opts.docx_dir)
    out.seconds = time.perf_counter() - started
    return out
