"""Ledger models: a case (one row of 学生台账) with its persuasion attempts (劝返记录)."""

from __future__ import annotations

import re
import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kcdocs.ledger.vocab import (CaseType, History, Measure, Method, Outcome, PriorityGroup, Status,
                                 lookup)
from kcdocs.textnorm import squash

# What a disposition word may carry besides its name: separators (核销·实际死亡, 核销-实际死亡,
# 核销.实际死亡, 核销、实际死亡, 核销 实际死亡), parentheses of either width, slashes, a closing
# 。 or ；, and the 的 of the seed's headings (户籍重复的（含迁出未注销的）).
_NAME_PUNCT = re.compile(r"[·・•.\-—–_:：()（）\[\]【】〔〕、,，/／\\。;；\"“”'‘’的]")
# A heading's ordinal: （一）、(一)、一、1.、1、
_ORDINAL = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])")
# Group prefixes a disposition may be written with or without (核销·实际死亡 = 实际死亡).
DISPOSITION_PREFIXES = ("特殊案例劝返", "特殊劝返", "核销")


def disposition_key(text: str) -> str:
    """The comparison form of a 处置类型 word: half-width, no spaces, ordinal, separators,
    parentheses or 的, upper case, without a group prefix (unless the prefix is all there is)."""
    raw = _ORDINAL.sub("", squash(text))
    key = _NAME_PUNCT.sub("", raw).upper()
    for prefix in DISPOSITION_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):]
    return key


_ENUMS: dict[tuple[type, str], object] = {}


def _annotation(model: type[BaseModel], name: str):
    """The enum type of a field (``Status | None`` → ``Status``), cached: class-level
    ``model_fields`` access and unpacking the annotation are slow once per row."""
    key = (model, name)
    if key not in _ENUMS:
        annotation = model.model_fields[name].annotation
        _ENUMS[key] = next((a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)), None)
    return _ENUMS[key]


def _to_enum(enum, value):
    """Chinese words (已复学, 入户…) to enum members; other values are left to pydantic."""
    if value is None or value == "":
        return None
    return lookup(enum, value) or value


class Disposition(BaseModel):
    """A case disposition (处置类型): R0, W1…W7, P1, P2 — or another province's, from a checklist."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str  # full Chinese name, e.g. 核销·实际死亡
    aliases: tuple[str, ...] = ()
    group: str  # return | write_off | special_return (or a checklist's own group)

    def words(self) -> tuple[str, ...]:
        short = self.name.split("·")[-1]
        return (self.code, self.name, short, *self.aliases)


class DispositionTable:
    """Resolves what users write in 处置类型 (code, full name, short name, alias) to a Disposition."""

    def __init__(self, dispositions: list[Disposition]):
        self.by_code = {d.code: d for d in dispositions}
        self._lookup: dict[str, Disposition] = {}
        self._memo: dict[str, Disposition | None] = {}
        for d in dispositions:
            for word in d.words():
                if self.key(word):
                    self._lookup.setdefault(self.key(word), d)

    @staticmethod
    def key(text: str) -> str:
        return disposition_key(text)

    def resolve(self, text: object) -> Disposition | None:
        key = str(text or "")
        if key not in self._memo:  # a ledger repeats a handful of words thousands of times
            self._memo[key] = self._resolve(key)
        return self._memo[key]

    def _resolve(self, text: str) -> Disposition | None:
        raw = squash(text)
        found = self._lookup.get(self.key(raw)) if self.key(raw) else None
        if found is None:  # "W4 实际死亡", "W4核销·实际死亡": a leading code decides
            m = re.match(r"([A-Za-z]+\d+)(?![A-Za-z0-9])", raw)
            found = self.by_code.get(m.group(1).upper()) if m else None
        return found

    def describe(self) -> str:
        return "、".join(f"{d.code} {d.name}" for d in self.by_code.values())


class Attempt(BaseModel):
    """One persuasion attempt (劝返记录 row)."""

    case_id: str
    seq: int
    date: dt.date | None = None
    method: Method | None = None
    participants: list[str] = Field(default_factory=list)
    content: str | None = None
    result: Outcome | None = None
    row: int | None = None  # Excel row in 劝返记录, for messages

    @field_validator("method", "result", mode="before")
    @classmethod
    def _words(cls, value, info):
        return _to_enum(_annotation(cls, info.field_name), value)


class Case(BaseModel):
    """One case (学生台账 row). Fields an audit checks are kept even when empty or invalid."""

    case_id: str
    name: str
    disposition: str  # a Disposition code
    sex: str | None = None
    id_number: str | None = None  # as written; rule C.identity validates it
    student_no: str | None = None
    birth_date: dt.date | None = None
    district: str | None = None
    township: str | None = None
    village: str | None = None
    school: str | None = None
    grade: str | None = None
    guardian: str | None = None
    phone: str | None = None
    priority_groups: list[PriorityGroup] = Field(default_factory=list)
    case_type: CaseType | None = None
    dropout_date: dt.date | None = None
    registered_date: dt.date | None = None
    reason: str | None = None
    status: Status | None = None
    plan: str | None = None
    return_notice_date: dt.date | None = None
    return_date: dt.date | None = None
    writeoff_reason: str | None = None
    writeoff_date: dt.date | None = None
    care_contact: str | None = None
    history: History | None = None
    placement_date: dt.date | None = None
    measure: Measure | None = None
    responsible: str | None = None
    note: str | None = None
    row: int | None = None  # Excel row in 学生台账
    attempts: list[Attempt] = Field(default_factory=list)
    # Errors of this case's rows (学生台账 and 劝返记录, kcdocs.tabular.Problem) and the fields
    # that could not be read (left empty): the audit reports them as data findings.
    problems: list[Any] = Field(default_factory=list)
    bad_fields: list[str] = Field(default_factory=list)

    @field_validator("case_type", "status", "history", "measure", mode="before")
    @classmethod
    def _words(cls, value, info):
        return _to_enum(_annotation(cls, info.field_name), value)

    @field_validator("priority_groups", mode="before")
    @classmethod
    def _groups(cls, value):
        return [_to_enum(PriorityGroup, v) for v in value or []]


class Ledger(BaseModel):
    """A loaded ledger workbook; ``warnings`` are problems that did not reject anything."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: Path
    cases: list[Case]  # cases whose 学生台账 row was read in full
    partial: list[Case] = Field(default_factory=list)  # cases from rows with bad cells (Case.problems)
    problems: list = Field(default_factory=list)  # every error (kcdocs.tabular.Problem): rows not fully read
    warnings: list = Field(default_factory=list)  # notices: footer rows skipped, a missing 劝返记录 sheet…

    def case(self, case_id: str) -> Case | None:
        return next((c for c in self.all_cases() if c.case_id == case_id), None)

    def all_cases(self) -> list[Case]:
        """Every case, the partly read ones too, in the order of the sheet."""
        if not self.partial:
            return list(self.cases)
        return sorted(self.cases + self.partial, key=lambda c: c.row or 0)

    def select(self, wanted: list[str], *, partial: bool = False) -> list[Case]:
        """The cases named by ``--case`` options, in the order given (all when none given);
        with ``partial`` the partly read cases too."""
        pool = self.all_cases() if partial else self.cases
        if not wanted:
            return list(pool)
        known = {c.case_id: c for c in pool}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            from kcdocs.errors import UsageError

            bad = {c.case_id for c in self.partial}
            why = [w for w in unknown if w in bad]
            hint = (f"{'、'.join(why)} 所在的行有无法读取的内容（见上面的提示），请先改正台账。" if why
                    else "请核对 --case 后的编号。")
            raise UsageError(f"台账中没有这些台账编号：{'、'.join(unknown)}", hint)
        return [known[w] for w in dict.fromkeys(wanted)]
