"""The package parts of a .docx that say who made it: fonts, theme, properties, thumbnail.

python-docx (and a docxtpl template made with it) carries the parts of a 2013 Mac Word
document: a font table and theme whose East Asian fonts are Japanese (ＭＳ 明朝, ＭＳ ゴシック),
``themeFontLang`` ja-JP, the author "python-docx", 2013 dates, "Microsoft Macintosh Word", a
blank thumbnail and a Word 2010 ``stylesWithEffects`` copy of those defaults.
:func:`office_package` rewrites them as a Chinese office's document: Chinese theme fonts, a
font table that declares every font used with the Windows 10/11 face Word falls back to
(仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体), properties naming kcdocs and the unit with the
time the file was made.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape

LATIN = "Times New Roman"
# name: (alternative names Word tries, panose-1, family, pitch); charset 86 = GB2312
FONTS = {
    LATIN: ("", "02020603050405020304", "roman", "variable"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "方正小标宋简体": ("宋体", "02010600030101010101", "auto", "variable"),
    "方正小标宋_GBK": ("宋体", "02010600030101010101", "auto", "variable"),
}
ALWAYS = (LATIN, "宋体", "仿宋", "黑体", "楷体")
HEADING_EA, BODY_EA = "黑体", "宋体"  # the theme's major and minor East Asian fonts
LINE_PITCH_TWIPS = round(225 / 22 / 25.4 * 1440)  # 22 lines in the 225 mm text height of GB/T 9704

CORE = "docProps/core.xml"
APP = "docProps/app.xml"
THUMBNAIL_REL = re.compile(r'<Relationship [^>]*Type="[^"]*/metadata/thumbnail"[^>]*/>')
EFFECTS_REL = re.compile(r'<Relationship [^>]*Type="[^"]*/stylesWithEffects"[^>]*/>')
_RFONTS = re.compile(r"<w:rFonts\b[^>]*>")
_FONT_ATTR = re.compile(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')
_THEME_RFONTS = re.compile(r'<w:rFonts\b[^>]*w:(?:ascii|eastAsia)Theme="(major|minor)[^"]*"[^>]*/>')
_ACCENT_COLOR = re.compile(r'<w:color w:val="[0-9A-Fa-f]{6}" w:themeColor="accent[1-6]"[^>]*/>')


def office_package(blob: bytes, *, title: str, unit: str | None = None, subject: str = "",
                   body_font: str = "仿宋", now: dt.datetime | None = None) -> bytes:
    """``blob`` (a .docx) with the parts above rewritten; the document body is not touched
    except for a missing document grid (22 lines a page)."""
    from kcdocs import __version__

    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    text = {name: parts[name].decode("utf-8") for name in parts if name.endswith((".xml", ".rels"))}
    for name in [n for n in parts if n.startswith("docProps/thumbnail") or n.endswith("stylesWithEffects.xml")]:
        del parts[name]
        text.pop(name, None)
    text["_rels/.rels"] = THUMBNAIL_REL.sub("", text["_rels/.rels"])
    rels = "word/_rels/document.xml.rels"
    text[rels] = EFFECTS_REL.sub("", text[rels])
    text["[Content_Types].xml"] = re.sub(r'<Override PartName="/(?:docProps/thumbnail|word/stylesWithEffects)[^>]*/>',
                                         "", text["[Content_Types].xml"])
    if "word/styles.xml" in text:
        text["word/styles.xml"] = _styles(text["word/styles.xml"], body_font)
    if "word/settings.xml" in text:
        text["word/settings.xml"] = _settings(text["word/settings.xml"])
    for name in [n for n in text if re.fullmatch(r"word/theme/theme\d+\.xml", n)]:
        text[name] = _theme(text[name])
    if "word/document.xml" in text:
        text["word/document.xml"] = _grid(text["word/document.xml"])
    used = [f for name, xml in text.items() if name.startswith("word/")
            for el in _RFONTS.findall(xml) for f in _FONT_ATTR.findall(el)]
    text["word/fontTable.xml"] = font_table(used)
    text[CORE] = _core(title, subject, unit, now, __version__)
    text[APP] = _app(title, unit)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = list(parts) + [n for n in (CORE, APP, "word/fontTable.xml") if n not in parts]
        for name in names:
            dst.writestr(name, text[name].encode("utf-8") if name in text else parts[name])
    return out.getvalue()


def font_table(used: list[str]) -> str:
    """Every font the document names, the Chinese ones with charset GB2312 and their fallback."""
    names = list(dict.fromkeys([*ALWAYS, *used]))
    entries = []
    for name in names:
        if name not in FONTS:
            entries.append(f'<w:font w:name="{escape(name, {chr(34): "&quot;"})}"/>')
            continue
        alt, panose, family, pitch = FONTS[name]
        charset = "00" if name == LATIN else "86"
        entries.append(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                       + f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                       f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + "".join(entries) + "</w:fonts>")


def _explicit_fonts(match: re.Match) -> str:
    east = HEADING_EA if match.group(1) == "major" else "仿宋"
    return f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east}" w:cs="{LATIN}"/>'


def _styles(xml: str, body_font: str) -> str:
    """Theme fonts of the built-in styles made explicit (黑体 for headings), no blue accent text,
    the default run East Asian (``body_font``, zh-CN)."""
    head, sep, tail = xml.partition("</w:docDefaults>")
    if sep:
        rfonts = f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{body_font}" w:cs="{LATIN}"/>'
        if re.search(r"<w:rPrDefault>\s*<w:rPr>", head):
            head = re.sub(r"(<w:rPrDefault>\s*<w:rPr>)(?:<w:rFonts\b[^>]*/>)?", lambda m: m.group(1) + rfonts, head, 1)
        head = re.sub(r'(<w:lang\b[^>]*w:eastAsia=")[^"]*"', r'\1zh-CN"', head, 1)
        xml = head + sep + tail
    xml = _THEME_RFONTS.sub(_explicit_fonts, xml)
    return _ACCENT_COLOR.sub("", xml)


def _settings(xml: str) -> str:
    xml = re.sub(r'(<w:themeFontLang\b[^>]*w:eastAsia=")[^"]*"', r'\1zh-CN"', xml)
    return xml.replace("<w:savePreviewPicture/>", "")


def _theme(xml: str) -> str:
    """Major/minor East Asian fonts 黑体/宋体, no Japanese, Korean or traditional script fonts."""
    xml = re.sub(r'<a:font script="(?:Jpan|Hang|Hans|Hant)" typeface="[^"]*"/>', "", xml)
    for block, east in (("majorFont", HEADING_EA), ("minorFont", BODY_EA)):
        xml = re.sub(rf"(<a:{block}>.*?</a:{block}>)",
                     lambda m, e=east: re.sub(r'<a:ea typeface="[^"]*"/>', f'<a:ea typeface="{e}"/>',
                                              re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{LATIN}"',
                                                     m.group(1), 1), 1),
                     xml, 1, re.S)
    return xml


def _grid(xml: str) -> str:
    """A document grid of 22 lines a page where the document has the default, typeless one."""
    return re.sub(r'<w:docGrid w:linePitch="\d+"/>', f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH_TWIPS}"/>', xml)


def _core(title: str, subject: str, unit: str | None, now: dt.datetime, version: str) -> str:
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    who = escape(unit or "kcdocs")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
            f"<dc:creator>{who}</dc:creator><cp:keywords>控辍保学</cp:keywords>"
            f"<dc:description>由 kcdocs {escape(version)} 生成</dc:description>"
            f"<cp:lastModifiedBy>{who}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "<cp:category>控辍保学</cp:category><dc:language>zh-CN</dc:language></cp:coreProperties>")


def _app(title: str, unit: str | None) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            + (f"<Company>{escape(unit)}</Company>" if unit else "") + "<TotalTime>0</TotalTime><ScaleCrop>false</ScaleCrop>"
            '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>标题</vt:lpstr></vt:variant>'
            "<vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs>"
            f"<TitlesOfParts><vt:vector size=\"1\" baseType=\"lpstr\"><vt:lpstr>{escape(title)}</vt:lpstr>"
            "</vt:vector></TitlesOfParts><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged><Application>kcdocs</Application>"
            "<DocSecurity>0</DocSecurity></Properties>")
