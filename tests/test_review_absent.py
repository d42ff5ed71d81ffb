"""A checklist item of severity review about a document that is not there is a review note no
decision can confirm: it is marked absent in findings.json and left out of the decisions workbook."""

from __future__ import annotations

import json
import shutil

from openpyxl import load_workbook

from tests.test_bulletin_cli import LEDGER, REPO, kcdocs

CASE = "370405-2020-0002"  # W4 without any death certificate in its folder


def test_missing_document_cannot_be_confirmed(tmp_path):
    lists = tmp_path / "清单"
    shutil.copytree(REPO / "checklists", lists)
    w4 = lists / "w4.yaml"
    w4.write_text(w4.read_text("utf-8").replace("    evidence: scan\n", "    evidence: scan\n    severity: review\n", 1),
                  "utf-8")
    done = kcdocs("audit", LEDGER, REPO / "samples" / "evidence", "-o", "稽核", "--as-of", "2020-06-15",
                  "--checklists", lists, "--case", CASE, "--no-cache", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    case = json.loads((tmp_path / "稽核" / "findings.json").read_text("utf-8"))["cases"][0]
    notes = [r for r in case["review"] if r["rule"] == "W4.death_proof"]
    assert notes and all(r.get("absent") for r in notes), case["review"]

    assert kcdocs("review", "export", "稽核", "-o", "待复核.xlsx", cwd=tmp_path).returncode == 0
    ws = load_workbook(tmp_path / "待复核.xlsx").active
    rows = [" ".join(str(v) for v in row if v) for row in ws.iter_rows(min_row=2, values_only=True)]
    assert not any("死亡证明" in r for r in rows), rows
