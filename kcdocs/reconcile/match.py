"""Matching the population against the student records, and sorting every child into one category.

1. Exact: the normalised 18-character ID number (15-digit numbers upgraded, lower-case x, full-width
   digits, spaces) against the student's ID number or the ID inside a ``G`` 学籍号.
2. 重复户籍: the same name, birth date and sex under two ID numbers (W2 candidates). When the
   guardian (or the registered address) is the same too, the pair is "strong": if one of the two
   numbers has a student record, the other is not counted as out of school.
3. Candidates: for school-age children left over, students without an exact match that share the
   name and birth date (or nearly) get a score and go to 待核实 — never merged silently.

Each person in scope ends in exactly one category: enrolled, duplicate, review or suspected.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from kcdocs.dates import age_on
from kcdocs.defs import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN
from kcdocs.idnumber import normalize
from kcdocs.reconcile.records import Person, Student
from kcdocs.tabular import Problem

MIN_SCORE = 60
MAX_CANDIDATES = 3

YOUNG, OLD, ENROLLED, DUPLICATE, REVIEW, SUSPECTED = "young", "old", "enrolled", "duplicate", "review", "suspected"


@dataclass(frozen=True)
class Scope:
    """School age (适龄): 6–15 in full years on the cut-off day of the school year of ``as_of``."""

    as_of: date
    cutoff: tuple[int, int]
    reference: date  # the cut-off day on or before as_of: ages are counted on it

    @classmethod
    def make(cls, as_of: date, cutoff: tuple[int, int]) -> "Scope":
        year = as_of.year if (as_of.month, as_of.day) >= cutoff else as_of.year - 1
        return cls(as_of, cutoff, _safe_date(year, *cutoff))

    def age(self, birth: date) -> int:
        return age_on(birth, self.reference)

    def status(self, birth: date) -> str | None:
        age = self.age(birth)
        return YOUNG if age < SCHOOL_AGE_MIN else OLD if age > SCHOOL_AGE_MAX else None

    @property
    def born_from(self) -> date:
        """The earliest birth date in scope (15 on the reference day)."""
        return _safe_date(self.reference.year - SCHOOL_AGE_MAX - 1, self.reference.month,
                          self.reference.day) + timedelta(days=1)

    @property
    def born_to(self) -> date:
        """The latest birth date in scope (6 on the reference day)."""
        return _safe_date(self.reference.year - SCHOOL_AGE_MIN, self.reference.month, self.reference.day)


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, day - 1)


@dataclass
class Candidate:
    person: Person
    student: Student
    score: int
    reasons: list[str]


@dataclass
class DuplicateGroup:
    members: list[Person]
    enrolled: list[bool]
    strong: bool
    reasons: list[str]


@dataclass
class Suspect:
    person: Person
    kind: str  # 失学 or 辍学
    student: Student | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    scope: Scope
    people: dict[str, Person]
    students: list[Student]
    tally: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (区市, 乡镇街道, category) -> n
    suspected: list[Suspect] = field(default_factory=list)
    review: list[Candidate] = field(default_factory=list)
    duplicates: list[DuplicateGroup] = field(default_factory=list)
    students_only: list[tuple[Student, str]] = field(default_factory=list)

    def count(self, category: str) -> int:
        return sum(n for (_, _, c), n in self.tally.items() if c == category)


def merge_people(batches: list[list[Person]], problems: list[Problem]) -> dict[str, Person]:
    """One record per ID number; sources and priority groups are united, gaps filled."""
    people: dict[str, Person] = {}
    for batch in batches:
        for p in batch:
            first = people.get(p.id)
            if first is None:
                people[p.id] = p
                continue
            if first.file == p.file and p.sources[0] in first.sources:
                problems.append(Problem(p.file, f"身份证号与{first.origin}相同，同一名单中重复出现，已合并为一人。",
                                        p.sheet, p.row, "身份证号", p.id, "请删除重复的行。", "warning"))
            _merge_into(first, p)
    return people


def _merge_into(first: Person, other: Person) -> None:
    first.sources = tuple(dict.fromkeys(first.sources + other.sources))
    first.groups = tuple(dict.fromkeys(first.groups + other.groups))
    if other.key and first.key and other.key != first.key:
        first.notes = (*first.notes, f"{other.sources[0]}名单中姓名为“{other.name}”")
    for attr in ("name", "district", "township"):
        if not getattr(first, attr) and getattr(other, attr):
            setattr(first, attr, getattr(other, attr))
    if not first.key:
        first.key = other.key
    first.merged = (*first.merged, other)
    if first.conflict is None and other.conflict is not None:
        first.conflict = other.conflict
    first._guardians = None


def index_students(students: list[Student], problems: list[Problem]) -> dict[str, Student]:
    by_id: dict[str, Student] = {}
    for s in students:
        for number in s.ids:
            first = by_id.get(number)
            if first is None:
                by_id[number] = s
            elif first is not s and number == s.id:
                problems.append(Problem(s.file, f"身份证号与{first.origin}（{first.name}）相同：同一人有两条学籍。",
                                        s.sheet, s.row, "身份证号", number, "请在学籍平台核查重复学籍。", "warning"))
    return by_id


def reconcile_records(people: dict[str, Person], students: list[Student], scope: Scope,
                      problems: list[Problem]) -> Outcome:
    """Put every person in one category (``Person.category``) and fill the result lists."""
    out = Outcome(scope, people, students)
    by_id = index_students(students, problems)
    tally: dict[tuple[str, str, str], int] = defaultdict(int)
    born_from, born_to = scope.born_from, scope.born_to
    in_scope: list[Person] = []
    pending: list[Person] = []
    for pid, p in people.items():
        s = by_id.get(pid)
        if s is not None:
            s.matched = True
            if p.key and not s.has_name(p.name, p.key) and s.key:
                problems.append(Problem(s.file, f"身份证号相同但姓名不同：学籍为“{s.name}”，户籍名单"
                                        f"（{p.origin}）为“{p.name}”。", s.sheet, s.row, "姓名", s.name,
                                        "请核对是否录错了身份证号。", "warning"))
        if p.conflict is not None:
            _resolve_birth(p, born_from, born_to, problems)
        birth = p.birth
        if birth > born_to:
            p.category = YOUNG
        elif birth < born_from:
            p.category = OLD
        else:
            in_scope.append(p)
            if s is not None and not s.dropped_out:
                p.category = ENROLLED
            else:
                pending.append(p)
                continue
        tally[(p.district, p.township, p.category)] += 1
    out.duplicates = find_duplicates(in_scope, by_id)
    covered = {p.id: g for g in out.duplicates for p in g.members}
    leftovers = [s for s in students if not s.matched]
    candidates = CandidateFinder(leftovers)
    reviewed: set[int] = set()
    for p in pending:
        _decide(p, by_id.get(p.id), covered.get(p.id), candidates, out, reviewed)
        tally[(p.district, p.township, p.category)] += 1
    out.tally = dict(tally)
    local = {pid[:6] for pid in people}
    out.students_only = [(s, _student_only_reason(s, local)) for s in leftovers if id(s) not in reviewed]
    return out


def _resolve_birth(p: Person, born_from: date, born_to: date, problems: list[Problem]) -> None:
    """出生日期 cell vs the ID number: the child is judged by the date that keeps them visible.

    When only the cell puts the child in school age, the cell's date is used (and said on the
    row); otherwise the ID number's. Either way the conflict is a data problem naming the cell.
    """
    c = p.conflict
    id_birth = p.birth
    visible = born_from <= c.cell <= born_to and not born_from <= id_birth <= born_to
    old = "（15位旧身份证号按19xx年升位）" if c.from_15 else ""
    if visible:
        p.birth = c.cell
        done = f"已按出生日期{c.cell.isoformat()}计算年龄，该儿童列入适龄比对。"
        p.notes = (*p.notes, f"年龄按出生日期列计算：身份证号中的出生日期为{id_birth.isoformat()}{old}，见“数据问题”表")
    else:
        done = "已按身份证号计算年龄。"
    hint = "请对照户口簿核对，改正其中错误的一项" + ("；15位旧号码请换成户口簿上的18位号码。" if c.from_15 else "。")
    row = c.owner or p
    problems.append(Problem(row.file, f"出生日期与身份证号中的出生日期{id_birth.isoformat()}{old}不一致，{done}",
                            row.sheet, row.row, row.layout.headers.get("birth_date", "出生日期"),
                            _text(c.value), hint, "error"))


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _decide(p: Person, record: Student | None, group: DuplicateGroup | None, candidates: "CandidateFinder",
            out: Outcome, reviewed: set[int]) -> None:
    """A school-age child without a current student record: 辍学, duplicate, review or 失学."""
    if record is not None:  # the record says 辍学/退学
        p.category = SUSPECTED
        out.suspected.append(Suspect(p, "辍学", record, [f"学籍状态为“{record.status}”（{record.school}）"]))
        return
    if group is not None and group.strong and any(e for m, e in zip(group.members, group.enrolled) if m is not p):
        p.category = DUPLICATE
        return
    found = candidates.find(p)
    if found:
        p.category = REVIEW
        out.review.extend(found)
        reviewed.update(id(c.student) for c in found)
        return
    p.category = SUSPECTED
    notes = list(p.notes)
    if group is not None:
        others = "、".join(m.id for m in group.members if m is not p)
        notes.append(f"疑似重复户籍（另有身份证号{others}），见“重复户籍”表")
    out.suspected.append(Suspect(p, "失学", None, notes))


def _student_only_reason(s: Student, local: set[str]) -> str:
    if not s.ids:
        return "无有效身份证号，无法按身份证号比对"
    if s.id[:6] in local:
        return "本地户籍但不在户籍名单中（人籍分离或名单遗漏）"
    return "外地户籍（外地转入或随迁子女）"


def find_duplicates(in_scope: list[Person], by_id: dict[str, Student]) -> list[DuplicateGroup]:
    """Same name, birth date and sex under different ID numbers (school-age children only:
    members share the birth date, so they are all in scope or all out)."""
    by_key: dict[str, Person | list[Person]] = {}
    multi: list[list[Person]] = []
    for p in in_scope:
        if not p.key:
            continue
        k = f"{p.key}|{p.id[6:14]}{p.sex}"
        seen = by_key.get(k)
        if seen is None:
            by_key[k] = p
        elif isinstance(seen, list):
            seen.append(p)
        else:
            by_key[k] = group = [seen, p]
            multi.append(group)
    groups = []
    for members in multi:
        reasons = ["姓名、出生日期、性别相同"]
        guardians = [set(m.guardians) for m in members]
        same_guardian = all(guardians) and bool(set.intersection(*guardians))
        addresses = {m.address for m in members}
        same_address = len(addresses) == 1 and "" not in addresses
        if same_guardian:
            reasons.append("监护人相同")
        elif all(guardians):
            reasons.append("监护人不同")
        if same_address:
            reasons.append("户籍地址相同")
        enrolled = [m.id in by_id and not by_id[m.id].dropped_out for m in members]
        groups.append(DuplicateGroup(members, enrolled, same_guardian or same_address, reasons))
    return groups


class CandidateFinder:
    """Students left over after exact matching, indexed by name and by birth date."""

    def __init__(self, students: list[Student]):
        self.by_name: dict[str, list[Student]] = defaultdict(list)
        self.by_birth: dict[date, list[Student]] = defaultdict(list)
        for s in students:
            if s.key:
                self.by_name[s.key].append(s)
            for born in s.births:
                self.by_birth[born].append(s)

    def find(self, p: Person) -> list[Candidate]:
        pool = {id(s): s for s in self.by_name.get(p.key, ())}
        pool.update((id(s), s) for s in self.by_birth.get(p.birth, ()))
        found = []
        for s in pool.values():
            total, reasons = score(p, s)
            if total is not None and total >= MIN_SCORE:
                found.append(Candidate(p, s, total, reasons))
        found.sort(key=lambda c: -c.score)
        return found[:MAX_CANDIDATES]


def score(p: Person, s: Student) -> tuple[int | None, list[str]]:
    """Score of a person/student pair; None when nothing but the name (or the birth date) agrees."""
    reasons = []
    a, b = p.key, s.key
    if a and a == b:
        name_pts = 50
        reasons.append("姓名相同")
    elif a and len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1:
        name_pts = 30
        reasons.append("姓名仅差一字")
    else:
        name_pts = 0
    birth_pts = 0
    x = p.birth
    for y in s.births:
        if x == y:
            birth_pts = 30
            reasons.append("出生日期相同")
            break
    else:
        for y in s.births:
            if x.year == y.year and (x.month == y.month or x.day == y.day or (x.month, x.day) == (y.day, y.month)):
                birth_pts = 15
                reasons.append(f"出生日期相近（{y.isoformat()}）")
                break
    id_pts = 0
    other = s.id or normalize(s.raw_id)
    if len(other) == 18 and other != p.id:
        diff = sum(x != y for x, y in zip(other, p.id))
        if diff <= 2:
            id_pts = 20
            reasons.append(f"身份证号仅差{diff}位")
    if not name_pts or not (birth_pts or id_pts):
        return None, reasons
    total = name_pts + birth_pts + id_pts
    if s.sex:
        total += 10 if s.sex == p.sex else -15
        reasons.append("性别相同" if s.sex == p.sex else "性别不同")
    if p.guardians and s.guardians:
        same = bool(set(p.guardians) & set(s.guardians))
        total += 10 if same else -10
        reasons.append("监护人相同" if same else "监护人不同")
    return total, reasons
