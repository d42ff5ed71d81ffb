"""Report periods: ISO weeks (2020-W20) and calendar months (2020-05), with their due dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kcdocs.errors import UsageError

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Period:
    kind: str  # "weekly" | "monthly"
    start: date
    end: date  # inclusive
    code: str  # 2020W20 / 2020M05, used in the QR payload
    label: str  # Chinese, for the page
    due: date

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def parse_week(text: str, due_days_after: int = 3) -> Period:
    """``2020-W20`` → Monday 11 May … Sunday 17 May 2020; due ``due_days_after`` days after
    the Sunday (default 3: the following Wednesday, 每周三前)."""
    m = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text.strip())
    if not m:
        raise UsageError(f"“{text}”不是周的写法。", "请写成 2020-W20（2020年第20周）。")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageError(f"{year}年没有第{week}周。") from None
    end = start + timedelta(days=6)
    label = f"{year}年第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    return Period("weekly", start, end, f"{year}W{week:02d}", label, end + timedelta(days=due_days_after))


def parse_month(text: str, due_day: int = 2) -> Period:
    """``2020-05`` → May 2020; due on day ``due_day`` of the next month (default 2: 每月2日前)."""
    m = re.fullmatch(r"(\d{4})[-/年.]?(\d{1,2})月?", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"“{text}”不是月份的写法。", "请写成 2020-05（2020年5月）。")
    year, month = int(m.group(1)), int(m.group(2))
    start = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    end = following - timedelta(days=1)
    return Period("monthly", start, end, f"{year}M{month:02d}", f"{year}年{month}月",
                  following.replace(day=due_day))


def week_ends(period: Period, count: int = 12) -> list[date]:
    """The Sundays of the ``count`` weeks up to the period's end, and the end itself."""
    last_sunday = period.end - timedelta(days=(period.end.isoweekday() % 7))
    points = [last_sunday - timedelta(weeks=i) for i in range(count - 1, -1, -1)]
    if points[-1] != period.end:
        points.append(period.end)
    return points
