"""Forms printed from a ledger, read back as a scanner would: QR payloads, box geometry, flow."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from kcdocs.forms import FormOptions, make_forms
from kcdocs.ledger import load_ledger
from kcdocs.marks.layout import page_layout
from kcdocs.marks.payload import PagePayload, PayloadError
from tests.conftest import REPO, run_cli
from tests.marks_util import decode_pages
from tests.test_ledger_import import ATT_HEAD, GOOD, workbook

LEDGER = REPO / "samples" / "ledger.xlsx"
MM = 72 / 25.4


def _forms(tmp_path, form, ledger=LEDGER, cases=()) -> Path:
    out = tmp_path / f"{form}.pdf"
    make_forms(FormOptions(form=form, ledger=ledger, output=out, cases=list(cases)))
    return out


def test_persuasion_records_identify_themselves(tmp_path):
    pdf = _forms(tmp_path, "persuasion-record")
    ledger = load_ledger(LEDGER)
    expected = [(c.case_id, a.seq, len(a.participants) + 1) for c in ledger.cases for a in c.attempts]
    payloads = decode_pages(pdf)
    assert None not in payloads
    assert [(p.subject, p.seq, p.boxes) for p in payloads] == expected
    assert all(p.form == "persuasion-record" and (p.page, p.pages) == (1, 1) for p in payloads)


@pytest.mark.parametrize("form, cases", [("application", ("P1", "W7")), ("education-plan", ("P1",))])
def test_applications_and_plans_only_for_their_dispositions(tmp_path, form, cases):
    pdf = _forms(tmp_path, form)
    ledger = load_ledger(LEDGER)
    wanted = [c for c in ledger.cases if c.disposition in cases]
    payloads = decode_pages(pdf)
    assert [p.subject for p in payloads] == [c.case_id for c in wanted]
    boxes = {"P1": 2, "W7": 1} if form == "application" else {"P1": 1}
    assert [p.boxes for p in payloads] == [boxes[c.disposition] for c in wanted]


def _rects(page) -> list[tuple[float, float, float, float]]:
    return [(r["x0"] / MM, r["top"] / MM, (r["x1"] - r["x0"]) / MM, (r["bottom"] - r["top"]) / MM)
            for r in page.rects]


def test_registry_boxes_are_where_the_rules_are_drawn(tmp_path):
    pdf = _forms(tmp_path, "persuasion-record")
    payloads = decode_pages(pdf)
    with pdfplumber.open(pdf) as doc:
        for page, payload in zip(doc.pages, payloads):
            drawn = _rects(page)
            layout = page_layout(payload)
            assert len(layout.signatures) == payload.boxes
            for box in layout.signatures:
                assert any(abs(x - box.x) < 0.5 and abs(y - box.y) < 0.5 and abs(w - box.w) < 0.5
                           and abs(h - box.h) < 0.5 for x, y, w, h in drawn), (payload, box)


def test_qr_is_where_the_registry_says(tmp_path):
    import numpy as np
    import zxingcpp

    from tests.marks_util import page_images

    pdf = _forms(tmp_path, "education-plan")
    image = next(page_images(pdf, dpi=200))
    (code,) = zxingcpp.read_barcodes(np.asarray(image), formats=zxingcpp.BarcodeFormat.QRCode)
    px = 200 / 25.4
    xs = [getattr(code.position, c).x / px for c in ("top_left", "top_right", "bottom_right", "bottom_left")]
    ys = [getattr(code.position, c).y / px for c in ("top_left", "top_right", "bottom_right", "bottom_left")]
    qr = page_layout(PagePayload.decode(code.text)).qr
    # the symbol lies inside the registry's QR box (which includes the quiet zone)
    assert qr.x - 0.5 <= min(xs) and max(xs) <= qr.x + qr.w + 0.5
    assert qr.y - 0.5 <= min(ys) and max(ys) <= qr.y + qr.h + 0.5


def test_twelve_signers_flow_onto_two_pages(tmp_path):
    people = "、".join(f"工作人员{i:02d}" for i in range(11))
    ledger = workbook(tmp_path / "l.xlsx", [GOOD],
                      attempts=[["370402-2020-0001", 1, "2020-03-01", "入户", people, "宣讲政策", "无效"]])
    pdf = _forms(tmp_path, "persuasion-record", ledger=ledger)
    payloads = decode_pages(pdf)
    assert [(p.page, p.pages, p.boxes) for p in payloads] == [(1, 2, 6), (2, 2, 6)]
    with pdfplumber.open(pdf) as doc:
        second = doc.pages[1].extract_text()
        assert "工作人员10" in second and "监护人签字" in second and "（续）" in second
        for page, payload in zip(doc.pages, payloads):
            drawn = _rects(page)
            for box in page_layout(payload).signatures:
                assert any(abs(x - box.x) < 0.5 and abs(y - box.y) < 0.5 for x, y, _, _ in drawn)


def test_payload_checksum_and_format():
    p = PagePayload("persuasion-record", "370402-2020-0007", 3, 1, 2, 5)
    text = p.encode()
    assert text.startswith("KCD1|PR|370402-2020-0007|3|1/2|5|")
    assert PagePayload.decode(text) == p
    with pytest.raises(PayloadError, match="校验"):
        PagePayload.decode(text.replace("|3|", "|4|"))
    with pytest.raises(PayloadError):
        PagePayload.decode("https://example.com")


def test_forms_cli_and_docx(tmp_path):
    from docx import Document

    out = tmp_path / "apps.pdf"
    r = run_cli("forms", "application", LEDGER, "-o", out, "--docx", tmp_path / "word")
    assert r.returncode == 0, r.stderr
    files = sorted((tmp_path / "word").iterdir())
    assert len(files) == len(decode_pages(out))
    text = "\n".join(p.text for p in Document(files[0]).paragraphs)
    assert "特此申请" in text
    r = run_cli("forms", "application", LEDGER, "-o", tmp_path / "x.pdf", "--case", "没有这个编号")
    assert r.returncode == 2 and "没有这些台账编号" in r.stderr and not (tmp_path / "x.pdf").exists()


def _words_by_text(page) -> dict[str, dict]:
    """Each word's first occurrence (the case id is in the footer too)."""
    found: dict[str, dict] = {}
    for w in page.extract_words():
        found.setdefault(w["text"], w)
    return found


def test_facts_values_sit_beside_their_labels_and_wide_values_are_whole(tmp_path):
    """Each column of the facts table is one paragraph: an empty value must keep its row, and a
    value too wide for its cell must be printed whole (smaller), not cut or pushed to other rows."""
    school = "枣庄市市中区实验小学东校区分校（北校区）"
    people = "、".join(f"工作人员{i:02d}" for i in range(5))
    # no 年级 / 联系电话 / 监护人 columns: empty values in both columns of the table
    ledger = workbook(tmp_path / "l.xlsx", [GOOD[:3] + ["", "", "", "", "", "R0"]],
                      head=["台账编号", "姓名", "性别", "身份证号", "重点群体", "类型", "辍学日期", "原因分析", "处置类型"],
                      attempts=[["370402-2020-0001", 1, "2020-03-01", "入户", people, "宣讲政策", "无效"]])
    with_school = tmp_path / "s.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(ledger)
    wb["学生台账"].cell(1, 10, "学校")
    wb["学生台账"].cell(2, 10, school)
    wb.save(with_school)
    pdf = _forms(tmp_path, "persuasion-record", ledger=with_school)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        words = _words_by_text(page)
        top = words["台账编号"]["top"]
        # the left value column, whole table high (no neighbouring cell's text)
        column = page.crop((44 * MM, top - 3 * MM, 105 * MM, top + 8 * 7 * MM)).extract_text()
        rows = {}
        for label, value in [("台账编号", "370402-2020-0001"), ("学生姓名", "李明"), ("性别", "男"),
                             ("劝返日期", "2020年3月1日"), ("劝返方式", "入户"), ("劝返结果", "无效")]:
            assert abs(words[label]["top"] - words[value]["top"]) / MM < 1.0, (label, value)
            rows[label] = words[label]["top"] / MM
        # rows 7 mm apart (劝返结果 is the eighth row, after 劝返方式 and 参与人员)
        assert abs(rows["劝返日期"] - rows["台账编号"] - 4 * 7) < 0.3
        assert abs(rows["劝返结果"] - rows["学生姓名"] - 7 * 7) < 0.3
    compact = column.replace("\n", "").replace(" ", "")
    assert school in compact and people in compact


def test_wide_facts_are_marked_for_their_own_cell():
    from kcdocs.forms.content import wide_facts

    facts = [["学校", "实验小学"], ["参与人员", "张伟、刘芳、王强、李娜、赵磊"], ["台账编号", "370402-2020-00001"],
             ["学校", "枣庄市市中区实验小学东校区分校"]]
    assert wide_facts(facts) == [1, 3]


def test_box_dict_has_every_field():
    import dataclasses

    from kcdocs.marks.layout import Box

    box = Box(1.5, 2, 3, 4, "staff", "工作人员签字", "张伟")
    assert box.as_dict() == dataclasses.asdict(box)


def test_qr_svg_draws_exactly_the_symbol():
    """The SVG written from zxing's module image, read back rectangle by rectangle, is that image,
    and a page made from it decodes to the payload."""
    import re

    import numpy as np
    import zxingcpp

    from kcdocs.marks.qr import qr_svg

    text = PagePayload("persuasion-record", "370402-2020-00017", 3, 1, 2, 5).encode()
    svg = qr_svg(text)
    size = int(re.search(r'width="(\d+)"', svg).group(1))
    drawn = np.zeros((size, size), bool)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3Z", re.search(r'd="([^"]*)"', svg).group(1)):
        assert not drawn[int(y), int(x):int(x) + int(w)].any()  # no overlaps
        drawn[int(y), int(x):int(x) + int(w)] = True
    expected = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
                          .to_image(scale=1)) < 128
    assert drawn.shape == expected.shape and (drawn == expected).all()
    scaled = np.kron(np.where(drawn, 0, 255).astype(np.uint8), np.ones((8, 8), np.uint8))
    (code,) = zxingcpp.read_barcodes(scaled, formats=zxingcpp.BarcodeFormat.QRCode)
    assert code.text == text


def test_fact_columns_are_the_table_read_down():
    from kcdocs.forms.content import fact_columns

    facts = [["台账编号", "A-1"], ["学生姓名", "李明"], ["性别", ""], ["学校", "很长的学校名称"], ["监护人", "李某"]]
    assert fact_columns(facts, wide=[3]) == ["台账编号\n性别\n监护人", "A-1\n\n李某", "学生姓名\n学校", "李明\n"]
