"""Dates as users write them, ages in full years, and Chinese date formatting."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from kcdocs.textnorm import squash, to_halfwidth

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, with Lotus's 1900-02-29 bug
EXCEL_SERIAL_MAX = 2958465  # 9999-12-31

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


EXCEL_SERIAL_MIN = 7306  # 1920-01-01: no date of this domain is earlier; smaller numbers are not dates
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:月(\d{1,2})[日号]?|[-/](\d{1,2}))$")
_HINT = "日期请写成 2020-08-20、2020/8/20、2020年8月20日 或 20200820，或使用 Excel 日期格式。"


class DateError(ValueError):
    """A value that is not a date; ``message`` is Chinese."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint or _HINT


class YearMissing(DateError):
    """A month and day without a year (8月25日, 8/25): ``month`` and ``day`` are valid."""

    def __init__(self, value: object, month: int, day: int):
        super().__init__(f"“{value}”没有写年份。")
        self.month, self.day = month, day


def from_excel_serial(serial: float) -> date:
    if not 1 <= serial <= EXCEL_SERIAL_MAX:
        raise DateError(f"数字 {serial:g} 不是有效的 Excel 日期序号。")
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _not_a_date_number(value: float) -> DateError:
    shown = f"{value:g}"
    guess = _guess(shown)
    month, day = (guess[0], guess[1]) if guess else (8, 20)
    example = f"2020-{month:02d}-{day:02d} 或 2020年{month}月{day}日"
    return DateError(
        f"单元格里是数字 {shown}，不是日期。",
        (f"如果想写{month}月{day}日，" if guess else "") + f"请写成完整日期，例如 {example}"
        f"（在 Excel 中输入 2020-{month}-{day} 会自动成为日期；也可先把单元格格式设为“文本”再输入）。",
    )


def _guess(shown: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})", shown)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        return int(m.group(1)), int(m.group(2))
    return None


def _cn_number(text: str) -> int | None:
    """Chinese numerals of a date part: 二〇二〇 (digit by digit) or 二十一 (tens)."""
    if not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    digits = [_CN_DIGITS.get(ch) for ch in text]
    return None if None in digits else int("".join(str(d) for d in digits))


def _from_chinese_numerals(text: str) -> date | None:
    m = re.fullmatch(r"([^年]{4})年([^月]{1,3})月([^日号]{1,3})[日号]?", text)
    if not m:
        return None
    parts = [_cn_number(p) for p in m.groups()]
    if None in parts:
        return None
    try:
        return date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def parse_date(value: object) -> date:
    """Parse every date form of interfaces.md §1; raise :class:`DateError` otherwise.

    Accepts date/datetime objects, Excel serial numbers, 8-digit numbers (20200820),
    and strings: 2020-08-20, 2020/8/20, 2020.8.20, 2020年8月20日, 二〇二〇年八月二十日.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise DateError("日期为空。")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return parse_date(str(int(value)))
        if not EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
            raise _not_a_date_number(float(value))
        return from_excel_serial(float(value))
    spaced = " ".join(to_halfwidth(str(value)).split())
    text = squash(spaced)
    if not text:
        raise DateError("日期为空。")
    for pattern in _PATTERNS:
        m = pattern.match(text) or pattern.match(spaced)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                raise DateError(f"“{value}”不是存在的日期（{y}年没有{mo}月{d}日）。") from None
    cn = _from_chinese_numerals(text)
    if cn:
        return cn
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text) and float(text) >= EXCEL_SERIAL_MIN:  # a serial typed as text
        return from_excel_serial(float(text))
    if re.fullmatch(r"\d{1,5}(\.\d+)?", text):
        raise _not_a_date_number(float(text))
    m = _MONTH_DAY.match(text)
    if m:
        month, day = int(m.group(1)), int(m.group(2) or m.group(3))
        try:
            date(2000, month, day)  # a leap year: 2月29日 is a real month and day
        except ValueError:
            raise DateError(f"“{value}”不是存在的月、日。") from None
        raise YearMissing(value, month, day)
    raise DateError(f"“{value}”不是可识别的日期。")


def with_year(month: int, day: int, year: int) -> date:
    """A month and day completed with ``year``; raises :class:`DateError` (2月29日 in a common year)."""
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{year}年没有{month}月{day}日。") from None


def parse_month_day(text: str) -> tuple[int, int]:
    """A cut-off such as ``08-31`` or ``8月31日`` → (8, 31)."""
    m = re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})日?", squash(text))
    if not m:
        raise DateError(f"“{text}”不是“月-日”形式（例如 08-31）。")
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2000, month, day)  # validates; 2000 is a leap year
    except ValueError:
        raise DateError(f"“{text}”不是存在的月、日。") from None
    return month, day


def age_on(birth: date, ref: date) -> int:
    """Age in full years (周岁) on ``ref``. A 29 Feb birthday counts from 1 Mar in common years."""
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


def format_cn(d: date) -> str:
    """``2020年8月20日`` — year in full, month and day without leading zeros (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_month_day(d: date) -> str:
    return f"{d.month}月{d.day}日"
