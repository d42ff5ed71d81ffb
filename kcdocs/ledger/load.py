"""Load the ledger workbook (interfaces.md §2) into :class:`Ledger`; one bad row never stops the rest.

- Footer and note rows (合计、制表人/审核人、填表说明、注：…) are skipped with a one-line notice.
- A 学生台账 row with bad cells is still a case when it has a 台账编号: what can be read is kept,
  the bad fields are named (``Case.bad_fields``) and every problem of the row is on ``Case.problems``
  (the audit reports them as ``data`` findings). Such cases are in ``Ledger.partial``, not in
  ``Ledger.cases``, which other commands (dossier, forms, reports) use as they are.
- A bad 劝返记录 row is left out of its case's attempts and becomes a problem of its case.
- Every error is also in ``Ledger.problems`` (file, sheet, row, column, value, fix), for the
  commands to name the rows they skipped. Only an unusable file raises.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from kcdocs.errors import DataProblems, ExitCode
from kcdocs.ledger.models import Attempt, Case, DispositionTable, Ledger
from kcdocs.ledger.schema import ATTEMPT_SCHEMA, ATTEMPT_SHEET, CASE_SCHEMA
from kcdocs.ledger.vocab import CaseType, History, Measure, Method, Outcome, PriorityGroup, Status
from kcdocs.ledger.vocab import choices, lookup, sex_word
from kcdocs.tabular import Problem, RawRow, read_table, validate_rows
from kcdocs.tabular.footer import footer_reason, footer_word, quote
from kcdocs.textnorm import squash

# (field, enum) checked word by word; the hint lists the accepted words.
_CASE_WORDS = (("case_type", CaseType), ("status", Status), ("history", History), ("measure", Measure))
_ATTEMPT_WORDS = (("method", Method), ("result", Outcome))
_KEY_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/]{3,}")
_NAME_LIKE = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f·•]{2,5}")


class LedgerProblems(DataProblems):
    """The ledger has rows that cannot be read (``load_ledger(..., strict=True)`` only)."""

    exit_code = ExitCode.UNUSABLE


def _word_problems(data: dict, fields) -> list[tuple]:
    found = []
    for key, enum in fields:
        value = data.get(key)
        if value not in (None, "") and lookup(enum, value) is None:
            found.append((key, f"“{value}”不是可识别的取值。", f"可填：{choices(enum)}", "error"))
    return found


def _case_check(table: DispositionTable):
    def check(data: dict, raw: RawRow) -> list[tuple]:
        found = _word_problems(data, _CASE_WORDS)
        code = data.get("disposition")
        if code and table.resolve(code) is None:
            found.append(("disposition", f"“{code}”不是可识别的处置类型。",
                          f"可填代码或名称：{table.describe()}", "error"))
        for group in data.get("priority_groups") or []:
            if lookup(PriorityGroup, group) is None:
                found.append(("priority_groups", f"重点群体“{group}”不可识别。",
                              f"可填（多个用“、”分隔）：{choices(PriorityGroup)}", "error"))
        sex = data.get("sex")
        if sex and sex_word(sex) is None:
            found.append(("sex", f"性别“{sex}”应为“男”或“女”（也可写“男性”“女性”）。", None, "error"))
        return found

    return check


def _attempt_check(case_ids: set[str]):
    def check(data: dict, raw: RawRow) -> list[tuple]:
        found = _word_problems(data, _ATTEMPT_WORDS)
        if data.get("case_id") and data["case_id"] not in case_ids:
            found.append(("case_id", f"台账编号“{data['case_id']}”在「学生台账」工作表中不存在。",
                          "请核对编号，或先在「学生台账」中登记该案例。", "error"))
        if data.get("seq") is not None and data["seq"] < 1:
            found.append(("seq", "序号应从 1 开始。", None, "error"))
        return found

    return check


def _readable(raw: RawRow, schema, bad: set[str]) -> dict:
    """The cells of a rejected row that convert without error (kinds as in the schema)."""
    from kcdocs.tabular.validate import CellError, convert_cell

    data = {}
    for col in schema.columns:
        value = raw.values.get(col.key)
        if value is None or col.key in bad:
            continue
        try:
            data[col.key] = convert_cell(col, value)
        except CellError:
            continue
    return data


def _late_checks(result, schema, check) -> list[Problem]:
    """Vocabulary problems of rows that a bad date or number rejected before the row check ran,
    so that every problem of a row is reported at once."""
    from kcdocs.tabular.validate import display_value

    out = []
    table = result.table
    for raw, problems in result.rejected:
        seen = {p.column for p in problems}
        keys = {k for k, h in table.headers.items() if h in seen}
        data = {k: v for k, v in _readable(raw, schema, keys).items() if schema.column(k).kind not in ("date", "int")}
        for key, message, hint, severity in check(data, raw):
            header = table.headers.get(key) or schema.column(key).header
            if header not in seen:
                out.append(Problem(table.display_name, message, table.sheet, raw.row, header,
                                   display_value(raw.values.get(key)) or None, hint, severity))
    return out


def _skip_footers(table, key: str, noun: str) -> list[Problem]:
    """Remove footer and note rows from ``table.rows``; one notice per row removed."""
    kept, notices = [], []
    for raw in table.rows:
        why = footer_reason(raw.cells or list(raw.values.values()), _data_like(raw, key))
        if why is None:
            kept.append(raw)
        else:
            notices.append(Problem(table.display_name, f"“{quote(raw.cells or list(raw.values.values()))}”是{why}，"
                                   f"不是{noun}，已跳过。", table.sheet, raw.row, severity="warning"))
    table.rows = kept
    return notices


def _data_like(raw: RawRow, key: str) -> bool:
    """A plausible 台账编号, or a name (2—5 Chinese characters) in the 姓名 column."""
    value, name = raw.values.get(key), raw.values.get("name")
    if value is not None and _KEY_LIKE.fullmatch(squash(str(value))):
        return True
    return isinstance(name, str) and bool(_NAME_LIKE.fullmatch(squash(name))) and not footer_word(name)


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def _by_row(problems: list[Problem]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        if p.is_error and p.row:
            out.setdefault(p.row, []).append(p)
    return out


def _salvage(raw: RawRow, problems: list[Problem], table, dispositions: DispositionTable) -> Case | None:
    """A case from a row with errors: the cells that can be read, the bad ones named; None without
    a 台账编号 (nothing to file the evidence under)."""
    keys = {k: h for k, h in table.headers.items()}
    bad = {k for k, h in keys.items() if any(p.column == h for p in problems)}
    data = _readable(raw, CASE_SCHEMA, bad - {"case_id"})  # a repeated 台账编号 still names the case
    case_id = str(data.get("case_id") or "").strip()
    if not case_id or not _KEY_LIKE.fullmatch(squash(case_id)):
        return None
    for key, enum in _CASE_WORDS:
        if key in data and lookup(enum, data[key]) is None:
            data.pop(key)
            bad.add(key)
    data["priority_groups"] = [g for g in data.get("priority_groups") or [] if lookup(PriorityGroup, g)]
    if data.get("sex"):
        data["sex"] = sex_word(data["sex"])
    found = dispositions.resolve(data.get("disposition")) if data.get("disposition") else None
    data["disposition"] = found.code if found else ""
    if found is None:
        bad.add("disposition")
    data.setdefault("name", "")
    data.update(case_id=case_id, row=raw.row, problems=list(problems), bad_fields=sorted(bad))
    for _ in range(3):  # a value pydantic still refuses is dropped and named, then tried again
        try:
            return Case.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                if err["loc"] and err["loc"][0] in data and err["loc"][0] not in ("case_id", "name"):
                    data.pop(err["loc"][0])
                    data["bad_fields"] = sorted({*data["bad_fields"], str(err["loc"][0])})
    return None


def _not_a_case(raw: RawRow, table, problems: list[Problem]) -> list[Problem]:
    """Why a rejected row is not audited as a case: its 台账编号 is not one (said once per row)."""
    header = table.headers.get("case_id", "台账编号")
    value = str(raw.values.get("case_id") or "").strip()
    if not value or any(p.column == header for p in problems):
        return []
    return [Problem(table.display_name, f"“{value}”不是台账编号，该行没有作为案例处理。", table.sheet, raw.row,
                    header, value, "每个案例一个唯一编号，例如 370402-2020-0007；不是案例的行请删除。")]


def _load_cases(path: Path, dispositions: DispositionTable):
    check = _case_check(dispositions)

    def prepare(data: dict, raw: RawRow) -> None:  # the row checks passed: words are known
        data["row"] = raw.row
        if data.get("sex"):
            data["sex"] = sex_word(data["sex"]) or data["sex"]
        data["disposition"] = dispositions.resolve(data["disposition"]).code

    table = read_table(path, CASE_SCHEMA)
    notices = _skip_footers(table, "case_id", "案例")
    result = validate_rows(table, CASE_SCHEMA, Case, row_check=check, prepare=prepare)
    problems = list(result.problems) + _late_checks(result, CASE_SCHEMA, check)
    by_row = _by_row(problems)
    partial, seen = [], {c.case_id for _, c in result.valid}
    for raw, _ in result.rejected:
        case = _salvage(raw, by_row.get(raw.row, []), table, dispositions)
        if case is None:
            problems.extend(_not_a_case(raw, table, by_row.get(raw.row, [])))
        elif case.case_id not in seen:  # a repeated 台账编号: the first row is the case
            seen.add(case.case_id)
            partial.append(case)
    return [c for _, c in result.valid], partial, problems, notices


def _load_attempts(path: Path, known: dict[str, Case]) -> tuple[list[Attempt], list[Problem]]:
    names = {squash(n): n for n in _sheet_names(path)} if path.suffix.lower() != ".csv" else {}
    sheet = names.get(squash(ATTEMPT_SHEET))
    if sheet is None:
        return [], [Problem(path.name, f"没有找到「{ATTEMPT_SHEET}」工作表，视为没有任何劝返记录。",
                            hint="劝返复学、特殊劝返的案例需要逐次登记劝返记录。", severity="warning")]
    check = _attempt_check(set(known))

    def prepare(data: dict, raw: RawRow) -> None:
        data["row"] = raw.row

    table = read_table(path, ATTEMPT_SCHEMA, sheet=sheet)
    notices = _skip_footers(table, "case_id", "劝返记录")
    result = validate_rows(table, ATTEMPT_SCHEMA, Attempt, row_check=check, prepare=prepare)
    problems = notices + list(result.problems) + _late_checks(result, ATTEMPT_SCHEMA, check)
    seen: dict[tuple[str, int], int] = {}
    attempts = []
    for raw, attempt in result.valid:
        key = (attempt.case_id, attempt.seq)
        if key in seen:
            header = table.headers.get("seq", "序号")
            problems.append(Problem(path.name, f"案例 {attempt.case_id} 的第{attempt.seq}次劝返与第{seen[key]}行重复，"
                                    "此行未采用。", sheet, raw.row, header, str(attempt.seq), "同一案例的序号不能重复。"))
            continue
        seen[key] = raw.row
        attempts.append(attempt)
    ids = {raw.row: str(raw.values.get("case_id") or "").strip() for raw in table.rows}
    for p in problems:  # a bad 劝返记录 row is a data problem of its case
        case = known.get(ids.get(p.row, "")) if p.is_error else None
        if case is not None:
            case.problems.append(p)
    return attempts, problems


def load_ledger(path: str | Path, dispositions: DispositionTable | None = None, *, strict: bool = False) -> Ledger:
    """Read both sheets. Rows that cannot be fully read are kept as described in the module
    docstring; with ``strict`` they raise :class:`LedgerProblems` listing every bad cell instead.

    ``dispositions`` resolves 处置类型 (default: the built-in checklists). Raises
    :class:`~kcdocs.errors.InputFileError` when the file, its 学生台账 sheet or a required column
    is unusable.
    """
    path = Path(path)
    if dispositions is None:
        from kcdocs.checklists import load_checklists

        dispositions = load_checklists().disposition_table()
    cases, partial, problems, notices = _load_cases(path, dispositions)
    known = {c.case_id: c for c in partial} | {c.case_id: c for c in cases}
    attempts, attempt_problems = _load_attempts(path, known)
    problems = notices + problems + attempt_problems
    errors = [p for p in problems if p.is_error]
    if errors and strict:
        raise LedgerProblems(problems, f"台账 {path.name} 有 {len(errors)} 处错误。请按下列提示改正后重新运行。")
    for attempt in sorted(attempts, key=lambda a: (a.case_id, a.seq)):
        known[attempt.case_id].attempts.append(attempt)
    return Ledger(path=path, cases=cases, partial=partial, problems=errors,
                  warnings=[p for p in problems if not p.is_error])
