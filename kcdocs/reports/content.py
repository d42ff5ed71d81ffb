"""What a weekly/monthly report says, as data for ``templates/ledgers/report.typ`` and the Word
version: figures by area and by disposition (Chinese names), the case lists with each case's
status as of the period's end, the narrative (工作开展情况 / 存在问题 / 下步打算) and the header.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kcdocs import dates, idnumber
from kcdocs.errors import UsageError
from kcdocs.ledger import Status, label
from kcdocs.reports.figures import CLOSE_KINDS, KIND_LABELS, Event, Timeline, open_counts, tally
from kcdocs.reports.periods import WEEKDAYS, Period, week_ends

TITLES = {"weekly": "控辍保学工作周报", "monthly": "控辍保学工作月报"}
NARRATIVE = (("progress", "工作开展情况"), ("issues", "存在问题"), ("plans", "下步打算"))
_HEADING_WORDS = {
    "progress": ("工作开展情况", "开展情况", "工作情况", "主要工作", "工作进展"),
    "issues": ("存在问题", "存在的问题", "问题", "困难和问题", "存在困难"),
    "plans": ("下步打算", "下一步打算", "下步工作", "下一步工作", "下步计划", "下一步计划", "打算"),
}
_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?(.+?)\s*[:：]?\s*$")
DATE_LABELS = {"returned": "复学日期", "special": "安置日期", "writeoff": "核销日期"}
EMPTY_LISTS = {"new": "本期无新增失学辍学个案。", "returned": "本期无劝返复学个案。",
               "special": "本期无特殊劝返个案。", "writeoff": "本期无核销个案。", "open": "期末无未销号个案。"}


def _heading_key(line: str) -> str | None:
    m = _HEADING.match(line)
    if not m:
        return None
    word = re.sub(r"\s+", "", m.group(1))
    return next((key for key, words in _HEADING_WORDS.items() if word in words), None)


def parse_narrative(text: str) -> dict[str, str]:
    """The three parts of a narrative text: lines under a heading 工作开展情况 / 存在问题 / 下步打算
    (with or without ``#``, numbering such as 一、 or （二）, and a colon) belong to it; text
    before any heading is 工作开展情况."""
    parts: dict[str, list[str]] = {key: [] for key, _ in NARRATIVE}
    current = "progress"
    for line in text.replace("\r\n", "\n").split("\n"):
        key = _heading_key(line) if len(line.strip()) <= 16 else None
        if key:
            current = key
        else:
            parts[current].append(line.strip())
    return {key: "\n".join(lines).strip() for key, lines in parts.items()}


def read_narrative(path: Path) -> dict[str, str]:
    """:func:`parse_narrative` of a text/markdown file (UTF-8, UTF-8 with BOM or GB18030)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"无法读取工作情况文件 {path}：{exc.strerror or exc}",
                         "请检查 --narrative 给出的文件路径。") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_narrative(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise UsageError(f"工作情况文件 {path} 不是文本文件。", "请用记事本或 WPS 另存为 .txt（UTF-8 或 GBK 编码）。")


def narrative_sections(given: dict[str, str] | None) -> list[dict]:
    given = given or {}
    return [{"key": key, "heading": heading, "text": (given.get(key) or "").strip()} for key, heading in NARRATIVE]


def status_at_end(ev: Event, end: date) -> tuple[str, str]:
    """A case's status at the end of the period and, if it changed later, what it is now.
    A case open at ``end`` that has closed since was 劝返中 then (未劝返 without an attempt by then)."""
    case = ev.case
    now = label(case.status)
    if ev.closed is None or ev.closed <= end:
        return now, ""
    tried = any(a.date and a.date <= end for a in case.attempts)
    then = label(Status.COMPULSORY) if case.measure else label(Status.IN_PROGRESS if tried else Status.NOT_STARTED)
    return then, f"{ev.closed.month}月{ev.closed.day}日{now}"


def case_row(ev: Event, names: dict[str, str], on: date | None = None, end: date | None = None) -> dict:
    c = ev.case
    status, later = status_at_end(ev, end) if end else (label(c.status), "")
    row = {"id": c.case_id, "name": c.name, "idno": idnumber.mask(c.id_number) if c.id_number else "",
           "district": c.district or "", "school": c.school or "", "code": c.disposition,
           "disposition": names.get(c.disposition, c.disposition), "status": status, "later": later,
           "responsible": c.responsible or "", "date": on.isoformat() if on else ""}
    if end is not None:
        row["days"] = (end - ev.opened).days if ev.opened else None
    return row


def select(events: list[Event], district: str | None, school: str | None):
    """The events in scope, how to group them, the group column's label and the scope's words."""
    chosen = events
    if district:
        chosen = [e for e in chosen if e.case.district == district]
    if school:
        chosen = [e for e in chosen if e.case.school == school]
    if (district or school) and not chosen:
        which = "、".join(x for x in (district and f"区市“{district}”", school and f"学校“{school}”") if x)
        raise UsageError(f"台账中没有{which}的个案。", "请核对 --district / --school，应与台账“区市”“学校”列一致。")
    scope = "、".join(x for x in (district, school) if x) or "全部个案"
    if school:
        return chosen, lambda e: e.case.grade or "（未填年级）", "年级", scope
    if district:
        return chosen, lambda e: e.case.school or "（未填学校）", "学校", scope
    return chosen, lambda e: e.case.district or "（未填区市）", "区（市）", scope


def _named(rows: list[dict], names: dict[str, str]) -> list[dict]:
    return [dict(r, code=r["name"], name=names.get(r["name"], r["name"])) for r in rows]


def header(kind: str, period: Period, today: date, reporter: str | None, scope: str) -> dict:
    overdue = max(0, (today - period.due).days)
    return {"title": TITLES[kind], "unit": reporter or "", "scope": scope, "period": period.label,
            "period_short": period.short, "year": period.start.year,
            "due": f"{dates.format_cn(period.due)}（星期{WEEKDAYS[period.due.weekday()]}）",
            "generated": dates.format_cn(today), "overdue_days": overdue,
            "timeliness": f"逾期 {overdue} 天" if overdue else "按期报送"}


def report_data(kind: str, events: list[Event], period: Period, today: date, *, names: dict[str, str],
                reporter: str | None = None, district: str | None = None, school: str | None = None,
                narrative: dict[str, str] | None = None) -> dict:
    chosen, key, group_label, scope = select(events, district, school)
    timeline = Timeline(chosen)
    rows, total = tally(chosen, period.start, period.end, key, timeline)
    by_disp, _ = tally(chosen, period.start, period.end, lambda e: e.case.disposition, timeline)
    in_period = lambda d: d is not None and period.contains(d)  # noqa: E731
    open_at_end = timeline.open_on(period.end).tolist()
    t = total.as_dict()
    data = {
        **header(kind, period, today, reporter, scope),
        "group_label": group_label, "kinds": [KIND_LABELS[k] for k in CLOSE_KINDS],
        "rows": [r.as_dict() for r in rows], "total": t,
        "by_disposition": _named([r.as_dict() for r in by_disp], names),
        "zero": t["start"] == 0 and t["new"] == 0 and t["end"] == 0,
        "new": [case_row(e, names, e.opened) for e in chosen if in_period(e.opened)],
        "closed": {KIND_LABELS[k]: [case_row(e, names, e.closed) for e in chosen if e.kind == k and in_period(e.closed)]
                   for k in CLOSE_KINDS},
        "open": sorted((case_row(e, names, e.opened, period.end) for e, is_open in zip(chosen, open_at_end) if is_open),
                       key=lambda r: (r["district"], r["id"])),
        "problems": [{"id": e.case.case_id, "name": e.case.name, "text": e.problem} for e in chosen if e.problem],
        "narrative": narrative_sections(narrative),
        "empty": {KIND_LABELS.get(k, k): text for k, text in EMPTY_LISTS.items()},
        "date_labels": {KIND_LABELS[k]: DATE_LABELS[k] for k in CLOSE_KINDS},
    }
    if kind == "monthly":
        days = week_ends(period)
        data["trend"] = [{"label": f"{d.month}/{d.day}", "value": n}
                         for d, n in zip(days, open_counts(chosen, days, timeline))]
        data["open_by_disposition"] = [{"label": r["name"], "code": r["code"], "value": r["end"]}
                                       for r in data["by_disposition"]]
    return data
