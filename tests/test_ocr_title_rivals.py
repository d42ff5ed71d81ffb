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
