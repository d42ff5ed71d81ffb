from datetime import date

import pytest

from kcdocs import idnumber
from kcdocs.idnumber import IdNumberError

VALID = [  # reference.md §2.2, each verified there
    "11010519491231002X", "440524188001010014", "34052419800101001X", "370101190102039973",
    "440524188001015368", "53010219200508011X",
    "370402201408310010", "370403201408310017", "370404201408310013", "37040520140831001X",
    "370406201408310016", "370481201408310016", "370481200901010020",
]


@pytest.mark.parametrize("number", VALID)
def test_valid_vectors(number):
    parsed = idnumber.parse(number)
    assert parsed.number == number
    assert idnumber.check_char(number[:17]) == number[17]


def test_check_character_vector_with_impossible_date():
    # 123456789012345677: S = 368, 368 mod 11 = 5 → 7 (a check-digit vector, not a real date)
    assert idnumber.check_char("12345678901234567") == "7"
    with pytest.raises(IdNumberError, match="出生日期"):
        idnumber.parse("123456789012345677")


def test_annex_example_decoded():
    parsed = idnumber.parse("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "女"
    assert parsed.region_code == "110105"
    assert idnumber.parse("440524188001010014").sex == "男"


@pytest.mark.parametrize("number, reason", [
    ("110105194912310021", "校验位"),
    ("110105195001010014", "校验位"),  # claimed valid in a public test file; it is not
    ("37040220140231001X", "出生日期"),  # 31 Feb
    ("990402201408310010", "省级"),
    ("3704022014083100", "18位"),
    ("", "为空"),
    ("370402203008310010", "不合理"),  # born in the future
])
def test_invalid_vectors(number, reason):
    with pytest.raises(IdNumberError) as exc:
        idnumber.parse(number, today=date(2026, 1, 1))
    assert reason in exc.value.message


def test_wrong_check_digit_names_expected_one():
    with pytest.raises(IdNumberError) as exc:
        idnumber.parse("110105194912310021")
    assert "应为“X”" in exc.value.message


def test_normalises_fullwidth_lowercase_and_spaces():
    raw = "１１０１０５ １９４９１２３１ ００２ｘ"
    assert idnumber.normalize(raw) == "11010519491231002X"
    assert idnumber.parse(raw).number == "11010519491231002X"
    assert idnumber.parse("34052419800101001x").number == "34052419800101001X"
    assert idnumber.parse("'370402201408310010").number == "370402201408310010"


def test_fifteen_digit_upgrade():
    # 15-digit 110105491231002 → insert 19, add check: the Annex A number
    assert idnumber.upgrade_15("110105491231002") == "11010519491231002X"
    parsed = idnumber.parse("110105491231002")
    assert parsed.number == "11010519491231002X" and parsed.upgraded_from_15
    assert parsed.birth_date == date(1949, 12, 31)


def test_scientific_notation_from_excel_is_explained():
    with pytest.raises(IdNumberError) as exc:
        idnumber.parse("3.70402201408310E+17")
    assert "科学计数法" in exc.value.message and "文本" in exc.value.hint


def test_mask():
    assert idnumber.mask("37040220140831123X") == "370402********123X"
    assert idnumber.parse("370402201408310010").masked == "370402********0010"
    assert idnumber.mask("12345") == "*****"


def test_is_valid():
    assert idnumber.is_valid("370402201408310010")
    assert not idnumber.is_valid("370402201408310011")
