"""ID numbers inside free text (messages, file names, 学籍号) are masked; other digit runs are not."""

from __future__ import annotations

import pytest

from kcdocs.audit.report import mask_text
from kcdocs.idnumber import mask

ID18, ID15 = "370402201408310011", "370402140831001"


@pytest.mark.parametrize("text, masked", [
    (f"学籍号G{ID18}的文件", f"学籍号G{mask(ID18)}的文件"),
    (f"{ID18[:17]}x.pdf", f"{mask(ID18[:17] + 'x')}.pdf"),
    (f"旧证{ID15}号", f"旧证{mask(ID15)}号"),
    (f"{ID15}X", f"{mask(ID15)}X"),  # 15 digits then a letter: the 15 digits are a number
    (f"{ID18}A", f"{ID18}A"),  # 18 characters running into a letter: not an ID number
    (f"{ID18}1", f"{ID18}1"),  # 19 digits: an order number, not an ID
    ("1234567890123456", "1234567890123456"),  # 16 digits
    ("短号 12345", "短号 12345"),
])
def test_mask_text(text, masked):
    assert mask_text(text) == masked
    assert "*" in masked or masked == text
