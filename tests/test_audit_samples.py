"""The sample ledger and evidence tree audited end to end against samples/evidence/expected.yaml."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from kcdocs.audit import AuditOptions, audit
from kcdocs.checklists import KINDS, load_checklists
from kcdocs.ledger import load_ledger

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPECTED = yaml.safe_load((SAMPLES / "evidence" / "expected.yaml").read_text(encoding="utf-8"))
AS_OF = date.fromisoformat(str(EXPECTED["as_of"]))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    result = audit(AuditOptions(ledger=SAMPLES / "ledger.xlsx", evidence_root=SAMPLES / "evidence", output=out,
                                as_of=AS_OF))
    return result, out


def test_every_expected_finding_and_no_other(run):
    result, out = run
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    got = {c["case_id"]: c for c in data["cases"]}
    assert set(got) == set(EXPECTED["cases"])
    for case_id, want in EXPECTED["cases"].items():
        case = got[case_id]
        found = sorted((f["rule"], f["kind"]) for f in case["findings"])
        assert found == sorted((f["rule"], f["kind"]) for f in want["findings"]), case_id
        assert case["disposition"] == want["disposition"]
        assert case["complete"] is (not want["findings"])
        state = "不完整" if case["findings"] else ("待复核" if case["review"] else "完整")
        assert state == want["outcome"], case_id
    assert [u["path"] for u in data["unmatched_folders"]] == EXPECTED["unmatched_folders"]
    assert result.exit_code == 1


def test_findings_json_schema(run):
    result, out = run
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["schema"] == "kcdocs.audit/1" and data["as_of"] == AS_OF.isoformat()
    s = data["summary"]
    assert s["cases"] == len(data["cases"]) == s["complete"] + s["incomplete"]
    rules = {i.id for i in load_checklists().all_items()}
    for case in data["cases"]:
        assert set(case) >= {"case_id", "disposition", "complete", "findings", "evidence", "review"}
        assert case["complete"] is (not case["findings"])
        for f in case["findings"]:
            assert f["rule"] in rules and f["kind"] in KINDS and f["message"] and isinstance(f["files"], list)
            for path in f["files"]:
                assert not path.startswith("/") and (SAMPLES / "evidence" / path).exists()
        for e in case["evidence"]:
            assert set(e) >= {"file", "sha256", "rule", "by", "pages", "signatures", "seals"}
            assert e["by"] in (None, "qr", "filename", "text", "ocr")
            assert e["rule"] is None or e["rule"] in rules
        for r in case["review"]:
            assert set(r) >= {"rule", "file", "page", "reason", "confidence"} and r["rule"] in rules


def test_documents_recognised_by_name_and_by_page_title(run):
    result, _ = run
    by_id = {c.case.case_id: c for c in result.cases}
    w7 = by_id["370481-2020-0002"].evidence
    assert [(e.document, e.page, e.by) for e in w7] == [("书面申请", 1, "text"), ("医疗机构检查证明", 2, "text"),
                                                        ("批准意见", 3, "text")]
    p1 = [e for e in by_id["370402-2020-0003"].evidence if e.document == "劝返记录"]
    assert [(e.page, e.by) for e in p1] == [(1, "filename"), (2, "text"), (3, "text")]
    assert all(e.rule == "P1.persuasion_records" for e in p1)
    media = [e for e in by_id["370402-2020-0003"].evidence if e.file.endswith(".mp3")]
    assert media[0].rule == "P1.media"


def test_reports_mask_ids_and_are_self_contained(run):
    result, out = run
    html = (out / "report.html").read_text(encoding="utf-8")
    numbers = [c.id_number for c in load_ledger(SAMPLES / "ledger.xlsx").cases if c.id_number]
    for number in numbers:
        assert number not in html
    assert re.search(r"370402\*{8}\d{3}[\dX]", html)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)  # nothing loaded from the network
    assert "待复核" in html and "不完整" in html and "台账中找不到的文件夹" in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "findings.xlsx")
    assert wb.sheetnames[:2] == ["汇总", "整改台账"]
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(number in cell for number in numbers for cell in cells)
    rows = list(wb["整改台账"].iter_rows(values_only=True))
    assert len(rows) - 1 == sum(len(c.findings) for c in result.cases)


def test_html_escapes_and_xlsx_neutralises(tmp_path):
    from kcdocs.audit.report import safe_cell

    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and safe_cell("@SUM(1)").startswith("'")
    assert safe_cell("正常文字") == "正常文字" and safe_cell(3) == 3
    import shutil

    from openpyxl import load_workbook

    ledger = load_workbook(SAMPLES / "ledger.xlsx")
    ws = ledger["学生台账"]
    reason = next(c.column_letter for c in ws[1] if c.value == "原因分析")
    assert ws["A2"].value == "370402-2020-0001"
    ws["B2"] = "=<script>alert(1)</script>"
    ws["B2"].data_type = "s"  # a text cell that merely starts with "=" (as WPS writes '=…)
    ws[f"{reason}2"] = "无"
    ledger.save(tmp_path / "ledger.xlsx")
    shutil.copytree(SAMPLES / "evidence" / "370402-2020-0001 李明", tmp_path / "ev" / "370402-2020-0001 李明")
    audit(AuditOptions(ledger=tmp_path / "ledger.xlsx", evidence_root=tmp_path / "ev", output=tmp_path / "o",
                       as_of=AS_OF, cases=["370402-2020-0001"]))
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    rows = list(load_workbook(tmp_path / "o" / "findings.xlsx")["整改台账"].iter_rows(values_only=True))
    assert rows[1][2] == "'=<script>alert(1)</script>" and rows[1][-1] == "C.reason"
    data = json.loads((tmp_path / "o" / "findings.json").read_text(encoding="utf-8"))
    assert [c["case_id"] for c in data["cases"]] == ["370402-2020-0001"]
