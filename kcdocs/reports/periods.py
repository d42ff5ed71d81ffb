"""Report periods: ISO weeks and calendar months, with their due dates.

A week may be written 2020-W20, 2020W20, 2020年第20周, 第20周 (the year of ``year``: the report
date's) or as any date inside the week (2020-05-13, 2020年5月13日, 2020/5/13). A month may be
written 2020-05, 2020/5, 2020.5, 202005, 2020年5月 or 5月 (the year of ``year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kcdocs import dates
from kcdocs.errors import UsageError
from kcdocs.textnorm import squash, to_halfwidth

WEEKDAYS = "一二三四五六日"
WEEK_HINT = "请写成 2020-W20、2020年第20周、第20周，或该周中的一天（如 2020-05-13）。"
MONTH_HINT = "请写成 2020-05、2020年5月 或 2020.5。"


@dataclass(frozen=True)
class Period:
    kind: str  # "weekly" | "monthly"
    start: date
    end: date  # inclusive
    code: str  # 2020W20 / 2020M05, used in the QR payload
    label: str  # Chinese, for the page: 2020年第20周（5月11日—5月17日） / 2020年5月
    due: date
    short: str = ""  # 第20周（5月11日—5月17日） / 5月
    file_label: str = ""  # in file names: 2020年第20周 / 2020年5月

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def _clean(text: str) -> str:
    return squash(to_halfwidth(str(text))).strip()


def _week_of(text: str, year: int | None) -> tuple[int, int] | None:
    """(ISO year, week) from a week's written forms, or None if ``text`` is none of them."""
    m = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(r"(?:(\d{4})年)?第(\d{1,2})周", text)
    if m:
        return int(m.group(1) or year or date.today().year), int(m.group(2))
    return None


def week_period(year: int, week: int, due_days_after: int = 3) -> Period:
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageError(f"{year}年没有第{week}周。", WEEK_HINT) from None
    end = start + timedelta(days=6)
    short = f"第{week}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
    return Period("weekly", start, end, f"{year}W{week:02d}", f"{year}年{short}", end + timedelta(days=due_days_after),
                  short, f"{year}年第{week}周")


def parse_week(text: str, due_days_after: int = 3, year: int | None = None) -> Period:
    """The ISO week ``text`` names (Monday … Sunday); due ``due_days_after`` days after the
    Sunday (default 3: the following Wednesday, 每周三前)."""
    cleaned = _clean(text)
    found = _week_of(cleaned, year)
    if found is None:
        try:
            day = dates.parse_date(cleaned)
        except dates.DateError:
            raise UsageError(f"“{text}”不是周的写法。", WEEK_HINT) from None
        found = day.isocalendar()[:2]
    return week_period(found[0], found[1], due_days_after)


def parse_month(text: str, due_day: int = 2, year: int | None = None) -> Period:
    """The calendar month ``text`` names; due on day ``due_day`` of the next month (default 2: 每月2日前)."""
    cleaned = _clean(text)
    m = (re.fullmatch(r"(\d{4})(?:[-/.年]|(?=\d{2}$))(\d{1,2})月?(?:份)?", cleaned)
         or re.fullmatch(r"()(\d{1,2})月(?:份)?", cleaned))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"“{text}”不是月份的写法。", MONTH_HINT)
    y, month = int(m.group(1) or year or date.today().year), int(m.group(2))
    start = date(y, month, 1)
    following = date(y + (month == 12), month % 12 + 1, 1)
    end = following - timedelta(days=1)
    return Period("monthly", start, end, f"{y}M{month:02d}", f"{y}年{month}月", following.replace(day=due_day),
                  f"{month}月", f"{y}年{month}月")


def week_ends(period: Period, count: int = 12) -> list[date]:
    """The Sundays of the ``count`` weeks up to the period's end, and the end itself."""
    last_sunday = period.end - timedelta(days=(period.end.isoweekday() % 7))
    points = [last_sunday - timedelta(weeks=i) for i in range(count - 1, -1, -1)]
    if points[-1] != period.end:
        points.append(period.end)
    return points
