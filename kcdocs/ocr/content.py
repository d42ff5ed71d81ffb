"""Who and when a document speaks of: names, ID numbers and dates in its recognised text.

``facts(text) -> dict`` (JSON-able, cached with the OCR result): ``ids`` (valid 18-digit ID
numbers found), ``names`` (what follows 姓名 / 死者 / 兹证明 / 学生), ``dates`` (every date with
the few characters before it, for labelled look-ups). Recognition errors make a garbled ID
number fail its check digit: it is then not an ID number at all, never another child's.
"""

from __future__ import annotations

import re
from datetime import date

from kcdocs import idnumber
from kcdocs.textnorm import to_halfwidth

_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_NAME = re.compile(r"(?:姓名|死者|兹证明|兹有|学生|儿童|患者|被监护人)[:：]?\s*([\u4e00-\u9fff·]{2,4}?)"
                   r"(?=[，,。（(\s、]|性别|男|女|同志|同学|身份|公民|系|于|因|现|，|$)")
_DATE = re.compile(r"((?:19|20)[0-9]{2})\s*(?:年|[-./])\s*([01]?[0-9])\s*(?:月|[-./])\s*([0-3]?[0-9])\s*日?")
LABEL_CHARS = 8  # characters before a date searched for its label (死亡日期、火化时间 …)


def facts(text: str) -> dict:
    text = to_halfwidth(text)
    ids = sorted({m.group(0).upper() for m in _ID.finditer(text) if _valid_id(m.group(0))})
    names = []
    for m in _NAME.finditer(text):
        if m.group(1) not in names:
            names.append(m.group(1))
    dates = []
    for m in _DATE.finditer(text):
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        label = text[max(0, m.start() - LABEL_CHARS):m.start()]
        dates.append([day.isoformat(), re.sub(r"\s", "", label)])
    return {"ids": ids, "names": names, "dates": dates}


def _valid_id(text: str) -> bool:
    return idnumber.is_valid(text)


def labelled_date(found: dict, labels: list[str]) -> date | None:
    """The first date whose preceding characters contain one of ``labels`` (any date when
    ``labels`` is empty)."""
    for day, before in found.get("dates", []):
        if not labels or any(label in before for label in labels):
            return date.fromisoformat(day)
    return None
