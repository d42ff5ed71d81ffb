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
from kcdocs.errors import DataProblems
from kcdocs.marks.layout import Signer, paginate
from kcdocs.marks.payload import UNNUMBERED, PagePayload
from kcdocs.notices.checks import age_reference, roster_check  # noqa: F401  (re-exported)
from kcdocs.notices.glyphs import glyph_problems
from kcdocs.notices.roster import ROSTER_SCHEMA, RosterRow
from kcdocs.notices.schools import school_text, school_word  # noqa: F401  (re-exported)
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer
from kcdocs.tabular import Problem, RawRow, ValidationResult, load_table
from kcdocs.tabular.writer import write_rejected

NoticeKind = Literal["enrollment", "return"]
NOTICE_TITLES = {"enrollment": "入学通知书", "return": "复学通知书"}
TEMPLATES = {"enrollment": "notices/enrollment.typ", "return": "notices/return.typ"}


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
    sheet: str | list[str] | None = None  # one or several sheets; default every sheet with a roster
    receipt: bool = False  # add a tear-off 送达回证 with QR and signature boxes (复学通知书)
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
    flagged: list[Problem] = field(default_factory=list)  # warnings that make the run "done, with problems"

    @property
    def title(self) -> str:
        return NOTICE_TITLES[self.kind]


def notice_record(row: RosterRow) -> dict:
    """The fields one notice prints, as the template expects them."""
    return {
        "guardian": row.guardian_name,
        "child": row.student_name,
        "month": str(row.deadline.month),
        "day": str(row.deadline.day),
        "school": school_text(row.school)[0],
        "school_word": school_text(row.school)[1],
        "unit": row.unit,
        "date": dates.format_cn(row.issue_date),
    }


def receipt_data(kind: NoticeKind, row: RosterRow, seq: int, raw: RawRow | None = None) -> dict:
    """The 送达回证 of one notice: its page layout (registry form "receipt") and QR payload.
    Without a 台账编号 the QR says whose receipt it is: the child's name and the roster row."""
    signers = [Signer("guardian", "受送达人签收", row.guardian_name), Signer("server", "送达人签字", ""),
               Signer("witness", "见证人签字（留置送达）", "")]
    (layout,) = paginate("receipt", signers)
    subject = re.sub(r"[|\s]", "", row.case_id or "") or UNNUMBERED
    named = {} if subject != UNNUMBERED or raw is None else {
        "name": row.student_name, "sheet": raw.sheet or "", "row": raw.row}
    payload = PagePayload("receipt", subject, seq, 1, 1, len(layout.signatures), **named)
    return {"document": f"义务教育{NOTICE_TITLES[kind]}", "page": dict(layout.as_dict(), qr_text=payload.encode())}


def _unnumbered_warning(opts: "NoticeOptions", result: ValidationResult) -> list[Problem]:
    """Receipts that cannot be filed into a case by their QR code: one warning at print time."""
    missing = [raw for raw, model in result.valid if not (model.case_id or "").strip()]
    if not opts.receipt or not missing:
        return []
    if "case_id" not in result.table.headers:
        what = "名册中没有“台账编号”列"
    else:
        what = "“台账编号”为空的行：" + "、".join(_where(r) for r in missing[:10]) + ("等" if len(missing) > 10 else "")
    return [Problem(opts.roster.name, f"{what}，{len(missing)} 份送达回证的二维码只能写明学生姓名和名册行号，"
                    "扫描回来后不能自动归入个案。",
                    hint="请在名册中加一列“台账编号”，填写台账中该学生的编号（如 370402-2020-0007），重新生成通知书。",
                    severity="warning")]


def _where(raw: RawRow) -> str:
    return (f"「{raw.sheet}」" if raw.sheet else "") + f"第{raw.row}行"


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
    result = load_table(opts.roster, ROSTER_SCHEMA, RosterRow, sheet=opts.sheet or None, defaults=defaults,
                        row_check=roster_check(opts.kind, opts.config.age.cutoff), all_sheets=not opts.sheet,
                        skip_notes=True, keep_first_duplicate=True)
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

    no_glyph, japanese_glyph = glyph_problems(result.table, result.valid, fonts.coverage())
    unnumbered = _unnumbered_warning(opts, result)
    rows = [model for _, model in result.valid]
    records = [notice_record(r) for r in rows]
    if opts.receipt:
        for seq, (record, (raw, row)) in enumerate(zip(records, result.valid), start=1):
            record["receipt"] = receipt_data(opts.kind, row, seq, raw)
    renderer = TypstRenderer(fonts)
    common = {"province": opts.config.notices.province}
    renderer.render_batch(TEMPLATES[opts.kind], common, records, opts.output, progress=progress)

    out = NoticeResult(opts.kind, opts.output, len(records), len(result.table.rows), fonts.describe(), 0.0,
                       problems=result.problems + no_glyph + japanese_glyph + unnumbered,
                       rejected_count=len(result.rejected))
    out.flagged = list(result.table.ignored) + no_glyph
    if result.rejected:
        out.rejected_path = rejected_path
        write_rejected(out.rejected_path, result.table, ROSTER_SCHEMA, result.rejected)
    if opts.docx_dir is not None:
        from kcdocs.render.docx import write_notice_docx

        out.docx_count = write_notice_docx(opts.kind, common, records, rows, opts.docx_dir)
    out.seconds = time.perf_counter() - started
    return out
