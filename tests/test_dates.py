from datetime import date, datetime

import pytest

from kcdocs import dates
from kcdocs.dates import DateError

AUG20 = date(2020, 8, 20)


@pytest.mark.parametrize("value", [
    "2020-08-20", "2020/8/20", "2020/08/20", "2020.8.20", "2020年8月20日", "2020年08月20日", "2020年8月20号",
    "20200820", 20200820, "２０２０－０８－２０", " 2020-8-20 ", "2020-08-20 00:00:00",
    "二〇二〇年八月二十日", 44063, 44063.0, "44063", datetime(2020, 8, 20, 9, 30), AUG20,
])
def test_every_form_parses(value):
    assert dates.parse_date(value) == AUG20


def test_excel_serials_around_lotus_bug():
    assert dates.from_excel_serial(61) == date(1900, 3, 1)
    assert dates.parse_date(43831) == date(2020, 1, 1)
    with pytest.raises(DateError):  # a small number is not a date of this domain (8.25, 61…)
        dates.parse_date(61)


@pytest.mark.parametrize("value", ["2020-02-30", "2020年13月1日", "明天", "", None, "8/20", 0, "2020-8"])
def test_invalid_dates_raise_chinese_error(value):
    with pytest.raises(DateError) as exc:
        dates.parse_date(value)
    assert exc.value.message and "2020-08-20" in exc.value.hint


def test_impossible_date_says_why():
    with pytest.raises(DateError) as exc:
        dates.parse_date("2021-02-29")
    assert "2月29日" in exc.value.message


def test_age_in_full_years():
    born = date(2014, 8, 31)
    assert dates.age_on(born, date(2020, 8, 30)) == 5
    assert dates.age_on(born, date(2020, 8, 31)) == 6
    leap = date(2012, 2, 29)
    assert dates.age_on(leap, date(2018, 2, 28)) == 5
    assert dates.age_on(leap, date(2018, 3, 1)) == 6
    assert dates.age_on(leap, date(2016, 2, 29)) == 4


def test_cutoff_boundary_born_first_of_september_is_not_six():
    cutoff = date(2020, *dates.parse_month_day("08-31"))
    assert dates.age_on(date(2014, 8, 31), cutoff) == 6
    assert dates.age_on(date(2014, 9, 1), cutoff) == 5


def test_chinese_formatting():
    assert dates.format_cn(date(2020, 4, 30)) == "2020年4月30日"
    assert dates.format_cn(date(2020, 8, 1)) == "2020年8月1日"
    assert dates.format_month_day(date(2020, 8, 1)) == "8月1日"


def test_month_day():
    assert dates.parse_month_day("08-31") == (8, 31)
    assert dates.parse_month_day("8月31日") == (8, 31)
    with pytest.raises(DateError):
        dates.parse_month_day("31-08")
