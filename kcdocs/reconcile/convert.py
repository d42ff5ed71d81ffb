"""Rows of a sheet → :class:`Person` / :class:`Student` records, problems collected.

Every rejected or doubtful cell becomes a :class:`~kcdocs.tabular.Problem` naming the file,
sheet, row, column and value. Rows with an invalid ID number on a population list cannot be
placed and are reported only; students with an invalid ID stay in for name + birth matching.
The loops are written for speed (a million rows in a few seconds): one pass, few allocations,
and only the fields that matching needs are decoded (see :mod:`records`).
"""

from __future__ import annotations

from datetime import date, datetime

from kcdocs import dates
from kcdocs.reconcile.records import BirthConflict, Converter, Layout, Person, Student, clean
from kcdocs.reconcile.sources import Sheet, Source, groups_in
from kcdocs.tabular import Problem
from kcdocs.tabular.validate import CellError


def _problem(sheet: Sheet, row: int, key: str | None, message: str, hint: str | None = None,
             severity: str = "error", value: object = None) -> Problem:
    header = sheet.headers.get(key) if key else None
    return Problem(sheet.file, message, sheet.sheet, row, header, clean(value) or None, hint, severity)


def _cell_date(sheet: Sheet, row: int, value: object, problems: list[Problem]) -> date | None:
    """The date of a 出生日期 cell (a warning when it is not a date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return dates.parse_date(value)
    except dates.DateError as exc:
        problems.append(_problem(sheet, row, "birth_date", exc.message + "已按身份证号中的出生日期计算。",
                                 exc.hint, "warning", value))
        return None


def _is_15(raw: object) -> bool:
    text = clean(raw)
    return len(text) == 15 and text.isdigit()


SEX_HINT = "请对照户口簿核对：身份证号第17位单数为男、双数为女；改正其中错误的一项。"


def _sex_conflict(sheet: Sheet, row: int, sex_cell: str, sex: str, problems: list[Problem], what: str) -> bool:
    if sex_cell and sex_cell[0] in "男女" and sex_cell[0] != sex:
        problems.append(_problem(sheet, row, "sex", f"性别“{sex_cell[0]}”与身份证号（表示{sex}）不一致，{what}",
                                 SEX_HINT, value=sex_cell))
        return True
    return False


def _padded(sheet: Sheet):
    """Rows long enough for every mapped column (CSV rows may be short)."""
    width = max(sheet.columns.values()) + 1
    for row, cells in sheet.rows:
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        yield row, cells


def _empty(cells: list) -> bool:
    return not any(clean(c) for c in cells)


def people_from(sheet: Sheet, source: Source, conv: Converter, problems: list[Problem]) -> list[Person]:
    """Convert one population sheet. Rows without a valid ID number go to ``problems`` only."""
    layout = Layout(sheet)
    c = sheet.columns
    i_name, i_id, i_card, i_sex, i_birth = (c.get(k) for k in ("name", "id_number", "disability_card", "sex",
                                                                "birth_date"))
    i_district, i_town, i_source, i_groups = (c.get(k) for k in ("district", "township", "source", "groups"))
    base_groups, labels = tuple(source.groups), (source.label,)
    county_name, township_name, intern = conv.divisions.county_name, conv.divisions.township_name, conv.intern
    iso, id_number = conv.iso, conv.id_number
    people = []
    for row, cells in _padded(sheet):
        raw = cells[i_id] if i_id is not None else None
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            card = clean(cells[i_card]) if i_card is not None else ""
            if len(card) >= 18:
                raw = card[:18]
            else:
                if not _empty(cells):
                    problems.append(_problem(sheet, row, "id_number", "身份证号为空，该行未参与比对。",
                                             "补填该儿童的18位公民身份号码后重新比对。", value=card or None))
                continue
        try:
            number, born = id_number(raw if type(raw) is not str or len(raw) == 18 else raw.strip())
        except CellError as exc:
            problems.append(_problem(sheet, row, "id_number", exc.message + "该行未参与比对。", exc.hint,
                                     value=raw))
            continue
        name = clean(cells[i_name])
        if not name:
            problems.append(_problem(sheet, row, "name", "姓名为空。", "补填姓名（已按身份证号参与比对）。",
                                     "warning"))
        sex = "男" if number[16] in "13579" else "女"
        if i_sex is not None:
            _sex_conflict(sheet, row, clean(cells[i_sex]), sex, problems, "已按身份证号比对。")
        conflict = None
        if i_birth is not None:
            birth_cell = cells[i_birth]
            if birth_cell not in (None, "") and birth_cell != iso.get(number[6:14]) and birth_cell != born:
                cell_date = _cell_date(sheet, row, birth_cell, problems)
                if cell_date is not None and cell_date != born:
                    conflict = BirthConflict(cell_date, birth_cell, _is_15(raw))
        groups = base_groups
        if i_source is not None or i_groups is not None:
            tags = " ".join(clean(cells[i]) for i in (i_source, i_groups) if i is not None)
            if tags.strip():
                groups = tuple(dict.fromkeys(base_groups + tuple(groups_in(tags))))
        district = clean(cells[i_district]) if i_district is not None else ""
        town = clean(cells[i_town]) if i_town is not None else ""
        if town[:1].isdigit():
            town = township_name(town)
        person = Person(number, name, sex, born, intern(district or county_name(number[:6]) or ""),
                        intern(town), cells, layout, row, labels, groups)
        if conflict is not None:
            person.conflict, conflict.owner = conflict, person  # judged in matching: the date that keeps the child visible
        people.append(person)
    return people


def students_from(sheet: Sheet, conv: Converter, problems: list[Problem]) -> list[Student]:
    """Convert the student sheet. Students with an invalid ID stay in (name + birth matching)."""
    layout = Layout(sheet)
    c = sheet.columns
    i_name, i_id, i_rec = c.get("name"), c.get("id_number"), c.get("record_no")
    id_number = conv.id_number
    students = []
    for row, cells in _padded(sheet):
        raw = cells[i_id] if i_id is not None else None
        record = cells[i_rec] if i_rec is not None else None
        ids: tuple[str, ...] = ()
        bad_id = ""
        if raw is not None and raw != "":
            try:
                ids = (id_number(raw if type(raw) is not str or len(raw) == 18 else raw.strip())[0],)
            except CellError as exc:
                bad_id = clean(raw)
                if bad_id:
                    problems.append(_problem(sheet, row, "id_number", exc.message + "该学生改按姓名和出生日期比对。",
                                             exc.hint, value=raw))
        if type(record) is str and len(record) >= 19 and (not ids or record[1:] != ids[0]):
            record = clean(record).upper()
            if len(record) == 19 and record[0] == "G":
                try:
                    ids = ids + (id_number(record[1:])[0],)
                except CellError:
                    pass
        name = cells[i_name]
        if not ids and not bad_id and not clean(name) and not clean(record):
            if not _empty(cells):
                problems.append(_problem(sheet, row, "name", "姓名、身份证号、学籍号都为空，该行未参与比对。",
                                         "补填后重新比对；无用的行请删除。"))
            continue
        if name is None or name == "" or (type(name) is str and not name.strip()):
            problems.append(_problem(sheet, row, "name", "姓名为空。", "补填学生姓名。", "warning"))
        student = Student(ids, cells, layout, row, bad_id)
        if ids:
            _student_conflicts(sheet, row, student, problems)
        students.append(student)
    return students


def _student_conflicts(sheet: Sheet, row: int, student: Student, problems: list[Problem]) -> None:
    """出生日期 and 性别 cells against the ID number: a conflict is reported, both dates are matched on."""
    number = student.ids[0]
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    raw = student.layout.raw(student.cells, "birth_date")
    if raw not in (None, ""):
        cell_date = _cell_date(sheet, row, raw, problems)
        if cell_date is not None and cell_date != born:
            student.alt_birth = cell_date
            problems.append(_problem(
                sheet, row, "birth_date", f"出生日期与身份证号中的出生日期{born.isoformat()}不一致；"
                "按两个日期都查找了对应的户籍儿童。", "请在学籍平台对照户口簿核对，改正其中错误的一项。", value=raw))
    sex = "男" if number[16] in "13579" else "女"
    student.sex_conflict = _sex_conflict(sheet, row, student.layout.get(student.cells, "sex"), sex, problems,
                                         "比对时不以性别为依据。")
