"""The bulletin's payload for its Typst template, its PDF and its workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kcdocs.bulletin.build import KINDS, MAX_BLOCKERS, TEMPLATE, blockers, chart, district_rows, ranked
from kcdocs.bulletin.collect import Collected


def _kind_label(kind: str) -> str:
    from kcdocs.audit.report import KIND_LABELS

    return KIND_LABELS.get(kind, kind)


def _overview(got: Collected, rows: list[dict]) -> str:
    cases = sum(d.cases for d in got.districts)
    complete = sum(d.complete for d in got.districts)
    review = sum(d.states["待复核"] for d in got.districts)
    cleared = [r["name"] for r in rows if r["cleared"]]
    text = (f"截至{_cn(got.as_of)}，全市{len(got.districts)}个区（市）共稽核控辍保学个案{cases}个，其中材料完整"
            f"{complete}个（{100 * complete / cases if cases else 0:.1f}%），待人工复核{review}个，"
            f"材料不完整{cases - complete - review}个。")
    if cleared:
        text += f"{'、'.join(cleared)}已实现清零。"
    else:
        text += "尚无区（市）实现清零。"
    return text


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _late_payload(late, when: date) -> dict:
    if late is None:
        return {"given": False, "rows": [],
                "note": "本次未汇总周报、月报报送记录，未统计报送逾期情况。"}
    rows = [[x.district, x.report, x.period, _cn(x.due), _cn(x.sent) if x.sent else "未报送", str(x.days_late)]
            for x in sorted(late, key=lambda x: (x.district, x.due))]
    note = (f"截至{_cn(when)}，共有{len(rows)}份报告逾期报送（或尚未报送）。" if rows
            else f"截至{_cn(when)}，各区（市）周报、月报均按时报送。")
    return {"given": True, "rows": rows, "note": note}


def payload(options, got: Collected, late, when: date, names) -> dict:
    rows = district_rows(got.districts)
    kinds = [k for k in KINDS if any(d.kinds[k] for d in got.districts)]
    kind_rows = [[d.name, *[str(d.kinds[k]) for k in kinds], str(d.open_findings), str(d.overdue)]
                 for d in ranked(got.districts)]
    blocked = [{"name": d.name, "total": len(d.blockers), "rows": blockers(d, names, MAX_BLOCKERS)}
               for d in ranked(got.districts) if d.blockers]
    lagging = [r["name"] for r in rows[-2:] if not r["cleared"]] if len(rows) > 2 else []
    return {
        "title": "关于全市控辍保学工作进展情况的通报",
        "number": options.number or "",
        "unit": options.unit or options.config.notices.unit or "市教育和体育局",
        "date": _cn(when),
        "overview": _overview(got, rows),
        "districts": rows,
        "kinds": [_kind_label(k) for k in kinds],
        "kind_rows": kind_rows,
        "late": _late_payload(late, when),
        "chart": chart(got.districts),
        "blocked": blocked,
        "max_blockers": MAX_BLOCKERS,
        "lagging": lagging,
        "days": options.config.rectification.days,
    }


def write_pdf(options, got: Collected, late, when: date, names, path: Path) -> None:
    from kcdocs.fileio import write_bytes_atomic
    from kcdocs.render.fonts import resolve_fonts
    from kcdocs.render.typst_engine import TypstRenderer

    renderer = TypstRenderer(resolve_fonts(options.config.fonts))
    pdf = renderer.render(TEMPLATE, payload(options, got, late, when, names))
    write_bytes_atomic(path, pdf)


def write_workbook(got: Collected, late, names, path: Path) -> None:
    from kcdocs import fastxlsx
    from kcdocs.audit.workbook import _sheet
    from kcdocs.fileio import atomic_path

    rows = district_rows(got.districts)
    sheets = [_sheet("各区市进展", ["排名", "区市", "案例数", "完整", "待复核", "不完整", "清零进度", "较上次（百分点）", "未整改问题",
                                "逾期问题", "稽核基准日"],
                     [[r["rank"], r["name"], r["cases"], r["complete"], r["review"], r["incomplete"], r["progress"],
                       r["delta"], r["open"], r["overdue"], r["as_of"]] for r in rows],
                     [6, 14, 8, 8, 8, 8, 10, 14, 10, 10, 12])]
    kinds = [k for k in KINDS if any(d.kinds[k] for d in got.districts)]
    sheets.append(_sheet("未整改问题按类型", ["区市", *[_kind_label(k) for k in kinds], "合计"],
                         [[d.name, *[d.kinds[k] for k in kinds], d.open_findings] for d in ranked(got.districts)],
                         [14, *[12] * len(kinds), 8]))
    ch = chart(got.districts)
    sheets.append(_sheet("清零进度", ["区市", *ch["labels"]],
                         [[s["name"], *[dict(s["points"]).get(i, "") for i in range(len(ch["labels"]))]]
                          for s in ch["series"]], [14, *[10] * len(ch["labels"])]))
    blocked = [[d.name, *row] for d in ranked(got.districts) for row in blockers(d, names, None)]
    sheets.append(_sheet("阻碍清零的个案", ["区市", "台账编号", "姓名", "结论", "问题", "已有天数"], blocked,
                         [14, 18, 8, 8, 70, 8]))
    if late is not None:
        sheets.append(_sheet("报告逾期", ["区市", "报告", "期次", "截止日期", "报送日期", "逾期天数"],
                             _late_payload(late, date.today())["rows"], [14, 8, 30, 14, 14, 8]))
    with atomic_path(path) as tmp:
        fastxlsx.save(tmp, sheets)
