"""What changed since the last audit, and the audits kept for it.

Every audit keeps a copy of its findings.json under ``OUT/历史/<基准日>_<时刻>/``
(:func:`keep`). :func:`compare` sets the current result beside the previous audit — the
``findings.json`` already in the output folder, or ``--compare FILE`` — and the kept ones:
per finding (case, rule, kind) whether it is new (本次新增), gone (已整改) or still open
(仍未整改), the 基准日 it was first seen (the earliest of an unbroken run of kept audits that
had it), the days it has been open, its 整改时限 (``[rectification] days`` after first seen)
and the latest 整改情况 a district reported (``kcdocs review apply``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from kcdocs.fileio import write_bytes_atomic
from kcdocs.tabular import Problem

HISTORY_DIR = "历史"
FINDINGS = "findings.json"


@dataclass
class Change:
    case_id: str
    name: str
    district: str
    responsible: str
    rule: str
    kind: str
    message: str
    first_seen: date
    days_open: int
    deadline: date
    overdue_days: int  # > 0: past its 整改时限
    rectification: str = ""  # the latest 整改情况 reported
    reported_by: str = ""


@dataclass
class StateChange:
    case_id: str
    name: str
    before: str
    after: str
    reviewers: str = ""


@dataclass
class Changes:
    as_of: date
    days: int  # 整改时限 in days after first seen
    previous: date | None = None  # 基准日 of the audit compared with (None: first audit)
    previous_source: str = ""
    new: list[Change] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    still: list[Change] = field(default_factory=list)
    states: list[StateChange] = field(default_factory=list)
    kept: int = 0  # earlier audits kept

    @property
    def open(self) -> list[Change]:
        return self.new + self.still


def state_of(case: dict) -> str:
    """完整 / 待复核 / 不完整 of a case of findings.json (before and after ``status`` existed)."""
    status = case.get("status")
    if status in ("complete", "review", "incomplete"):
        return {"complete": "完整", "review": "待复核", "incomplete": "不完整"}[status]
    if case.get("findings"):
        return "不完整"
    return "待复核" if case.get("review") else "完整"


def read_findings(path: Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("cases"), list) else None


def kept_audits(out_dir: Path) -> list[Path]:
    """findings.json of the kept audits, oldest first (folder names sort by 基准日 and time)."""
    base = Path(out_dir) / HISTORY_DIR
    if not base.is_dir():
        return []
    return sorted(p / FINDINGS for p in base.iterdir() if (p / FINDINGS).is_file())


def _keys(data: dict) -> set[tuple[str, str, str]]:
    return {(c.get("case_id", ""), f.get("rule", ""), f.get("kind", "")) for c in data.get("cases", [])
            for f in c.get("findings", [])}


def _as_of(data: dict) -> date | None:
    try:
        return date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        return None


def _case_ids(data: dict) -> set[str]:
    return {c.get("case_id", "") for c in data.get("cases", [])}


def _first_seen(current: set, as_of: date, older: list[dict]) -> dict:
    """key -> 基准日 of the earliest kept audit of the unbroken run (newest first) that had it;
    an audit that did not cover the case (``--case``) neither breaks the run nor extends it."""
    first = {k: as_of for k in current}
    alive = set(current)
    for data in reversed(older):
        when = _as_of(data)
        if when is None:
            continue
        keys, ids = _keys(data), _case_ids(data)
        for k in [k for k in alive if k[0] in ids]:
            if k in keys:
                first[k] = min(first[k], when)
            else:
                alive.discard(k)
        if not alive:
            break
    return first


def _seen_before(previous: dict | None, older: list[dict]):
    """key -> whether the last audit that covered the key's case had it (a ``--case`` audit in
    between says nothing about the other cases)."""
    audits = [(_case_ids(d), _keys(d)) for d in ([*older, previous] if previous is not None else older)]

    def seen(key) -> bool:
        for ids, keys in reversed(audits):
            if key[0] in ids:
                return key in keys
        return False
    return seen


def compare(result, out_dir: Path, compare_with: Path | None, days: int, evidence_root: Path
            ) -> tuple["Changes", list[Problem]]:
    """The changes of ``result`` (an AuditResult) since the previous audit."""
    problems: list[Problem] = []
    kept = kept_audits(out_dir)
    previous_path = Path(compare_with) if compare_with else Path(out_dir) / FINDINGS
    previous = read_findings(previous_path) if previous_path.is_file() else None
    if compare_with and previous is None:
        problems.append(Problem(str(previous_path), "无法读取作为比较对象的稽核结果，本次报告不列出整改变化",
                                hint="请给出此前 kcdocs audit 生成的 findings.json。", severity="warning"))
    older = [d for d in (read_findings(p) for p in kept) if d is not None]
    if previous is not None and (not older or _keys(older[-1]) != _keys(previous)):
        older.append(previous)
    changes = Changes(result.as_of, days, _as_of(previous) if previous else None,
                      str(previous_path) if previous else "", kept=len(kept))
    _fill(changes, result, previous, older, evidence_root)
    return changes, problems


def _fill(changes: Changes, result, previous: dict | None, older: list[dict], evidence_root: Path) -> None:
    from kcdocs.review.store import load_store

    reports = load_store(evidence_root).rectifications
    cases = {c.case.case_id: c for c in result.cases}
    now = {(c.case.case_id, f.rule, f.kind): (c, f) for c in result.cases for f in c.findings}
    first = _first_seen(set(now), result.as_of, older)
    seen = _seen_before(previous, older)
    for key, (c, f) in now.items():
        change = _change(key, c.case.name, c.case.district, c.case.responsible, f.message, first[key],
                         changes, reports.get(key))
        (changes.still if previous is not None and seen(key) else changes.new).append(change)
    if previous is None:
        return
    last = {}  # case id -> the case in the last audit that covered it (a --case audit covers a few)
    for data in [*older, previous]:
        last.update((c.get("case_id", ""), c) for c in data.get("cases", []))
    before = {(cid, f.get("rule", ""), f.get("kind", "")) for cid, c in last.items() for f in c.get("findings", [])}
    prev_first = _first_seen(before, _as_of(previous) or result.as_of, older)
    for cid, case in last.items():
        if cid not in cases:
            continue  # not audited this time (--case): nothing can be said about it
        for f in case.get("findings", []):
            key = (cid, f.get("rule", ""), f.get("kind", ""))
            if key not in now:
                changes.fixed.append(_change(key, case.get("name") or cases[cid].case.name,
                                             case.get("district") or "", case.get("responsible") or "",
                                             f.get("message", ""), prev_first.get(key, result.as_of), changes,
                                             reports.get(key)))
        after = cases[cid].state
        if state_of(case) != after:
            who = "、".join(dict.fromkeys(r["reviewer"] for r in cases[cid].reviewed))
            changes.states.append(StateChange(cid, cases[cid].case.name, state_of(case), after, who))


def _change(key, name, district, responsible, message, first: date, changes: Changes, report) -> Change:
    deadline = first + timedelta(days=changes.days)
    return Change(key[0], name or "", district or "", responsible or "", key[1], key[2], message, first,
                  (changes.as_of - first).days, deadline, max(0, (changes.as_of - deadline).days),
                  (report or {}).get("整改情况", ""), (report or {}).get("填报人", ""))


def keep(out_dir: Path, as_of: date) -> Path:
    """Copy the output folder's findings.json into ``历史/<基准日>_<时刻>/``."""
    stamp = datetime.now().strftime("%H%M%S%f")[:8]
    target = Path(out_dir) / HISTORY_DIR / f"{as_of.isoformat()}_{stamp}" / FINDINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, (Path(out_dir) / FINDINGS).read_bytes())
    return target
