"""The messy sample roster (samples/messy, made by tools/make_messy_samples.py) runs as `make demo`
runs it: every class sheet read, every footer row named with its sheet and row, campus names natural."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber

REPO = Path(__file__).resolve().parent.parent
ROSTER = REPO / "samples" / "messy" / "名册_分班_含合计行.xlsx"


def test_sample_is_what_the_generator_makes(tmp_path):
    from openpyxl import load_workbook

    from tools.make_messy_samples import class_roster

    made = class_roster(tmp_path)
    values = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in load_workbook(made)]
    assert values == [[list(r) for r in ws.iter_rows(values_only=True)] for ws in load_workbook(ROSTER)]


def test_messy_roster_prints_every_child_and_names_every_footer(tmp_path):
    out = tmp_path / "入学通知书_分班名册.pdf"
    proc = subprocess.run([sys.executable, "-m", "kcdocs", "notices", "enrollment", str(ROSTER), "-o", str(out),
                           "--date", "2020-08-01", "--unit", "峄城区教育和体育局"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with pdfplumber.open(out) as pdf:
        pages = [re.sub(r"\s+", "", p.extract_text()) for p in pdf.pages]
    assert len(pages) == 6  # three class sheets: 3 + 2 + 1 children
    assert "王强" in pages[0] and "送其到实验小学（光明校区）报到入学" in pages[0]
    assert "送其到实验学校北校区报到入学" in pages[3] and "送其到峨山口教学点报到入学" in pages[5]
    assert "学校学校" not in "".join(pages) and "校区学校" not in "".join(pages)
    err = proc.stderr
    for sheet, row, text in (("一年级1班", 7, "合计：3人"), ("一年级1班", 8, "制表人"), ("一年级2班", 6, "合计：2人"),
                             ("一年级2班", 7, "填表说明"), ("教学点", 5, "合计：1人"), ("教学点", 6, "审核人")):
        assert re.search(f"「{sheet}」 第{row}行：[^\\n]*{text}[^\\n]*已跳过", err), (sheet, row)
    assert "「说明」" in err and "王强" in err  # the notes sheet and the trimmed name are said too
