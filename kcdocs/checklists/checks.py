"""Named conditions for the ``condition:`` operator (closed list; parameters validated).

Each check reads ledger data (and the evidence context for ``unique_evidence``) and
returns a :class:`Check`. Kinds default to ``condition``; data checks say ``data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kcdocs import dates, idnumber
from kcdocs.checklists.context import CaseContext, Check
from kcdocs.ledger.schema import ATTEMPT_SCHEMA, field_header, field_key
from kcdocs.ledger.vocab import Outcome, lookup


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckSpec:
    params: type[Args]
    evaluate: Callable[[Any, CaseContext], Check]
    describe: Callable[[Any], str]


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, params: type[Args], describe: Callable[[Any], str]):
    def wrap(fn):
        CHECKS[name] = CheckSpec(params, fn, describe)
        return fn

    return wrap


def _date_field(value: str | None) -> str | None:
    if value in (None, "as_of"):
        return value
    key = field_key(value)
    if key is None:
        raise ValueError(f"台账中没有“{value}”这一列")
    return key


def birth_of(ctx: CaseContext) -> date | None:
    """Birth date from a valid ID number, else from 出生日期."""
    try:
        return idnumber.parse(ctx.case.id_number or "", today=ctx.as_of).birth_date
    except idnumber.IdNumberError:
        return ctx.case.birth_date


# --- identity ------------------------------------------------------------------------------
@check("identity", Args, lambda a: "身份证号有效（校验位正确），出生日期、性别与身份证号一致")
def _identity(args: Args, ctx: CaseContext) -> Check:
    case = ctx.case
    if not case.id_number:
        return Check.failed("台账「身份证号」为空。", kind="data")
    try:
        parsed = idnumber.parse(case.id_number, today=ctx.as_of)
    except idnumber.IdNumberError as exc:
        return Check.failed(exc.message, kind="data")
    if case.birth_date and case.birth_date != parsed.birth_date:
        return Check.failed(f"出生日期 {case.birth_date.isoformat()} 与身份证号中的 "
                            f"{parsed.birth_date.isoformat()} 不一致。", kind="data")
    if case.sex and case.sex.strip() != parsed.sex:
        return Check.failed(f"性别“{case.sex}”与身份证号（{parsed.sex}）不一致。", kind="data")
    return Check.passed()


# --- age -----------------------------------------------------------------------------------
class AgeArgs(Args):
    min: int | None = None
    max: int | None = None
    on: str = "as_of"  # "as_of" (the audit's reference date) or a date field, e.g. 安置日期

    @field_validator("on")
    @classmethod
    def _on(cls, value):
        return _date_field(value)


def _describe_age(a: AgeArgs) -> str:
    when = "稽核基准日" if a.on == "as_of" else f"「{field_header(a.on)}」当日"
    if a.min is not None and a.max is not None:
        return f"{when}年龄在 {a.min}—{a.max} 周岁"
    return f"{when}年满 {a.min} 周岁" if a.min is not None else f"{when}不超过 {a.max} 周岁"


@check("age", AgeArgs, _describe_age)
def _age(a: AgeArgs, ctx: CaseContext) -> Check:
    born = birth_of(ctx)
    if born is None:
        return Check.failed("身份证号无效且未填出生日期，无法判断年龄。", kind="data")
    ref = ctx.as_of if a.on == "as_of" else getattr(ctx.case, a.on)
    if ref is None:
        return Check.failed(f"台账「{field_header(a.on)}」为空，无法判断当时年龄。", kind="data")
    age = dates.age_on(born, ref)
    when = f"{ref.isoformat()}"
    if a.min is not None and age < a.min:
        return Check.failed(f"{when}时年龄为 {age} 周岁，不满 {a.min} 周岁。", detail={"age": age})
    if a.max is not None and age > a.max:
        return Check.failed(f"{when}时年龄为 {age} 周岁，超过 {a.max} 周岁。", detail={"age": age})
    return Check.passed()


# --- attempts ------------------------------------------------------------------------------
class AttemptsArgs(Args):
    min: int = Field(1, ge=1)
    before: str | None = None  # only attempts on or before this date field count
    results: list[str] = ["无效"]  # only attempts with one of these results count

    @field_validator("before")
    @classmethod
    def _before(cls, value):
        return _date_field(value)

    @field_validator("results")
    @classmethod
    def _words(cls, values):
        for v in values:
            if lookup(Outcome, v) is None:
                raise ValueError(f"“{v}”不是劝返结果（无效 / 有效 / 部分有效）")
        return values


def _describe_attempts(a: AttemptsArgs) -> str:
    when = f"「{field_header(a.before)}」之前" if a.before else ""
    return f"{when}登记劝返 {a.min} 次以上且结果为" + "或".join(a.results)


@check("attempts", AttemptsArgs, _describe_attempts)
def _attempts(a: AttemptsArgs, ctx: CaseContext) -> Check:
    wanted = {lookup(Outcome, r) for r in a.results}
    limit = getattr(ctx.case, a.before) if a.before else None
    if a.before and limit is None:
        return Check.failed(f"台账「{field_header(a.before)}」为空，无法核对此前的劝返次数。", kind="data")
    counted = [t for t in ctx.case.attempts
               if t.result in wanted and (limit is None or (t.date is not None and t.date <= limit))]
    if len(counted) >= a.min:
        return Check.passed()
    when = f"{limit.isoformat()}之前" if limit else ""
    return Check.failed(f"{when}结果为{'或'.join(a.results)}的劝返只有 {len(counted)} 次，应不少于 {a.min} 次。",
                        detail={"required": a.min, "found": len(counted)})


# --- attempt_details -----------------------------------------------------------------------
AttemptField = Literal["date", "method", "participants", "content", "result"]


class DetailArgs(Args):
    fields: list[AttemptField] = ["date", "method", "participants", "content", "result"]


def _describe_details(a: DetailArgs) -> str:
    return "每次劝返登记" + "、".join(ATTEMPT_SCHEMA.column(f).header for f in a.fields)


@check("attempt_details", DetailArgs, _describe_details)
def _details(a: DetailArgs, ctx: CaseContext) -> Check:
    gaps = []
    for t in ctx.case.attempts:
        missing = [ATTEMPT_SCHEMA.column(f).header for f in a.fields if getattr(t, f) in (None, "", [])]
        if missing:
            gaps.append({"seq": t.seq, "row": t.row, "missing": missing})
    if not gaps:
        return Check.passed()
    text = "；".join(f"第{g['seq']}次缺{'、'.join(g['missing'])}" for g in gaps)
    return Check.failed(f"劝返记录不完整：{text}。", kind="data", detail={"attempts": gaps})


# --- dates ---------------------------------------------------------------------------------
_AFTER_DROPOUT = ("return_notice_date", "return_date", "placement_date")


@check("dates", Args, lambda a: "日期前后一致：劝返不晚于基准日、不早于辍学日期，复学、安置在辍学之后")
def _dates(args: Args, ctx: CaseContext) -> Check:
    case, errors = ctx.case, []
    start = case.dropout_date
    if start and start > ctx.as_of:
        errors.append(f"辍学日期 {start.isoformat()} 晚于基准日 {ctx.as_of.isoformat()}")
    for key in _AFTER_DROPOUT:
        value = getattr(case, key)
        if value and start and value < start:
            errors.append(f"{field_header(key)} {value.isoformat()} 早于辍学日期 {start.isoformat()}")
        if value and value > ctx.as_of:
            errors.append(f"{field_header(key)} {value.isoformat()} 晚于基准日 {ctx.as_of.isoformat()}")
    for t in case.attempts:
        if t.date and t.date > ctx.as_of:
            errors.append(f"第{t.seq}次劝返日期 {t.date.isoformat()} 在基准日之后")
        if t.date and start and t.date < start:
            errors.append(f"第{t.seq}次劝返日期 {t.date.isoformat()} 早于辍学日期 {start.isoformat()}")
    if errors:
        return Check.failed("日期不一致：" + "；".join(errors) + "。", kind="data", detail={"errors": errors})
    return Check.passed()


# --- unique_evidence -----------------------------------------------------------------------
@check("unique_evidence", Args, lambda a: "同一份材料（内容相同的文件，或看起来相同的图片）不得出现在两个案例中")
def _unique(args: Args, ctx: CaseContext) -> Check:
    if not ctx.duplicates:
        return Check.passed()
    files = sorted(ctx.duplicates)
    others = sorted({f"{case_id}（{other}）" for f in files for case_id, other in ctx.duplicates[f]})
    return Check.failed("与其他案例的材料完全相同：" + "、".join(others) + "。", kind="duplicate",
                        files=files, detail={"same_as": [{"file": f, "case_id": c, "other_file": o}
                                                         for f in files for c, o in ctx.duplicates[f]]})


# --- readable_evidence ---------------------------------------------------------------------
@check("readable_evidence", Args, lambda a: "案例文件夹中的文件都能打开（不损坏、不加密、不为空、类型受支持）")
def _readable(args: Args, ctx: CaseContext) -> Check:
    if not ctx.unreadable:
        return Check.passed()
    text = "；".join(f"{f}：{reason}" for f, reason in ctx.unreadable)
    return Check.failed(f"有 {len(ctx.unreadable)} 个文件无法读取：{text}", kind="unreadable",
                        files=[f for f, _ in ctx.unreadable])


# --- ledger_row ----------------------------------------------------------------------------
def problem_text(p) -> str:
    """One ledger problem as the finding states it: where, what, how to fix it."""
    where = "".join(filter(None, [f"工作表「{p.sheet}」" if p.sheet else "", f"第{p.row}行" if p.row else "",
                                  f"「{p.column}」列" if p.column else ""]))
    text = f"{where}：{p.message}"
    return text + (f"（{p.hint}）" if p.hint else "")


@check("ledger_row", Args, lambda a: "台账中本案例的各行（学生台账、劝返记录）都能读取")
def _ledger_row(args: Args, ctx: CaseContext) -> Check:
    problems = list(ctx.case.problems)
    if not problems:
        return Check.passed()
    items = [{"sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value, "message": p.message,
              "hint": p.hint, "text": problem_text(p)} for p in problems]
    return Check.failed("；".join(i["text"] for i in items), kind="data", detail={"problems": items})
