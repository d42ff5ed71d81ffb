"""findings.json, report.html and findings.xlsx tell the same story: one per-case ``status``
(complete / review / incomplete) and the same three counts everywhere; ``complete`` kept as it
was defined (no findings; review items allowed) so existing readers do not break.

Real audit of the sample ledger and evidence through the CLI, the HTML parsed back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.phone_names import phone_named_copy

LABELS = {"complete": "完整", "review": "待复核", "incomplete": "不完整"}


class _Page(HTMLParser):
    """The case list's rows (case id -> data-state) and the summary cards (label -> number)."""

    def __init__(self):
        super().__init__()
        self.states: dict[str, str] = {}
        self.cards: dict[str, int] = {}
        self._row_state: str | None = None
        self._in_cases = self._in_card = False
        self._grab: str | None = None
        self._number: int | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "cases":
            self._in_cases = True
        if self._in_cases and tag == "tr" and "data-state" in a:
            self._row_state = a["data-state"]
        if self._row_state and tag == "a" and "data-open" in a:
            self._grab = "case"
        if tag == "div" and (a.get("class") or "").split()[:1] == ["card"]:
            self._in_card = True
        if self._in_card and tag in ("b", "span"):
            self._grab = tag

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_cases = False
        if tag == "tr":
            self._row_state = None
        if tag == "div" and self._in_card:
            self._in_card = False
        if tag in ("a", "b", "span"):
            self._grab = None

    def handle_data(self, data):
        if self._grab == "case" and self._row_state:
            self.states[data.strip()] = self._row_state
        elif self._grab == "b":
            self._number = int(data)
        elif self._grab == "span" and self._number is not None:
            self.cards[data.split("（")[0]] = self._number
            self._number = None


@pytest.fixture(scope="module")
def audit(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("status")
    ledger, evidence = phone_named_copy(root)
    out = root / "audit"
    proc = subprocess.run([sys.executable, "-m", "kcdocs", "audit", str(ledger), str(evidence), "-o", str(out),
                           "--as-of", "2020-06-15"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # the samples plant problems on purpose
    page = _Page()
    page.feed((out / "report.html").read_text(encoding="utf-8"))
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {"proc": proc, "data": data, "page": page, "out": out}


def test_every_case_has_one_of_three_statuses_and_complete_is_kept(audit):
    cases = audit["data"]["cases"]
    assert {c["status"] for c in cases} == set(LABELS)  # the samples have all three
    for c in cases:
        assert c["complete"] is (c["status"] != "incomplete"), c["case_id"]  # complete: no findings
        assert (c["status"] == "incomplete") is bool(c["findings"])
        assert (c["status"] == "review") is (not c["findings"] and bool(c["review"]))


def test_report_html_states_equal_findings_json(audit):
    html_states = audit["page"].states
    json_states = {c["case_id"]: LABELS[c["status"]] for c in audit["data"]["cases"]}
    assert html_states == json_states


def test_summary_counts_agree_in_json_html_xlsx_and_the_message(audit):
    data = audit["data"]
    summary = data["summary"]
    counted = {s: sum(c["status"] == s for c in data["cases"]) for s in LABELS}
    assert summary["status"] == counted
    assert summary["complete"] == counted["complete"] + counted["review"]  # as it always was
    assert summary["incomplete"] == counted["incomplete"] and summary["review"] == counted["review"]
    cards = audit["page"].cards
    assert cards["案例总数"] == summary["cases"] == len(data["cases"])
    assert {s: cards[LABELS[s]] for s in LABELS} == counted
    total = [r for r in load_workbook(audit["out"] / "findings.xlsx")["汇总"].iter_rows(values_only=True)
             if r[0] == "合计"][0]
    assert total[2:6] == (summary["cases"], counted["complete"], counted["review"], counted["incomplete"])
    line = audit["proc"].stdout.splitlines()[0]
    assert (f"完整 {counted['complete']} 个，待复核 {counted['review']} 个，不完整 {counted['incomplete']} 个"
            in line), line
