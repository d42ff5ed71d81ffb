"""The OCR demo of make demo, through the real CLI on the committed samples: an unnamed scan
(IMG_0001.jpg) identified by OCR satisfies the missing death proof, a phone photo of a 火化证明
about another child is a finding, and a generic 情况说明 is left to review."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import REPO, run_cli

FENG, WANG, ZHENG = "370405-2020-0002", "370405-2020-0001", "370404-2020-0002"


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ocr_samples")
    evidence = tmp / "evidence"
    shutil.copytree(REPO / "samples" / "evidence", evidence)
    shutil.copytree(REPO / "samples" / "ocr", evidence, dirs_exist_ok=True)
    done = run_cli("audit", REPO / "samples" / "ledger.xlsx", evidence, "-o", tmp / "out", "--as-of", "2020-06-15",
                   "--no-cache")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    data = json.loads((tmp / "out" / "findings.json").read_text("utf-8"))
    return {c["case_id"]: c for c in data["cases"]}


def _used(case, name):
    (entry,) = [e for e in case["evidence"] if e["file"].endswith(name)]
    return entry


def test_unnamed_scan_satisfies_the_missing_death_proof(cases):
    entry = _used(cases[FENG], "/IMG_0001.jpg")
    assert entry["by"] == "ocr" and entry["document"] == "死亡医学证明", entry
    assert not [f for f in cases[FENG]["findings"] if f["rule"] == "W4.death_proof"]


def test_certificate_about_another_child_is_caught(cases):
    entry = _used(cases[WANG], "/微信图片_20200601093512.jpg")
    assert entry["by"] == "ocr" and entry["document"] == "火化证明"
    (finding,) = [f for f in cases[WANG]["findings"] if f["rule"] == "C.subject"]
    assert "李强" in finding["message"] and "王芳" in finding["message"]
    assert cases[WANG]["status"] == "incomplete"


def test_generic_title_goes_to_review(cases):
    assert _used(cases[ZHENG], "/扫描件001.jpg")["by"] == "ocr"
    assert any(r["file"].endswith("/扫描件001.jpg") for r in cases[ZHENG]["review"])
