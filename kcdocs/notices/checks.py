"""Checks across the fields of one roster row, and the notices that go with what was tidied."""

from __future__ import annotations

import re
from datetime import date

from kcdocs import dates
from kcdocs.defs import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN
from kcdocs.idnumber import parse as parse_id
from kcdocs.tabular import RawRow

NAME_FIELDS = ("student_name", "guardian_name")
_SPACES = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_DOTS = re.compile(r"\s*[·・•‧∙･.．。]\s*")  # the middle dot of minority names, as typed
_LATIN = re.compile(r"[A-Za-z]")


def tidy_name(text: str) -> str:
    """A name without padding: no spaces (full-width or not) around or inside a Chinese name,
    one middle dot ``·`` between the parts of a name like 阿依古丽·买买提; a name in Latin letters
    keeps single spaces between its words."""
    text = text.replace("\ufeff", "").replace("\u200b", "").strip(" \t\r\n\u3000\xa0")
    if _LATIN.search(text):
        return _SPACES.sub(" ", text)
    text = _DOTS.sub("·", text).strip("·")
    return _SPACES.sub("", text)


def _tidy_names(data: dict, raw: RawRow) -> list[tuple[str | None, str, str | None, str]]:
    found = []
    for key in NAME_FIELDS:
        written = raw.values.get(key)
        if not isinstance(written, str):
            continue
        tidy = tidy_name(written)
        if tidy and tidy != written:
            data[key] = tidy
            found.append((key, f"姓名前后或中间有空格（或写法不一的间隔点），已整理为“{tidy}”。",
                          "如果名册中的写法有特别含义，请核对后改正名册。", "warning"))
    return found


def age_reference(kind: str, deadline: date, cutoff: str) -> date:
    """Enrollment: the cut-off day of the intake year (default 31 August); return: the deadline."""
    if kind == "enrollment":
        month, day = dates.parse_month_day(cutoff)
        return date(deadline.year, month, day)
    return deadline


def roster_check(kind: str, cutoff: str):
    """Checks across the fields of one roster row: names tidied, deadline vs issue date, the
    child's age from the ID number (only from a deadline that was not itself found wrong)."""
    def check(data: dict, raw: RawRow):
        found = _tidy_names(data, raw)
        deadline, issued = data.get("deadline"), data.get("issue_date")
        if deadline and issued and deadline < issued:
            found.append(("deadline", f"报到截止日期{deadline.isoformat()}早于落款日期{issued.isoformat()}。",
                          "请核对截止日期（或用 --date 改落款日期）。", "error"))
            return found
        if data.get("id_number") and deadline:
            ref = age_reference(kind, deadline, cutoff)
            age = dates.age_on(parse_id(data["id_number"]).birth_date, ref)
            if not SCHOOL_AGE_MIN <= age <= SCHOOL_AGE_MAX:
                found.append(("id_number", f"按身份证号，孩子在{dates.format_cn(ref)}为{age}周岁，不在义务教育适龄范围"
                              f"（{SCHOOL_AGE_MIN}—{SCHOOL_AGE_MAX}周岁）。", "请核对身份证号和姓名。", "warning"))
        return found

    return check
