"""The input tables: population lists (户籍名单) and the student-record export (学籍).

Columns are matched by header with aliases (spaces and full/half width ignored); the header
row may be below a title line. A workbook may hold several sheets (one per district): every
sheet with the required columns is read. Big .xlsx files are streamed with python-calamine;
CSV goes through :func:`kcdocs.tabular.read_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterator

from kcdocs.errors import InputFileError, UsageError
from kcdocs.tabular import Column, TableSchema, read_table
from kcdocs.tabular.reader import CSV_SUFFIXES, OLE_MAGIC, SPREADSHEET_SUFFIXES
from kcdocs.textnorm import clean_cell

HEADER_SCAN_ROWS = 20

_ID_ALIASES = ("公民身份号码", "身份证号码", "身份证", "身份证件号", "身份证件号码", "证件号码", "证件号",
               "学生身份证号", "儿童身份证号")
_NAME_ALIASES = ("儿童姓名", "学生姓名", "人员姓名", "少年儿童姓名", "被监护人")
_DISTRICT_ALIASES = ("区(市)", "区市县", "区县", "县区", "县(市、区)", "县(市区)", "所属区市", "所属区县",
                     "户籍区市", "行政区划")
_TOWN_ALIASES = ("乡镇", "街道", "乡镇(街道)", "乡镇街道办", "乡(镇、街道)", "所属乡镇", "所属街道", "户籍乡镇")
_VILLAGE_ALIASES = ("村居", "村(社区)", "村(居)", "村居委会", "村委会", "居委会", "社区", "村", "村(居)委会")

POPULATION_SCHEMA = TableSchema(
    title="户籍名单",
    columns=(
        Column("name", "姓名", _NAME_ALIASES, required=True, hint="填写儿童的姓名"),
        Column("id_number", "身份证号", _ID_ALIASES, kind="id_number", hint="填写18位公民身份号码"),
        Column("disability_card", "残疾证号", ("残疾人证号", "残疾证编号", "残疾人证号码"), kind="text"),
        Column("sex", "性别"),
        Column("birth_date", "出生日期", ("出生年月日", "生日", "出生时间"), kind="date"),
        Column("district", "区市", _DISTRICT_ALIASES),
        Column("township", "乡镇街道", _TOWN_ALIASES),
        Column("village", "村居社区", _VILLAGE_ALIASES),
        Column("address", "户籍地址", ("户籍所在地", "户籍地", "户口所在地", "户籍详址", "住址", "家庭住址",
                                      "居住地址", "地址", "现住址")),
        Column("guardian", "监护人", ("监护人姓名", "家长姓名", "法定监护人", "家长", "户主姓名", "户主")),
        Column("father", "父亲姓名", ("父亲",)),
        Column("mother", "母亲姓名", ("母亲",)),
        Column("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式", "监护人电话")),
        Column("source", "来源", ("数据来源", "名单来源")),
        Column("groups", "重点群体", ("人员类别", "群体类别", "困难类别", "特殊群体"), kind="list"),
    ),
)

STUDENT_SCHEMA = TableSchema(
    title="学籍",
    columns=(
        Column("name", "姓名", ("学生姓名",), required=True, hint="填写学生的姓名"),
        Column("record_no", "学籍号", ("全国学籍号", "学生学籍号", "全国中小学生学籍号", "学籍编号",
                                      "个人标识码")),
        Column("id_number", "身份证号", _ID_ALIASES, kind="id_number"),
        Column("sex", "性别"),
        Column("birth_date", "出生日期", ("出生年月日", "生日"), kind="date"),
        Column("school", "学校", ("学校名称", "就读学校", "所在学校", "在读学校")),
        Column("grade", "年级", ("所在年级", "就读年级")),
        Column("klass", "班级", ("所在班级", "班级名称")),
        Column("district", "区市", ("学校所在区市", *_DISTRICT_ALIASES)),
        Column("guardian", "监护人", ("监护人姓名", "家长姓名", "法定监护人", "家长")),
        Column("father", "父亲姓名", ("父亲",)),
        Column("mother", "母亲姓名", ("母亲",)),
        Column("status", "学籍状态", ("学生状态", "在校状态", "在籍状态", "就读状态")),
    ),
)

# Priority groups (spec/domain.md) and words that name them in a tag, a file name or a cell.
GROUP_WORDS = {
    "建档立卡": ("建档立卡", "贫困", "扶贫", "脱贫", "低保", "特困"),
    "残疾": ("残疾", "残联", "残障"),
    "留守": ("留守",),
    "随迁": ("随迁", "流入", "进城务工"),
    "新落户": ("新落户",),
}


def groups_in(text: str) -> list[str]:
    """Priority groups named in ``text`` (a tag, a file name or a 重点群体 cell)."""
    return [group for group, words in GROUP_WORDS.items() if any(w in text for w in words)]


@dataclass
class Source:
    """One input file with its tag: ``公安=户籍.xlsx`` or just ``户籍.xlsx``."""

    path: Path
    label: str
    groups: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: str | Path) -> "Source":
        text = str(spec)
        path = Path(text)
        label = ""
        if "=" in text and not path.exists():
            label, _, rest = text.partition("=")
            label, path = label.strip(), Path(rest.strip())
            if not label or "/" in label or "\\" in label:
                raise UsageError(f"无法理解的名单参数“{text}”。",
                                 "写成“标签=文件”，例如 建档立卡=扶贫办名单.xlsx；不加标签时只写文件名。")
        label = label or path.stem
        groups = groups_in(label) or ([] if "=" in text else groups_in(path.stem))
        return cls(path, label, tuple(groups))


@dataclass
class Sheet:
    """The data rows of one sheet, cells indexed by schema key through ``columns``."""

    file: str
    sheet: str | None
    header_row: int
    headers: dict[str, str]  # key -> header as written
    columns: dict[str, int]  # key -> cell index
    rows: Iterator[tuple[int, list]]  # (row number as seen in Excel, cells)


@dataclass
class Skipped:
    file: str
    sheet: str | None
    reason: str


@dataclass
class Opened:
    sheets: list[Sheet] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def open_table(path: Path, schema: TableSchema, *, any_of: tuple[str, ...], role: str) -> Opened:
    """Find the sheets of ``path`` that hold ``schema``: the required columns and one of ``any_of``.

    Raises :class:`InputFileError` when the file cannot be read or no sheet qualifies.
    """
    if not path.exists():
        raise InputFileError(f"找不到{role}文件：{path}", "请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputFileError(f"{path} 是文件夹，不是{role}文件。")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(path, schema, any_of, role)
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputFileError(f"不支持的{role}文件类型“{path.suffix}”：{path.name}",
                             "请另存为 .xlsx（Excel 工作簿）或 .csv 后再试。")
    return _open_workbook(path, schema, any_of, role)


def _open_csv(path: Path, schema: TableSchema, any_of: tuple[str, ...], role: str) -> Opened:
    table = read_table(path, schema)
    missing = _missing_any(table.headers, any_of, schema)
    if missing:
        raise InputFileError(f"{path.name} 第{table.header_row}行的表头{missing}", _header_hint(schema, any_of, role))
    keys = list(table.headers)
    rows = ((r.row, [r.values.get(k) for k in keys]) for r in table.rows)
    sheet = Sheet(path.name, None, table.header_row, dict(table.headers), {k: i for i, k in enumerate(keys)}, rows)
    return Opened([sheet])


def _open_workbook(path: Path, schema: TableSchema, any_of: tuple[str, ...], role: str) -> Opened:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types
        with path.open("rb") as fh:
            head = fh.read(8)
        if head == OLE_MAGIC and path.suffix.lower() != ".xls":
            raise InputFileError(f"{path.name} 设置了打开密码（已加密），无法读取。",
                                 "请在 Excel/WPS 中打开它，删除密码后另存为 .xlsx 再试。") from exc
        raise InputFileError(f"{path.name} 无法作为表格读取，文件可能已损坏或不是真正的 Excel 文件（{exc}）。",
                             "请用 Excel/WPS 打开确认，再“另存为”.xlsx 后重试。") from exc
    opened = Opened()
    first_reason = None
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.iter_rows()
            head = [next(rows, None) for _ in range(HEADER_SCAN_ROWS)]
        except Exception as exc:
            raise InputFileError(f"{path.name} 工作表「{name}」无法读取：{exc}") from exc
        head = [r for r in head if r is not None]
        if not any(any(clean_cell(c) for c in r) for r in head):
            continue  # an empty sheet
        idx, mapping = _find_header(head, schema)
        missing = _missing_any({k: h for k, (h, _) in mapping.items()}, any_of, schema)
        if missing:
            reason = f"工作表「{name}」第{idx + 1}行的表头{missing}" if mapping else \
                f"工作表「{name}」前{HEADER_SCAN_ROWS}行中没有可识别的{role}表头"
            first_reason = first_reason or reason
            opened.skipped.append(Skipped(path.name, name, reason + "，已跳过该工作表。"))
            continue
        rows = enumerate(islice(sheet.iter_rows(), idx + 1, None), start=idx + 2)
        opened.sheets.append(Sheet(path.name, name, idx + 1, {k: h for k, (h, _) in mapping.items()},
                                   {k: i for k, (_, i) in mapping.items()}, rows))
    if not opened.sheets:
        raise InputFileError(f"{path.name}：{first_reason or '所有工作表都是空的'}。", _header_hint(schema, any_of, role))
    return opened


def _find_header(head: list[list], schema: TableSchema) -> tuple[int, dict[str, tuple[str, int]]]:
    best_idx, best = 0, {}
    for idx, cells in enumerate(head):
        mapping: dict[str, tuple[str, int]] = {}
        for col_idx, cell in enumerate(cells):
            col = schema.match_header(clean_cell(cell)) if isinstance(cell, str) else None
            if col is not None and col.key not in mapping:
                mapping[col.key] = (clean_cell(cell), col_idx)
        if len(mapping) > len(best):
            best_idx, best = idx, mapping
    return best_idx, best


def _missing_any(headers: dict[str, str], any_of: tuple[str, ...], schema: TableSchema) -> str | None:
    required = [c for c in schema.columns if c.required and c.key not in headers]
    if required:
        return "缺少必填列「" + "」「".join(c.header for c in required) + "」"
    if any_of and not any(k in headers for k in any_of):
        return "缺少「" + "」或「".join(schema.column(k).header for k in any_of) + "」列"
    return None


def _header_hint(schema: TableSchema, any_of: tuple[str, ...], role: str) -> str:
    lines = [f"{role}的表头须包含：「姓名」，以及" + "或".join(f"「{schema.column(k).header}」" for k in any_of) + "。"]
    for col in schema.columns:
        if col.aliases and (col.required or col.key in any_of):
            lines.append(f"「{col.header}」也可写作：" + "、".join(col.aliases[:6]))
    return " ".join(lines)


_NAME_TABLE = str.maketrans({**{c: None for c in " \t\r\n\u3000\xa0\u200b\ufeff"},
                             **{c: "·" for c in "・•‧.．。"}})


def name_key(name: str) -> str:
    """A name as compared: no spaces, one kind of middle dot (minority names)."""
    return name.translate(_NAME_TABLE)
