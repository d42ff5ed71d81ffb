"""Editable Word versions of the forms: the same content as the PDF, styled as a Chinese office's
document (仿宋 body, 黑体 headings, 小标宋 title, A4 with the margins of GB/T 9704).

Word, WPS and LibreOffice lay a .docx out each in their own way, so its signature boxes are
not where the layout registry says: the QR code (in the header, on every page) carries the
"layout not fixed" mark, and the scan-back sends its signatures to review instead of
measuring boxes it cannot locate.
"""

from __future__ import annotations

import io
from pathlib import Path

from kcdocs.fileio import atomic_dir_files
from kcdocs.marks.payload import PagePayload
from kcdocs.render.docx import mark_size, new_document, off_grid, safe_filename, save_document

# Font names with the Windows 10/11 face first (the East Asian name a Chinese Word maps).
BODY_FONT = "仿宋"  # FangSong
HEADING_FONT = "黑体"  # SimHei
TITLE_FONT = "方正小标宋简体"  # falls back to 宋体 where not installed
LATIN_FONT = "Times New Roman"
BODY_PT, FORM_PT, SMALL_PT, TITLE_PT = 14, 12, 10.5, 22  # letters 四号; a form's text 小四, its tables 五号


def _qr_png(text: str) -> bytes:
    import zxingcpp
    from PIL import Image

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(scale=8)
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def word_payload(doc: dict) -> str:
    """One QR for the whole Word document (every page shows it): all its boxes, layout not fixed."""
    boxes = sum(len(p["signatures"]) for p in doc["pages"])
    return PagePayload(doc["form"], doc["subject"], doc["seq"], 1, 1, boxes, fixed=False).encode()


def _fonts(run_or_style, east: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east)


def _off_grid(paragraph) -> None:
    """Form paragraphs keep their own spacing (the 22 × 28 document grid is for 公文 body text)."""
    off_grid(paragraph)


def _para(word, text: str = "", *, east: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
          align=None, indent: bool = False, keep: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = word.add_paragraph()
    _off_grid(p)
    mark_size(p, size)
    p.paragraph_format.line_spacing = Pt(size * 1.4)  # exact (as Normal), not the 22-lines-a-page pitch
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(size / 4)
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if align is None else align  # no stretched digits
    p.paragraph_format.keep_with_next = keep
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if text:
        _fonts(p.add_run(text), east, size, bold)
    return p


def _ruled(word, n: int) -> None:
    """``n`` empty lines with a rule under each (room to write by hand)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    for _ in range(n):
        p = word.add_paragraph()
        _off_grid(p)
        p.paragraph_format.line_spacing = Mm(8)
        borders = OxmlElement("w:pBdr")
        for side in ("bottom", "between"):  # "between": paragraphs with equal borders are one group
            rule = OxmlElement(f"w:{side}")
            for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "808080")):
                rule.set(qn(f"w:{key}"), value)
            borders.append(rule)
        p._p.get_or_add_pPr().insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
            "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
            "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
            "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
            "w:rPr", "w:sectPr", "w:pPrChange")


def _cant_split():
    from docx.oxml import OxmlElement

    return OxmlElement("w:cantSplit")


def _table(word, rows: list[list[str]], widths_mm: list[float], bold_cols=(), size: float = SMALL_PT,
           keep: bool = False):
    """A ruled table; ``keep``: its rows stay on one page with what follows."""
    from docx.shared import Mm, Pt

    table = word.add_table(rows=0, cols=len(widths_mm))
    table.style = "Table Grid"
    table.autofit = False
    for j, width in enumerate(widths_mm):
        table.columns[j].width = Mm(width)
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(_cant_split())
        cells = row.cells
        for j, value in enumerate(values):
            cells[j].width = Mm(widths_mm[j])
            para = cells[j].paragraphs[0]
            _off_grid(para)
            mark_size(para, size)
            para.paragraph_format.line_spacing = Pt(size * 1.3)  # exact: the same row height in Word and WPS
            para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(size / 6)
            para.paragraph_format.keep_with_next = keep
            _fonts(para.add_run(value), HEADING_FONT if j in bold_cols else BODY_FONT, size)
    return table


def _facts(word, facts: list[list[str]]) -> None:
    rows = []
    for i in range(0, len(facts), 2):
        pair = facts[i:i + 2] + [["", ""]] * (2 - len(facts[i:i + 2]))
        rows.append([pair[0][0], pair[0][1], pair[1][0], pair[1][1]])
    _table(word, rows, [26, 52, 26, 52], bold_cols=(0, 2))


def _section(word, s: dict, size: float = BODY_PT) -> None:
    if s.get("heading"):
        _para(word, s["heading"], east=HEADING_FONT, size=size)
    if s.get("text"):
        _para(word, s["text"], indent=True, size=size)
    if s.get("table"):
        t = s["table"]
        total = sum(t["widths"])
        _table(word, [t["head"], *t["rows"]], [w * 156 / total for w in t["widths"]], size=10.5)
    if s.get("lines") or s.get("fill"):  # "fill" (the rest of a PDF page) has no Word equivalent:
        _ruled(word, max(s.get("lines", 0), 2))  # the signatures must stay on the page


def _letter(word, doc: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if doc.get("doc_no"):
        _para(word, doc["doc_no"], align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.get("addressee"):
        _para(word, doc["addressee"])
    for text in doc["paragraphs"]:
        _para(word, text, indent=True)
    for s in doc["sections"]:
        _section(word, s)
    # the closing lines stay with the signoff: no 落款 alone on a page (GB/T 9704)
    signed = bool(doc.get("signoff"))
    for text in doc.get("closing", []):
        _para(word, text, indent=True, keep=signed)
    for i, text in enumerate(doc.get("attachments", [])):
        _para(word, ("附件：" if i == 0 else "　　　") + text, keep=signed)
    if doc.get("tail"):
        _section(word, doc["tail"])
    if signed:
        _para(word, keep=True, size=8)
        _para(word, doc["signoff"]["unit"], align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
        _para(word, doc["signoff"]["date"], align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)


def _signatures(word, doc: dict) -> None:
    from docx.shared import Mm

    boxes = [b for p in doc["pages"] for b in p["signatures"]]
    _para(word, keep=True, size=6)
    for start in range(0, len(boxes), 3):
        group = boxes[start:start + 3]
        dates = ["　　年　　月　　日" if b.get("dated") else "" for b in group]
        rows = [[b["label"] for b in group], ["" for _ in group], [b["name"] for b in group]]
        if any(dates):
            rows.append(dates)
        table = _table(word, rows, [52] * len(group), bold_cols=(), keep=True)
        table.rows[1].height = Mm(15)


def _document(doc: dict, unit: str | None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    word = new_document(doc["title"], unit, subject=f"台账编号 {doc['subject']}")
    header = word.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run().add_picture(io.BytesIO(_qr_png(word_payload(doc))), width=Mm(20))
    _para(word, doc["title"], east=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.get("subtitle"):
        _para(word, doc["subtitle"], size=SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.get("kind") == "letter":
        _letter(word, doc)
    else:
        if doc["facts"]:
            _facts(word, doc["facts"])
        for s in doc["sections"]:
            _section(word, s, FORM_PT)
        if doc.get("statement"):
            _para(word, doc["statement"], indent=True, keep=True, size=FORM_PT)  # never parted from the signatures
    _signatures(word, doc)
    footer = word.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(footer.add_run(f"台账编号 {doc['subject']} · {doc['title']}"), BODY_FONT, 9)
    return word


def docx_name(n: int, width: int, doc: dict) -> str:
    """``001_朱丽_责令限期改正通知书.docx`` (``_第2次`` for the second 劝返记录)."""
    suffix = f"_第{doc['seq']}次" if doc.get("seq") else ""
    who = safe_filename(doc.get("child") or doc["subject"])
    return f"{n:0{width}d}_{who}_{safe_filename(doc['title'])}{suffix}.docx"


def write_form_docx(docs: list[dict], out_dir: Path, unit: str | None = None) -> int:
    """One .docx per form; all appear or none."""
    width = max(3, len(str(len(docs))))
    with atomic_dir_files(out_dir) as staging:
        for n, doc in enumerate(docs, start=1):
            save_document(_document(doc, unit), staging / docx_name(n, width, doc), unit)
    return len(docs)
