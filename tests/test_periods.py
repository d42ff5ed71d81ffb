"""Every written form of a week and a month a clerk may type."""

from __future__ import annotations

from datetime import date

import pytest

from kcdocs.errors import UsageError
from kcdocs.reports.periods import parse_month, parse_week


@pytest.mark.parametrize("text", ["2020-W20", "2020w20", "2020年第20周", "第20周", " 第 20 周 ", "2020-05-11",
                                  "2020-05-17", "2020年5月13日", "2020/5/13", "20200513"])
def test_week_forms(text):
    p = parse_week(text, year=2020)
    assert (p.start, p.end, p.code, p.due) == (date(2020, 5, 11), date(2020, 5, 17), "2020W20", date(2020, 5, 20))
    assert p.short == "第20周（5月11日—5月17日）" and p.label == "2020年第20周（5月11日—5月17日）"
    assert p.file_label == "2020年第20周"


@pytest.mark.parametrize("text", ["2020-05", "2020年5月", "2020.5", "2020/5", "202005", "2020年05月份", "5月"])
def test_month_forms(text):
    p = parse_month(text, year=2020)
    assert (p.start, p.end, p.code, p.due, p.label) == (date(2020, 5, 1), date(2020, 5, 31), "2020M05",
                                                        date(2020, 6, 2), "2020年5月")


def test_week_across_the_new_year():
    p = parse_week("2021-01-01")
    assert p.code == "2020W53" and p.short == "第53周（12月28日—1月3日）"


@pytest.mark.parametrize("text, word", [("2020-20", "不是周的写法"), ("2020-W54", "没有第54周"), ("下周", "不是周的写法")])
def test_bad_weeks(text, word):
    with pytest.raises(UsageError, match=word):
        parse_week(text)


@pytest.mark.parametrize("text", ["2020-13", "13月", "五月", "2020"])
def test_bad_months(text):
    with pytest.raises(UsageError, match="不是月份的写法"):
        parse_month(text)
