"""Report figures from dated events: when each case opened and when (and how) it closed.

期初 + 新增 − 劝返复学 − 特殊劝返 − 核销 = 期末 is checked, not assumed: 期末 is counted on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

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
    opened = case.registered_date or case.dropout_date
    if opened is None and case.attempts:
        opened = min((a.date for a in case.attempts if a.date), default=None)
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


# Day numbers (date ordinals) standing for "no date": opened before records were kept, never closed.
_NOT_OPENED, _NOT_CLOSED = -1, 10**7


class Timeline:
    """The events' opening and closing days as arrays, so that counting the cases open on a day
    or closed in a period is one vectorised comparison instead of a Python loop over 50,000 cases."""

    def __init__(self, events: list[Event]):
        import numpy as np

        n = len(events)
        self.opened = np.fromiter((e.opened.toordinal() if e.opened else _NOT_OPENED for e in events), np.int64, n)
        self.closed = np.fromiter((e.closed.toordinal() if e.closed else _NOT_CLOSED for e in events), np.int64, n)
        self.kinds = {k: np.fromiter((e.kind == k for e in events), bool, n) for k in CLOSE_KINDS}

    def open_on(self, day: date):
        """Which events are open at the end of ``day`` (as :func:`open_on`)."""
        d = day.toordinal()
        return (self.opened <= d) & (d < self.closed)

    def new_in(self, start: date, end: date):
        return (self.opened >= start.toordinal()) & (self.opened <= end.toordinal())

    def closed_in(self, start: date, end: date):
        return (self.closed >= start.toordinal()) & (self.closed <= end.toordinal())


def open_counts(events: list[Event], days: list[date], timeline: Timeline | None = None) -> list[int]:
    """How many of ``events`` are open at the end of each of ``days``."""
    timeline = timeline or Timeline(events)
    return [int(timeline.open_on(d).sum()) for d in days]


def tally(events: list[Event], start: date, end: date, key, timeline: Timeline | None = None) -> tuple[list[Row], Row]:
    """Rows by ``key(event)`` and the total, for the period ``start``…``end`` (inclusive)."""
    import numpy as np

    timeline = timeline or Timeline(events)
    keys = [key(ev) for ev in events]
    names = sorted(set(keys))
    index = {name: i for i, name in enumerate(names)}
    group = np.fromiter((index[k] for k in keys), np.intp, len(keys))

    def per_row(mask) -> list[int]:
        return np.bincount(group, weights=mask, minlength=len(names)).astype(np.int64).tolist()

    closed_in = timeline.closed_in(start, end)
    columns = {"start": per_row(timeline.open_on(start - timedelta(days=1))),
               "new": per_row(timeline.new_in(start, end)),
               "end": per_row(timeline.open_on(end)),
               **{k: per_row(closed_in & timeline.kinds[k]) for k in CLOSE_KINDS}}
    rows = [Row(name, columns["start"][i], columns["new"][i], Counter({k: columns[k][i] for k in CLOSE_KINDS}),
                columns["end"][i]) for i, name in enumerate(names)]
    total = Row("合计", sum(columns["start"]), sum(columns["new"]),
                Counter({k: sum(columns[k]) for k in CLOSE_KINDS}), sum(columns["end"]))
    return rows, total
