"""Recorded review decisions applied to evaluated cases — a step after ``evaluate``.

Contract: ``apply_decisions(results, evidence_root) -> [Problem]``. A review note whose item
has a recorded decision (same file SHA-256, page, checklist item, check and box) leaves the
case's review list: confirmed, it goes to ``reviewed`` and its checklist item passes with
``by="review"`` and the reviewer's name once no note of that item is left pending; rejected,
it becomes a finding of the matching kind (unsigned / unsealed / data). Findings are never
removed, so nothing a reviewer says can hide a missing document. The problems returned are
unreadable lines of the decisions file.
"""

from __future__ import annotations

from pathlib import Path

from kcdocs.review.store import REJECT_KIND, Decision, item_key, load_store
from kcdocs.tabular import Problem


def apply_decisions(results: list, evidence_root: Path) -> list[Problem]:
    store = load_store(evidence_root)
    if store.decisions:
        for result in results:
            _apply(result, store.decisions)
    return store.problems


def note_key(result, note, sha: dict[str, str | None] | None = None) -> str:
    if sha is None:
        sha = {e.file: e.sha256 for e in result.evidence}
    return item_key(result.case.case_id, sha.get(note.file) if note.file else None, note.page, note.rule,
                    note.reason)


def _apply(result, decisions: dict[str, Decision]) -> None:
    if not result.review:
        return
    sha = {e.file: e.sha256 for e in result.evidence}
    pending, decided = [], {}
    for note in result.review:
        d = None if getattr(note, "absent", False) else decisions.get(note_key(result, note, sha))
        if d is None:  # undecided, or about a missing document: a decision cannot supply it
            pending.append(note)
        else:
            decided.setdefault(note.rule, []).append((note, d))
    if not decided:
        return
    result.review = pending
    left = {n.rule for n in pending}
    items = {i.rule: i for i in result.items}
    for rule, pairs in decided.items():
        _rule(result, rule, pairs, items.get(rule), rule in left)


def _who(d: Decision) -> str:
    return f"{d.reviewer}，{d.day}" + (f"；{d.note}" if d.note else "")


def _rule(result, rule: str, pairs, item, pending: bool) -> None:
    from kcdocs.audit.models import Finding  # here: kcdocs.audit imports this module

    rejected = []
    for note, d in pairs:
        record = {"rule": rule, "file": note.file, "page": note.page, "reason": note.reason, "by": "review",
                  "decision": d.decision, "reviewer": d.reviewer, "at": d.at, "note": d.note}
        result.reviewed.append(record)
        if not d.confirmed:
            text = f"人工复核认定不符合：{note.reason}（复核人{_who(d)}）"
            rejected.append(Finding(rule, REJECT_KIND[d.mark], text, [note.file] if note.file else [],
                                    {"review": record}))
    result.findings.extend(rejected)
    if item is None:
        return
    reviewers = "、".join(dict.fromkeys(d.reviewer for _, d in pairs))
    if rejected:
        item.status = "fail"
        item.message = "；".join(f.message for f in rejected)
    elif item.status == "review" and not pending:
        item.status, item.by, item.reviewer = "ok", "review", reviewers
        done = "、".join(dict.fromkeys(d.decision for _, d in pairs))
        item.message = f"经人工复核：{done}（复核人{'；'.join(dict.fromkeys(_who(d) for _, d in pairs))}）"
    elif item.status == "review":
        item.message = f"已复核 {len(pairs)} 项（复核人{reviewers}），其余待复核：{item.message}"
