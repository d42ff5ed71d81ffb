"""Load the ledger workbook (interfaces.md §2) into :class:`Ledger`, collecting every problem."""

from __future__ import annotations

from pathlib import Path

from kcdocs.errors import DataProblems, ExitCode
from kcdocs.ledger.models import Attempt, Case, DispositionTable, Ledger
from kcdocs.ledger.schema import ATTEMPT_SCHEMA, ATTEMPT_SHEET, CASE_SCHEMA
from kcdocs.ledger.vocab import CaseType, History, Measure, Method, Outcome, PriorityGroup, Status
from kcdocs.ledger.vocab import choices, lookup, sex_word
from kcdocs.tabular import Problem, RawRow, load_table
from kcdocs.textnorm import squash

# (field, enum) checked word by word; the hint lists the accepted words.
_CASE_WORDS = (("case_type", CaseType), ("status", Status), ("history", History), ("measure", Measure))
_ATTEMPT_WORDS = (("method", Method), ("result", Outcome))


class LedgerProblems(DataProblems):
    """The ledger has rows that cannot be read as cases: the audit cannot run (exit 2)."""

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


def _late_checks(result, schema, check) -> list[Problem]:
    """Vocabulary problems of rows that a bad date or number rejected before the row check ran,
    so that every problem of a row is reported at once."""
    from kcdocs.tabular.validate import LIST_SEPARATORS, display_value

    out = []
    table = result.table
    for raw, problems in result.rejected:
        seen = {p.column for p in problems}
        data = {}
        for col in schema.columns:
            value = raw.values.get(col.key)
            if value is None or col.kind in ("date", "int"):
                continue
            text = display_value(value)
            data[col.key] = [x for x in LIST_SEPARATORS.split(text) if x] if col.kind == "list" else text
        for key, message, hint, severity in check(data, raw):
            header = table.headers.get(key) or schema.column(key).header
            if header not in seen:
                out.append(Problem(table.display_name, message, table.sheet, raw.row, header,
                                   display_value(raw.values.get(key)) or None, hint, severity))
    return out


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def _load_attempts(path: Path, case_ids: set[str]) -> tuple[list[Attempt], list[Problem]]:
    names = {squash(n): n for n in _sheet_names(path)} if path.suffix.lower() != ".csv" else {}
    sheet = names.get(squash(ATTEMPT_SHEET))
    if sheet is None:
        return [], [Problem(path.name, f"没有找到「{ATTEMPT_SHEET}」工作表，视为没有任何劝返记录。",
                            hint="劝返复学、特殊劝返的案例需要逐次登记劝返记录。", severity="warning")]
    check = _attempt_check(case_ids)
    result = load_table(path, ATTEMPT_SCHEMA, Attempt, sheet=sheet, row_check=check, prepare=_with_row)
    problems = list(result.problems) + _late_checks(result, ATTEMPT_SCHEMA, check)
    seen: dict[tuple[str, int], int] = {}
    attempts = []
    for raw, attempt in result.valid:
        key = (attempt.case_id, attempt.seq)
        if key in seen:
            header = result.table.headers.get("seq", "序号")
            problems.append(Problem(path.name, f"案例 {attempt.case_id} 的第{attempt.seq}次劝返与第{seen[key]}行重复。",
                                    sheet, raw.row, header, str(attempt.seq), "同一案例的序号不能重复。"))
            continue
        seen[key] = raw.row
        attempts.append(attempt)
    return attempts, problems


def load_ledger(path: str | Path, dispositions: DispositionTable | None = None) -> Ledger:
    """Read both sheets; raise :class:`LedgerProblems` listing every bad cell when any row is invalid.

    ``dispositions`` resolves 处置类型 (default: the built-in checklists). Raises
    :class:`~kcdocs.errors.InputFileError` when the file or a required column is unusable.
    """
    path = Path(path)
    if dispositions is None:
        from kcdocs.checklists import load_checklists

        dispositions = load_checklists().disposition_table()
    check = _case_check(dispositions)

    def prepare(data: dict, raw: RawRow) -> None:  # the row checks passed: words are known
        _with_row(data, raw)
        if data.get("sex"):
            data["sex"] = sex_word(data["sex"]) or data["sex"]
        data["disposition"] = dispositions.resolve(data["disposition"]).code

    cases_result = load_table(path, CASE_SCHEMA, Case, row_check=check, prepare=prepare)
    cases = [case for _, case in cases_result.valid]
    known = {c.case_id for c in cases} | _raw_ids(cases_result)
    attempts, attempt_problems = _load_attempts(path, known)
    problems = list(cases_result.problems) + _late_checks(cases_result, CASE_SCHEMA, check) + attempt_problems
    errors = [p for p in problems if p.is_error]
    if errors:
        raise LedgerProblems(problems, f"台账 {path.name} 有 {len(errors)} 处错误，无法稽核。"
                             "请按下列提示改正后重新运行。")
    by_id = {c.case_id: c for c in cases}
    for attempt in sorted(attempts, key=lambda a: (a.case_id, a.seq)):
        by_id[attempt.case_id].attempts.append(attempt)
    return Ledger(path=path, cases=cases, warnings=[p for p in problems if not p.is_error])


def _with_row(data: dict, raw: RawRow) -> None:
    data["row"] = raw.row  # the Excel row, for messages


def _raw_ids(result) -> set[str]:
    """Case ids of rejected rows too, so their attempts are not reported a second time."""
    ids = set()
    for raw, _ in result.rejected:
        value = raw.values.get("case_id")
        if value not in (None, ""):
            ids.add(str(value).strip())
    return ids
