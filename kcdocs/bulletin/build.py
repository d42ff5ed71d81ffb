"""The city's progress bulletin (通报) as a 公文 PDF, and the same tables as a workbook.

Contract: ``make_bulletin(options) -> BulletinResult``. Figures come from :mod:`.collect`;
the PDF is typeset by ``templates/bulletin/bulletin.typ`` on the GB/T 9704 page of
``templates/lib/gongwen.typ``; ``--xlsx`` writes every table in full. ID numbers are masked
everywhere (they can appear in finding messages only; the bulletin prints names and case ids).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kcdocs.bulletin.collect import Collected, District, collect
from kcdocs.config import Config
from kcdocs.errors import InputFileError
from kcdocs.tabular import Problem

TEMPLATE = "bulletin/bulletin.typ"
KINDS = ("missing", "unsigned", "unsealed", "condition", "data", "duplicate", "unreadable")
MAX_BLOCKERS = 15  # named cases per district in the PDF; the workbook has all of them
STATE_ORDER = {"不完整": 0, "待复核": 1}


class BulletinOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    sources: list[Path]
    output: Path
    xlsx: Path | None = None
    reports: Path | None = None  # 报送记录 (weekly / monthly reports sent), optional
    unit: str | None = None  # 发文单位
    when: date | None = None  # 落款日期 (default: today)
    number: str | None = None  # 发文字号, e.g. 枣教字〔2020〕20号
    config: Config = Config()


@dataclass
class BulletinResult:
    districts: list[District]
    outputs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    audits: int = 0
    late: int | None = None  # None: no 报送记录 given
    seconds: float = 0.0


def ranked(districts: list[District]) -> list[District]:
    return sorted(districts, key=lambda d: (-d.progress, d.overdue, d.open_findings, d.name))


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _delta(d: District) -> str:
    points = sorted(d.trend.items())
    if len(points) < 2:
        return "—"
    change = 100 * (points[-1][1] - points[-2][1])
    return "持平" if abs(change) < 0.05 else f"{'+' if change > 0 else '−'}{abs(change):.1f}"


def district_rows(districts: list[District]) -> list[dict]:
    return [{"rank": n, "name": d.name, "cases": d.cases, "complete": d.complete, "review": d.states["待复核"],
             "incomplete": d.states["不完整"], "progress": _pct(d.progress), "open": d.open_findings,
             "overdue": d.overdue, "delta": _delta(d), "cleared": d.cleared, "as_of": str(d.as_of or "")}
            for n, d in enumerate(ranked(districts), start=1)]


def chart(districts: list[District]) -> dict:
    """清零进度 per district over the audits kept: x = the 基准日 of every audit, y = share complete."""
    days = sorted({day for d in districts for day in d.trend})
    index = {day: i for i, day in enumerate(days)}
    series = [{"name": d.name, "points": [[index[day], round(100 * v, 1)] for day, v in sorted(d.trend.items())]}
              for d in ranked(districts)]
    return {"labels": [f"{d.month}月{d.day}日" for d in days], "series": series, "ends": end_labels(series)}


LABEL_CHARS = 8  # characters per line of an end label (24 mm at 8 pt)
LINE_PERCENT = 5.5  # one 8 pt line in percent of the chart's height (62 mm)


def end_labels(series: list[dict]) -> list[dict]:
    """The names at the right end of the lines: districts ending on the same value share one
    label (山亭区、台儿庄区), and labels are moved apart so that none covers another."""
    groups: dict[float, list[str]] = {}
    for s in series:
        if s["points"]:
            groups.setdefault(s["points"][-1][1], []).append(s["name"])
    labels = [{"v": v, "text": "、".join(names)} for v, names in sorted(groups.items(), reverse=True)]
    for label in labels:
        label["h"] = LINE_PERCENT * -(-len(label["text"]) // LABEL_CHARS)
    for above, below in zip(labels, labels[1:]):  # top down: each below the one above
        below["y"] = min(below["v"], above.get("y", above["v"]) - (above["h"] + below["h"]) / 2)
    floor = -4.0
    for below, above in zip(reversed(labels), list(reversed(labels))[1:]):  # bottom up: none under the axis
        below.setdefault("y", below["v"])
        below["y"] = max(below["y"], floor + below["h"] / 2)
        above["y"] = max(above.get("y", above["v"]), below["y"] + (above["h"] + below["h"]) / 2)
    for label in labels:
        label.setdefault("y", label["v"])
        label["y"] = round(label["y"] + label["h"] / 2, 1)  # the top of the label
    return labels


def blockers(d: District, names, limit: int | None) -> list[list[str]]:
    from kcdocs.audit.report import KIND_LABELS, mask_text

    rows = sorted(d.blockers, key=lambda b: (STATE_ORDER.get(b.state, 2), -(b.days_open or 0), b.case_id))
    out = []
    for b in rows[:limit]:
        what = "；".join(dict.fromkeys(f"{names(r)}（{KIND_LABELS.get(k, k)}）" for r, k in b.problems))
        if b.review and not b.problems:
            what = f"{b.review} 项签字、公章等待人工复核"
        out.append([b.case_id, b.name, b.state, mask_text(what), "" if b.days_open is None else str(b.days_open)])
    return out


def _names():
    from kcdocs.checklists import load_checklists

    try:
        checklists = load_checklists(None)
    except Exception:
        return lambda rule: rule
    return lambda rule: (checklists.item(rule).name if checklists.item(rule) else rule)


def make_bulletin(options: BulletinOptions) -> BulletinResult:
    started = time.perf_counter()
    if not options.sources:
        raise InputFileError("没有给出任何区（市）的稽核结果。", "请给出各区（市）kcdocs audit 的输出文件夹或 findings.json。")
    days = options.config.rectification.days
    got = collect(options.sources, days)
    if not got.districts:
        raise InputFileError("给出的稽核结果都无法读取，未生成通报。",
                             "请检查各区（市）报送的 findings.json：" + "；".join(p.format() for p in got.problems[:5]))
    result = BulletinResult(got.districts, problems=list(got.problems), audits=got.audits)
    when = options.when or date.today()
    late = None
    if options.reports is not None:
        from kcdocs.bulletin.reports import late_reports

        r = options.config.reports
        late, _, noted = late_reports(options.reports, when, r.weekly_due_days_after, r.monthly_due_day)
        result.problems += noted
        result.late = len(late)
    from kcdocs.bulletin.document import write_pdf, write_workbook

    names = _names()
    write_pdf(options, got, late, when, names, options.output)
    result.outputs.append(options.output)
    if options.xlsx:
        write_workbook(got, late, names, options.xlsx)
        result.outputs.append(options.xlsx)
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["BulletinOptions", "BulletinResult", "make_bulletin", "Collected", "district_rows", "chart"]
