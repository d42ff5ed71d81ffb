"""Records of the input tables: :class:`Person` (population lists) and :class:`Student`.

A city's lists hold about a million rows, so only what matching needs is decoded for every row
(the ID number, and for people the name, birth date, sex, district and township). Everything
else stays in the row's original cells and is cleaned when it is read — in practice only for
the few thousand records that end up in a result sheet.
"""

from __future__ import annotations

import re
from datetime import date

from kcdocs import dates
from kcdocs.idnumber import CHECK_CHARS, PROVINCE_CODES, IdNumberError
from kcdocs.idnumber import parse as parse_id
from kcdocs.reconcile.divisions import Divisions
from kcdocs.reconcile.sources import POPULATION_SCHEMA, Sheet, name_key
from kcdocs.tabular.validate import CellError, convert_cell, display_value

_ID_COLUMN = POPULATION_SCHEMA.column("id_number")
_DROPOUT_WORDS = ("辍学", "失学", "退学", "流失")
_SEPARATORS = re.compile(r"[、,，/;；]")
WS = " \t\r\n\u3000\xa0\u200b\ufeff"


def clean(value: object) -> str:
    """A cell as trimmed text ('' for empty)."""
    if type(value) is str:
        return value.strip(WS)
    return "" if value is None else display_value(value)


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


class Layout:
    """Where the fields are in the rows of one sheet (shared by all its records)."""

    __slots__ = ("file", "sheet", "index", "headers", "i_name", "i_status")

    def __init__(self, sheet: Sheet):
        self.file, self.sheet, self.index = sheet.file, sheet.sheet, dict(sheet.columns)
        self.headers = dict(sheet.headers)  # key -> header as written (named in 数据问题)
        self.i_name, self.i_status = self.index.get("name"), self.index.get("status")

    def get(self, cells: list, key: str) -> str:
        i = self.index.get(key)
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    def raw(self, cells: list, key: str) -> object:
        i = self.index.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    def origin(self, row: int) -> str:
        return f"{self.file}" + (f"「{self.sheet}」" if self.sheet else "") + f"第{row}行"


class BirthConflict:
    """A 出生日期 cell that disagrees with the birth date inside the ID number."""

    __slots__ = ("cell", "value", "from_15", "owner")

    def __init__(self, cell: date, value: object, from_15: bool):
        self.cell, self.value, self.from_15 = cell, value, from_15
        self.owner: Person | None = None  # the row the cell is on (a merged list's row, too)


class Person:
    """A child on a population list, merged over every list that names the same ID number."""

    __slots__ = ("id", "name", "key", "sex", "birth", "district", "township", "cells", "layout", "row",
                 "sources", "groups", "notes", "merged", "category", "_guardians", "conflict")

    def __init__(self, id: str, name: str, sex: str, birth: date, district: str, township: str, cells: list,
                 layout: Layout, row: int, sources: tuple[str, ...], groups: tuple[str, ...]):
        self.id, self.name, self.key, self.sex, self.birth = id, name, name_key(name), sex, birth
        self.district, self.township, self.cells, self.layout, self.row = district, township, cells, layout, row
        self.sources, self.groups = sources, groups
        self.notes: tuple[str, ...] = ()
        self.merged: tuple[Person, ...] = ()  # the same ID on other lists
        self.category = ""  # set by matching (match.YOUNG … match.SUSPECTED)
        self._guardians: tuple[str, ...] | None = None
        self.conflict: BirthConflict | None = None  # the 出生日期 cell disagrees with the ID number

    def get(self, key: str) -> str:
        """A field of the row, or of the same child on another list when this one leaves it empty."""
        value = self.layout.get(self.cells, key)
        if not value:
            value = next((v for v in (o.layout.get(o.cells, key) for o in self.merged) if v), "")
        return value

    village = property(lambda self: self.get("village"))
    address = property(lambda self: self.get("address"))
    phone = property(lambda self: self.get("phone"))
    file = property(lambda self: self.layout.file)
    sheet = property(lambda self: self.layout.sheet)

    @property
    def guardians(self) -> tuple[str, ...]:
        if self._guardians is None:
            cells = [p.layout.get(p.cells, k) for p in (self, *self.merged) for k in ("guardian", "father", "mother")]
            self._guardians = guardian_names(*cells)
        return self._guardians

    @property
    def origin(self) -> str:
        return self.layout.origin(self.row)

    def __repr__(self) -> str:
        return f"Person({self.id}, {self.name})"


class Student:
    """One record of the student-record export; fields other than the IDs are decoded on demand."""

    __slots__ = ("ids", "cells", "layout", "row", "raw_id", "matched", "_key", "_birth", "_guardians",
                 "alt_birth", "sex_conflict")

    def __init__(self, ids: tuple[str, ...], cells: list, layout: Layout, row: int, raw_id: str = ""):
        self.ids = ids  # the ID number, and the one inside a G 学籍号 when it differs
        self.cells, self.layout, self.row = cells, layout, row
        self.raw_id = raw_id  # the ID cell as written when it is invalid
        self.matched = False  # set by matching: an exact ID match was found
        self._key: str | None = None
        self._birth: date | None | bool = False
        self._guardians: tuple[str, ...] | None = None
        self.alt_birth: date | None = None  # the 出生日期 cell when it disagrees with the ID number
        self.sex_conflict = False  # the 性别 cell disagrees with the ID number

    @property
    def id(self) -> str:
        return self.ids[0] if self.ids else ""

    name = property(lambda self: self.layout.get(self.cells, "name"))
    school = property(lambda self: self.layout.get(self.cells, "school"))
    grade = property(lambda self: self.layout.get(self.cells, "grade"))
    klass = property(lambda self: self.layout.get(self.cells, "klass"))
    status = property(lambda self: self.layout.get(self.cells, "status"))
    record_no = property(lambda self: self.layout.get(self.cells, "record_no").upper())
    file = property(lambda self: self.layout.file)
    sheet = property(lambda self: self.layout.sheet)

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = name_key(self.name)
        return self._key

    @property
    def dropped_out(self) -> bool:
        """The 学籍状态 says the pupil has left (辍学, 退学…)."""
        if self.layout.i_status is None:
            return False
        status = self.status
        return bool(status) and any(w in status for w in _DROPOUT_WORDS)

    def has_name(self, name: str, key: str) -> bool:
        """Whether the record's name is ``name`` (or the same once spaces and dots are ignored)."""
        raw = self.cells[self.layout.i_name]
        return raw == name or self.key == key

    @property
    def births(self) -> tuple[date, ...]:
        """Every birth date the record gives (the ID number's, and a conflicting 出生日期 cell)."""
        return tuple(b for b in (self.birth, self.alt_birth) if b is not None)

    @property
    def sex(self) -> str:
        if self.sex_conflict:
            return ""  # the two cells disagree: neither is evidence
        if self.ids:
            return "男" if self.ids[0][16] in "13579" else "女"
        sex = self.layout.get(self.cells, "sex")[:1]
        return sex if sex in ("男", "女") else ""

    @property
    def birth(self) -> date | None:
        """From the ID number, else the 出生日期 cell, else a J/L 学籍号."""
        if self._birth is False:
            self._birth = self._decode_birth()
        return self._birth  # type: ignore[return-value]

    def _decode_birth(self) -> date | None:
        if self.ids:
            return date(int(self.ids[0][6:10]), int(self.ids[0][10:12]), int(self.ids[0][12:14]))
        raw = self.layout.raw(self.cells, "birth_date")
        if raw not in (None, ""):
            try:
                return dates.parse_date(raw)
            except dates.DateError:
                pass
        record = self.record_no
        if len(record) == 19 and record[0] in "JL" and record[1:15].isdigit():
            try:
                return date(int(record[7:11]), int(record[11:13]), int(record[13:15]))
            except ValueError:
                return None
        return None

    @property
    def guardians(self) -> tuple[str, ...]:
        if self._guardians is None:
            self._guardians = guardian_names(*(self.layout.get(self.cells, k) for k in ("guardian", "father", "mother")))
        return self._guardians

    @property
    def origin(self) -> str:
        return self.layout.origin(self.row)

    def __repr__(self) -> str:
        return f"Student({self.record_no or self.id}, {self.name})"


class Converter:
    """Shared state for converting rows: today's date, a birth-date cache, string interning."""

    def __init__(self, divisions: Divisions, today: date | None = None):
        self.divisions = divisions
        self.today = today or date.today()
        self.births: dict[str, date | None] = {}  # 8 digits -> date (None: not a real, past date)
        self.iso: dict[str, str] = {}  # 8 digits -> ISO date text, for quick comparisons
        self._strings: dict[str, str] = {}

    def intern(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def birth(self, digits8: str) -> date | None:
        try:
            return self.births[digits8]
        except KeyError:
            try:
                born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
            except ValueError:
                born = None
            if born is not None and (born > self.today or born.year < 1900):
                born = None
            self.births[digits8] = born
            if born is not None:
                self.iso[digits8] = born.isoformat()
            return born

    def id_number(self, value: object) -> tuple[str, date]:
        """A valid 18-character ID and its birth date; raises :class:`CellError`."""
        if type(value) is str and len(value) == 18:
            text = value.upper() if value[17] == "x" else value
            if (text.isascii() and text[:17].isdigit() and text[:2] in PROVINCE_CODES
                    and text[17] == CHECK_CHARS[(2 * int(text[:17], 13)) % 11]):
                born = self.births.get(text[6:14]) or self.birth(text[6:14])
                if born is not None:
                    return text, born
        number = convert_cell(_ID_COLUMN, value)  # raises CellError with the exact reason
        try:
            return number, parse_id(number, today=self.today).birth_date
        except IdNumberError as exc:
            raise CellError(exc.message, exc.hint) from None
