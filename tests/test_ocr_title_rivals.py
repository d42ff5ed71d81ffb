"""Fuzzy title matching never guesses a document when another one explains more of the line."""

from __future__ import annotations

import pytest

from kcdocs.checklists import load_checklists
from kcdocs.ocr.documents import _words
from kcdocs.ocr.titles import TitleMatcher


@pytest.fixture(scope="module")
def matcher():
    return TitleMatcher(_words(load_checklists()))


@pytest.mark.parametrize("line", ["正赏死亡证明", "常死亡证明", "非正赏死亡证明"])
def test_a_misread_non_natural_death_title_is_not_a_death_certificate(matcher, line):
    # 死亡证明书 (an alias of 死亡医学证明) fits only the 死亡证明 part of the line
    assert matcher.match(line) is None


@pytest.mark.parametrize("line, document", [("中职学校接牧证明", "中职学校接收证明"), ("户口注消证明", "户口注销证明"),
                                            ("死亡医学证眀", "死亡医学证明"), ("死亡证眀书", "死亡医学证明"),
                                            ("入学接牧证明", "中职学校接收证明")])
def test_a_title_with_one_character_misread_is_still_matched(matcher, line, document):
    found = matcher.match(line)
    assert found is not None and found.document == document and found.how == "fuzzy"


@pytest.mark.parametrize("line, near", [("精况说明", True), ("情况说眀", True), ("情况说明", True), ("死亡证明", False),
                                        ("火化证明", False), ("带证明", False), ("情况说明书", False)])
def test_a_generic_title_misread_by_one_character_is_still_generic(line, near):
    from kcdocs.ocr.titles import near_generic

    assert near_generic(line) is near


def test_a_misread_generic_title_is_identified_by_its_body_and_reviewed():
    """"精况说明" over a missing child's story: the body's keywords tell what it is, never confidently."""
    from kcdocs.ocr.engine import Line
    from kcdocs.ocr.read import CONFIDENT, _keywords, _title
    from kcdocs.ocr.documents import keywords

    lines = [Line("精况说明", 0.9, (300, 40, 300, 60), 60.0)]
    title, seen_generic = _title(lines, TitleMatcher(_words(load_checklists())))
    assert title is None and seen_generic
    found = _keywords("学生郑磊自2020年3月离家后失踪，下落不明，家长已报警，至今联系不上。", keywords())
    assert found["document"] == "失踪失联情况说明" and found["confidence"] < CONFIDENT
