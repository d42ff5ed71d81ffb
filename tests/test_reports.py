"""Weekly/monthly reports on a hand-computed ledger: arithmetic, lateness, QR pages, stability."""

from __future__ import annotations

import re
from datetime import date

import pdfplumber
import pytest

from kcdocs.reports import ReportOptions, make_report, parse_month, parse_week
from kcdocs.marks.layout import page_layout
from tests.conftest import run_cli
from tests.marks_util import decode_pages
from tests.test_ledger_import import workbook

HEAD = ["台账编号", "姓名", "区市", "处置类型", "状态", "登记日期", "复学日期", "安置日期", "核销日期", "核销原因"]
ROWS = [  # id, name, district, disposition, status, registered, returned, placed, written off
    ["370402-2020-0001", "甲", "市中区", "R0", "劝返中", "2020-04-01", None, None, None],
    ["370402-2020-0002", "乙", "市中区", "R0", "已复学", "2020-05-05", "2020-05-20", None, None],
    ["370403-2020-0001", "丙", "薛城区", "W4", "已核销", "2020-03-01", None, None, "2020-05-10"],
    ["370403-2020-0002", "丁", "薛城区", "P1", "已安置", "2020-02-01", None, "2020-05-15", None],
    ["370481-2020-0001", "戊", "滕州市", "R0", "劝返中", "2020-06-03", None, None, None],
    ["370481-2020-0002", "己", "滕州市", "W2", "已核销", "2020-01-10", None, None, None],
    ["370481-2020-0003", "庚", "滕州市", "R0", "劝返中", "2020-05-25", None, None, None],
]


def _ledger(tmp_path, rows=ROWS, name="l.xlsx"):
    full = [r + ["核销原因已登记" if r[3].startswith("W") else None] for r in rows]
    return workbook(tmp_path / name, full, attempts=[], head=HEAD)


def _text(pdf) -> str:
    with pdfplumber.open(pdf) as doc:
        return re.sub(r"\s+", "", "".join(p.extract_text() for p in doc.pages))


def test_monthly_arithmetic_by_hand(tmp_path):
    out = tmp_path / "m.pdf"
    result = make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05", output=out,
                                       generated=date(2020, 6, 1)))
    t = result.totals
    # 期初: 甲 丙 丁 己(核销无日期, counted open); 新增: 乙 庚; 期末: 甲 己 庚
    assert (t["start"], t["new"], t["returned"], t["special"], t["writeoff"], t["end"]) == (4, 2, 1, 1, 1, 3)
    assert result.balanced and result.overdue_days == 0
    text = _text(out)
    assert "期初未销号4人，本期新增2人，劝返复学1人，特殊劝返1人，核销1人，期末未销号3人" in text
    assert "己：状态为“已核销”但缺少核销日期" in text
    assert "逾期" not in text and "报送状态：按期报送" in text


def test_per_district_rows(tmp_path):
    from kcdocs.ledger import load_ledger
    from kcdocs.reports.build import report_data
    from kcdocs.reports.figures import case_event

    ledger = load_ledger(_ledger(tmp_path))
    groups = {"R0": "return", "W4": "write_off", "W2": "write_off", "P1": "special_return"}
    events = [case_event(c, groups[c.disposition]) for c in ledger.cases]
    data = report_data("weekly", events, parse_week("2020-W21"), date(2020, 5, 27), names={})
    rows = {r["name"]: (r["start"], r["new"], r["returned"], r["special"], r["writeoff"], r["end"]) for r in data["rows"]}
    # week 21 = 18–24 May: 乙 returned (20 May); nothing else happens
    assert rows == {"市中区": (2, 0, 1, 0, 0, 1), "薛城区": (0, 0, 0, 0, 0, 0), "滕州市": (1, 0, 0, 0, 0, 1)}
    assert data["overdue_days"] == 0  # due Wednesday 27 May


def test_lateness_and_due_dates(tmp_path):
    assert parse_week("2020-W20").due == date(2020, 5, 20)
    assert parse_month("2020-12").due == date(2021, 1, 2)
    out = tmp_path / "w.pdf"
    r = run_cli("report", "weekly", _ledger(tmp_path), "--week", "2020-W20", "-o", out, "--date", "2020-05-23")
    assert r.returncode == 0, r.stderr
    assert "逾期3天" in _text(out) and "已逾期 3 天" in r.stdout


def test_report_pages_identify_themselves(tmp_path):
    out = tmp_path / "m.pdf"
    make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05", output=out,
                              generated=date(2020, 6, 1)))
    payloads = decode_pages(out)
    assert None not in payloads
    n = len(payloads)
    assert [(p.form, p.subject, p.page, p.pages) for p in payloads] == [
        ("monthly-report", "2020M05-ALL", i, n) for i in range(1, n + 1)]
    assert [p.boxes for p in payloads] == [0] * (n - 1) + [1]
    last = page_layout(payloads[-1])
    with pdfplumber.open(out) as doc:
        page = doc.pages[-1]
        mm = 72 / 25.4
        drawn = [(r["x0"] / mm, r["top"] / mm, (r["x1"] - r["x0"]) / mm) for r in page.rects]
        box = last.signatures[0]
        assert any(abs(x - box.x) < 0.5 and abs(y - box.y) < 0.5 and abs(w - box.w) < 0.5 for x, y, w in drawn)
        assert "主要负责人（签字）" in page.extract_text() and "单位盖章" in page.extract_text()
        # nothing of the report's body is printed inside the signature box
        inside = [c for c in page.chars if box.x < c["x0"] / mm < box.x + box.w and box.y < c["top"] / mm < box.y + box.h]
        assert inside == []


def test_last_months_report_regenerates_identically(tmp_path):
    first = make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05",
                                      output=tmp_path / "a.pdf", generated=date(2020, 6, 1)))
    later = [list(r) for r in ROWS]
    later[0][4], later[0][6] = "已复学", "2020-06-12"  # 甲 returns in June
    later.append(["370402-2020-0009", "辛", "市中区", "R0", "劝返中", "2020-06-10", None, None, None])
    again = make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path, later, "l2.xlsx"), period="2020-05",
                                      output=tmp_path / "b.pdf", generated=date(2020, 6, 1)))
    assert again.totals == first.totals


def test_inconsistent_dates_are_caught(tmp_path):
    rows = ROWS + [["370402-2020-0008", "壬", "市中区", "W4", "已核销", "2020-05-10", None, None, "2020-04-20"]]
    out = tmp_path / "m.pdf"
    r = run_cli("report", "monthly", _ledger(tmp_path, rows), "--month", "2020-05", "-o", out, "--date", "2020-06-01")
    assert r.returncode == 1 and "核对不一致" in r.stdout
    assert "核销日期2020-04-20早于登记/辍学日期2020-05-10" in _text(out)


@pytest.mark.parametrize("args, message", [(["--week", "2020-20"], "不是周的写法"), (["--week", "2020-W54"], "没有第54周")])
def test_bad_periods(tmp_path, args, message):
    r = run_cli("report", "weekly", _ledger(tmp_path), *args, "-o", tmp_path / "x.pdf")
    assert r.returncode == 2 and message in r.stderr


def test_long_lists_are_cut_in_the_pdf_and_complete_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    from kcdocs.config import Config

    out = tmp_path / "m.pdf"
    config = Config.model_validate({"reports": {"max_listed": 1}})
    result = make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05", output=out,
                                       generated=date(2020, 6, 1), config=config))
    text = _text(out)
    assert "期末未销号个案（3人，状态为期末时的状态）" in text and "仅列出前1人，另有2人；完整名单见m.名单.xlsx" in text
    wb = load_workbook(result.lists)
    rows = [r for r in wb["期末未销号"].iter_rows(values_only=True)]
    assert rows[0][0] == "台账编号" and sorted(r[1] for r in rows[1:]) == ["己", "庚", "甲"]
    assert [r[1] for r in list(wb["本期新增"].iter_rows(values_only=True))[1:]] == ["乙", "庚"]


def test_word_version_lists_every_open_case(tmp_path):
    from docx import Document

    from kcdocs.config import Config

    config = Config.model_validate({"reports": {"max_listed": 1}})
    make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05", output=tmp_path / "m.pdf",
                              generated=date(2020, 6, 1), config=config, docx_dir=tmp_path / "word"))
    (docx,) = (tmp_path / "word").iterdir()
    table = Document(docx).tables[-1]
    assert sorted(row.cells[1].text for row in table.rows[1:]) == ["己", "庚", "甲"]


def test_vectorised_figures_agree_with_the_event_rules():
    """Counts from the timeline arrays equal counting event by event with ``open_on`` (undated
    openings, undated closings and closings before openings included)."""
    import random
    from datetime import timedelta

    from kcdocs.ledger import Case
    from kcdocs.reports.figures import CLOSE_KINDS, Event, open_counts, open_on, tally

    rng = random.Random(7)
    day = lambda: date(2020, 1, 1) + timedelta(days=rng.randrange(200))  # noqa: E731
    events = []
    for n in range(600):
        case = Case(case_id=f"C{n}", name="某", disposition=rng.choice(["R0", "W4", "P1"]),
                    district=rng.choice(["甲区", "乙区", "丙区"]))
        opened = day() if rng.random() < 0.9 else None
        closed = day() if rng.random() < 0.5 else None
        events.append(Event(case, opened, closed, rng.choice(CLOSE_KINDS) if closed else None))
    start, end = date(2020, 3, 1), date(2020, 3, 31)
    rows, total = tally(events, start, end, lambda e: e.case.district)
    for row in [*rows, total]:
        mine = [e for e in events if row.name == "合计" or e.case.district == row.name]
        assert row.start == sum(open_on(e, start - timedelta(days=1)) for e in mine)
        assert row.new == sum(bool(e.opened and start <= e.opened <= end) for e in mine)
        assert row.end == sum(open_on(e, end) for e in mine)
        for kind in CLOSE_KINDS:
            assert row.closed[kind] == sum(bool(e.closed and start <= e.closed <= end and e.kind == kind)
                                           for e in mine)
    days = [date(2020, 2, 1) + timedelta(days=7 * i) for i in range(12)]
    assert open_counts(events, days) == [sum(open_on(e, d) for e in events) for d in days]
    assert [r.name for r in rows] == ["丙区", "乙区", "甲区"]


def test_lists_workbook_written_beside_and_failures_reported(tmp_path):
    """The child process writes every list; a workbook it cannot write is an error naming the
    file, and a child told nothing writes nothing."""
    from openpyxl import load_workbook

    from kcdocs.reports.lists import ListsError, ListsWriter

    out = tmp_path / "m.pdf"
    result = make_report(ReportOptions(kind="monthly", ledger=_ledger(tmp_path), period="2020-05", output=out,
                                       generated=date(2020, 6, 1)))
    wb = load_workbook(result.lists)
    assert wb.sheetnames == ["本期新增", "本期劝返复学", "本期特殊劝返", "本期核销", "期末未销号", "数据问题"]
    assert [r[1] for r in wb["期末未销号"].iter_rows(min_row=2, values_only=True)] == ["甲", "己", "庚"]
    assert wb["数据问题"]["B2"].value == "己"

    data = {"new": [], "closed": {}, "open": [], "problems": []}
    (tmp_path / "x.名单.xlsx").mkdir()
    with ListsWriter(tmp_path / "x.名单.xlsx") as lists:
        lists.send(data)
        with pytest.raises(ListsError, match="x.名单.xlsx 未能写出：输出路径 .* 是一个文件夹"):
            lists.finish()
    with ListsWriter(tmp_path / "untold.xlsx"):
        pass
    assert not (tmp_path / "untold.xlsx").exists()
