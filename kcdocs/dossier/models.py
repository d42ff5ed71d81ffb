"""Data passed between the dossier stages: options, a case's plan, its parts, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kcdocs.audit.models import Finding, ItemStatus
from kcdocs.config import Config
from kcdocs.errors import ExitCode
from kcdocs.ledger import Case

# Where a file goes when no checklist item claims it.
OTHER_GROUP = "其他材料（未识别）"
UNREADABLE_GROUP = "无法读取的文件"


class DossierOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    ledger: Path
    evidence_root: Path
    output: Path
    cases: list[str] = []  # only these case ids (default: all)
    as_of: date | None = None  # reference date for the checklist (default: today)
    mask_ids: bool = False  # mask ID numbers inside the dossiers (index files are always masked)
    checklists: Path | None = None  # another checklist folder (default: the built-in one)
    config: Config = Config()
    jobs: int | None = None  # processes at work (default: up to 2; 1 = all in this process)
    use_cache: bool = True  # reuse what an earlier audit read from unchanged files (QR, boxes, seals)
    scan: bool = False  # read the scanned pages the audit's cache holds nothing for (slow)


@dataclass
class Doc:
    """One document the audit found inside a file: its checklist item and first page in the file."""

    rule: str | None
    document: str | None
    page: int = 1


@dataclass
class Part:
    """One evidence file of a case, in dossier order."""

    rel: str  # relative to EVIDENCE_ROOT
    name: str  # path below the case folder, as shown
    kind: str  # pdf | image | media | other
    size: int
    sha256: str | None
    problem: str | None  # why it is unreadable (Chinese), None when readable
    item: str | None  # rule id it is filed under (None: 其他材料 / 无法读取)
    group: str  # bookmark title of its group (the item's name, or OTHER_GROUP / UNREADABLE_GROUP)
    docs: list[Doc] = field(default_factory=list)
    pages: int = 1  # pages it adds to the dossier
    offset: int = 0  # its first page within the evidence section (1-based)
    attached: bool = False  # True: its own pages are in the dossier; False: one page describing it

    @property
    def placeholder(self) -> bool:
        return not self.attached


@dataclass
class CasePlan:
    """Everything needed to build one dossier (plain data, sent to worker processes)."""

    case: Case
    disposition_name: str
    state: str  # 完整 / 待复核 / 不完整
    items: list[ItemStatus]
    findings: list[Finding]
    review_count: int
    parts: list[Part]
    unscanned: int  # readable PDFs and images whose pages were not read for signatures and seals
    evidence_root: Path
    output: Path  # the dossier's final path (written atomically)
    mask_ids: bool
    as_of: date
    generated: datetime
    version: str

    @property
    def case_id(self) -> str:
        return self.case.case_id


@dataclass
class DossierInfo:
    """The outcome of one case: a dossier written, or the reason it could not be."""

    case_id: str
    name: str
    district: str
    school: str
    disposition: str
    status: str
    state: str  # 完整 / 待复核 / 不完整
    findings: list[str]  # open findings, one line each (Chinese)
    review_count: int
    file: str | None = None  # dossier file name in the output folder
    pages: int = 0
    front_pages: int = 0
    evidence_pages: int = 0
    evidence_files: int = 0
    unreadable_files: int = 0
    unscanned_files: int = 0  # files whose signatures and seals were not checked (see CasePlan)
    sha256: str | None = None
    size: int = 0
    error: str | None = None  # why the dossier could not be made (Chinese)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class DossierResult:
    as_of: date
    output: Path
    dossiers: list[DossierInfo] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    manifest_sha256: str | None = None
    seconds: float = 0.0
    ledger_warnings: list = field(default_factory=list)
    ledger_problems: list = field(default_factory=list)  # ledger rows not fully read: no dossier for them

    @property
    def failed(self) -> list[DossierInfo]:
        return [d for d in self.dossiers if not d.ok]

    @property
    def unscanned_files(self) -> int:
        return sum(d.unscanned_files for d in self.dossiers)

    @property
    def incomplete(self) -> int:
        return sum(1 for d in self.dossiers if d.state == "不完整")

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if not self.failed and not self.incomplete else ExitCode.INPUT_PROBLEMS


@dataclass
class Change:
    """One difference between the manifest and the files now on disk."""

    area: str  # evidence | dossier
    kind: str  # changed | missing | added
    file: str

    @property
    def text(self) -> str:
        what = {"changed": "已改变", "missing": "已缺失", "added": "新增"}[self.kind]
        where = "佐证材料" if self.area == "evidence" else "卷宗文件"
        return f"{where}{what}：{self.file}"


@dataclass
class VerifyResult:
    manifest_sha256: str
    generated: str
    evidence_files: int
    output_files: int
    changes: list[Change] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.changes

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.intact else ExitCode.INPUT_PROBLEMS
