"""Checklist files (``checklists/*.yaml``, schema ``kcdocs.checklist/1``) as pydantic models."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kcdocs.checklists.context import KINDS, CaseContext, Check, ReviewNote
from kcdocs.checklists.operators import Requirement, field_text
from kcdocs.ledger.models import Case, Disposition, DispositionTable
from kcdocs.ledger.schema import field_header, field_key
from kcdocs.ledger.vocab import label, lookup

SCHEMA = "kcdocs.checklist/1"
RULE_ID = r"^[A-Z][A-Z0-9]*\.[a-z][a-z0-9_]*$"
ALL = "all"
Kind = Literal["missing", "unsigned", "unsealed", "condition", "data", "duplicate", "unreadable"]
assert set(Kind.__args__) == set(KINDS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DocumentSpec(_Strict):
    """A document that evidences an item, and the names it goes by in file names and titles."""

    name: str = Field(min_length=2)
    aliases: list[str] = []


class DispositionSpec(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    name: str
    aliases: list[str] = []
    group: str = Field(pattern=r"^[a-z_]+$")
    section: str | None = None  # where the seed notice describes it

    def as_disposition(self, extra: tuple[str, ...] = ()) -> Disposition:
        aliases = tuple(dict.fromkeys([*self.aliases, *extra]))
        return Disposition(code=self.code, name=self.name, aliases=aliases, group=self.group)


def title_words(title: str, code: str) -> tuple[str, ...]:
    """A checklist title as words of its disposition: as written and without the leading code."""
    rest = title.strip()
    if rest.upper().startswith(code):
        rest = rest[len(code):].strip()
    return tuple(dict.fromkeys([title.strip(), rest]))


class Item(_Strict):
    id: str = Field(pattern=RULE_ID)
    name: str
    evidence: Literal["scan", "data", "file", "data+scan"]
    guidance: str
    severity: Literal["error", "review"] = "error"
    documents: list[DocumentSpec] = []
    require: list[Requirement] = Field(min_length=1)
    finding: Kind | None = None  # kind of the finding when a requirement fails (default: the operator's)
    applies_to: list[str] = []  # common files: all, a group (write_off) or codes; a disposition file: itself
    except_: list[str] = Field([], alias="except")
    when: dict[str, list[str]] = {}  # only when these ledger fields hold one of the values ("*": not empty)

    @field_validator("when")
    @classmethod
    def _when(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        out = {}
        for name, words in value.items():
            key = field_key(name)
            if key is None:
                raise ValueError(f"台账中没有“{name}”这一列")
            out[key] = [_canonical(key, w) for w in words]
        return out

    def applies(self, ctx: CaseContext) -> bool:
        """Whether the ``when:`` filter admits this case."""
        for key, words in self.when.items():
            text = field_text(ctx, key)
            if not (text and ("*" in words or text in words)):
                return False
        return True

    def run(self, ctx: CaseContext) -> "ItemRun":
        """Run the requirements in order: the first failure decides; reviews of passing ones are kept."""
        run = ItemRun()
        for req in self.require:
            check = req.evaluate(ctx)
            run.used += check.used
            run.reviews += [replace(n, rule=self.id) for n in check.reviews]  # keeps subclasses (thumbnails)
            if not check.ok:
                run.failure = check
                run.kind = self.finding or check.kind or req.operator.kind
                break
        return run

    def requirement_text(self) -> str:
        return "；".join(r.describe() for r in self.require)


@dataclass
class ItemRun:
    """The outcome of one item on one case."""

    failure: Check | None = None  # the first failing requirement's result
    kind: str | None = None  # the finding kind when it failed
    reviews: list[ReviewNote] = field(default_factory=list)
    used: list = field(default_factory=list)  # DocRefs that satisfied requirements

    @property
    def ok(self) -> bool:
        return self.failure is None


def _canonical(key: str, word: str) -> str:
    """The display label of an enum word (已劝返 → 已复学), else the word itself."""
    if word == "*":
        return word
    annotation = Case.model_fields[key].annotation
    enum = next((a for a in getattr(annotation, "__args__", ()) if isinstance(a, type) and hasattr(a, "__members__")),
                None)
    member = lookup(enum, word) if enum else None
    if enum and member is None:
        raise ValueError(f"「{field_header(key)}」没有“{word}”这个取值")
    return label(member) if member else word


class Override(_Strict):
    severity: Literal["error", "review"] | None = None


class ChecklistFile(_Strict):
    schema_: Literal["kcdocs.checklist/1"] = Field(alias="schema")
    title: str
    source: str | None = None  # the document this checklist follows
    disposition: DispositionSpec | None = None  # None: common rules
    items: list[Item] = Field(min_length=1)
    overrides: dict[str, Override] = {}  # adjust a common item for this disposition only
    path: Path | None = Field(None, exclude=True)


class ChecklistSet:
    """All loaded checklist files: dispositions, documents and the items that apply to a case."""

    def __init__(self, files: list[ChecklistFile]):
        self.files = files
        self.dispositions = {f.disposition.code: f.disposition for f in files if f.disposition}
        self._titles = {f.disposition.code: title_words(f.title, f.disposition.code) for f in files if f.disposition}
        self._by_id = {item.id: item for item in self.all_items()}
        self.documents: dict[str, DocumentSpec] = {}
        for item in self.all_items():
            for doc in item.documents:
                known = self.documents.get(doc.name)
                aliases = sorted(set(doc.aliases) | set(known.aliases if known else ()))
                self.documents[doc.name] = DocumentSpec(name=doc.name, aliases=aliases)

    def all_items(self) -> list[Item]:
        return [item for f in self.files for item in f.items]

    def item(self, rule: str) -> Item | None:
        return self._by_id.get(rule)

    def disposition_table(self) -> DispositionTable:
        """Every word of a disposition: its code, name, aliases and its checklist's own title
        (“W2 核销·户籍重复（含迁出未注销）”, written with or without the code)."""
        return DispositionTable([d.as_disposition(self._titles.get(d.code, ())) for d in self.dispositions.values()])

    def common_items(self) -> list[Item]:
        """The items of the common files that apply to every case: all that a case whose
        处置类型 cannot be read is checked against."""
        return [item for f in self.files if f.disposition is None for item in f.items
                if not item.applies_to or ALL in item.applies_to]

    def items_for(self, code: str) -> list[Item]:
        """The items that apply to a case of disposition ``code``, overrides applied."""
        spec = self.dispositions[code]
        own = next(f for f in self.files if f.disposition and f.disposition.code == code)
        chosen = []
        for f in self.files:
            for item in f.items:
                if f is own or (f.disposition is None and _targets(item, spec)):
                    chosen.append(item)
        return [item.model_copy(update=own.overrides[item.id].model_dump(exclude_none=True))
                if item.id in own.overrides else item for item in chosen]


def _targets(item: Item, spec: DispositionSpec) -> bool:
    def hit(names):
        return any(n in (ALL, spec.code, spec.group) for n in names)

    return hit(item.applies_to or [ALL]) and not hit(item.except_)
