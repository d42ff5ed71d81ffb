"""Convert raw cells by column kind, check required/unique columns, build row models.

Every problem of every row is collected; nothing stops at the first error.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Generic, NamedTuple, Sequence, TypeVar

from pydantic import BaseModel, ValidationError

from kcdocs import dates, idnumber
from kcdocs.tabular.problems import Problem
from kcdocs.tabular.reader import RawRow, Table, read_table
from kcdocs.tabular.schema import Column, TableSchema
from kcdocs.textnorm import clean_cell

M = TypeVar("M", bound=BaseModel)
LIST_SEPARATORS = re.compile(r"[、,，;；/／|｜\s]+")

# A row check returns (column key or None, message, hint, severity) tuples.
RowCheck = Callable[[dict, RawRow], list[tuple[str | None, str, str | None, str]]]


class MonthDay(NamedTuple):
    """A date cell without a year, completed from the column's ``year_from`` after conversion."""

    month: int
    day: int


class CellError(ValueError):
    def __init__(self, message: str, hint: str | None = None, severity: str = "error"):
        super().__init__(message)
        self.message, self.hint, self.severity = message, hint, severity


@dataclass
class ValidationResult(Generic[M]):
    table: Table
    valid: list[tuple[RawRow, M]] = field(default_factory=list)
    rejected: list[tuple[RawRow, list[Problem]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def display_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_cell(value)


def convert_cell(col: Column, value: object) -> object:
    """A non-empty cell converted to the column's kind; raises :class:`CellError`."""
    if col.kind == "text":
        if isinstance(value, str):  # hot path
            return clean_cell(value)
        return display_value(value)
    if col.kind == "id_number":
        if isinstance(value, float) and value >= 1e14:
            raise CellError(
                f"身份证号被 Excel 存成了数字（{value:.6g}），后几位已经丢失。",
                "把该列单元格格式设为“文本”，再重新输入完整的18位号码。",
            )
        try:
            parsed = idnumber.parse(display_value(value))
        except idnumber.IdNumberError as exc:
            raise CellError(exc.message, exc.hint) from None
        return parsed.number
    if col.kind == "date":
        try:
            return dates.parse_date(value)
        except dates.YearMissing as exc:
            if col.year_from:
                return MonthDay(exc.month, exc.day)
            raise CellError(exc.message, exc.hint) from None
        except dates.DateError as exc:
            raise CellError(exc.message, exc.hint) from None
    if col.kind == "int":
        text = display_value(value)
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"“{text}”不是整数。", "请填写阿拉伯数字。")
        return int(text)
    if col.kind == "list":
        return [part for part in LIST_SEPARATORS.split(display_value(value)) if part]
    raise AssertionError(col.kind)


def _converter(col: Column) -> Callable[[object], object]:
    """``convert_cell`` for one column; other kinds than text remember each distinct value's
    result (a ledger repeats a few hundred dates thousands of times)."""
    if col.kind == "text":
        return functools.partial(convert_cell, col)
    memo: dict[tuple[type, object], object] = {}

    def remembered(value: object) -> object:
        key = (value.__class__, value)  # the class too: 1 == 1.0 == True
        found = memo.get(key, memo)
        if found is memo:
            try:
                found = convert_cell(col, value)
            except CellError as exc:
                found = exc
            if len(memo) < _MEMO_LIMIT:
                memo[key] = found
        if isinstance(found, CellError):
            raise CellError(found.message, found.hint, found.severity)
        return list(found) if isinstance(found, list) else found  # rows never share a list

    return remembered


_MEMO_LIMIT = 10_000  # distinct values remembered per column


def validate_rows(
    table: Table,
    schema: TableSchema,
    model: type[M],
    *,
    defaults: dict[str, object] | None = None,
    required: set[str] | None = None,
    row_check: RowCheck | None = None,
    prepare: Callable[[dict, RawRow], None] | None = None,
    keep_first_duplicate: bool = False,
) -> ValidationResult[M]:
    """Validate every row of ``table`` into ``model`` instances; collect all problems.

    ``defaults`` fill empty cells (e.g. a deadline given on the command line);
    ``row_check`` adds domain checks that need several fields of a row; ``prepare`` may
    complete the converted cells of a row without errors before its model is built (cheaper
    than setting attributes of the model afterwards). ``keep_first_duplicate``: of rows that
    repeat a unique value, the first is kept and the later ones are rejected (default: all).
    The table's notices (skipped footer rows and sheets) come first in the problems.
    """
    defaults = defaults or {}
    required = schema.required_keys() if required is None else required
    result: ValidationResult[M] = ValidationResult(table)
    result.problems.extend(table.notes)
    result.problems.extend(table.ignored)
    converted: list[tuple[RawRow, dict, list[Problem]]] = []
    file, sheet = table.display_name, table.sheet

    def problem(row: RawRow, key: str | None, message: str, hint=None, severity="error") -> Problem:
        header = table.headers_of(row).get(key) or (schema.column(key).header if key else None)
        raw = display_value(row.values.get(key)) if key else None
        return Problem(file, message, row.sheet or sheet, row.row, header, raw or None, hint, severity)

    # Columns absent from the file only matter when they have a default or are required.
    columns = [c for c in schema.columns
               if c.key in table.headers or c.key in required or defaults.get(c.key) is not None]
    rows = table.rows
    datas: list[dict[str, object]] = [{} for _ in rows]
    row_problems: list[list[Problem]] = [[] for _ in rows]
    # Column by column: a column's cells share one converter, and repeated values (dates, words)
    # are converted once. Per row, problems still come in column order.
    for col in columns:
        key = col.key
        default = defaults.get(key)
        convert = _converter(col)
        text = col.kind == "text"
        for row, data, problems in zip(rows, datas, row_problems):
            value = row.values.get(key)
            if value is None:
                if default is not None:
                    data[key] = default
                elif key in required:
                    problems.append(problem(row, key, f"必填项「{col.header}」为空。", col.hint))
            elif text and value.__class__ is str and "\ufeff" not in value and "\u200b" not in value:
                data[key] = value.strip()  # the common text cell, inlined: what clean_cell does with it
            else:
                try:
                    data[key] = convert(value)
                except CellError as exc:
                    problems.append(problem(row, key, exc.message, exc.hint, exc.severity))
    for col in columns:
        if col.year_from:
            _complete_years(col, schema, rows, datas, row_problems, problem)
    converted: list[tuple[RawRow, dict, list[Problem]]] = []
    for row, data, problems in zip(rows, datas, row_problems):
        if row_check and not any(p.is_error for p in problems):
            for key, message, hint, severity in row_check(data, row):
                problems.append(problem(row, key, message, hint, severity))
        converted.append((row, data, problems))

    _check_unique(schema, converted, problem, keep_first=keep_first_duplicate)

    for row, data, problems in converted:
        model_obj = None
        if not any(p.is_error for p in problems):
            if prepare is not None:
                prepare(data, row)
            try:
                model_obj = model.model_validate(data)
            except ValidationError as exc:
                for err in exc.errors():
                    key = str(err["loc"][0]) if err["loc"] else None
                    problems.append(problem(row, key, f"数据不合规：{err['msg']}"))
        result.problems.extend(problems)
        if model_obj is not None:
            result.valid.append((row, model_obj))
        else:
            result.rejected.append((row, [p for p in problems if p.is_error]))
    return result


def _complete_years(col: Column, schema: TableSchema, rows, datas, row_problems, problem) -> None:
    """Month-and-day cells of ``col`` take the year of the ``year_from`` date, with a notice."""
    source = schema.column(col.year_from)
    for row, data, problems in zip(rows, datas, row_problems):
        value = data.get(col.key)
        if not isinstance(value, MonthDay):
            continue
        ref = data.get(col.year_from)
        if not isinstance(ref, date):
            del data[col.key]
            problems.append(problem(row, col.key, f"日期没有写年份，且没有可用的{source.header}来补上年份。",
                                    "请写完整日期，例如 2020-08-25。"))
            continue
        try:
            data[col.key] = full = dates.with_year(value.month, value.day, ref.year)
        except dates.DateError as exc:
            del data[col.key]
            problems.append(problem(row, col.key, exc.message, "请写完整日期，例如 2020-08-25。"))
            continue
        problems.append(problem(row, col.key, f"日期没有写年份，已按{source.header}的年份理解为"
                                f"{dates.format_cn(full)}。", "如果年份不对，请写完整日期。", "warning"))


def _where(row: RawRow, sheet_of_first: bool) -> str:
    return (f"工作表「{row.sheet}」" if sheet_of_first and row.sheet else "") + f"第{row.row}行"


def _check_unique(schema, converted, problem, keep_first: bool = False) -> None:
    for col in schema.columns:
        if not col.unique:
            continue
        first: dict[object, int] = {}  # value -> index of its first row
        repeated: dict[object, list[int]] = {}  # value -> indexes of all its rows, when more than one
        for i, (_, data, _) in enumerate(converted):
            value = data.get(col.key)
            if value is None or value == "":
                continue
            if value in first:
                repeated.setdefault(value, [first[value]]).append(i)
            else:
                first[value] = i
        for indexes in repeated.values():
            occurrences = [(converted[i][0], converted[i][2]) for i in indexes]
            if keep_first:
                first_row = occurrences[0][0]
                for row, problems in occurrences[1:]:
                    where = _where(first_row, first_row.sheet != row.sheet)
                    problems.append(problem(row, col.key, f"「{col.header}」与{where}重复，已保留{where}，本行未使用。",
                                            f"同一人只能出现一次：如果本行才是正确的，请改正{where}；否则删除本行。"))
                continue
            for row, problems in occurrences:
                others = "、".join(_where(r, r.sheet != row.sheet) for r, _ in occurrences if r is not row)
                problems.append(problem(row, col.key, f"「{col.header}」与{others}重复。",
                                        "同一人只能出现一次；请删除重复行或核对号码。"))


def load_table(
    path: str | Path,
    schema: TableSchema,
    model: type[M],
    *,
    sheet: str | Sequence[str] | None = None,
    defaults: dict[str, object] | None = None,
    required: set[str] | None = None,
    row_check: RowCheck | None = None,
    prepare: Callable[[dict, RawRow], None] | None = None,
    all_sheets: bool = False,
    skip_notes: bool = False,
    keep_first_duplicate: bool = False,
) -> ValidationResult[M]:
    """Read and validate in one call. Columns with a default are not required in the header.

    ``sheet`` may name several sheets; ``all_sheets``, ``skip_notes``: see :func:`read_table`;
    ``keep_first_duplicate``: see :func:`validate_rows`. The defaults keep the behaviour of
    one sheet read as it is."""
    required = schema.required_keys() if required is None else required
    header_required = {k for k in required if (defaults or {}).get(k) is None}
    table = read_table(path, schema, sheet=sheet, required=header_required, all_sheets=all_sheets,
                       skip_notes=skip_notes)
    return validate_rows(table, schema, model, defaults=defaults, required=required, row_check=row_check,
                         prepare=prepare, keep_first_duplicate=keep_first_duplicate)
