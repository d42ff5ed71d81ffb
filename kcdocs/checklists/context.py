"""What an operator sees (a case with its identified evidence) and what it returns.

Plain data, no I/O: the audit pipeline builds a :class:`CaseContext` per case; the
scan-back work (QR codes, signature boxes, seals) will fill ``DocRef.signatures``
and ``DocRef.seals``, which the ``signatures`` and ``seal`` operators already consult.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kcdocs.ledger.models import Case

KINDS = ("missing", "unsigned", "unsealed", "condition", "data", "duplicate", "unreadable")


@dataclass(frozen=True)
class DocRef:
    """One identified document: a whole file, or a run of pages of a multi-document PDF."""

    file: str  # path relative to EVIDENCE_ROOT, with /
    document: str  # canonical document name from a checklist, e.g. 火化证明
    sha256: str
    by: str  # qr | filename | text | ocr
    page: int = 1  # first page (1-based)
    pages: int = 1
    signatures: int | None = None  # ink-filled signature boxes; None = not measured
    seals: int | None = None  # red seals found; None = not measured (or not measurable)
    colour: bool | None = None  # a colour scan (seals are checkable); None = unknown


@dataclass
class ReviewNote:
    """A decision left to a person (interfaces.md §5 ``review``)."""

    rule: str
    reason: str
    file: str | None = None
    page: int | None = None
    confidence: float | None = None  # None: not measured at all
    absent: bool = False  # about a document that is not there (an item of severity review): no decision hides it

    def as_dict(self) -> dict:
        return {"rule": self.rule, "file": self.file, "page": self.page, "reason": self.reason,
                "confidence": self.confidence, **({"absent": True} if self.absent else {})}


@dataclass
class CaseContext:
    case: Case
    as_of: date
    docs: list[DocRef] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # audio/video files kept for inspection
    # file -> [(other case id, other file)] for identical evidence filed under other cases
    duplicates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (file, reason) of unreadable files that no item of the case's checklist can claim by name
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def docs_named(self, name: str) -> list[DocRef]:
        return [d for d in self.docs if d.document == name]


@dataclass
class Check:
    """The result of one operator on one case."""

    ok: bool
    message: str = ""
    kind: str | None = None  # None: the operator's default kind
    files: list[str] = field(default_factory=list)
    detail: dict | None = None
    used: list[DocRef] = field(default_factory=list)  # documents that satisfied it
    reviews: list[ReviewNote] = field(default_factory=list)

    @classmethod
    def passed(cls, used=(), reviews=()) -> "Check":
        return cls(True, used=list(used), reviews=list(reviews))

    @classmethod
    def failed(cls, message: str, *, kind: str | None = None, files=(), detail=None, used=()) -> "Check":
        return cls(False, message, kind, list(files), detail, list(used))
