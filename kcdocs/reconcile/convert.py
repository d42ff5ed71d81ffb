"""Rows of a sheet → :class:`Person` / :class:`Student` records, problems collected.

Every rejected or doubtful cell becomes a :class:`~kcdocs.tabular.Problem` naming the file,
sheet, row, column and value. Rows with an invalid ID number on a population list cannot be
placed and are reported only; students with an invalid ID stay in for name + birth matching.
The loops are written for speed (500,000 rows in a few seconds): one pass, few allocations.
"""

from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter

from kcdocs import dates
from kcdocs.reconcile.records import POP_KEYS, STU_KEYS, Converter, Person, Student
from kcdocs.reconcile.sources import Sheet, Source, groups_in
from kcdocs.tabular import Problem
from kcdocs.tabular.validate import CellError, display_value
from kcdocs.textnorm import clean_cell

_WS = " \t\r\n\u3000\xa0\u200b\ufeff"


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


def people_from(sheet: Sheet, source: Source, conv: Converter, problems: list[Problem]) -> list[Person]:
    """Convert one population sheet. Rows without a valid ID number go to ``problems`` only."""
    base_groups, labels = tuple(source.groups), (source.label,)
    file, sheet_name = sheet.file, sheet.sheet
    county_name, township_name, intern = conv.divisions.county_name, conv.divisions.township_name, conv.intern
    iso, id_number = conv.iso, conv.id_number
    people = []
    for row, values, t in _rows(sheet, POP_KEYS):
        name, raw_id, card, sex_cell, birth_cell, district, town = t[:7]
        if not raw_id and len(card) >= 18:
            raw_id = card[:18]
        if not raw_id:
            problems.append(_problem(sheet, row, "id_number", "身份证号为空，该行未参与比对。",
                                     "补填该儿童的18位公民身份号码后重新比对。", value=card or None))
            continue
        try:
            number, born = id_number(values[1] if type(values[1]) in (int, float) else raw_id)
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
        if birth_cell and birth_cell != iso.get(number[6:14]):
            _check_birth(sheet, row, values[4], born, problems)
        groups = base_groups
        if t[13] or t[14]:
            groups = tuple(dict.fromkeys(base_groups + tuple(groups_in(t[13] + " " + t[14]))))
        people.append(Person(number, name, sex, born, intern(district or county_name(number[:6]) or ""),
                             intern(township_name(town) if town[:1].isdigit() else town), t, labels, groups,
                             file, sheet_name, row))
    return people


def students_from(sheet: Sheet, conv: Converter, problems: list[Problem]) -> list[Student]:
    """Convert the student sheet. Students with an invalid ID stay in (name + birth matching)."""
    iso, id_number, intern = conv.iso, conv.id_number, conv.intern
    file, sheet_name = sheet.file, sheet.sheet
    students = []
    for row, values, t in _rows(sheet, STU_KEYS):
        name, raw_id, record, sex_cell, birth_cell = t[:5]
        record = record.upper()
        if not (name or raw_id or record):
            problems.append(_problem(sheet, row, "name", "姓名、身份证号、学籍号都为空，该行未参与比对。",
                                     "补填后重新比对；无用的行请删除。"))
            continue
        ids: tuple[str, ...] = ()
        born = None
        bad_id = ""
        if raw_id:
            try:
                number, born = id_number(values[1] if type(values[1]) in (int, float) else raw_id)
                ids = (number,)
            except CellError as exc:
                bad_id = raw_id
                problems.append(_problem(sheet, row, "id_number", exc.message + "该学生改按姓名和出生日期比对。",
                                         exc.hint, value=values[1]))
        if len(record) == 19 and record[0] == "G" and (not ids or record[1:] != ids[0]):
            try:
                tail, tail_born = id_number(record[1:])
                ids = ids + (tail,)
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
        elif born is not None and birth_cell and birth_cell != iso.get(ids[0][6:14]):
            _check_birth(sheet, row, values[4], born, problems)
        if born is None and len(record) == 19 and record[0] in "JL":
            born = conv.birth(record[7:15])
        sex = ("男" if ids[0][16] in "13579" else "女") if ids else sex_cell[:1]
        for i in (5, 6, 7, 11):  # school, grade, class, status repeat: share one string each
            t[i] = intern(t[i])
        students.append(Student(name, ids, record, sex if sex in ("男", "女") else "", born, t, file, sheet_name,
                                row, bad_id))
    return students
