"""Refuse a workbook whose cells span an area too large to load, before python-calamine sees it.

python-calamine builds a dense grid from the top-left to the bottom-right cell of a sheet: a
5 KB .xlsx with one cell at XFD1048576 asks for 17 billion cells and the process aborts (no
Python exception, no message). The sheet XML is streamed once and only the "far" cell
references are looked at: columns from BA (53) on, and rows from 200,000 on when the sheet has
few cells. A sheet is refused when its area is larger than :data:`AREA_LIMIT` cells and more
than :data:`SPARSE_FACTOR` times the number of cells it really holds (a dense big sheet passes).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kcdocs.errors import InputFileError

AREA_LIMIT = 20_000_000  # cells of the grid calamine allocates (~32 bytes each)
SPARSE_FACTOR = 8
CHUNK = 8 << 20
FAR_COLUMN = 53  # BA: columns below are never looked at one by one
FEW_CELLS = 6_000_000  # below this many cells, rows from FAR_ROW on are looked at too
FAR_ROW = 200_000
_FAR_COLS = rb'r="((?:[A-Z]{3}|[B-Z][A-Z])\d{1,7})"'
_FAR_ANY = rb'r="((?:[A-Z]{3}|[B-Z][A-Z])\d{1,7}|[A-Z]{1,3}(?:[2-9]\d{5}|\d{7,}))"'
_REF = re.compile(r"([A-Z]+)(\d+)")
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class Extent:
    rows: int
    columns: int
    cells: int  # cells (and rows) really written in the sheet

    @property
    def area(self) -> int:
        return self.rows * self.columns

    @property
    def too_large(self) -> bool:
        return self.area > AREA_LIMIT and self.area > SPARSE_FACTOR * max(self.cells, 1)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _scan(stream, few_cells: bool) -> Extent:
    pattern = re.compile(_FAR_ANY if few_cells else _FAR_COLS)
    max_row, max_col, cells, tail = FAR_ROW - 1, FAR_COLUMN - 1, 0, b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        data = tail + chunk
        cells += chunk.count(b'r="')
        for m in pattern.finditer(data):
            letters, digits = _REF.fullmatch(m.group(1).decode()).groups()
            max_row, max_col = max(max_row, int(digits)), max(max_col, column_number(letters))
        tail = data[-24:]
    return Extent(max_row if few_cells else 1_048_576, max_col, cells)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """{zip entry of a worksheet: sheet name}; entries under worksheets/ named by file when the
    workbook's own list cannot be read."""
    parts: dict[str, str] = {}
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        targets = {m.group(2) or m.group(3): m.group(1) or m.group(4) for m in re.finditer(
            r'<Relationship\b[^>]*?(?:Target="([^"]+)"[^>]*?Id="([^"]+)"|Id="([^"]+)"[^>]*?Target="([^"]+)")', rels)}
        for m in re.finditer(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
            target = targets.get(m.group(2), "")
            entry = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            parts[entry] = _unescape(m.group(1))
    except (KeyError, zipfile.BadZipFile, OSError):
        pass
    for name in zf.namelist():
        if "worksheets/" in name and name.endswith(".xml") and name not in parts:
            parts[name] = PurePosixPath(name).stem
    return parts


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def sheet_extents(path: Path) -> dict[str, Extent]:
    """{sheet name: extent} of every worksheet of an .xlsx/.xlsm file ({} for other formats or
    files that are not zip archives: calamine reports those itself)."""
    if path.suffix.lower() not in _XLSX_SUFFIXES:
        return {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}
    found: dict[str, Extent] = {}
    with zf:
        for entry, sheet in _sheet_parts(zf).items():
            try:
                info = zf.getinfo(entry)
            except KeyError:
                continue
            few = info.file_size < FEW_CELLS * 12  # a cell takes at least ~12 bytes of XML
            try:
                with zf.open(info) as stream:
                    ext = _scan(stream, few)
                if ext.too_large and not few:  # rows bounded by Excel's limit only: look at them too
                    with zf.open(info) as stream:
                        ext = _scan(stream, True)
                found[sheet] = ext
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                continue  # calamine will say the file is damaged
    return found


def check_extent(path: Path, sheet: str, extents: dict[str, Extent]) -> None:
    """Raise :class:`InputFileError` when ``sheet`` spans too large an area to be read."""
    ext = extents.get(sheet)
    if ext is None or not ext.too_large:
        return
    corner = f"{column_letters(ext.columns)}{ext.rows}"
    raise InputFileError(
        f"{path.name} 工作表「{sheet}」的范围过大，无法读取：有单元格远在 {corner} 附近"
        f"（相当于 {ext.area:,} 个单元格，而实际只有约 {ext.cells:,} 个有内容）。",
        "请在 Excel/WPS 中打开该工作表，按 Ctrl+End 找到最远的单元格，删除数据区以外多余的行和列"
        "（选中整行/整列后“删除”），保存后重试；或把有用的数据复制到一个新工作簿。",
    )
