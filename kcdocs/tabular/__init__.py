"""Tabular import shared by every command: xlsx/xls/ods/csv → validated row models.

Stages: :func:`reader.read_table` finds the sheet and header row and maps headers to
schema columns; :func:`validate.validate_rows` converts cells by kind, checks required
and unique columns and builds pydantic models, collecting every :class:`Problem`.
"""

from kcdocs.tabular.problems import Problem, format_problems
from kcdocs.tabular.schema import Column, TableSchema
from kcdocs.tabular.reader import RawRow, Table, read_table
from kcdocs.tabular.validate import ValidationResult, validate_rows, load_table

__all__ = [
    "Column", "TableSchema", "Problem", "format_problems", "RawRow", "Table",
    "read_table", "ValidationResult", "validate_rows", "load_table",
]
