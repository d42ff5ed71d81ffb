"""Write the notice samples: samples/enrollment_roster.xlsx (60 rows) and
samples/return_roster.csv (30 rows, GB18030). All people are fictional.

python tools/make_samples.py
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tools.synth import bureau, roster_rows

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def enrollment(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "新生名册"
    ws.append(["2020年秋季义务教育一年级新生入学名册（示例数据，均为虚构）"])
    ws.merge_cells("A1:I1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["序号", "学生姓名", "性别", "身份证号", "监护人姓名", "联系电话", "学校", "报到截止日期", "发文单位"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, r in enumerate(roster_rows(60, seed=2020), start=1):
        ws.append([i, r["name"], r["sex"], r["id"], r["guardian"], r["phone"], r["school"],
                   date(2020, 8, 25), bureau(r["region"])])
        ws.cell(ws.max_row, 4).number_format = "@"
        ws.cell(ws.max_row, 8).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEFGHI", (6, 10, 6, 22, 10, 14, 28, 14, 28)):
        ws.column_dimensions[col].width = width
    wb.save(path)


def returns(path: Path) -> None:
    rng = random.Random(16)
    rows = roster_rows(30, seed=16, first=date(2005, 9, 1), last=date(2012, 8, 31))
    date_forms = ("2020/5/20", "2020年5月20日", "2020-05-20", "20200520")
    with path.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "身份证号码", "家长姓名", "报到学校", "截止日期", "单位"])
        for r in rows:
            w.writerow([r["name"], r["id"], r["guardian"], r["school"], rng.choice(date_forms),
                        bureau(r["region"])])


if __name__ == "__main__":
    SAMPLES.mkdir(exist_ok=True)
    enrollment(SAMPLES / "enrollment_roster.xlsx")
    returns(SAMPLES / "return_roster.csv")
    print("samples written to", SAMPLES)
