"""Editable Word versions of documents, from docxtpl templates (no conversion to PDF)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Sequence

from kcdocs.fileio import atomic_dir_files
from kcdocs.resources import templates_dir

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
DOCUMENT = "word/document.xml"
_TAG = re.compile(rb"\{[{%#]")


class BodyTemplate:
    """A docxtpl template whose tags are all in the document body, filled many times quickly.

    docxtpl re-reads the whole file, prepares and compiles its Jinja source and re-serialises
    every part for each document (~25 ms). Here the body's source is prepared by docxtpl and
    compiled once; each document is the template's package with only ``word/document.xml``
    replaced (~2 ms). Templates with tags elsewhere (headers, footers, properties) raise
    ValueError: use docxtpl for those.
    """

    def __init__(self, data: bytes):
        from docxtpl import DocxTemplate
        from jinja2 import Environment

        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self._parts = [(info, package.read(info)) for info in package.infolist()]
        if any(info.filename != DOCUMENT and _TAG.search(blob) for info, blob in self._parts):
            raise ValueError("template tags outside the document body")
        document = next(blob for info, blob in self._parts if info.filename == DOCUMENT).decode("utf-8")
        start, end = document.index("<w:body"), document.rindex("</w:body>") + len("</w:body>")
        self._head, self._tail = document[:start], document[end:]
        self._docxtpl = DocxTemplate(io.BytesIO(data))
        self._docxtpl.render_init()
        source = self._docxtpl.patch_xml(self._docxtpl.get_xml())
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # as docxtpl.render_xml_part
        self._body = Environment(autoescape=True).from_string(source)

    def body_xml(self, context: dict) -> str:
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", self._body.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._docxtpl.resolve_listing(xml)  # tabs, line and page breaks inside values

    def save(self, context: dict, path: Path) -> None:
        document = (self._head + self.body_xml(context) + self._tail).encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for info, blob in self._parts:
                package.writestr(info.filename, document if info.filename == DOCUMENT else blob,
                                 compress_type=zipfile.ZIP_DEFLATED)


def safe_filename(text: str, limit: int = 60) -> str:
    """A file-name-safe version of a person's or a document's name."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "未命名"
    return cleaned[:limit]


def write_notice_docx(kind: str, common: dict, records: Sequence[dict], rows, out_dir: Path) -> int:
    """One .docx per notice, ``<序号>_<学生姓名>_<通知书>.docx``; all appear or none. The
    template's package parts are those of a Chinese office (:func:`office_package`), its
    author the issuing unit."""
    from docxtpl import DocxTemplate

    from kcdocs.notices.build import NOTICE_TITLES
    from kcdocs.render.docx_package import office_package

    raw = (templates_dir() / "notices" / f"{kind}.docx").read_bytes()
    width = max(3, len(str(len(records))))
    title = NOTICE_TITLES[kind]
    packages: dict[str, tuple[bytes, BodyTemplate | None]] = {}  # by unit: the author of the file
    with atomic_dir_files(out_dir) as staging:
        for seq, (record, row) in enumerate(zip(records, rows), start=1):
            context = dict(record, **common)
            unit = str(context.get("unit") or "")
            if unit not in packages:
                data = office_package(raw, title=f"义务教育{title}", unit=unit or None, body_font="仿宋_GB2312")
                try:
                    packages[unit] = (data, BodyTemplate(data))
                except ValueError:
                    packages[unit] = (data, None)
            data, fast = packages[unit]
            path = staging / f"{seq:0{width}d}_{safe_filename(row.student_name)}_{title}.docx"
            if fast is not None:
                fast.save(context, path)
                continue
            doc = DocxTemplate(io.BytesIO(data))
            doc.render(context, autoescape=True)
            doc.save(path)
    return len(records)


# ---------------------------------------------------------------------------------------------
# Word documents built with python-docx that look like a Chinese office made them: A4 with the
# GB/T 9704 margins (天头 37 mm, 订口 28 mm, 版心 156 × 225 mm) and document grid (22 lines × 28
# characters), 仿宋 body, 黑体 headings, 小标宋 title (no blue English "Title/Heading" look),
# the theme's East Asian fonts Chinese (not Japanese), tables whose columns fit their content,
# and document properties naming kcdocs and the unit (no "python-docx", no 2013 dates, no
# blank thumbnail). Reports use these; any other document kcdocs writes with python-docx can.

# (name in Word, the Windows family Word substitutes when it is missing)
BODY_FONT = ("仿宋", "FangSong")
SONG_FONT = ("宋体", "SimSun")
HEI_FONT = ("黑体", "SimHei")
KAI_FONT = ("楷体", "KaiTi")
TITLE_FONT = ("方正小标宋简体", "SimSun")
LATIN_FONT = "Times New Roman"
MM = 36000  # EMU per millimetre
PAGE_MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # 210 − 28 − 26 = 156, 297 − 37 − 35 = 225
TEXT_WIDTH_MM = 156
GRID_LINES, GRID_CHARS = 22, 28
THREE = 16  # 三号, pt
FIVE, SMALL_FIVE, SMALL_FOUR = 10.5, 9, 12


def _set_fonts(rpr_owner, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Explicit fonts on a style's or a run's rPr (theme font attributes removed: they win)."""
    from docx.oxml.ns import qn

    from docx.oxml import OxmlElement

    if hasattr(rpr_owner, "get_or_add_rPr"):
        fonts = rpr_owner.get_or_add_rPr().get_or_add_rFonts()
    else:  # docDefaults/rPrDefault: a plain element
        rpr = rpr_owner.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)


def _style(doc, name: str, font: tuple[str, str], size: float, *, bold: bool = False, center: bool = False,
           before: float = 0, after: float = 0, indent: bool = False, keep: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]
    pf = style.paragraph_format
    ppr = style.element.get_or_add_pPr()
    for child in list(ppr):  # borders, shading, numbering of the default template's styles
        if child.tag.rsplit("}", 1)[-1] in ("pBdr", "shd", "numPr"):
            ppr.remove(child)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element, font[0])
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Pt(size * 2) if indent else None
    pf.keep_with_next = keep
    return style


def _page_setup(doc) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu

    section = doc.sections[0]
    section.page_width, section.page_height = Emu(210 * MM), Emu(297 * MM)
    for side, mm in PAGE_MARGINS_MM.items():
        setattr(section, f"{side}_margin", Emu(mm * MM))
    section.header_distance, section.footer_distance = Emu(15 * MM), Emu(28 * MM - 7 * MM)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    line_pitch = round(225 / GRID_LINES / 25.4 * 1440)  # twips
    char_pitch_pt = TEXT_WIDTH_MM / GRID_CHARS / 25.4 * 72
    # 22 lines by the grid; 28 characters by condensing 三号 text 0.25 pt (see new_document): a
    # character grid narrower than the font (linesAndChars with a negative charSpace) is what Word
    # does, but LibreOffice and WPS then give every character two cells.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch))
    sect.append(grid)
    _ = char_pitch_pt


def _defaults(doc) -> None:
    from docx.oxml.ns import qn

    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set_fonts(rpr_default, BODY_FONT[0])
    rpr = rpr_default.find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):  # the document grid's character pitch is reckoned from this size
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), str(THREE * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")


# Children that follow w:spacing in a run's properties, and w:snapToGrid in a paragraph's
# (Word refuses files whose elements are out of the schema's order).
_RPR_AFTER_SPACING = tuple(f"w:{t}" for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
    "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))
_PPR_AFTER_SNAP = tuple(f"w:{t}" for t in (
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))
LINE_PITCH_PT = 225 / GRID_LINES / 25.4 * 72  # 28.95 pt: 22 lines in the 225 mm text height
CONDENSE_TWENTIETHS = -5  # 16 pt − 0.25 pt = 15.75 pt a character: 28 in 156 mm


def _condense(style_element, twentieths: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style_element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
    spacing.set(qn("w:val"), str(twentieths))


def new_document(title: str, unit: str | None = None, *, subject: str = "", generated=None):
    """An empty document with the styles Normal (仿宋 三号), Title (小标宋 二号), Heading 1 (黑体 三号),
    Heading 2 (楷体 三号), Table Grid cells (仿宋 五号) and the properties below."""
    import datetime as dt

    from docx import Document
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    from kcdocs import __version__

    doc = Document()
    _page_setup(doc)
    _defaults(doc)
    normal = _style(doc, "Normal", BODY_FONT, THREE)
    _condense(normal.element, CONDENSE_TWENTIETHS)
    normal.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    _style(doc, "Title", TITLE_FONT, 22, center=True, after=THREE)
    _style(doc, "Heading 1", HEI_FONT, THREE, before=6, after=3, keep=True)
    _style(doc, "Heading 2", KAI_FONT, THREE, before=3, after=0, keep=True)
    now = generated or dt.datetime.now().replace(microsecond=0)
    props = doc.core_properties
    props.title, props.subject = title, subject
    props.author = props.last_modified_by = unit or "kcdocs"
    props.comments = f"由 kcdocs {__version__} 生成"
    props.keywords, props.category = "控辍保学", "控辍保学"
    props.language = "zh-CN"
    props.created = props.modified = now
    props.revision = 1
    return doc


def add_text(doc, text: str, *, size: float | None = None, bold: bool = False, center: bool = False,
             right: bool = False, indent: bool = False, font: tuple[str, str] | None = None, keep: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    par = doc.add_paragraph()
    run = par.add_run(text)
    if size:
        run.font.size = Pt(size)
        mark_size(par, size)
        if size < THREE:
            off_grid(par)
            par.paragraph_format.line_spacing = 1.15
    run.font.bold = bold or None
    if font:
        _set_fonts(run._element, font[0])
    if center or right:
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        par.paragraph_format.first_line_indent = Pt((size or THREE) * 2)
    par.paragraph_format.keep_with_next = keep or None
    return par


def off_grid(par) -> None:
    """Let a paragraph in a smaller size (a table cell) keep its own line and character spacing
    instead of the document grid's 22 lines × 28 characters."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = par._p.get_or_add_pPr()
    if ppr.find(qn("w:snapToGrid")) is None:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert_element_before(snap, *_PPR_AFTER_SNAP)


def mark_size(par, size_pt: float) -> None:
    """The paragraph mark in the paragraph's text size: Word and LibreOffice count the mark's
    height (else Normal's 三号) in the line, which makes small-text table rows tall."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = par._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    for tag in ("w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(round(size_pt * 2)))
        rpr.append(el)


_LATIN_EM = {**dict.fromkeys("0123456789*X", 0.5), "-": 0.333, " ": 0.25, ".": 0.25, "/": 0.278}


def text_width(text: str, size_pt: float) -> float:
    """The printed width of ``text`` in mm: a Chinese character one em, others 0.6 em."""
    # Times New Roman (Liberation Serif in LibreOffice, same metrics): digits 0.5 em, hyphen 0.33 em;
    # other Latin generously 0.6 em; 5 % to spare
    ems = sum(1.0 if ord(ch) > 0x2E80 else _LATIN_EM.get(ch, 0.6) for ch in str(text)) * 1.05
    return ems * size_pt * 25.4 / 72


CELL_PAD_MM = 0.9  # left and right cell margin of kcdocs' tables


def _head_width(head: str, size_pt: float) -> float:
    """A header of up to three characters on one line, a longer one on two (never one character
    alone on its second line)."""
    n = len(head)
    return text_width(head, size_pt) if n <= 3 else text_width(head[: (n + 1) // 2], size_pt)


def fit_widths(head: list[str], rows: list[list], size_pt: float, total_mm: float = TEXT_WIDTH_MM) -> list[float]:
    """Column widths (mm) that fit the content: every column as wide as its longest cell (a
    header may wrap to two lines); if that is too wide, the columns of longer Chinese text
    (学校, 处置类型 …) are narrowed, never below three characters; IDs, numbers and dates are
    never wrapped. Spare width goes to every column alike."""
    pad = 2 * CELL_PAD_MM + 0.6
    em = text_width("一", size_pt)
    natural = []
    for i, h in enumerate(head):
        longest = max((text_width(r[i], size_pt) for r in rows), default=0)
        natural.append(max(longest, _head_width(h, size_pt)) + pad)
    cjk = [any(ord(c) > 0x2E80 for r in rows for c in str(r[i])) for i in range(len(head))]
    floor = 3 * em + pad
    widths = list(natural)
    for _ in range(3):  # narrowing some columns to their floor leaves the rest to the others
        over = sum(widths) - total_mm
        shrink = [i for i in range(len(head)) if cjk[i] and widths[i] > floor]
        if over <= 0.01 or not shrink:
            break
        room = sum(widths[i] - floor for i in shrink)
        for i in shrink:
            widths[i] -= min(widths[i] - floor, over * (widths[i] - floor) / room)
    spare = total_mm - sum(widths)
    if spare > 0:
        widths = [w + spare / len(widths) for w in widths]
    return widths


def add_table(doc, head: list[str], rows: list[list], *, size: float = FIVE, widths: list[float] | None = None,
              align_right: tuple[int, ...] = (), keep_last: int = 0):
    """A ruled table (header row repeated on every page, rows not split over pages) whose columns
    fit their content; ``keep_last`` rows are kept on the page of what follows."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Pt

    texts = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = widths or fit_widths(head, texts, size)
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_geometry(table, widths)
    for col, w in zip(table.columns, widths):
        col.width = Emu(int(w * MM))
    header = table.rows[0]
    for row_tr in [header._tr]:
        row_tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        row_tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row_cells, values, is_head in [(header.cells, head, True)] + [(None, v, False) for v in texts]:
        cells = row_cells or table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            cell.width = Emu(int(widths[i] * MM))
            par = cell.paragraphs[0]
            off_grid(par)
            par.paragraph_format.line_spacing = 1.0
            par.paragraph_format.first_line_indent = None
            par.paragraph_format.space_after = Pt(0)
            run = par.add_run(value)
            run.font.size = Pt(size)
            mark_size(par, size)
            if is_head:
                _set_fonts(run._element, HEI_FONT[0])
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif i in align_right:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                par.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for n, row in enumerate(table.rows):
        if n:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if n >= len(table.rows) - keep_last:
            for cell in row.cells:
                for par in cell.paragraphs:
                    par.paragraph_format.keep_with_next = True
    _ = qn  # noqa: F841
    return table


def _table_geometry(table, widths: list[float]) -> None:
    """The table's width as the sum of its columns (not "auto": LibreOffice would rescale) and
    narrow cell margins."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(round(sum(widths) / 25.4 * 1440)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(CELL_PAD_MM / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def save_document(doc, path: Path, unit: str | None = None) -> None:
    """Save atomically (the folder made if needed), the package parts rewritten by
    :func:`kcdocs.render.docx_package.office_package` (fonts, theme, properties)."""
    from kcdocs.fileio import atomic_path
    from kcdocs.render.docx_package import office_package

    buf = io.BytesIO()
    doc.save(buf)
    props = doc.core_properties
    blob = office_package(buf.getvalue(), title=props.title, subject=props.subject, unit=unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(blob)
