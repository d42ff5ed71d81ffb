"""An audit of a few cases (--case) does not stand for a district in the city's bulletin: the
newest kept audit of every case is used, and the user is told."""

from __future__ import annotations

import json
import shutil

import pdfplumber

from tests.test_bulletin_cli import LEDGER, REPO, kcdocs


def test_case_audit_does_not_shrink_a_district(tmp_path):
    shutil.copytree(REPO / "samples" / "evidence", tmp_path / "ev")
    for extra in ([], ["--case", "370402-2020-0001"]):
        done = kcdocs("audit", LEDGER, "ev", "-o", "稽核", "--as-of", "2020-06-15", *extra, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
    current = json.loads((tmp_path / "稽核" / "findings.json").read_text("utf-8"))
    assert current.get("partial") is True and len(current["cases"]) == 1

    done = kcdocs("bulletin", "稽核", "-o", "通报.pdf", "--xlsx", "通报.xlsx", "--date", "2020-06-30", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "--case" in done.stdout + done.stderr and "全部案例" in done.stdout + done.stderr
    with pdfplumber.open(tmp_path / "通报.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "共稽核控辍保学个案21个" in text.replace("\n", ""), text[:400]
