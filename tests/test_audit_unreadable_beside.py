"""An unreadable file named after a document is reported even when that item fails otherwise
(e.g. a forged or corrupt copy beside an unsealed one): nothing is hidden behind another finding."""

from __future__ import annotations

import json
import shutil

from PIL import Image, ImageDraw

from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"
CASE = "370403-2020-0002"  # W1: the household correction needs a seal


def test_corrupt_copy_reported_beside_unsealed_document(tmp_path):
    shutil.copy(SAMPLES / "ledger.xlsx", tmp_path / "ledger.xlsx")
    evidence = tmp_path / "ev"
    shutil.copytree(SAMPLES / "evidence", evidence)
    folder = next(evidence.glob(f"{CASE}*"))
    for old in folder.iterdir():
        old.unlink()
    page = Image.new("RGB", (1654, 2339), "white")  # A4 at 200 dpi, colour, no red seal
    draw = ImageDraw.Draw(page)
    for y in range(300, 900, 60):
        draw.rectangle((200, y, 1400, y + 18), fill=(30, 40, 160))
    page.save(folder / "户口信息更正证明.jpg", quality=90, dpi=(200, 200))
    (folder / "户口信息更正证明_副本.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage")
    out = tmp_path / "o"
    r = run_cli("audit", tmp_path / "ledger.xlsx", evidence, "-o", out, "--as-of", "2020-06-15", "--case", CASE,
                "--no-cache")
    assert r.returncode == 1, r.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["cases"][0]["findings"]
    kinds = {(f["rule"], f["kind"]) for f in findings}
    assert ("W1.household_correction", "unsealed") in kinds
    assert ("W1.household_correction", "unreadable") in kinds
