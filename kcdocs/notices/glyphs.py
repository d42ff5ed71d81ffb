"""Every filled-in text checked against the fonts really used, before anything is typeset.

A character no font of the chain has would print as an empty box: that is a warning naming
the file, sheet, row, column and character (U+XXXX) with the fix. A character only a
Japanese-form font has (花园明朝 for many 生僻字) is printed from it, with a notice.
"""

from __future__ import annotations

from kcdocs.render.fonts import EXTENSION_FONT_FIX, Coverage, is_japanese_form, needs_glyph
from kcdocs.tabular import Problem, RawRow, Table

FIELDS = ("student_name", "guardian_name", "school", "unit")
MAX_NOTICES = 200  # occurrences listed one by one; the rest are counted


def glyph_problems(table: Table, rows: list[tuple[RawRow, object]],
                   coverage: Coverage) -> tuple[list[Problem], list[Problem]]:
    """(characters of ``rows`` — roster rows and their models — that no font draws, characters
    that only a Japanese-form font draws)."""
    fonts: dict[str, str | None] = {}
    missing: list[Problem] = []
    japanese: list[Problem] = []
    for raw, model in rows:
        headers = table.headers_of(raw)
        for key in FIELDS:
            text = getattr(model, key, None) or ""
            for ch in dict.fromkeys(text):
                if ch.isascii() or not needs_glyph(ch):
                    continue
                if ch not in fonts:
                    fonts[ch] = coverage.font_for(ch)
                family = fonts[ch]
                if family is not None and not is_japanese_form(family):
                    continue
                (japanese if family else missing).append(
                    _problem(table, raw, headers.get(key, key), text, ch, family, coverage))
    return _capped(table, missing), _capped(table, japanese)


def _capped(table: Table, found: list[Problem]) -> list[Problem]:
    if len(found) <= MAX_NOTICES:
        return found
    rest = len(found) - MAX_NOTICES
    return found[:MAX_NOTICES] + [Problem(table.display_name, f"另有 {rest} 处同类的字形问题未逐一列出。",
                                          severity="warning", hint=EXTENSION_FONT_FIX)]


def _problem(table: Table, raw: RawRow, header: str, text: str, ch: str, family: str | None,
             coverage: Coverage) -> Problem:
    code = f"U+{ord(ch):04X}"
    sheet = raw.sheet or table.sheet
    if family is None:
        others = coverage.elsewhere(ch)
        hint = EXTENSION_FONT_FIX
        if others:
            hint = (f"本机字体“{'、'.join(others[:3])}”有此字：可把它加入 kcdocs.toml 的 [fonts] body 列表末尾；"
                    "或者" + hint)
        return Problem(table.display_name, f"“{ch}”（{code}）在所用的字体中都没有，打印出来会是空白方框。",
                       sheet, raw.row, header, text, hint, "warning")
    return Problem(table.display_name, f"“{ch}”（{code}）只有日文字形的字体“{family}”中有，已用该字体打印，"
                   "字形可能与规范汉字略有不同。", sheet, raw.row, header, text,
                   "如需规范字形，" + EXTENSION_FONT_FIX, "warning")
