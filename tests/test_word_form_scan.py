"""A form printed from its Word version, fully signed, is never audited as unsigned.

Word, WPS and LibreOffice lay the .docx out their own way, so its signature boxes are not at the
places the layout registry knows. Its QR code says so (layout not fixed) and the audit sends each
signature to review with that reason. The test lays the .docx out with LibreOffice, signs every
box on the rendered page (found by the signers' names printed under the boxes), scans it at
200 dpi, files it in the case folder and audits."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

from kcdocs.marks.layout import Box
from kcdocs.scan import synth
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

LEDGER = REPO / "samples" / "ledger.xlsx"
CASE, NAME, SIGNERS = "370402-2020-0001", "李明", ("张伟", "刘芳", "李某某")
DPI = 200


def _kcdocs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv" / "bin" / "kcdocs"), *args], capture_output=True, text=True,
                          timeout=300)


def _word_form_pdf(tmp) -> "Path":  # noqa: F821
    words = tmp / "word"
    done = _kcdocs("forms", "persuasion-record", str(LEDGER), "-o", str(tmp / "forms.pdf"), "--case", CASE,
                   "--docx", str(words))
    assert done.returncode == 0, done.stderr
    docx = next(words.glob("*.docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(docx)],
                   check=True, capture_output=True, timeout=240, cwd=tmp)
    return next((tmp / "lo").glob("*.pdf"))


def _signed_scan(pdf, out) -> int:
    """Render every page at 200 dpi, sign above each signer's printed name; returns boxes signed."""
    rng = np.random.default_rng(5)
    signed, images = 0, []
    with pdfplumber.open(pdf) as plumb:
        doc = pdfium.PdfDocument(pdf)
        for number, (page, layout) in enumerate(zip(doc, plumb.pages), 1):
            rgb = np.array(page.render(scale=DPI / 72).to_pil().convert("RGB"))
            words = layout.extract_words()
            labels = max((w["top"] for w in words if w["text"].endswith("签字")), default=1e9)
            for word in words:  # the signature table: the names under its "…签字" labels
                if word["text"] in SIGNERS and number == len(plumb.pages) and word["top"] > labels:
                    mm = 25.4 / 72  # a signature in the cell above the name: 18 mm high, 30 mm wide
                    synth.sign(rgb, Box(word["x0"] * mm, word["top"] * mm - 20, 30, 18), DPI, rng)
                    signed += 1
            images.append(synth.jpeg(rgb, 85))
    import img2pdf

    out.write_bytes(img2pdf.convert(images))
    return signed


def test_word_printed_form_goes_to_review_not_unsigned(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(REPO / "samples" / "evidence" / f"{CASE} {NAME}", evidence / f"{CASE} {NAME}")
    folder = evidence / f"{CASE} {NAME}"
    for old in folder.glob("劝返记录*"):
        old.unlink()  # the record now comes back from its Word version only
    assert _signed_scan(_word_form_pdf(tmp_path), folder / "扫描_Word版劝返记录.pdf") == len(SIGNERS)

    done = _kcdocs("audit", str(LEDGER), str(evidence), "-o", str(tmp_path / "audit"), "--as-of", "2020-06-15",
                   "--case", CASE, "--no-cache")
    assert done.returncode in (0, 1), done.stderr
    case = next(c for c in json.loads((tmp_path / "audit" / "findings.json").read_text("utf-8"))["cases"]
                if c["case_id"] == CASE)
    kinds = [f["kind"] for f in case["findings"]]
    assert "unsigned" not in kinds, case["findings"]
    reviews = [r["reason"] for r in case.get("review", [])]
    word = [r for r in reviews if "Word 版" in r]
    staff = SIGNERS[:2]  # the checklist asks every staff member to sign the record
    assert len(word) == len(staff), reviews  # every signer named, with the true cause
    assert all(any(s in r for r in word) for s in staff)
    assert case["status"] == "review"
