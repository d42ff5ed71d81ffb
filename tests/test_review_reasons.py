"""A signature left to a person says the true cause: a picture too coarse to read, a text PDF,
pages not read in this run — not a generic 'not a kcdocs form'."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO

KCDOCS = str(REPO / ".venv" / "bin" / "kcdocs")


def _reviews(tmp_path, *extra) -> dict[str, list[str]]:
    out = tmp_path / "audit"
    done = subprocess.run([KCDOCS, "audit", str(REPO / "samples" / "ledger.xlsx"), str(REPO / "samples" / "evidence"),
                           "-o", str(out), "--as-of", "2020-06-15", "--no-cache", *extra],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    cases = json.loads((out / "findings.json").read_text("utf-8"))["cases"]
    return {c["case_id"]: [r["reason"] for r in c.get("review", [])] for c in cases}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    return _reviews(tmp_path_factory.mktemp("reasons"))


def test_small_picture_is_named_as_too_coarse(scanned):
    # 劝返记录.jpg of this case is a 420 × 594 picture: about 51 dpi on A4
    reasons = [r for r in scanned["370404-2020-0003"] if r.startswith("签名待核验")]
    assert reasons and all("分辨率过低" in r and "dpi" in r for r in reasons), reasons


def test_text_pdf_is_named_as_such(scanned):
    reasons = [r for r in scanned["370402-2020-0003"] if "PDF 标题" in r]
    assert reasons and all("文字版 PDF" in r for r in reasons), reasons


def test_no_scan_run_says_pages_were_not_read(tmp_path):
    reasons = [r for r in _reviews(tmp_path, "--no-scan")["370404-2020-0003"] if r.startswith("签名待核验")]
    assert reasons and all("--no-scan" in r for r in reasons), reasons
