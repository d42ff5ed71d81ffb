"""Report figures from dated events: when each case opened and when (and how) it closed.

期初 + 新增 − 劝返复学 − 特殊劝返 − 核销 = 期末 is checked, not assumed: 期末 is counted on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from kcdocs.ledger import Case, Status

CLOSE_KINDS = ("returned", "special", "writeoff")
KIND_LABELS = {"returned": "劝返复学", "special": "特殊劝返", "writeoff": "核销"}


@dataclass(frozen=True)
class Event:
    case: Case
    opened: date | None  # None: in the ledger before any date was kept (counts from the start)
    closed: date | None  # None: still open (or closed without a date, see ``problem``)
    kind: str | None  # returned | special | writeoff
    problem: str | None = None


def case_event(case: Case, group: str) -> Event:
    """When ``case`` opened and closed; ``group`` is its disposition group (return / write_off /
    special_return)."""
    first_attempt = min((a.date for a in case.attempts if a.date), default=None)
    opened = case.registered_date or case.dropout_date or first_attempt
    kind, closed, closed_by_status = None, None, False
    if group == "write_off" and case.status == Status.WRITTEN_OFF:
        kind, closed, closed_by_status = "writeoff", case.writeoff_date, True
    elif group == "special_return" and (case.placement_date or case.status == Status.PLACED):
        kind, closed, closed_by_status = "special", case.placement_date, True
    elif group == "special_return" and case.status == Status.RETURNED:
        kind, closed, closed_by_status = "special", case.return_date, True
    elif case.status == Status.RETURNED:
        kind, closed, closed_by_status = "returned", case.return_date, True
    problem = None
    if closed_by_status and closed is None:
        problem = f"状态为“{case.status and _status_word(case.status)}”但缺少{_date_column(kind)}，按未销号计算"
        kind = None
    elif closed and opened and closed < opened:
        problem = f"{_date_column(kind)}{closed.isoformat()}早于登记/辍学日期{opened.isoformat()}"
    return Event(case, opened, closed, kind if closed else None, problem)


def _status_word(status) -> str:
    from kcdocs.ledger import label

    return label(status)


def _date_column(kind: str | None) -> str:
    return {"writeoff": "核销日期", "special": "安置日期或复学日期", "returned": "复学日期"}.get(kind, "日期")


def open_on(event: Event, day: date) -> bool:
    return (event.opened is None or event.opened <= day) and not (event.closed and event.closed <= day)


@dataclass
class Row:
    name: str
    start: int = 0
    new: int = 0
    closed: Counter = field(default_factory=Counter)
    end: int = 0

    @property
    def expected_end(self) -> int:
        return self.start + self.new - sum(self.closed[k] for k in CLOSE_KINDS)

    @property
    def balanced(self) -> bool:
        return self.expected_end == self.end

    def as_dict(self) -> dict:
        return {"name": self.name, "start": self.start, "new": self.new,
                **{k: self.closed[k] for k in CLOSE_KINDS}, "end": self.end, "balanced": self.balanced,
                "difference": self.end - self.expected_end}


def tally(events: list[Event], start: date, end: date, key) -> tuple[list[Row], Row]:
    """Rows by ``key(event)`` and the total, for the period ``start``…``end`` (inclusive)."""
    from datetime import timedelta

    before = start - timedelta(days=1)
    rows: dict[str, Row] = {}
    total = Row("合计")
    for ev in events:
        row = rows.setdefault(key(ev), Row(key(ev)))
        for target in (row, total):
            target.start += open_on(ev, before)
            target.new += bool(ev.opened and start <= ev.opened <= end)
            if ev.closed and start <= ev.closed <= end:
                target.closed[ev.kind] += 1
            target.end += open_on(ev, end)
    return [rows[k] for k in sorted(rows)], total
