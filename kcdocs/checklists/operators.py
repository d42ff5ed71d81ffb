"""The closed vocabulary of ``require:`` and its registry of operators.

Each operator has a pydantic model for its parameters (validated when a checklist is
loaded), a default finding kind, a Chinese description (for checklists/README.md) and
an ``evaluate(params, ctx) -> Check`` function. A checklist may only use these names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kcdocs.checklists.context import CaseContext, Check, ReviewNote
from kcdocs.ledger.schema import CASE_FIELD_KEYS, field_header, field_key
from kcdocs.ledger.vocab import label
from kcdocs.textnorm import squash

MEDIA = "media"  # min_count: {of: media} counts audio/video files


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Operator:
    name: str
    params: type[Params]
    kind: str  # default finding kind
    evaluate: Callable[[Any, CaseContext], Check]
    describe: Callable[[Any], str]


OPERATORS: dict[str, Operator] = {}


def register(name: str, params: type[Params], kind: str, describe: Callable[[Any], str]):
    def wrap(fn):
        OPERATORS[name] = Operator(name, params, kind, fn, describe)
        return fn

    return wrap


class Requirement(BaseModel):
    """One ``require:`` entry: a mapping with exactly one operator name as key."""

    model_config = ConfigDict(frozen=True)

    op: str
    params: Any

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data):
        if isinstance(data, str):  # shorthand inside any_of: a document name
            data = {"document": data}
        if isinstance(data, dict) and set(data) == {"op", "params"}:
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError(f"每一条要求必须是只有一个键的映射，可用的键：{'、'.join(OPERATORS)}")
        (name, raw), = data.items()
        if name not in OPERATORS:
            raise ValueError(f"未知的要求类型“{name}”，可用的只有：{'、'.join(OPERATORS)}")
        return {"op": name, "params": OPERATORS[name].params.model_validate(raw)}

    @property
    def operator(self) -> Operator:
        return OPERATORS[self.op]

    def evaluate(self, ctx: CaseContext) -> Check:
        return self.operator.evaluate(self.params, ctx)

    def describe(self) -> str:
        return self.operator.describe(self.params)

    def documents(self) -> set[str]:
        """Document names this requirement refers to (for load-time validation)."""
        p = self.params
        if self.op == "any_of":
            return set().union(*(r.documents() for r in p.options))
        name = getattr(p, "name", None) if self.op == "document" else (
            getattr(p, "document", None) or getattr(p, "of", None))
        return {name} if name and name != MEDIA else set()


class ScalarParams(Params):
    """Parameters that may be written as one bare value (``document: 火化证明``)."""

    scalar_key: ClassVar[str] = "name"

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, data):
        return {cls.scalar_key: data} if isinstance(data, (str, int)) else data


# --- document ------------------------------------------------------------------------------
class DocumentParams(ScalarParams):
    name: str


@register("document", DocumentParams, "missing", lambda p: f"须有《{p.name}》")
def _document(p: DocumentParams, ctx: CaseContext) -> Check:
    found = ctx.docs_named(p.name)
    if found:
        return Check.passed(found[:1])
    return Check.failed(f"缺少《{p.name}》。")


# --- any_of --------------------------------------------------------------------------------
class AnyOfParams(Params):
    options: list[Requirement] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _list(cls, data):
        return {"options": data} if isinstance(data, list) else data


def _describe_any(p: AnyOfParams) -> str:
    return "以下任一：" + "；".join(r.describe() for r in p.options)


@register("any_of", AnyOfParams, "missing", _describe_any)
def _any_of(p: AnyOfParams, ctx: CaseContext) -> Check:
    failures = []
    for req in p.options:
        result = req.evaluate(ctx)
        if result.ok:
            return result
        failures.append(result)
    names = "、".join(_short(r) for r in p.options)
    kinds = {f.kind or OPERATORS[r.op].kind for f, r in zip(failures, p.options)}
    return Check.failed(f"以下材料一项也没有：{names}。", kind=kinds.pop() if len(kinds) == 1 else "missing")


def _short(req: Requirement) -> str:
    p = req.params
    if req.op == "document":
        return f"《{p.name}》"
    return req.describe()


# --- min_count -----------------------------------------------------------------------------
class MinCountParams(Params):
    of: str  # a document name, or "media" for audio/video files
    count: int = Field(1, ge=1)
    per: Literal["attempts"] | None = None  # at least one per ledger attempt (and at least `count`)


def _describe_count(p: MinCountParams) -> str:
    what = "录音/视频文件" if p.of == MEDIA else f"《{p.of}》"
    if p.per == "attempts":
        return f"{what}每次劝返至少一份（不少于 {p.count} 份）"
    return f"{what}至少 {p.count} 份"


@register("min_count", MinCountParams, "missing", _describe_count)
def _min_count(p: MinCountParams, ctx: CaseContext) -> Check:
    items = ctx.media if p.of == MEDIA else ctx.docs_named(p.of)
    need = max(p.count, len(ctx.case.attempts)) if p.per == "attempts" else p.count
    if p.per == "attempts" and p.of != MEDIA and any(getattr(d, "seq", None) for d in items):
        from kcdocs.checklists.signers import check_attempts

        return check_attempts(p.of, ctx, items, need)
    if len(items) >= need:
        return Check.passed([] if p.of == MEDIA else items)
    what = "录音/视频文件" if p.of == MEDIA else f"《{p.of}》"
    why = f"（台账登记劝返 {len(ctx.case.attempts)} 次）" if p.per == "attempts" else ""
    return Check.failed(f"{what}应至少 {need} 份{why}，实际 {len(items)} 份。",
                        files=[] if p.of == MEDIA else [d.file for d in items],
                        detail={"required": need, "found": len(items)},
                        used=[] if p.of == MEDIA else items)


# --- field ---------------------------------------------------------------------------------
class FieldParams(ScalarParams):
    name: str  # case field key (reason) or ledger header (原因分析)
    required: bool = True
    min_length: int | None = None
    placeholders: list[str] = []  # values that count as empty (无, 不详, 其他, 暂无…)
    pattern: str | None = None  # regular expression the whole value must match
    equals: str | None = None  # template of other fields, e.g. "G{id_number}"
    contains_any: list[str] = []

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        key = field_key(value)
        if key is None:
            raise ValueError(f"台账中没有“{value}”这一列")
        return key

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value):
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"正则表达式有误：{exc}") from None
        return value

    @field_validator("equals")
    @classmethod
    def _template(cls, value):
        for name in re.findall(r"\{(\w+)\}", value or ""):
            if name not in CASE_FIELD_KEYS:
                raise ValueError(f"equals 中的 {{{name}}} 不是台账字段")
        return value


def _describe_field(p: FieldParams) -> str:
    parts = [f"台账「{field_header(p.name)}」" + ("必填" if p.required else "")]
    if p.placeholders:
        parts.append("不能只写“" + "”“".join(p.placeholders) + "”等")
    if p.min_length:
        parts.append(f"不少于 {p.min_length} 个字")
    if p.pattern:
        parts.append(f"格式须符合 {p.pattern}")
    if p.equals:
        parts.append("应等于 " + re.sub(r"\{(\w+)\}", lambda m: f"「{field_header(m.group(1))}」", p.equals))
    if p.contains_any:
        parts.append("含“" + "”或“".join(p.contains_any) + "”")
    return "，".join(parts)


def field_text(ctx: CaseContext, key: str) -> str:
    value = getattr(ctx.case, key)
    if isinstance(value, list):
        return "、".join(label(v) if hasattr(v, "value") else str(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return label(value)
    return "" if value is None else str(value).strip()


@register("field", FieldParams, "data", _describe_field)
def _field(p: FieldParams, ctx: CaseContext) -> Check:
    header = field_header(p.name)
    if p.name in ctx.case.bad_fields:
        return Check.failed(f"台账「{header}」填写的内容无法识别，此项无法核对（见本案例的台账数据问题）。")
    text = field_text(ctx, p.name)
    if not text:
        return Check.failed(f"台账「{header}」为空。") if p.required else Check.passed()
    bare = re.sub(r"[\s。.，,、;；!！?？/\\\-—…]+", "", squash(text))
    if not bare or bare in {squash(x) for x in p.placeholders}:
        return Check.failed(f"台账「{header}」只写了“{text}”，没有具体内容。")
    if p.min_length and len(bare) < p.min_length:
        return Check.failed(f"台账「{header}」“{text}”过于简略（不足 {p.min_length} 个字）。")
    if p.pattern and not re.fullmatch(p.pattern, squash(text)):
        return Check.failed(f"台账「{header}」“{text}”格式不对。")
    if p.equals:
        expected = p.equals.format_map({k: field_text(ctx, k) for k in type(ctx.case).model_fields
                                        if k not in ("attempts",)})
        if squash(text).upper() != squash(expected).upper():
            return Check.failed(f"台账「{header}」“{text}”与应有的“{expected}”不一致。")
    if p.contains_any and not any(word in text for word in p.contains_any):
        return Check.failed(f"台账「{header}」中没有写明" + "或".join(p.contains_any) + "。")
    return Check.passed()


# --- condition -----------------------------------------------------------------------------
class ConditionParams(Params):
    check: str
    args: Any = None

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data):
        from kcdocs.checklists.checks import CHECKS

        if isinstance(data, str):
            data = {"check": data}
        if not isinstance(data, dict) or "check" not in data:
            raise ValueError("condition 需要 check: 条件名")
        name = data["check"]
        if name not in CHECKS:
            raise ValueError(f"未知的条件“{name}”，可用的只有：{'、'.join(CHECKS)}")
        rest = {k: v for k, v in data.items() if k != "check"}
        return {"check": name, "args": CHECKS[name].params.model_validate(rest)}


def _describe_condition(p: ConditionParams) -> str:
    from kcdocs.checklists.checks import CHECKS

    return CHECKS[p.check].describe(p.args)


@register("condition", ConditionParams, "condition", _describe_condition)
def _condition(p: ConditionParams, ctx: CaseContext) -> Check:
    from kcdocs.checklists.checks import CHECKS

    return CHECKS[p.check].evaluate(p.args, ctx)


# --- signatures and seal -------------------------------------------------------------------
class SignatureParams(Params):
    document: str  # document name ("on" would be read as a YAML boolean)
    who: list[str] = []  # roles that sign, e.g. [监护人, 学生本人]
    staff: bool = False  # every staff member of the attempt signs (参与人员)
    min: int = Field(1, ge=1)


def _describe_sig(p: SignatureParams) -> str:
    who = "、".join(p.who) + ("、" if p.who and p.staff else "") + ("全部参与工作人员" if p.staff else "")
    return f"《{p.document}》须有{who or '相关人员'}签字"


def _marks(ctx, on, rule_text, count_attr, need_of, kind, when_unknown):
    docs = ctx.docs_named(on)
    if not docs:
        return Check.failed(f"缺少《{on}》，无法核验{rule_text}。", kind="missing")
    reviews, bad = [], []
    for doc in docs:
        found = getattr(doc, count_attr)
        unsure = count_attr == "seals" and found is not None and not found and _low(doc.seal_confidence
                                                                                   if hasattr(doc, "seal_confidence")
                                                                                   else None)
        if found is None or (count_attr == "seals" and doc.colour is False and not found):
            reviews.append(ReviewNote("", when_unknown(doc), doc.file, doc.page, _confidence(doc)))
        elif unsure:
            reviews.append(ReviewNote("", f"{when_unknown(doc)}（识别置信度低）", doc.file, doc.page,
                                      doc.seal_confidence))
        elif found < need_of(doc):
            bad.append(doc)
    if bad:
        return Check.failed(f"《{on}》缺少{rule_text}。", kind=kind, files=[d.file for d in bad], used=docs)
    return Check.passed(docs, reviews)


def _low(confidence) -> bool:
    from kcdocs.scan.defs import REVIEW_BELOW

    return confidence is not None and confidence < REVIEW_BELOW


def _confidence(doc):
    return getattr(doc, "seal_confidence", None) if doc.colour is False else None


@register("signatures", SignatureParams, "unsigned", _describe_sig)
def _signatures(p: SignatureParams, ctx: CaseContext) -> Check:
    who = "、".join(p.who) or ("参与工作人员" if p.staff else "相关人员")
    need = max(p.min, len(p.who))
    docs = ctx.docs_named(p.document)
    if docs and any(getattr(d, "boxes", ()) for d in docs):
        from kcdocs.checklists.signers import check_boxes

        return check_boxes(p, ctx, docs, who)
    return _marks(ctx, p.document, f"{who}签字", "signatures", lambda d: need, "unsigned",
                  lambda d: f"签名待核验：需{who}签字。{_why_unmeasured(d, '签名框')}")


def _why_unmeasured(doc, what: str) -> str:
    """The true cause of a signature or seal left to a person, from what is known of the document."""
    if doc.by == "qr":
        return f"此页的{what}未能判读，请人工查看。"
    how = {"filename": "文件名", "text": "PDF 标题", "ocr": "文字识别"}.get(doc.by)
    note = getattr(doc, "scan_note", None)  # the true cause, when the scan-back knows it
    if how and note:
        return f"此材料按{how}识别；{note}，{what}位置未知，请人工查看。"
    if doc.by in ("filename", "text"):
        return (f"此材料按{how}识别，上面没有读到 kcdocs 表单的二维码（不是用 kcdocs 打印的表单，或未读取扫描件），"
                f"{what}位置未知，请人工查看。")
    return f"{what}未能自动核验，请人工查看。"


class SealParams(ScalarParams):
    scalar_key: ClassVar[str] = "document"
    document: str
    by: str | None = None  # issuing body, e.g. 派出所


@register("seal", SealParams, "unsealed", lambda p: f"《{p.document}》须加盖{p.by or ''}公章")
def _seal(p: SealParams, ctx: CaseContext) -> Check:
    by = p.by or "出具单位"
    return _marks(ctx, p.document, f"{by}公章", "seals", lambda d: 1, "unsealed",
                  lambda d: (f"公章待核验：需{by}公章" + ("（灰度扫描，无法判断红色公章，请彩色重扫或人工查看）"
                                                  if d.colour is False else
                                                  "（此文件未做公章识别：电子文档，或稽核时未读取扫描件），请人工查看。")))
