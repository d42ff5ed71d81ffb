"""Read a spreadsheet or CSV file into raw rows keyed by schema column.

The header row need not be the first row (rosters often start with a title line):
the first 20 rows are scanned and the row naming the most schema columns wins.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from kcdocs.errors import InputFileError
from kcdocs.tabular.guard import check_extent, sheet_extents
from kcdocs.tabular.problems import Problem
from kcdocs.tabular.schema import TableSchema
from kcdocs.textnorm import clean_cell, squash

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 20
_BLANKS = " \t\r\n\v\f\u3000\xa0\ufeff\u200b"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Footer and note rows of hand-made tables (compared without spaces, half-width).
NOTE_ROW = re.compile(r"^(合计|总计|小计|共计|累计|制表|填表|填报|审核|审批|复核|核对|负责人|经办人|校长|签字|签名|盖章|"
                      r"说明|备注[:：]|注[:：]|注\d|联系人|联系电话|日期[:：])")
CSV_FIELD_LIMIT = 100_000  # characters in one CSV cell; longer is not a roster


@dataclass
class RawRow:
    row: int  # 1-based row number as the user sees it in Excel
    values: dict[str, object]  # column key -> cell value (None when empty)
    cells: list = field(default_factory=list)  # the whole row as read, every column
    sheet: str | None = None  # the sheet of the row when several sheets were read


@dataclass
class SheetPart:
    """The header of one sheet read into a :class:`Table`."""

    name: str | None
    header_row: int
    headers: dict[str, str]
    header_cells: list[str]
    unknown_headers: list[str]


@dataclass
class Table:
    path: Path
    sheet: str | None  # None for CSV; the first sheet read when there are several
    header_row: int
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[RawRow] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV only
    header_cells: list[str] = field(default_factory=list)  # the whole header row as written
    parts: list[SheetPart] = field(default_factory=list)  # every sheet read, in order
    notes: list[Problem] = field(default_factory=list)  # skipped footer rows and sheets (notices)
    ignored: list[Problem] = field(default_factory=list)  # sheets that look like data but were not read

    @property
    def display_name(self) -> str:
        return self.path.name

    @property
    def sheets(self) -> list[str]:
        return [p.name for p in self.parts if p.name]

    def part(self, sheet: str | None) -> SheetPart | None:
        return next((p for p in self.parts if p.name == sheet), None)

    def headers_of(self, row: RawRow) -> dict[str, str]:
        part = self.part(row.sheet) if row.sheet is not None and len(self.parts) > 1 else None
        return part.headers if part else self.headers


def read_table(
    path: str | Path,
    schema: TableSchema,
    *,
    sheet: str | Sequence[str] | None = None,
    required: set[str] | None = None,
    all_sheets: bool = False,
    skip_notes: bool = False,
) -> Table:
    """Read ``path`` and return its rows keyed by ``schema`` column keys.

    By default the first sheet with every required column is read (or the named ``sheet``).
    ``all_sheets``: every sheet with the required columns is read (one sheet per class), or
    every named sheet when ``sheet`` names several; a sheet that looks like such a table but
    lacks columns is named in ``Table.ignored``. ``skip_notes``: footer and note rows
    (合计：21人, 制表人：…) are skipped with a notice in ``Table.notes``.

    Raises :class:`InputFileError` when the file cannot be read, a sheet does not exist,
    or no sheet has the required columns (``required``, default the schema's).
    """
    path = Path(path)
    required = schema.required_keys() if required is None else required
    named = [sheet] if isinstance(sheet, str) else list(sheet or [])
    suffix = _check_path(path, schema)
    if suffix in CSV_SUFFIXES:
        grids = iter([(None, *_read_csv(path, schema))])
    else:  # sheets read one by one, until one has every required column (or all of them)
        grids = ((name, grid, None) for name, grid in _read_workbook(path, schema, named or None))
    best, parts, notes, ignored = None, [], [], []
    for sheet_name, grid, encoding in grids:
        header_idx, mapping, unknown = _find_header(grid, schema)
        missing = required - set(mapping)
        candidate = (len(missing), -len(mapping), sheet_name, grid, header_idx, mapping, unknown, encoding)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
        if not missing:
            parts.append(candidate)
            if not (all_sheets or len(named) > 1):
                break
        elif named and len(named) > 1:
            _raise_missing(path, sheet_name, grid, header_idx, mapping, required, schema)
        elif all_sheets and sheet_name is not None:
            _note_skipped_sheet(path, schema, sheet_name, grid, header_idx, mapping, required, notes, ignored)
    if not parts:
        _, _, sheet_name, grid, header_idx, mapping, _, _ = best
        _raise_missing(path, sheet_name, grid, header_idx, mapping, required, schema)
    table = None
    for _, _, sheet_name, grid, header_idx, mapping, unknown, encoding in parts:
        part = SheetPart(sheet_name, header_idx + 1, {k: h for k, (h, _) in mapping.items()},
                         [clean_cell(c) for c in grid[header_idx]], unknown)
        if table is None:
            table = Table(path, sheet_name, part.header_row, part.headers, unknown_headers=unknown,
                          encoding=encoding, header_cells=part.header_cells)
        table.parts.append(part)
        tag = sheet_name if len(parts) > 1 else None
        _append_rows(table, grid, header_idx, mapping, tag, sheet_name, skip_notes)
    table.notes[:0] = notes
    table.ignored.extend(ignored)
    return table


def _check_path(path: Path, schema: TableSchema) -> str:
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}", "请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputFileError(f"{path} 是文件夹，不是{schema.title}文件。")
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES and suffix not in SPREADSHEET_SUFFIXES:
        raise InputFileError(
            f"不支持的{schema.title}文件类型“{path.suffix}”：{path.name}",
            "请另存为 .xlsx（Excel 工作簿）或 .csv 后再试。",
        )
    return suffix


def _append_rows(table: Table, grid: list[list], header_idx: int, mapping: dict, tag: str | None,
                 sheet_name: str | None, skip_notes: bool) -> None:
    keys = list(mapping)
    indexes = [col_idx for _, col_idx in mapping.values()]
    needed = max(indexes, default=-1) + 1
    blanks = _BLANKS
    rows = table.rows
    for offset, cells in enumerate(grid[header_idx + 1:], start=header_idx + 2):
        # Hot loop (every cell of the file): inlined, no call per cell.
        picked = [cells[i] for i in indexes] if len(cells) >= needed else [_at(cells, i) for i in indexes]
        values = {key: None if v is None or (v.__class__ is str and not v.strip(blanks)) else v
                  for key, v in zip(keys, picked)}
        if any(v is not None for v in values.values()):
            if skip_notes and (text := note_row_text(cells)):
                table.notes.append(_note_skipped(table, text, sheet_name, offset))
                continue
            rows.append(RawRow(offset, values, cells, tag))
        elif skip_notes and (text := note_row_text(cells)):  # a footer in a column the table does not use
            table.notes.append(_note_skipped(table, text, sheet_name, offset))


def _note_skipped(table: Table, text: str, sheet_name: str | None, row: int) -> Problem:
    return Problem(table.display_name, f"这是合计、签名或说明行（“{text}”），不是数据，已跳过。", sheet_name, row,
                   severity="warning")


def note_row_text(cells: list) -> str | None:
    """The text of a footer or note row (合计：21人, 制表人：…, 填表说明…), else None."""
    texts = [t for t in (clean_cell(c) for c in cells if c is not None) if t]
    if not texts or len(texts) > 4:
        return None
    first = squash(texts[0])
    if not NOTE_ROW.match(first):
        return None
    joined = " ".join(texts)
    return joined if len(joined) <= 40 else joined[:39] + "…"


def _note_skipped_sheet(path, schema, sheet_name, grid, header_idx, mapping, required, notes, ignored) -> None:
    if not any(clean_cell(c) for r in grid[:HEADER_SCAN_ROWS] for c in r):
        return  # an empty sheet
    missing = [c.header for c in schema.columns if c.key in required and c.key not in mapping]
    if len(mapping) >= 2 or any(k in mapping for k in required):
        ignored.append(Problem(
            path.name, f"该工作表像是{schema.title}，但第{header_idx + 1}行的表头缺少"
            + "、".join(f"「{m}」" for m in missing) + "列，未读入，其中的学生没有生成文书。",
            sheet_name, header_idx + 1, hint="请在该工作表的表头中补上缺少的列后重新运行；"
            "如果它不是" + schema.title + "，可用 --sheet 只指定要读的工作表。", severity="warning"))
    else:
        notes.append(Problem(path.name, f"该工作表没有{schema.title}的表头，已跳过。", sheet_name,
                             severity="warning"))


def _at(cells: list, i: int) -> object:
    return cells[i] if i < len(cells) else None


def _find_header(grid: list[list], schema: TableSchema):
    """Index of the header row, {key: (header text, column index)}, unknown headers."""
    best = (0, {}, [])
    best_score = -1
    for idx, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping: dict[str, tuple[str, int]] = {}
        unknown = []
        for col_idx, cell in enumerate(cells):
            col = schema.match_header(cell)
            if col is not None and col.key not in mapping:
                mapping[col.key] = (clean_cell(cell), col_idx)
            elif clean_cell(cell):
                unknown.append(clean_cell(cell))
        if len(mapping) > best_score:
            best_score = len(mapping)
            best = (idx, mapping, unknown)
    return best


def _raise_missing(path, sheet_name, grid, header_idx, mapping, required, schema) -> None:
    missing = [c for c in schema.columns if c.key in required and c.key not in mapping]
    where = f"{path.name}" + (f" 工作表「{sheet_name}」" if sheet_name else "")
    if not mapping:
        raise InputFileError(
            f"{where}：没有找到{schema.title}的表头行（前{HEADER_SCAN_ROWS}行中没有任何可识别的列名）。",
            "表头应包含：" + "、".join(c.header for c in schema.columns if c.required)
            + "。请检查是否选错了文件或工作表。",
        )
    seen = "、".join(clean_cell(c) for c in grid[header_idx] if clean_cell(c))
    lines = [f"{where} 第{header_idx + 1}行的表头缺少必填列："]
    for col in missing:
        alias = "、".join(col.aliases)
        lines.append(f"  「{col.header}」" + (f"（也可写作：{alias}）" if alias else "")
                     + (f"——{col.hint}" if col.hint else ""))
    lines.append(f"表头中现有的列：{seen}")
    raise InputFileError("\n".join(lines), "请在表头中加上缺少的列，或把已有列名改成上面的名称。")


def _read_workbook(path: Path, schema: TableSchema, sheets: list[str] | None):
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types
        with path.open("rb") as fh:
            head = fh.read(8)
        if head == OLE_MAGIC and path.suffix.lower() != ".xls":
            raise InputFileError(
                f"{path.name} 设置了打开密码（已加密），无法读取。",
                "请在 Excel/WPS 中打开它，删除密码后另存为 .xlsx 再试。",
            ) from exc
        raise InputFileError(
            f"{path.name} 无法作为表格读取，文件可能已损坏或不是真正的 Excel 文件（{exc}）。",
            "请用 Excel/WPS 打开确认，再“另存为”.xlsx 后重试。",
        ) from exc
    names = list(workbook.sheet_names)
    if sheets:
        names = [_named_sheet(path, names, wanted) for wanted in dict.fromkeys(sheets)]
    else:
        preferred = [n for n in schema.sheet_names if n in names]
        names = preferred + [n for n in names if n not in preferred]
    extents = sheet_extents(path)  # before calamine allocates a sheet's whole grid
    for name in names:
        check_extent(path, name, extents)
        try:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputFileError(f"{path.name} 工作表「{name}」无法读取：{exc}",
                                 "请用 Excel/WPS 打开该工作表确认，再“另存为”.xlsx 后重试。") from exc
        yield name, grid


def _named_sheet(path: Path, names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    loose = {squash(n): n for n in names}
    if squash(wanted) in loose:
        return loose[squash(wanted)]
    raise InputFileError(f"{path.name} 中没有名为「{wanted}」的工作表。", "现有工作表：" + "、".join(names))


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "UTF-8-BOM", path), "UTF-8-BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "UTF-16", path), "UTF-16"
    for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise InputFileError(
            f"{path.name} 的文字编码无法识别。",
            "请在 Excel/WPS 中“另存为”CSV UTF-8 或 .xlsx 后重试。",
        )
    return str(guess), guess.encoding


def _strict(data: bytes, encoding: str, label: str, path: Path) -> str:
    """``data`` decoded; a damaged byte is an input error naming its line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        good = data[:exc.start].decode(encoding, errors="replace")
        line = good.count("\n") + 1
        what = ("文件在末尾被截断（UTF-16 文件的字节数应为偶数）" if exc.reason == "truncated data"
                else f"有不符合 {label} 编码的字节")
        raise InputFileError(
            f"{path.name} 第{line}行：{what}，无法读取。",
            "文件可能没有完整复制或已损坏：请用 Excel/WPS 打开原文件，“另存为”CSV UTF-8 或 .xlsx 后重试。",
        ) from None


def _read_csv(path: Path, schema: TableSchema) -> tuple[list[list], str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path.name} 无法读取：{exc.strerror}") from exc
    text, encoding = _decode(data, path)
    if "\x00" in text:
        text = text.replace("\x00", "")  # NUL bytes (a UTF-16 file read as 8-bit, or padding)
    sample = text[:8192]
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    if counts[","] == 0:
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        grid = list(reader)
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        what = (f"有一个单元格超过 {CSV_FIELD_LIMIT:,} 个字符（可能是引号没有配对，后面的内容被连成了一格）"
                if too_long else "格式错误，无法按 CSV 读取")
        raise InputFileError(f"{path.name} 第{reader.line_num}行：{what}。",
                             "请用 Excel/WPS 打开该文件，检查这一行的引号和内容，“另存为”CSV UTF-8 或 .xlsx 后重试。") from None
    finally:
        csv.field_size_limit(limit)
    return grid, encoding
