"""Review decisions that last (``kcdocs review``).

A person looks at what the audit could not decide (a faint signature box, a grayscale seal,
a signature on a document kcdocs did not print) and records 确认已签字 / 确认已盖章 /
确认材料无误 / 不符合 with their name, the time and a note. Decisions are kept in
``EVIDENCE_ROOT/复核记录.jsonl`` (:mod:`.store`), bound to the SHA-256 of the file and the
page and box they concern; every audit and dossier applies them after evaluating
(:mod:`.apply`). ``list`` / ``export`` read an audit's findings.json (:mod:`.pending`);
``apply`` reads a filled workbook back (:mod:`.workbook`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kcdocs.review.apply import apply_decisions
from kcdocs.review.pending import PendingItem, load_findings, pending_items
from kcdocs.review.store import (CONFIRM_OK, CONFIRM_SEALED, CONFIRM_SIGNED, DECISIONS, REJECT, STORE_NAME,
                                 Decision, append_decisions, load_store, now_text, store_path)
from kcdocs.review.workbook import read_workbook, write_pending_workbook
from kcdocs.tabular import Problem


@dataclass
class Recorded:
    store: Path
    decisions: int = 0
    rectifications: int = 0
    blank: int = 0
    problems: list[Problem] = field(default_factory=list)


def record_workbook(workbook: Path, evidence_root: Path, reviewer: str | None = None) -> Recorded:
    """Every usable decision and 整改情况 of a filled workbook appended to the store."""
    from kcdocs.errors import InputFileError

    if not Path(evidence_root).is_dir():
        raise InputFileError(f"佐证材料文件夹不存在或不是文件夹：{evidence_root}",
                             "请用 --evidence 给出稽核时用的佐证材料文件夹（复核决定记在其中，并按其中的文件核对）。")
    got = read_workbook(workbook, evidence_root, reviewer)
    path = store_path(evidence_root)
    if got.decisions or got.rectifications:
        path = append_decisions(evidence_root, got.decisions, got.rectifications)
    return Recorded(path, len(got.decisions), len(got.rectifications), got.blank, got.problems)


def record(evidence_root: Path, item: PendingItem, decision: str, reviewer: str, note: str = "") -> Decision:
    """One decision on one pending item (the web page's buttons)."""
    from kcdocs.errors import UsageError
    from kcdocs.review.store import FITS

    if decision not in FITS[item.mark]:
        raise UsageError(f"这一项需核验{item.mark}，不能选“{decision}”。")
    if not reviewer.strip():
        raise UsageError("请填写复核人姓名。")
    d = Decision(item.case_id, item.file, item.sha256, item.page, item.rule, item.mark, item.box, decision,
                 reviewer.strip(), now_text(), note.strip(), item.reason)
    append_decisions(evidence_root, [d])
    return d


__all__ = ["apply_decisions", "pending_items", "load_findings", "PendingItem", "write_pending_workbook",
           "read_workbook", "record_workbook", "record", "Recorded", "load_store", "store_path", "STORE_NAME",
           "DECISIONS", "CONFIRM_SIGNED", "CONFIRM_SEALED", "CONFIRM_OK", "REJECT", "Decision"]
