"""底数比对: find every school-age child on the population lists without a student record.

Stages (each a module): :mod:`sources` (find sheets and columns) → :mod:`records` (rows to
records, problems collected) → :mod:`match` (exact ID match, duplicates, scored candidates,
one category per child) → :mod:`report` (the output workbook) → :mod:`ledger_append`
(optional: new 未劝返 cases in the ledger). One public function: :func:`reconcile`.
"""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ConfigDict

from kcdocs.config import Config
from kcdocs.dates import DateError, parse_month_day
from kcdocs.errors import UsageError
from kcdocs.reconcile import match as m
from kcdocs.reconcile.divisions import Divisions
from kcdocs.reconcile.ledger_append import LedgerResult, append_cases
from kcdocs.reconcile.convert import people_from, students_from
from kcdocs.reconcile.records import Converter
from kcdocs.reconcile.report import SHEETS, InputInfo, write_report
from kcdocs.reconcile.sources import POPULATION_SCHEMA, STUDENT_SCHEMA, Source, open_table
from kcdocs.tabular import Problem

__all__ = ["ReconcileOptions", "ReconcileResult", "reconcile", "SHEETS"]

READ_THREADS = 2  # python-calamine parses without the GIL: two files at once on two cores


class ReconcileOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    population: list[str]  # "path" or "标签=path"
    students: Path
    output: Path
    as_of: date | None = None  # default: today
    cutoff: str | None = None  # "MM-DD"; default: config age.cutoff
    ledger: Path | None = None
    mask: bool = False
    config: Config = Config()
    divisions: Divisions | None = None  # default: 枣庄市


@dataclass
class ReconcileResult:
    output: Path
    scope: m.Scope
    people: int
    in_scope: int
    enrolled: int
    suspected: list[m.Suspect]
    review_people: int
    review_pairs: int
    duplicates: int
    duplicate_people: int
    students: int
    students_only: int
    problems: list[Problem] = field(default_factory=list)
    inputs: list[InputInfo] = field(default_factory=list)
    ledger: LedgerResult | None = None
    seconds: float = 0.0
    outcome: m.Outcome | None = field(default=None, repr=False)  # every record with its category

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def count_group(self, group: str) -> int:
        return sum(group in s.person.groups for s in self.suspected)


def reconcile(opts: ReconcileOptions, progress: Callable[[int, int], None] | None = None) -> ReconcileResult:
    """Read every list, match, write ``opts.output`` (and append to ``opts.ledger``).

    Raises :class:`~kcdocs.errors.UsageError` / :class:`~kcdocs.errors.InputFileError` when the
    invocation or a file is unusable; row-level problems are returned, not raised.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of long-lived objects: the cyclic collector only costs time here
    try:
        return _reconcile(opts, progress)
    finally:
        if gc_was_enabled:
            gc.enable()


def _reconcile(opts: ReconcileOptions, progress: Callable[[int, int], None] | None) -> ReconcileResult:
    started = time.perf_counter()
    as_of = opts.as_of or date.today()
    cutoff = _cutoff(opts.cutoff or opts.config.age.cutoff)
    sources = [Source.parse(spec) for spec in opts.population]
    _check_paths(opts, sources)
    divisions = opts.divisions or Divisions.zaozhuang()
    conv = Converter(divisions)
    total_steps = len(sources) + 3
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total_steps)

    def load_population(source: Source):
        problems: list[Problem] = []
        opened = open_table(source.path, POPULATION_SCHEMA, any_of=("id_number", "disability_card"),
                            role="户籍名单")
        people = [p for sheet in opened.sheets for p in people_from(sheet, source, conv, problems)]
        step()
        return people, problems, opened.skipped

    def load_students():
        problems: list[Problem] = []
        opened = open_table(opts.students, STUDENT_SCHEMA, any_of=("record_no", "id_number"), role="学籍")
        students = [s for sheet in opened.sheets for s in students_from(sheet, conv, problems)]
        step()
        return students, problems, opened.skipped

    with ThreadPoolExecutor(READ_THREADS) as pool:
        student_job = pool.submit(load_students)
        population_jobs = [pool.submit(load_population, s) for s in sources]
        loaded = [job.result() for job in population_jobs]
        students, student_problems, student_skipped = student_job.result()

    problems: list[Problem] = []
    batches = []
    inputs = []
    for source, (people, found, skipped) in zip(sources, loaded):
        problems.extend(found)
        problems.extend(_skipped(skipped))
        batches.append(people)
        inputs.append(InputInfo("户籍名单", source.label, source.path, len(people)))
    problems.extend(student_problems)
    problems.extend(_skipped(student_skipped))
    inputs.append(InputInfo("学籍", "学籍", opts.students, len(students)))

    scope = m.Scope.make(as_of, cutoff)
    people = m.merge_people(batches, problems)
    outcome = m.reconcile_records(people, students, scope, problems)
    step()
    write_report(opts.output, outcome, problems, inputs, masked=opts.mask)
    step()
    ledger = None
    if opts.ledger is not None:
        ordered = sorted(outcome.suspected, key=lambda s: (s.person.district, s.person.township,
                                                           s.person.village, s.person.birth, s.person.id))
        ledger = append_cases(opts.ledger, ordered, year=as_of.year, divisions=divisions, found_on=as_of)
    step()
    count = outcome.count
    return ReconcileResult(
        output=opts.output, scope=scope, people=len(people),
        in_scope=len(people) - count(m.YOUNG) - count(m.OLD), enrolled=count(m.ENROLLED),
        suspected=outcome.suspected, review_people=count(m.REVIEW), review_pairs=len(outcome.review),
        duplicates=len(outcome.duplicates), duplicate_people=count(m.DUPLICATE),
        students=len(students), students_only=len(outcome.students_only), problems=problems, inputs=inputs,
        ledger=ledger, seconds=time.perf_counter() - started, outcome=outcome,
    )


def _cutoff(text: str) -> tuple[int, int]:
    try:
        return parse_month_day(text)
    except (DateError, ValueError):
        raise UsageError(f"入学截止日“{text}”无效。", "写成“月-日”，例如 08-31。") from None


def _check_paths(opts: ReconcileOptions, sources: list[Source]) -> None:
    if not sources:
        raise UsageError("至少需要一个户籍名单文件和一个学籍文件。",
                         "用法：kcdocs reconcile 户籍名单.xlsx [更多名单…] 学籍.xlsx -o 比对结果.xlsx")
    if opts.output.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件 {opts.output.name} 应以 .xlsx 结尾。", "例如：-o 比对结果.xlsx")
    inputs = [s.path for s in sources] + [opts.students]
    resolved = [p.resolve() for p in inputs]
    if opts.output.resolve() in resolved:
        raise UsageError(f"输出文件 {opts.output} 与输入文件同名，会覆盖原始数据。", "请给输出文件换一个名字。")
    if opts.ledger is not None and opts.ledger.resolve() in resolved + [opts.output.resolve()]:
        raise UsageError(f"台账 {opts.ledger} 与输入或输出文件相同。", "--ledger 应指定台账工作簿。")
    if len(set(resolved)) < len(resolved):
        raise UsageError("同一个文件被指定了两次。", "每个名单只需指定一次。")


def _skipped(skipped) -> list[Problem]:
    return [Problem(s.file, s.reason, s.sheet, None, None, None, "如果该工作表也是名单，请把表头改成说明中的列名。",
                    "warning") for s in skipped]
