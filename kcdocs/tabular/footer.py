"""Footer and note rows of a spreadsheet: 合计、制表人/审核人、填表说明、注：… and rows that are
blank but for one cell. Such rows are not data: callers skip them with a one-line notice.

``footer_reason(cells, values, key_column)`` says why a row is a footer (or None). It works on
the row as read (every cell) so that it is independent of the schema's columns.
"""

from __future__ import annotations

import re

from kcdocs.textnorm import squash

_FOOTER_START = re.compile(
    r"^(?:合计|总计|小计|共计|累计|总人数|制表|填表|填报|审核|审批|复核|负责人|单位负责人|主要负责人|分管|经办|统计人|"
    r"签字|盖章|单位盖章|联系人|联系电话|报送|日期[:：]|注[:：（(0-9一]|注$|说明[:：]|备注[:：]|附[:：]|以下空白|以上|本表)")
_LABELS = {"合计": "合计行", "总计": "合计行", "小计": "合计行", "共计": "合计行", "累计": "合计行", "总人数": "合计行",
           "制表": "制表人、审核人等签字行", "填表": "填表说明", "填报": "填报人、填报日期等签字行",
           "审核": "制表人、审核人等签字行", "审批": "签字行", "复核": "签字行", "负责人": "签字行",
           "单位负责人": "签字行", "主要负责人": "签字行", "分管": "签字行", "经办": "签字行", "统计人": "签字行",
           "签字": "签字行", "盖章": "盖章行", "单位盖章": "盖章行", "联系人": "联系人行", "联系电话": "联系人行",
           "报送": "报送说明", "日期": "日期行", "注": "注释行", "说明": "说明行", "备注": "说明行", "附": "说明行",
           "以下空白": "“以下空白”行", "以上": "说明行", "本表": "说明行"}


def _texts(cells: list) -> list[str]:
    out = []
    for cell in cells:
        if cell is None:
            continue
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        text = cell if isinstance(cell, str) else str(cell)
        if text.strip(" \t\r\n\u3000\xa0"):
            out.append(text.strip())
    return out


def footer_reason(cells: list, data_like: bool = False) -> str | None:
    """Why the row ``cells`` is a footer or note row (合计行、填表说明……), or None for a data row.

    ``data_like``: the caller sees a value that only a data row has (a plausible 台账编号 in its
    column, a name in the name column): such a row stays a data row whatever else it holds.
    """
    texts = _texts(cells)
    if not texts or data_like:
        return None
    first = squash(texts[0])
    if _FOOTER_START.match(first):
        word = next((w for w in sorted(_LABELS, key=len, reverse=True) if first.startswith(w)), "")
        return _LABELS.get(word, "说明行")
    if len(texts) == 1:
        return "只有一个单元格有内容的说明行"
    return None


def footer_word(text: str) -> bool:
    """Whether ``text`` starts like a footer or note (合计, 制表人, 注：…)."""
    return bool(_FOOTER_START.match(squash(text)))


def quote(cells: list, limit: int = 30) -> str:
    """The row's text as the user sees it, shortened: “合计：21人”."""
    text = " ".join(_texts(cells))
    return text if len(text) <= limit else text[:limit] + "……"
