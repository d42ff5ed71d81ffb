"""Read a spreadsheet or CSV file into raw rows keyed by schema column.

The header row need not be the first row (rosters often start with a title line):
the first 20 rows are scanned and the row naming the most schema columns wins.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kcdocs.errors import InputFileError
from kcdocs.tabular.schema import TableSchema
from kcdocs.textnorm import clean_cell

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 20
_BLANKS = " \t\r\n\v\f\u3000\xa0\ufeff\u200b"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawRow:
    row: int  # 1-based row number as the user sees it in Excel
    values: dict[str, object]  # column key -> cell value (None when empty)
    cells: list = field(default_factory=list)  # the whole row as read, every column


@dataclass
class Table:
    path: Path
    sheet: str | None  # None for CSV
    header_row: int
    headers: dict[str, str]  # column key -> header text as written in the file
    rows: list[RawRow] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV only
    header_cells: list[str] = field(default_factory=list)  # the whole header row as written

    @property
    def display_name(self) -> str:
        return self.path.name


def read_table(
    path: str | Path,
    schema: TableSchema,
    *,
    sheet: str | None = None,
    required: set[str] | None = None,
) -> Table:
    """Read ``path`` and return its rows keyed by ``schema`` column keys.

    Raises :class:`InputFileError` when the file cannot be read, the sheet does not exist,
    or a required column (``required``, default the schema's) is absent.
    """
    path = Path(path)
    required = schema.required_keys() if required is None else required
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}", "请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputFileError(f"{path} 是文件夹，不是{schema.title}文件。")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        grids = iter([(None, *_read_csv(path, schema))])
    elif suffix in SPREADSHEET_SUFFIXES:  # sheets read one by one, until one has every required column
        grids = ((name, grid, None) for name, grid in _read_workbook(path, schema, sheet))
    else:
        raise InputFileError(
            f"不支持的{schema.title}文件类型“{path.suffix}”：{path.name}",
            "请另存为 .xlsx（Excel 工作簿）或 .csv 后再试。",
        )
    best = None
    for sheet_name, grid, encoding in grids:
        header_idx, mapping, unknown = _find_header(grid, schema)
        missing = required - set(mapping)
        candidate = (len(missing), -len(mapping), sheet_name, grid, header_idx, mapping, unknown, encoding)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
        if not missing:
            break
    n_missing, _, sheet_name, grid, header_idx, mapping, unknown, encoding = best
    if n_missing:
        _raise_missing(path, sheet_name, grid, header_idx, mapping, required, schema)
    table = Table(path, sheet_name, header_idx + 1, {k: h for k, (h, _) in mapping.items()},
                  unknown_headers=unknown, encoding=encoding,
                  header_cells=[clean_cell(c) for c in grid[header_idx]])
    keys = list(mapping)
    indexes = [col_idx for _, col_idx in mapping.values()]
    needed = max(indexes, default=-1) + 1
    blanks = _BLANKS
    for offset, cells in enumerate(grid[header_idx + 1:], start=header_idx + 2):
        # Hot loop (every cell of the file): inlined, no call per cell.
        picked = [cells[i] for i in indexes] if len(cells) >= needed else [_at(cells, i) for i in indexes]
        values = {key: None if v is None or (v.__class__ is str and not v.strip(blanks)) else v
                  for key, v in zip(keys, picked)}
        if any(v is not None for v in values.values()):
            table.rows.append(RawRow(offset, values, cells))
    return table


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


def _read_workbook(path: Path, schema: TableSchema, sheet: str | None):
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types
        head = path.read_bytes()[:8]
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
    if sheet is not None:
        if sheet not in names:
            raise InputFileError(
                f"{path.name} 中没有名为「{sheet}」的工作表。",
                "现有工作表：" + "、".join(names),
            )
        names = [sheet]
    else:
        preferred = [n for n in schema.sheet_names if n in names]
        names = preferred + [n for n in names if n not in preferred]
    for name in names:
        try:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputFileError(f"{path.name} 工作表「{name}」无法读取：{exc}") from exc
        yield name, grid


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8-BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
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


def _read_csv(path: Path, schema: TableSchema) -> tuple[list[list], str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path.name} 无法读取：{exc.strerror}") from exc
    text, encoding = _decode(data, path)
    sample = text[:8192]
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    if counts[","] == 0:
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    grid = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return grid, encoding
