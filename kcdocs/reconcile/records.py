"""Records of the input tables: :class:`Person` (population lists) and :class:`Student`.

Only what matching needs is decoded for every row (ID, name key, birth date, sex, district,
township); the rest stays as the row's cleaned cells and is read when a sheet is written.
"""

from __future__ import annotations

import re
from datetime import date

from kcdocs.idnumber import CHECK_CHARS, PROVINCE_CODES, IdNumberError
from kcdocs.idnumber import parse as parse_id
from kcdocs.reconcile.divisions import Divisions
from kcdocs.reconcile.sources import POPULATION_SCHEMA, name_key
from kcdocs.tabular.validate import CellError, convert_cell

_ID_COLUMN = POPULATION_SCHEMA.column("id_number")
_DROPOUT_WORDS = ("辍学", "失学", "退学", "流失")
_SEPARATORS = re.compile(r"[、,，/;；]")

# Order of the cleaned cells kept on each record.
POP_KEYS = ("name", "id_number", "disability_card", "sex", "birth_date", "district", "township", "village",
            "address", "guardian", "father", "mother", "phone", "source", "groups")
STU_KEYS = ("name", "id_number", "record_no", "sex", "birth_date", "school", "grade", "klass", "guardian",
            "father", "mother", "status")
_P_VILLAGE, _P_ADDRESS, _P_GUARDIAN, _P_PHONE = 7, 8, 9, 12
_S_SCHOOL, _S_GRADE, _S_KLASS, _S_GUARDIAN, _S_STATUS = 5, 6, 7, 8, 11


def guardian_names(*cells: str) -> tuple[str, ...]:
    """Guardian names from 监护人/父亲/母亲 cells (several names separated by 、 or ,)."""
    found: list[str] = []
    for text in cells:
        if text:
            if _SEPARATORS.search(text):
                found.extend(name_key(part) for part in _SEPARATORS.split(text) if part.strip())
            else:
                found.append(name_key(text))
    return tuple(dict.fromkeys(found))


def _origin(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f"「{sheet}」" if sheet else "") + f"第{row}行"


class Person:
    """A child on a population list, merged over every list that names the same ID number."""

    __slots__ = ("id", "name", "key", "sex", "birth", "district", "township", "cells", "sources", "groups",
                 "file", "sheet", "row", "notes", "merged", "category", "_guardians")

    def __init__(self, id: str, name: str, sex: str, birth: date, district: str, township: str, cells: list,
                 sources: tuple[str, ...], groups: tuple[str, ...], file: str, sheet: str | None, row: int):
        self.id, self.name, self.key, self.sex, self.birth = id, name, name_key(name), sex, birth
        self.district, self.township, self.cells = district, township, cells
        self.sources, self.groups = sources, groups
        self.file, self.sheet, self.row = file, sheet, row
        self.notes: tuple[str, ...] = ()
        self.merged: tuple[Person, ...] = ()  # the same ID on other lists
        self.category = ""  # set by matching (match.YOUNG … match.SUSPECTED)
        self._guardians: tuple[str, ...] | None = None

    def _cell(self, i: int) -> str:
        if self.cells[i]:
            return self.cells[i]
        return next((o.cells[i] for o in self.merged if o.cells[i]), "")

    @property
    def village(self) -> str:
        return self._cell(_P_VILLAGE)

    @property
    def address(self) -> str:
        return self._cell(_P_ADDRESS)

    @property
    def phone(self) -> str:
        return self._cell(_P_PHONE)

    @property
    def guardians(self) -> tuple[str, ...]:
        if self._guardians is None:
            cells = [c for p in (self, *self.merged) for c in p.cells[_P_GUARDIAN:_P_GUARDIAN + 3]]
            self._guardians = guardian_names(*cells)
        return self._guardians

    @property
    def origin(self) -> str:
        return _origin(self.file, self.sheet, self.row)

    def __repr__(self) -> str:
        return f"Person({self.id}, {self.name})"


class Student:
    """One record of the student-record export."""

    __slots__ = ("name", "key", "ids", "record_no", "sex", "birth", "cells", "file", "sheet", "row", "raw_id",
                 "dropped_out", "matched", "_guardians")

    def __init__(self, name: str, ids: tuple[str, ...], record_no: str, sex: str, birth: date | None,
                 cells: list, file: str, sheet: str | None, row: int, raw_id: str = ""):
        self.name, self.key, self.ids, self.record_no = name, name_key(name), ids, record_no
        self.sex, self.birth, self.cells = sex, birth, cells
        self.file, self.sheet, self.row = file, sheet, row
        self.raw_id = raw_id  # the ID cell as written when it is invalid
        status = cells[_S_STATUS]
        self.dropped_out = bool(status) and any(w in status for w in _DROPOUT_WORDS)  # 学籍状态 says 辍学…
        self.matched = False  # set by matching: an exact ID match was found
        self._guardians: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        return self.ids[0] if self.ids else ""

    school = property(lambda self: self.cells[_S_SCHOOL])
    grade = property(lambda self: self.cells[_S_GRADE])
    klass = property(lambda self: self.cells[_S_KLASS])
    status = property(lambda self: self.cells[_S_STATUS])

    @property
    def guardians(self) -> tuple[str, ...]:
        if self._guardians is None:
            self._guardians = guardian_names(*self.cells[_S_GUARDIAN:_S_GUARDIAN + 3])
        return self._guardians

    @property
    def origin(self) -> str:
        return _origin(self.file, self.sheet, self.row)

    def __repr__(self) -> str:
        return f"Student({self.record_no or self.id}, {self.name})"


class Converter:
    """Shared state for converting rows: today's date, a birth-date cache, string interning."""

    def __init__(self, divisions: Divisions, today: date | None = None):
        self.divisions = divisions
        self.today = today or date.today()
        self._births: dict[str, date | None] = {}
        self.iso: dict[str, str] = {}  # 8 digits -> ISO date text, for quick comparisons
        self._strings: dict[str, str] = {}

    def intern(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def birth(self, digits8: str) -> date | None:
        try:
            return self._births[digits8]
        except KeyError:
            try:
                born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
            except ValueError:
                born = None
            if born is not None and (born > self.today or born.year < 1900):
                born = None
            self._births[digits8] = born
            if born is not None:
                self.iso[digits8] = born.isoformat()
            return born

    def id_number(self, value: object) -> tuple[str, date]:
        """A valid 18-character ID and its birth date; raises :class:`CellError`."""
        if type(value) is str and len(value) == 18:
            text = value.upper() if value[17] == "x" else value
            if (text.isascii() and text[:17].isdigit() and text[:2] in PROVINCE_CODES
                    and text[17] == CHECK_CHARS[(2 * int(text[:17], 13)) % 11]):
                born = self.birth(text[6:14])
                if born is not None:
                    return text, born
        number = convert_cell(_ID_COLUMN, value)  # raises CellError with the exact reason
        try:
            return number, parse_id(number, today=self.today).birth_date
        except IdNumberError as exc:
            raise CellError(exc.message, exc.hint) from None
