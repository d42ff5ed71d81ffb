"""GB 11643-1999 citizen identity numbers (公民身份号码).

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
1 check character (ISO 7064 MOD 11-2, 10 written as X). Old 15-digit numbers
(GB 11643-1989) are upgraded by inserting "19" before the 6-digit birth date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kcdocs.textnorm import squash

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# GB/T 2260 province-level codes (first two digits). 71 台湾, 81 香港, 82 澳门 appear on
# residence permits issued to their residents; 83 is the 2018 code for those permits.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)

_RE18 = re.compile(r"^\d{17}[\dX]$")
_RE15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """An invalid ID number. ``message`` is Chinese and says what is wrong."""

    def __init__(self, message: str, hint: str = "请核对户口簿或身份证上的号码后重新填写。"):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class IdNumber:
    number: str  # normalised 18-character number
    birth_date: date
    sex: str  # "男" or "女"
    region_code: str  # 6-digit address code
    upgraded_from_15: bool = False

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalize(raw: object) -> str:
    """Strip spaces and quotes, full-width digits to ASCII, lower-case x to X."""
    if type(raw) is str and raw.isascii() and raw.isalnum():
        return raw.upper()  # already plain (the usual case): nothing to strip or convert
    text = squash(str(raw if raw is not None else "")).strip("'\"‘’“”")
    return text.upper()


def check_char(body17: str) -> str:
    """The check character for the first 17 digits."""
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def upgrade_15(number15: str) -> str:
    """Convert a 15-digit number to 18 digits (19 inserted before YYMMDD, check added)."""
    if not _RE15.match(number15):
        raise IdNumberError(f"“{number15}”不是15位数字，不能升位。")
    body = number15[:6] + "19" + number15[6:]
    return body + check_char(body)


def _birth_date(digits8: str) -> date | None:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def parse(raw: object, *, today: date | None = None) -> IdNumber:
    """Validate and decode an ID number; raise :class:`IdNumberError` with the reason."""
    text = normalize(raw)
    if not text:
        raise IdNumberError("身份证号为空。", "填写18位公民身份号码；确实没有的，请留空该列并在备注说明。")
    upgraded = False
    if _RE15.match(text):
        text = upgrade_15(text)
        upgraded = True
    if not _RE18.match(text):
        if re.fullmatch(r"\d+(\.\d+)?[Ee]\+?\d+", text):
            raise IdNumberError(
                f"身份证号“{text}”被 Excel 存成了科学计数法的数字，后几位已经丢失。",
                "把该列单元格格式设为“文本”，再重新输入完整的18位号码。",
            )
        raise IdNumberError(
            f"身份证号“{text}”应为18位（前17位数字，最后一位数字或X），实际为{len(text)}位。"
        )
    if text[:2] not in PROVINCE_CODES:
        raise IdNumberError(f"身份证号“{text}”的前两位“{text[:2]}”不是有效的省级行政区划代码。")
    born = _birth_date(text[6:14])
    if born is None:
        raise IdNumberError(f"身份证号“{text}”中的出生日期“{text[6:14]}”不是有效日期。")
    today = today or date.today()
    if born > today or born.year < 1800:
        raise IdNumberError(f"身份证号“{text}”中的出生日期{born.isoformat()}不合理。")
    expected = check_char(text[:17])
    if text[17] != expected:
        raise IdNumberError(
            f"身份证号“{text}”校验位错误：最后一位应为“{expected}”，实际为“{text[17]}”。",
            "多半是某一位抄错了；请对照户口簿逐位核对，不要只改最后一位。",
        )
    sex = "男" if int(text[16]) % 2 == 1 else "女"
    return IdNumber(text, born, sex, text[:6], upgraded)


def is_valid(raw: object) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def mask(number: str) -> str:
    """Keep the address code and the last four characters: ``370402********123X``."""
    text = normalize(number)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
