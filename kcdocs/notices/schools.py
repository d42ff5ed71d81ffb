"""The school in “请您于…前送其到_____学校报到入学”: when the form's word 学校 follows the name.

A name that already names a school (实验小学, 枣庄八中, 职业中专, 教学点, 中心校, 九年一贯制学校,
实验学校北校区…) is printed as it is, without the form's 学校. A bare name (育才, 特殊教育,
九年一贯制) takes it. A campus in parentheses is looked through: 实验小学（光明校区） is complete;
育才（光明校区） becomes 育才学校（光明校区） — never 育才（光明校区）学校.
"""

from __future__ import annotations

import re

# Endings that already name a school or a teaching place (compared after trimming).
NAMED_ENDINGS = (
    "学", "校", "中", "小", "院", "部", "园", "校区", "学区", "教学点", "点", "中专", "职专", "专", "学堂",
    "堂", "中心", "所", "班",
)
_TRAILING_PART = re.compile(r"^(?P<base>.*?\S)\s*(?P<part>[（(][^（）()]*[）)])$")


def _named(text: str) -> bool:
    return text.endswith(NAMED_ENDINGS)


def school_text(school: str) -> tuple[str, str]:
    """(the name as printed in the blank, the word that follows the blank: '' or '学校')."""
    name = school.strip()
    m = _TRAILING_PART.match(name)
    if m:
        base, part = m.group("base"), m.group("part")
        if _named(base) or part[1:-1].endswith("教学点"):
            return name, ""
        return f"{base}学校{part}", ""
    return name, "" if _named(name) else "学校"


def school_word(school: str) -> str:
    """The word after the blank for ``school`` ('' or '学校')."""
    return school_text(school)[1]
