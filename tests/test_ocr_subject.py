"""Is the document about this child (C.subject), on what OCR read: a name misread by one
character is left to review, never reported as another child; a different name or another
valid ID number is a finding; the case's own ID number settles it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kcdocs.ocr.checks import _subject
from kcdocs.ocr.content import facts
from kcdocs.ocr.titles import one_apart

CASE = SimpleNamespace(name="卢轩", id_number="370405200708080178")
DOC = SimpleNamespace(document="死亡医学证明", file="370405-2020-0002 冯军/IMG_0001.jpg", page=1)


def _verdict(text: str):
    return _subject(DOC, dict(facts(text), text=text), CASE)


def test_a_name_misread_by_one_character_goes_to_review():
    mismatch, review = _verdict("姓名：占轩  性别：男  身份证号：3704052007O8080178  死亡日期：2020年4月2日")
    assert mismatch is None
    assert review and "占轩" in review and "卢轩" in review and "人工核对" in review


def test_another_name_is_a_finding():
    mismatch, review = _verdict("姓名：李强  性别：男  死亡日期：2020年4月2日")
    assert review is None and "李强" in mismatch and "卢轩" in mismatch


def test_another_valid_id_number_is_a_finding():
    mismatch, _ = _verdict("姓名：卢轩 身份证号：370402200703150027")
    assert mismatch and "370402200703150027" in mismatch


def test_own_id_number_settles_a_misread_name():
    assert _verdict("姓名：占轩 身份证号：370405200708080178") == (None, None)


@pytest.mark.parametrize("a, b, near", [("占轩", "卢轩", True), ("付译", "付泽", True), ("李强", "王芳", False),
                                        ("欧阳明", "欧明", True), ("王芳", "王芳", False), ("张小明", "李小红", False)])
def test_one_apart(a, b, near):
    assert one_apart(a, b) is near
