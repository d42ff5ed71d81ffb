"""Rows of the input tables turned into :class:`Person` and :class:`Student` records.

Every rejected or doubtful cell becomes a :class:`~kcdocs.tabular.Problem` naming the file,
sheet, row, column and value. The common case (a clean 18-character ID number) takes a fast
path; anything else goes through :mod:`kcdocs.idnumber` for an exact Chinese message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

from kcdocs import dates
from kcdocs.idnumber import CHECK_CHARS, PROVINCE_CODES, IdNumberError
from kcdocs.idnumber import parse as parse_id
from kcdocs.reconcile.divisions import Divisions
from kcdocs.reconcile.sources import (POPULATION_SCHEMA, STUDENT_SCHEMA, Sheet, Source, groups_in,
                                      name_key)
from kcdocs.tabular import Problem
from kcdocs.tabular.validate import CellError, convert_cell, display_value
from kcdocs.textnorm import clean_cell

_ID_COLUMN = POPULATION_SCHEMA.column("id_number")
_DROPOUT_WORDS = ("辍学", "失学", "退学", "流失")


@dataclass(slots=True)
class Person:
    """A child on a population list (merged over every list that names the same ID)."""

    id: str
    name: str
    sex: str
    birth: date
    district: str
    township: str
    village: str
    address: str
    guardians: tuple[str, ...]
    phone: str
    sources: list[str]
    groups: list[str]
    file: str
    sheet: str | None
    row: int
    key: str = ""  # the name as compared (name_key)
    notes: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return _origin(self.file, self.sheet, self.row)


@dataclass(slots=True)
class Student:
    """One record of the student-record export."""

    name: str
    ids: tuple[str, ...]  # the ID number, and the one inside a G 学籍号 when it differs
    record_no: str
    sex: str
    birth: date | None
    school: str
    grade: str
    klass: str
    guardians: tuple[str, ...]
    status: str
    file: str
    sheet: str | None
    row: int
    raw_id: str = ""  # the ID cell as written when it is invalid
    key: str = ""  # the name as compared (name_key)

    @property
    def id(self) -> str:
        return self.ids[0] if self.ids else ""

    @property
    def dropped_out(self) -> bool:
        return any(w in self.status for w in _DROPOUT_WORDS)

    @property
    def origin(self) -> str:
        return _origin(self.file, self.sheet, self.row)


def _origin(file: str, sheet: str | None, row: int) -> str:
    return f"{file}" + (f"「{sheet}」" if sheet else "") + f"第{row}行"


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


_WS = " \t\r\n\u3000\xa0\u200b\ufeff"
_SEPARATORS = re.compile(r"[、,，/;；]")
_POP_KEYS = ("name", "id_number", "disability_card", "sex", "birth_date", "district", "township", "village",
             "address", "guardian", "father", "mother", "phone", "source", "groups")
_STU_KEYS = ("name", "id_number", "record_no", "sex", "birth_date", "school", "grade", "klass", "guardian",
             "father", "mother", "status")


def _rows(sheet: Sheet, keys: tuple[str, ...]):
    """(row number, raw values, cleaned texts) for each non-empty row, values in ``keys`` order."""
    idx = [sheet.columns.get(k, -1) for k in keys]  # -1: the "" appended to every row
    get = itemgetter(*idx)
    width = max(idx) + 1
    for row, cells in sheet.rows:
        cells = list(cells)
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        cells.append("")
        values = get(cells)
        texts = [v.strip(_WS) if type(v) is str else _text(v) for v in values]
        if any(texts):
            yield row, values, texts


def _text(value: object) -> str:
    if value is None:
        return ""
    return clean_cell(value) if isinstance(value, str) else display_value(value)


def _problem(sheet: Sheet, row: int, key: str | None, message: str, hint: str | None = None,
             severity: str = "error", value: object = None) -> Problem:
    header = sheet.headers.get(key) if key else None
    shown = _text(value) or None
    return Problem(sheet.file, message, sheet.sheet, row, header, shown, hint, severity)


def _check_birth(sheet: Sheet, row: int, value: object, born: date, problems: list[Problem]) -> None:
    """Warn when a 出生日期 cell disagrees with the birth date inside the ID number."""
    if isinstance(value, datetime):
        value_date = value.date()
    elif isinstance(value, date):
        value_date = value
    else:
        try:
            value_date = dates.parse_date(value)
        except dates.DateError as exc:
            problems.append(_problem(sheet, row, "birth_date", exc.message + "已按身份证号中的出生日期计算。",
                                     exc.hint, "warning", value))
            return
    if value_date != born:
        problems.append(_problem(sheet, row, "birth_date", f"出生日期与身份证号中的{born.isoformat()}不一致，"
                                 "已按身份证号计算年龄。", "请核对户口簿，改正其中错误的一项。", "warning", value))


def _guardians(*cells: str) -> tuple[str, ...]:
    found = []
    for text in cells:
        if text:
            if _SEPARATORS.search(text):
                found.extend(name_key(part) for part in _SEPARATORS.split(text) if part.strip())
            else:
                found.append(name_key(text))
    return tuple(found)


def people_from(sheet: Sheet, source: Source, conv: Converter, problems: list[Problem]) -> list[Person]:
    """Convert one population sheet. Rows without a valid ID number go to ``problems`` only."""
    base_groups = list(source.groups)
    label, file, sheet_name = source.label, sheet.file, sheet.sheet
    county_name, township_name, intern = conv.divisions.county_name, conv.divisions.township_name, conv.intern
    people = []
    for row, values, t in _rows(sheet, _POP_KEYS):
        (name, raw_id, card, sex_cell, birth_cell, district, town, village, address, guardian, father, mother,
         phone, source_cell, group_cell) = t
        if not raw_id and len(card) >= 18:
            raw_id = card[:18]
        if not raw_id:
            problems.append(_problem(sheet, row, "id_number", "身份证号为空，该行未参与比对。",
                                     "补填该儿童的18位公民身份号码后重新比对。", value=card or None))
            continue
        try:
            number, born = conv.id_number(values[1] if type(values[1]) in (int, float) else raw_id)
        except CellError as exc:
            problems.append(_problem(sheet, row, "id_number", exc.message + "该行未参与比对。", exc.hint,
                                     value=values[1] if values[1] not in (None, "") else raw_id))
            continue
        if not name:
            problems.append(_problem(sheet, row, "name", "姓名为空。", "补填姓名（已按身份证号参与比对）。",
                                     "warning"))
        sex = "男" if number[16] in "13579" else "女"
        if sex_cell and sex_cell[0] in "男女" and sex_cell[0] != sex:
            problems.append(_problem(sheet, row, "sex", f"性别与身份证号（{sex}）不一致。",
                                     "请核对，改正其中错误的一项。", "warning", sex_cell))
        if birth_cell and birth_cell != conv.iso.get(number[6:14]):
            _check_birth(sheet, row, values[4], born, problems)
        groups = base_groups
        if source_cell or group_cell:
            groups = list(dict.fromkeys(base_groups + groups_in(source_cell + " " + group_cell)))
        people.append(Person(
            number, name, sex, born, intern(district or county_name(number[:6]) or ""),
            intern(township_name(town) if town[:1].isdigit() else town), intern(village), address,
            _guardians(guardian, father, mother) if guardian or father or mother else (), phone, [label],
            groups, file, sheet_name, row, name_key(name)))
    return people


def students_from(sheet: Sheet, conv: Converter, problems: list[Problem]) -> list[Student]:
    """Convert the student sheet. Students with an invalid ID stay in (name + birth matching)."""
    intern = conv.intern
    students = []
    for row, values, t in _rows(sheet, _STU_KEYS):
        name, raw_id, record, sex_cell, birth_cell, school, grade, klass, guardian, father, mother, status = t
        record = record.upper()
        if not (name or raw_id or record):
            problems.append(_problem(sheet, row, "name", "姓名、身份证号、学籍号都为空，该行未参与比对。",
                                     "补填后重新比对；无用的行请删除。"))
            continue
        ids: list[str] = []
        born = None
        bad_id = ""
        if raw_id:
            try:
                number, born = conv.id_number(values[1] if type(values[1]) in (int, float) else raw_id)
                ids.append(number)
            except CellError as exc:
                bad_id = raw_id
                problems.append(_problem(sheet, row, "id_number", exc.message + "该学生改按姓名和出生日期比对。",
                                         exc.hint, value=values[1]))
        if len(record) == 19 and record[0] == "G":
            try:
                tail, tail_born = conv.id_number(record[1:])
                if tail not in ids:
                    ids.append(tail)
                born = born or tail_born
            except CellError:
                pass
        if not name:
            problems.append(_problem(sheet, row, "name", "姓名为空。", "补填学生姓名。", "warning"))
        if born is None and birth_cell:
            try:
                born = dates.parse_date(values[4])
            except dates.DateError as exc:
                problems.append(_problem(sheet, row, "birth_date", exc.message, exc.hint, "warning", values[4]))
        elif born is not None and birth_cell and birth_cell != conv.iso.get(ids[0][6:14] if ids else ""):
            _check_birth(sheet, row, values[4], born, problems)
        if born is None and len(record) == 19 and record[0] in "JL":
            born = conv.birth(record[7:15])
        sex = ("男" if ids[0][16] in "13579" else "女") if ids else sex_cell[:1]
        students.append(Student(
            name, tuple(ids), record, sex if sex in ("男", "女") else "", born, intern(school), intern(grade),
            intern(klass), _guardians(guardian, father, mother) if guardian or father or mother else (),
            intern(status), sheet.file, sheet.sheet, row, bad_id, name_key(name)))
    return students
