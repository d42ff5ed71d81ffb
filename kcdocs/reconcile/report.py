"""The output workbook: one sheet per category, formatted, frozen headers, filters.

Written with :mod:`kcdocs.fastxlsx` (fast for big results) through :func:`atomic_path`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path


from kcdocs.dates import format_cn
from kcdocs.fileio import atomic_path
from kcdocs.idnumber import mask as mask_id
from kcdocs.reconcile import match as m
from kcdocs import fastxlsx as xlsx
from kcdocs.tabular import Problem

SHEETS = ("汇总", "疑似失学辍学", "待核实", "重复户籍", "学籍无户籍", "不在适龄", "数据问题")
NO_DISTRICT, NO_TOWNSHIP = "（未填区市）", "（未填乡镇街道）"
PRIORITY = ("建档立卡", "残疾")

SUMMARY_HEADERS = ("区市", "乡镇街道", "户籍人数", "适龄人数", "已有学籍", "重复户籍", "待核实", "疑似失学辍学",
                   "其中失学", "其中辍学", "其中建档立卡", "其中残疾", "不在适龄")


@dataclass
class InputInfo:
    role: str  # 户籍名单 / 学籍
    label: str
    path: Path
    rows: int


class _Writer:
    def __init__(self, masked: bool):
        self.sheets: list[xlsx.Sheet] = []
        self.masked = masked

    def id(self, number: str) -> str:
        return mask_id(number) if self.masked and number else number

    def record(self, record_no: str) -> str:
        if self.masked and len(record_no) == 19 and record_no[0] == "G":
            return "G" + mask_id(record_no[1:])
        return record_no

    def sheet(self, title: str, headers: tuple, widths: tuple, rows: list, preface: list[str] = ()) -> None:
        ws = xlsx.Sheet(title, widths)
        for n, line in enumerate(preface):
            ws.append([line], xlsx.BOLD if n == 0 else xlsx.PLAIN)
        ws.append(list(headers), xlsx.HEADER)
        header_row = ws.rows
        ws.freeze_row = header_row
        last = xlsx.column_letter(len(headers))
        ws.filter_ref = f"A{header_row}:{last}{header_row + max(len(rows), 1)}"
        for row in rows:
            ws.append(row)
        self.sheets.append(ws)

    def save(self, path: Path) -> None:
        with atomic_path(path) as tmp:
            xlsx.save(tmp, self.sheets)


def write_report(path: Path, out: m.Outcome, problems: list[Problem], inputs: list[InputInfo],
                 *, masked: bool = False) -> None:
    w = _Writer(masked)
    _summary(w, out, problems, inputs)
    _suspected(w, out)
    _review(w, out)
    _duplicates(w, out)
    _students_only(w, out)
    _out_of_scope(w, out)
    _problems(w, problems)
    w.save(path)


def place(p) -> tuple[str, str]:
    return p.district or NO_DISTRICT, p.township or NO_TOWNSHIP


def scope_text(scope: m.Scope) -> str:
    return (f"适龄：按 {format_cn(scope.reference)}（当学年入学截止日）计算年龄 6—15 周岁，即 "
            f"{format_cn(scope.born_from)} 至 {format_cn(scope.born_to)} 出生；比对基准日 {format_cn(scope.as_of)}。")


def _summary(w: _Writer, out: m.Outcome, problems: list[Problem], inputs: list[InputInfo]) -> None:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (district, township, category), n in out.tally.items():
        c = counts[district or NO_DISTRICT, township or NO_TOWNSHIP]
        c["户籍人数"] += n
        c[category] += n
    for s in out.suspected:
        c = counts[place(s.person)]
        c["其中" + s.kind] += 1
        for group in PRIORITY:
            if group in s.person.groups:
                c["其中" + group] += 1
    rows, total = [], Counter()
    for district in sorted({d for d, _ in counts}):
        sub = Counter()
        for (d, town), c in sorted(counts.items()):
            if d == district:
                rows.append(_summary_row(district, town, c))
                sub.update(c)
        rows.append(_summary_row(district, "小计", sub))
        total.update(sub)
    rows.append(_summary_row("合计", "", total))
    reasons = Counter(reason for _, reason in out.students_only)
    errors = sum(p.is_error for p in problems)
    preface = ["控辍保学底数比对汇总", scope_text(out.scope)]
    preface += [f"{i.role}：{i.label}（{i.path.name}，读入 {i.rows} " + ("条）" if i.role == "学籍" else "人）")
                for i in inputs]
    preface.append(f"学籍无户籍 {len(out.students_only)} 条" + "".join(f"；{k} {v} 条" for k, v in reasons.items()))
    preface.append(f"数据问题 {len(problems)} 处（错误 {errors}，提示 {len(problems) - errors}），见“数据问题”表。")
    w.sheet("汇总", SUMMARY_HEADERS, (12, 16) + (10,) * 11, rows, preface)


def _summary_row(district: str, town: str, c: Counter) -> list:
    in_scope = c[m.ENROLLED] + c[m.DUPLICATE] + c[m.REVIEW] + c[m.SUSPECTED]
    return [district, town, c["户籍人数"], in_scope, c[m.ENROLLED], c[m.DUPLICATE], c[m.REVIEW], c[m.SUSPECTED],
            c["其中失学"], c["其中辍学"], c["其中建档立卡"], c["其中残疾"], c[m.YOUNG] + c[m.OLD]]


def _suspected(w: _Writer, out: m.Outcome) -> None:
    headers = ("序号", "区市", "乡镇街道", "村居社区", "姓名", "性别", "身份证号", "出生日期", "年龄", "类型",
               "重点群体", "户籍地址", "监护人", "联系电话", "名单来源", "学籍信息", "备注", "来源位置")
    items = sorted(out.suspected, key=lambda s: (*place(s.person), s.person.village, s.person.birth, s.person.id))
    rows = []
    for n, s in enumerate(items, start=1):
        p = s.person
        record = f"{s.student.school} {s.student.grade} {w.record(s.student.record_no)}".strip() if s.student else ""
        rows.append([n, p.district, p.township, p.village, p.name, p.sex, w.id(p.id), p.birth.isoformat(),
                     out.scope.age(p.birth), s.kind, "、".join(p.groups), p.address, "、".join(p.guardians),
                     p.phone, "、".join(p.sources), record, "；".join(s.notes), p.origin])
    w.sheet("疑似失学辍学", headers, (6, 10, 14, 14, 10, 6, 21, 12, 6, 6, 14, 28, 14, 14, 16, 24, 36, 30), rows)


def _review(w: _Writer, out: m.Outcome) -> None:
    headers = ("序号", "得分", "匹配依据", "姓名（户籍）", "身份证号（户籍）", "出生日期（户籍）", "性别（户籍）",
               "区市", "乡镇街道", "监护人（户籍）", "重点群体", "姓名（学籍）", "学籍号", "身份证号（学籍）",
               "出生日期（学籍）", "性别（学籍）", "学校", "年级", "监护人（学籍）", "核实结论", "户籍来源位置",
               "学籍来源位置")
    items = sorted(out.review, key=lambda c: (*place(c.person), c.person.id, -c.score))
    rows = []
    for n, c in enumerate(items, start=1):
        p, s = c.person, c.student
        rows.append([n, c.score, "；".join(c.reasons), p.name, w.id(p.id), p.birth.isoformat(), p.sex,
                     p.district, p.township, "、".join(p.guardians), "、".join(p.groups), s.name,
                     w.record(s.record_no), w.id(s.id or s.raw_id), s.birth.isoformat() if s.birth else "", s.sex,
                     s.school, s.grade, "、".join(s.guardians), "", p.origin, s.origin])
    widths = (6, 6, 36, 10, 21, 12, 6, 10, 14, 14, 12, 10, 22, 21, 12, 6, 20, 8, 14, 16, 30, 30)
    w.sheet("待核实", headers, widths, rows)


def _duplicates(w: _Writer, out: m.Outcome) -> None:
    headers = ("组号", "判断", "依据", "姓名", "性别", "出生日期", "身份证号", "区市", "乡镇街道", "户籍地址",
               "监护人", "有无学籍", "名单来源", "来源位置")
    rows = []
    groups = sorted(out.duplicates, key=lambda g: (place(g.members[0]), g.members[0].birth, g.members[0].id))
    for n, g in enumerate(groups, start=1):
        if g.strong and any(g.enrolled):
            verdict = "同一人可能性大；无学籍的号码不计入疑似失学辍学（户籍重复，W2 核销候选）"
        elif g.strong:
            verdict = "同一人可能性大；均无学籍，已列入疑似失学辍学"
        else:
            verdict = "需核实：也可能是同名同生日的两个人；未据此排除"
        for p, enrolled in zip(g.members, g.enrolled):
            rows.append([n, verdict, "；".join(g.reasons), p.name, p.sex, p.birth.isoformat(), w.id(p.id),
                         p.district, p.township, p.address, "、".join(p.guardians), "有" if enrolled else "无",
                         "、".join(p.sources), p.origin])
    w.sheet("重复户籍", headers, (6, 40, 30, 10, 6, 12, 21, 10, 14, 28, 14, 8, 16, 30), rows)


def _students_only(w: _Writer, out: m.Outcome) -> None:
    headers = ("序号", "情形", "姓名", "性别", "出生日期", "学籍号", "身份证号", "户籍地代码（按身份证号）", "学校",
               "年级", "班级", "学籍状态", "来源位置")
    items = sorted(out.students_only, key=lambda x: (x[1], x[0].school, x[0].grade, x[0].name))
    rows = []
    for n, (s, reason) in enumerate(items, start=1):
        rows.append([n, reason, s.name, s.sex, s.birth.isoformat() if s.birth else "", w.record(s.record_no),
                     w.id(s.id or s.raw_id), s.id[:6], s.school, s.grade, s.klass, s.status, s.origin])
    w.sheet("学籍无户籍", headers, (6, 36, 10, 6, 12, 22, 21, 12, 20, 8, 8, 10, 30), rows)


def _out_of_scope(w: _Writer, out: m.Outcome) -> None:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (district, township, category), n in out.tally.items():
        if category in (m.YOUNG, m.OLD):
            counts[district or NO_DISTRICT, township or NO_TOWNSHIP][category] += n
    rows, total = [], Counter()
    for key in sorted(counts):
        c = counts[key]
        rows.append([*key, c[m.YOUNG], c[m.OLD], c[m.YOUNG] + c[m.OLD]])
        total.update(c)
    rows.append(["合计", "", total[m.YOUNG], total[m.OLD], total[m.YOUNG] + total[m.OLD]])
    preface = ["不在适龄范围的人数（只计数，不列名单）", scope_text(out.scope)]
    w.sheet("不在适龄", ("区市", "乡镇街道", "未到入学年龄", "超过义务教育年龄", "合计"), (12, 16, 14, 16, 10),
            rows, preface)


def _problems(w: _Writer, problems: list[Problem]) -> None:
    headers = ("序号", "级别", "文件", "工作表", "行号", "列", "值", "问题", "处理办法")
    order = sorted(problems, key=lambda p: (not p.is_error, p.file, p.sheet or "", p.row or 0))
    rows = []
    for n, p in enumerate(order, start=1):
        value = p.value or ""
        if w.masked and p.column and "身份" in p.column:
            value = mask_id(value)
        rows.append([n, "错误" if p.is_error else "提示", p.file, p.sheet or "", p.row, p.column or "", value,
                     p.message, p.hint or ""])
    w.sheet("数据问题", headers, (6, 6, 24, 12, 6, 12, 22, 60, 40), rows)
