"""Generate the Word (docxtpl) templates of the notices: templates/notices/*.docx.

Run after changing the wording: python tools/make_docx_templates.py
The wording must match templates/notices/notice.typ; tests compare both outputs.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"

WORDING = {
    "enrollment": ("义务教育入学通知书", "已经达到接受义务教育年龄", "报到入学"),
    "return": ("义务教育复学通知书", "处于接受义务教育年龄", "报到入读"),
}


def _font(run, name: str, size: float, underline: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    run.underline = underline


def _para(doc, parts, *, indent=True, align=None, right_indent_chars=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(29)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)
    if right_indent_chars:
        fmt.right_indent = Pt(16 * right_indent_chars)
    if align is not None:
        p.alignment = align
    for text, underline in parts:
        _font(p.add_run(text), BODY_FONT, 16, underline)
    return p


def build(kind: str) -> Path:
    title, status, action = WORDING[kind]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.font.size = Pt(16)

    t = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(t.add_run(title), TITLE_FONT, 22)
    _para(doc, [], indent=False)
    _para(doc, [("{{ guardian }}", True), ("（父母或法定监护人）：", False)], indent=False)
    _para(doc, [
        ("按照《中华人民共和国义务教育法》《{{ province }}义务教育条例》有关规定和要求，接受义务教育是法律赋予"
         "每个适龄儿童的权利和义务。您的孩子（被监护人）", False),
        ("{{ child }}", True), (f"{status}，请您于", False), ("{{ month }}", True), ("月", False),
        ("{{ day }}", True), ("日前送其到", False), ("{{ school }}", True),
        (f"{{{{ school_word }}}}{action}。", False),
    ])
    _para(doc, [("感谢您的支持和配合。", False)])
    _para(doc, [], indent=False)
    _para(doc, [], indent=False)
    _para(doc, [("{{ unit }}", False)], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent_chars=2)
    _para(doc, [("{{ date }}", False)], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent_chars=4)
    out = ROOT / "templates" / "notices" / f"{kind}.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    for k in WORDING:
        print(build(k))
