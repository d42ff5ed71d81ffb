"""复学通知书 with a tear-off 送达回证: QR on every notice, boxes where the registry says."""

from __future__ import annotations

import re
from datetime import date

import pdfplumber

from kcdocs.marks.layout import page_layout
from kcdocs.notices import NoticeOptions, make_notices
from tests.conftest import GOOD_ROWS, HEADER, write_xlsx
from tests.marks_util import decode_pages

MM = 72 / 25.4


def test_receipts_identify_each_notice(tmp_path):
    rows = [[*HEADER, "台账编号"]] + [[*r, f"370402-2020-{i:04d}" if i != 2 else None] for i, r in enumerate(GOOD_ROWS, 1)]
    roster = write_xlsx(tmp_path / "r.xlsx", rows, text_columns=(1,))
    out = tmp_path / "n.pdf"
    make_notices(NoticeOptions(kind="return", roster=roster, output=out, issue_date=date(2020, 5, 10), receipt=True))
    payloads = decode_pages(out)
    assert [(p.form, p.subject, p.seq, p.boxes) for p in payloads] == [
        ("receipt", "370402-2020-0001", 1, 3), ("receipt", "未编号", 2, 3), ("receipt", "370402-2020-0003", 3, 3)]
    with pdfplumber.open(out) as doc:
        for page, payload, row in zip(doc.pages, payloads, GOOD_ROWS):
            text = re.sub(r"\s+", "", page.extract_text())
            assert "送达回证" in text and f"受送达人{row[2]}（监护人）" in text
            assert "送达方式" in text and "见证人签字" in text
            assert "义务教育复学通知书" in text and "报到入读" in text
            drawn = [(r["x0"] / MM, r["top"] / MM) for r in page.rects]
            for box in page_layout(payload).signatures:
                assert any(abs(x - box.x) < 0.5 and abs(y - box.y) < 0.5 for x, y in drawn)


def test_without_receipt_there_is_no_qr(tmp_path, good_roster):
    out = tmp_path / "n.pdf"
    make_notices(NoticeOptions(kind="return", roster=good_roster, output=out, issue_date=date(2020, 5, 10)))
    assert decode_pages(out) == [None, None, None]
