"""Read several districts' audits (findings.json and their kept history) into per-district figures.

Contract: ``collect(sources, days) -> Collected``. A source is an audit output folder (its
findings.json and ``历史/*/findings.json``) or a findings.json file. Cases are grouped by their
``district`` (one ledger with many 区市 splits), else by the source's name. Each audit file is
read once and reduced at once to what the bulletin needs (states, open findings, first-seen
dates), so memory stays small however many audits are kept. A file that cannot be read is
named in ``problems`` and the others go on.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kcdocs.audit.history import FINDINGS, kept_audits, state_of
from kcdocs.tabular import Problem

UNNAMED = "（未填区市）"


@dataclass
class Blocker:
    case_id: str
    name: str
    state: str
    problems: list[tuple[str, str]]  # (rule, kind) of its open findings
    review: int
    first_seen: date | None
    days_open: int | None


@dataclass
class District:
    name: str
    as_of: date | None = None
    cases: int = 0
    states: Counter = field(default_factory=Counter)  # 完整 / 待复核 / 不完整
    kinds: Counter = field(default_factory=Counter)  # open findings by kind
    open_findings: int = 0
    overdue: int = 0  # open findings past their 整改时限
    blockers: list[Blocker] = field(default_factory=list)
    trend: dict[date, float] = field(default_factory=dict)  # 基准日 -> share of complete cases
    sources: list[str] = field(default_factory=list)

    @property
    def complete(self) -> int:
        return self.states["完整"]

    @property
    def progress(self) -> float:
        return self.complete / self.cases if self.cases else 0.0

    @property
    def cleared(self) -> bool:
        return self.cases > 0 and self.complete == self.cases


@dataclass
class Collected:
    districts: list[District]
    problems: list[Problem] = field(default_factory=list)
    audits: int = 0  # findings files read

    @property
    def as_of(self) -> date | None:
        return max((d.as_of for d in self.districts if d.as_of), default=None)


def _read(path: Path, problems: list[Problem]) -> dict | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        problems.append(Problem(str(path), "找不到稽核结果 findings.json", hint="请给出 kcdocs audit 的输出文件夹。"))
        return None
    except (OSError, ValueError) as exc:
        problems.append(Problem(str(path), f"稽核结果无法读取（{exc}），未计入通报",
                                hint="请让该区（市）重新运行 kcdocs audit 后再报送 findings.json。"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        problems.append(Problem(str(path), "不是 kcdocs 稽核结果（findings.json），未计入通报",
                                hint="请给出 kcdocs audit 生成的 findings.json 或它所在的文件夹。"))
        return None
    damage = _damage(data)
    if damage:
        problems.append(Problem(str(path), f"稽核结果内容不完整（{damage}），未计入通报",
                                hint="请勿手工改动 findings.json；请让该区（市）重新运行 kcdocs audit 后再报送。"))
        return None
    return data


def _damage(data: dict) -> str:
    """What makes a findings.json unusable for the bulletin ("" when nothing): checked whole,
    so that a file is either counted as it is or named and left out, never half counted."""
    if _as_of(data) is None:
        return f"稽核基准日 as_of “{data.get('as_of')}” 不是日期"
    for n, c in enumerate(data["cases"], start=1):
        if not isinstance(c, dict) or not isinstance(c.get("case_id"), str):
            return f"第{n}个案例没有台账编号"
        findings, review = c.get("findings", []), c.get("review", [])
        if not isinstance(findings, list) or not isinstance(review, list) or not all(
                isinstance(f, dict) and isinstance(f.get("rule", ""), str) and isinstance(f.get("kind", ""), str)
                for f in findings):
            return f"案例 {c['case_id']} 的问题或待复核项目格式不对"
        if not all(isinstance(c.get(k) or "", str) for k in ("name", "district", "status")):
            return f"案例 {c['case_id']} 的姓名、区市或结论不是文字"
    return ""


def _as_of(data: dict) -> date | None:
    try:
        return date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        return None


def _summary(data: dict, label: str) -> dict[str, tuple[int, int, set]]:
    """district -> (cases, complete, open finding keys) of one audit."""
    out: dict[str, list] = {}
    for c in data["cases"]:
        entry = out.setdefault(c.get("district") or label, [0, 0, set()])
        entry[0] += 1
        state = state_of(c)
        entry[1] += state == "完整"
        cid = c.get("case_id", "")
        entry[2].update((cid, f.get("rule", ""), f.get("kind", "")) for f in c.get("findings", []))
    return {k: (a, b, s) for k, (a, b, s) in out.items()}


def _label(source: Path) -> str:
    return (source.name if source.is_dir() else source.parent.name) or str(source)


def collect(sources: list[Path], days: int = 30) -> Collected:
    problems: list[Problem] = []
    loaded = []  # (current file, data, label, history)
    read = 0
    for source in sources:
        source = Path(source)
        current = source / FINDINGS if source.is_dir() else source
        data = _read(current, problems)
        if data is None:
            continue
        read += 1
        label = _label(source)
        history: list[tuple[date, dict]] = []
        whole = None  # the newest kept audit of every case, for a current one of a few (--case)
        for path in kept_audits(source if source.is_dir() else source.parent):
            old = _read(path, problems)
            if old is not None and _as_of(old) is not None and not old.get("partial"):
                read += 1
                history.append((_as_of(old), _summary(old, label)))
                whole = (path, old)
        if data.get("partial"):
            current, data = _instead_of_partial(current, data, whole, problems)
        for c in data["cases"]:  # kept until every source is read: only what the bulletin uses
            c.pop("evidence", None), c.pop("file_notes", None)
        loaded.append((current, data, label, history))
    chosen = _choose(loaded, problems)
    districts: dict[str, District] = {}
    for n, (current, data, label, history) in enumerate(loaded):
        mine = {name for name, k in chosen.items() if k == n}
        if mine:
            _current(data, label, str(current), districts, history, days, mine)
    ordered = sorted(districts.values(), key=lambda d: d.name)
    return Collected(ordered, problems, read)


def _instead_of_partial(current: Path, data: dict, whole, problems: list[Problem]):
    """A findings.json of a few cases (``audit --case``) does not stand for its district: the
    newest kept audit of every case is used instead, and the user is told either way."""
    few = len(data.get("cases", []))
    if whole is None:
        problems.append(Problem(str(current), f"这份稽核结果只包含用 --case 指定的 {few} 个案例，不能代表全区（市）",
                                hint="请不加 --case 对全部案例稽核一次，再生成通报。", severity="warning"))
        return current, data
    problems.append(Problem(str(current), f"这份稽核结果只包含用 --case 指定的 {few} 个案例，"
                            f"通报改用历史中最近一次全部案例的稽核（{whole[0].parent.name}）",
                            hint="请不加 --case 对全部案例稽核一次，通报即采用最新结果。", severity="warning"))
    return whole


def _choose(loaded, problems: list[Problem]) -> dict[str, int]:
    """district -> the source it is taken from: the latest 基准日 (the later one given on a tie);
    the same district in another source is named and left out, never counted twice."""
    chosen: dict[str, int] = {}
    for n, (current, data, label, _) in enumerate(loaded):
        for name in {c.get("district") or label for c in data["cases"]}:
            k = chosen.get(name)
            if k is not None:
                newer = (_as_of(data) or date.min) >= (_as_of(loaded[k][1]) or date.min)
                kept, dropped = (n, k) if newer else (k, n)
                problems.append(Problem(str(loaded[dropped][0]), f"{name}的个案也在 {loaded[kept][0]} 中，"
                                        f"只采用基准日较晚的 {loaded[kept][0]}", hint="每个区（市）请只报送一份最新的稽核结果。",
                                        severity="warning"))
                chosen[name] = kept
            else:
                chosen[name] = n
    return chosen


def _current(data: dict, label: str, source: str, districts: dict, history, days: int, only: set[str]) -> None:
    as_of = _as_of(data) or date.today()
    history = sorted(history, key=lambda x: x[0])
    for name, (cases, complete, _) in _summary(data, label).items():
        if name not in only:
            continue
        d = districts.setdefault(name, District(name))
        d.as_of = max(filter(None, [d.as_of, as_of]))
        d.sources.append(source)
        for when, summary in history:
            if name in summary and summary[name][0]:
                d.trend[when] = summary[name][1] / summary[name][0]
        d.trend[as_of] = complete / cases if cases else 0.0
    for c in data["cases"]:
        name = c.get("district") or label
        if name not in only:
            continue
        d = districts[name]
        state = state_of(c)
        d.cases += 1
        d.states[state] += 1
        findings = c.get("findings", [])
        d.open_findings += len(findings)
        for f in findings:
            d.kinds[f.get("kind", "")] += 1
        if state != "完整":
            d.blockers.append(_blocker(c, state, name, as_of, history, days, d))


def _blocker(c: dict, state: str, district: str, as_of: date, history, days: int, d: District) -> Blocker:
    cid = c.get("case_id", "")
    keys = [(cid, f.get("rule", ""), f.get("kind", "")) for f in c.get("findings", [])]
    first = {k: as_of for k in keys}
    alive = set(keys)
    for when, summary in reversed(history):
        if when > as_of:
            continue
        seen = alive & (summary.get(district, (0, 0, set()))[2])
        for k in seen:
            first[k] = min(first[k], when)
        alive = seen
        if not alive:
            break
    d.overdue += sum(1 for k in keys if as_of > first[k] + timedelta(days=days))
    earliest = min(first.values(), default=None)
    return Blocker(cid, c.get("name") or "", state, [(k[1], k[2]) for k in keys], len(c.get("review", [])),
                   earliest, (as_of - earliest).days if earliest else None)
