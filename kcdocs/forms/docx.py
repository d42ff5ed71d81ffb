"""Editable Word versions of the forms (same content; the QR code as an image in the header)."""

from __future__ import annotations

import io
from pathlib import Path

from kcdocs.fileio import atomic_dir_files
from kcdocs.render.docx import safe_filename


def _qr_png(text: str) -> bytes:
    import zxingcpp
    from PIL import Image

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(scale=8)
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def _document(doc: dict):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(38), Mm(15)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run().add_picture(io.BytesIO(_qr_png(doc["pages"][0]["qr_text"])), width=Mm(22))
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc["title"])
    run.font.size, run.bold = Pt(18), True
    if doc.get("subtitle"):
        word.add_paragraph(doc["subtitle"]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc["facts"]:
        table = word.add_table(rows=0, cols=4)
        table.style = "Table Grid"
        for i in range(0, len(doc["facts"]), 2):
            cells = table.add_row().cells
            for j, (label, value) in enumerate(doc["facts"][i:i + 2]):
                cells[2 * j].text, cells[2 * j + 1].text = label, value
    for s in doc["sections"]:
        word.add_paragraph().add_run(s["heading"]).bold = True
        if s.get("text"):
            word.add_paragraph(s["text"]).paragraph_format.first_line_indent = Pt(24)
        for _ in range(s.get("lines", 0)):
            word.add_paragraph("_" * 60)
    if doc.get("statement"):
        word.add_paragraph(doc["statement"])
    signers = [b for p in doc["pages"] for b in p["signatures"]]
    table = word.add_table(rows=3, cols=len(signers))
    table.style = "Table Grid"
    for col, box in enumerate(signers):
        table.cell(0, col).text = box["label"]
        table.rows[1].height = Mm(20)
        table.cell(2, col).text = box["name"]
    return word


def write_form_docx(docs: list[dict], out_dir: Path) -> int:
    """One .docx per form: ``<序号>_<台账编号>_<表单>[_第N次].docx``; all appear or none."""
    width = max(3, len(str(len(docs))))
    with atomic_dir_files(out_dir) as staging:
        for n, doc in enumerate(docs, start=1):
            suffix = f"_第{doc['seq']}次" if doc.get("seq") else ""
            name = f"{n:0{width}d}_{doc['subject']}_{safe_filename(doc['title'])}{suffix}.docx"
            _document(doc).save(staging / name)
    return len(docs)
