"""Audit results: findings, evidence, review notes per case (interfaces.md §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kcdocs.audit.inventory import Unmatched
from kcdocs.checklists import DocRef, ReviewNote
from kcdocs.errors import ExitCode
from kcdocs.ledger import Case

SCHEMA = "kcdocs.audit/1"
# Per-case status (findings.json) and its words in every output (report, dossiers, index, CLI).
STATUS_LABELS = {"complete": "完整", "review": "待复核", "incomplete": "不完整"}


def problem_dict(p) -> dict:
    """A ledger problem (kcdocs.tabular.Problem) for findings.json."""
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
            "message": p.message, "hint": p.hint}


def unattached(ledger, cases) -> list:
    """The ledger's errors that belong to no case (rows without a 台账编号, unknown 台账编号 in
    劝返记录, a repeated 台账编号 after its first row)."""
    attached = {id(p) for c in cases for p in c.problems}
    return [p for p in ledger.problems if id(p) not in attached]


@dataclass(frozen=True)
class BoxCheck:
    """One signature box of a scanned kcdocs form: where, and what the scan-back decided."""

    index: int  # 0-based over the whole form copy, in signer order
    page: int  # 1-based page of the file
    signed: bool
    confidence: float
    thumb: str | None = None  # PNG data URI, for uncertain decisions
    note: str | None = None  # Chinese: why nothing was decided on its page (a photo that failed validation)


@dataclass(frozen=True)
class ScannedDoc(DocRef):
    """A document whose pages went through the scan-back (kcdocs.scan)."""

    form: str | None = None  # kcdocs form (QR-identified documents)
    subject: str | None = None  # case id the QR names
    seq: int | None = None  # attempt number the QR names
    boxes: tuple[BoxCheck, ...] = ()
    missing_pages: tuple[int, ...] = ()  # pages of the form copy not in the file
    seal_confidence: float | None = None  # of the seal decision (found or absent)
    layout_fixed: bool = True  # False: printed from the Word version, boxes not at the registry's places
    scan_note: str | None = None  # why no box was measured (kcdocs.audit.scan_notes), for review reasons


@dataclass
class Finding:
    rule: str
    kind: str
    message: str
    files: list[str] = field(default_factory=list)
    detail: dict | None = None

    def as_dict(self) -> dict:
        out = {"rule": self.rule, "kind": self.kind, "message": self.message, "files": self.files}
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass
class Evidence:
    file: str
    sha256: str | None
    rule: str | None
    by: str | None
    pages: int | None
    document: str | None = None
    page: int | None = None
    signatures: int | None = None
    seals: int | None = None

    def as_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "rule": self.rule, "by": self.by, "pages": self.pages,
                "signatures": self.signatures, "seals": self.seals, "document": self.document, "page": self.page}


@dataclass
class ItemStatus:
    """One checklist item of a case, for the report: ok | fail | review | na."""

    rule: str
    name: str
    status: str
    message: str = ""
    files: list[str] = field(default_factory=list)
    guidance: str = ""
    by: str | None = None  # "review" when a person's recorded decision made it pass (kcdocs.review)
    reviewer: str | None = None


@dataclass
class CaseResult:
    case: Case
    disposition_name: str
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    review: list[ReviewNote] = field(default_factory=list)
    items: list[ItemStatus] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    reviewed: list[dict] = field(default_factory=list)  # review items a person decided (kcdocs.review)
    unidentified: list[str] = field(default_factory=list)  # readable files no document was recognised in
    file_notes: dict[str, list[str]] = field(default_factory=dict)  # what reading a file said (decoded names, warnings)

    @property
    def complete(self) -> bool:
        """No finding (review items may remain): the meaning findings.json has always given it."""
        return not self.findings

    @property
    def status(self) -> str:
        """complete (nothing to do) / review (only items left to a person) / incomplete (findings)."""
        if self.findings:
            return "incomplete"
        return "review" if self.review else "complete"

    @property
    def state(self) -> str:
        """完整 / 待复核 / 不完整: the one vocabulary of every output."""
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict:
        return {"case_id": self.case.case_id, "disposition": self.case.disposition, "complete": self.complete,
                "status": self.status, "unidentified": self.unidentified,
                "findings": [f.as_dict() for f in self.findings],
                "evidence": [e.as_dict() for e in self.evidence],
                "review": [r.as_dict() for r in self.review],
                "name": self.case.name, "district": self.case.district, "responsible": self.case.responsible,
                **({"reviewed": self.reviewed} if self.reviewed else {}),
                **({"file_notes": self.file_notes} if self.file_notes else {})}


@dataclass
class AuditResult:
    as_of: date
    cases: list[CaseResult]
    unmatched: list[Unmatched] = field(default_factory=list)
    ledger_warnings: list = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0
    changes: object = None  # what changed since the last audit (kcdocs.audit.history.Changes)
    ledger_problems: list = field(default_factory=list)  # ledger rows that are no case's (no 台账编号…)
    partial: bool = False  # only the cases asked for (--case): not a picture of the whole district

    @property
    def complete(self) -> int:
        return sum(1 for c in self.cases if c.complete)

    @property
    def incomplete(self) -> int:
        return len(self.cases) - self.complete

    @property
    def to_review(self) -> int:
        return sum(1 for c in self.cases if c.complete and c.review)

    def count(self, status: str) -> int:
        """Cases of one status: complete / review / incomplete."""
        return sum(1 for c in self.cases if c.status == status)

    @property
    def exit_code(self) -> ExitCode:
        clean = not self.incomplete and not self.unmatched and not self.ledger_problems
        return ExitCode.OK if clean else ExitCode.INPUT_PROBLEMS

    def as_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "as_of": self.as_of.isoformat(),
            "summary": {"cases": len(self.cases), "complete": self.complete, "incomplete": self.incomplete,
                        "review": self.to_review, "unmatched_folders": len(self.unmatched),
                        "status": {s: self.count(s) for s in STATUS_LABELS},
                        "ledger_problems": len(self.ledger_problems)},
            "cases": [c.as_dict() for c in self.cases],
            "unmatched_folders": [{"path": u.path, "files": u.files, "folder": u.is_dir} for u in self.unmatched],
            "ledger_problems": [problem_dict(p) for p in self.ledger_problems],
            **({"partial": True} if self.partial else {}),
        }
