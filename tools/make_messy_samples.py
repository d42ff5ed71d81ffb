"""Generate samples/messy/: inputs as districts really have them (fictional people).

    python -m tools.make_messy_samples [--out samples/messy]

- ``台账_含合计行.xlsx``: the sample ledger (samples/ledger.xlsx) with a title row, 处置类型 written
  as the headings of 附件1 of the notice (户籍重复的（含迁出未注销的）, 强制劝返…), footer rows
  (合计, 制表人/审核人, 填表说明) and one row with two bad cells, plus one bad 劝返记录 row;
- ``evidence/``: the sample evidence with one document under a phone's file name
  (微信图片_20200516093012.jpg instead of 火化证明_王芳.jpg: read by OCR), and two files under a phone's
  and a scanner app's name whose content nobody can identify (IMG_0001.jpg, 扫描全能王 2020-05-13.pdf)
  in a case that misses a document, so that the audit names them with the fix;
- ``名册_分班_含合计行.xlsx``: an enrolment roster kept as schools keep it — one sheet per class, a
  title line above the header, footer rows (合计, 制表人/审核人, 填表说明), a name padded with a
  full-width space, school names with a campus in parentheses, a 校区 and a 教学点, and a sheet of
  notes that is no roster.

Each part is one function, so that more messy inputs can be added beside them.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
LEDGER_NAME = "台账_含合计行.xlsx"
# 处置类型 as the notice's headings (and other spellings users write), by code.
SEED_WORDS = {
    "R0": "劝返复学", "W1": "（一）年龄不符的。", "W2": "户籍重复的（含迁出未注销的）", "W3": "失踪失联的",
    "W4": "核销·实际死亡", "W5": "因身体原因不具备学习条件的", "W6": "实际就读无学籍的",
    "W7": "因特殊原因申请延缓入学（正常休学）的", "P1": "引导至中职学校接受教育", "P2": "强制劝返",
}
BAD_CASE = "370406-2020-0001"  # its row gets an unknown 处置类型 and a date that does not exist
BAD_ATTEMPT_CASE = "370402-2020-0003"  # its 2nd attempt gets a 方式 nobody can read
PHONE_CASE, PHONE_FROM, PHONE_TO = "370405-2020-0001 王芳", "火化证明_王芳.jpg", "微信图片_20200516093012.jpg"
UNIDENTIFIED_CASE = "370481-2020-0003 沈阳"  # misses its 医院证明: two files nobody can identify beside
UNREADABLE_NAMES = ("IMG_0001.jpg", "扫描全能王 2020-05-13.pdf")
FOOTERS = [["合计：21人"], ["制表人：张伟", None, None, None, None, "审核人：刘芳"],
           ["填表说明：处置类型按《义务教育劝返复学具体情形工作指引》填写；日期写成 2020-06-15。"]]
FIXED_TIME = datetime(2020, 6, 15, 9, 0, 0)


def _columns(ws, header_row: int) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[header_row] if c.value}


def messy_ledger(out: Path) -> Path:
    """台账_含合计行.xlsx from the clean sample ledger."""
    from openpyxl import load_workbook

    from kcdocs.checklists import load_checklists

    table = load_checklists().disposition_table()
    wb = load_workbook(SAMPLES / "ledger.xlsx")
    ws = wb["学生台账"]
    col = _columns(ws, 1)
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row, col["处置类型"])
        found = table.resolve(cell.value)
        if found is not None:
            cell.value = SEED_WORDS[found.code]
        if ws.cell(row, col["台账编号"]).value == BAD_CASE:
            cell.value = "核销·出国定居"
            ws.cell(row, col["辍学日期"]).value = "2019-02-30"
    for footer in [[]] + FOOTERS:
        ws.append(footer)
    ws.insert_rows(1)
    ws.cell(1, 1).value = "滕州市控辍保学工作台账（2020年6月）"
    attempts = wb["劝返记录"]
    acol = _columns(attempts, 1)
    for row in range(2, attempts.max_row + 1):
        if (attempts.cell(row, acol["台账编号"]).value == BAD_ATTEMPT_CASE
                and str(attempts.cell(row, acol["序号"]).value) == "2"):
            attempts.cell(row, acol["方式"]).value = "飞鸽传书"
    attempts.append(["合计：14次"])
    wb.properties.created = wb.properties.modified = FIXED_TIME
    out.mkdir(parents=True, exist_ok=True)
    path = out / LEDGER_NAME
    wb.save(path)
    return path


def phone_named_evidence(out: Path) -> Path:
    """evidence/: the sample evidence, one document saved under the name a phone gives it."""
    target = out / "evidence"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLES / "evidence", target, ignore=shutil.ignore_patterns("expected.yaml"))
    folder = target / PHONE_CASE
    (folder / PHONE_FROM).rename(folder / PHONE_TO)
    for n, name in enumerate(UNREADABLE_NAMES):
        _noise(n).save(target / UNIDENTIFIED_CASE / name, "PDF" if name.endswith(".pdf") else "JPEG", resolution=150)
    return target


def _noise(seed: int):
    """A picture of noise: a page nobody (and no OCR) can identify, the same on every run."""
    import random

    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("L", (320, 240))
    image.putdata([rng.randrange(256) for _ in range(320 * 240)])
    return image.convert("RGB")


ROSTER_NAME = "名册_分班_含合计行.xlsx"
ROSTER_HEADER = ["序号", "学生姓名", "性别", "身份证号", "监护人姓名", "联系电话", "学校", "报到截止日期"]
# (sheet, [(name, sex, birth YYYYMMDD, sequence, guardian, phone, school)], footer rows)
CLASSES = [
    ("一年级1班", [("王　强", "男", "20140301", 11, "王大山", "13906321001", "实验小学（光明校区）"),
                 ("李欣怡", "女", "20140412", 22, "李建军", "13906321002", "实验小学（光明校区）"),
                 ("张子轩", "男", "20140520", 31, "张伟", "13906321003", "实验小学（光明校区）")],
     [["合计：3人"], ["制表人：刘芳", None, None, None, "审核人：陈刚"]]),
    ("一年级2班", [("赵雨桐", "女", "20140607", 42, "赵磊", "13906321004", "实验学校北校区"),
                 ("孙浩然", "男", "20140715", 51, "孙强", "13906321005", "实验学校北校区")],
     [["合计：2人"], ["填表说明：身份证号请设为文本格式；报到截止日期写成 2020-08-25。"]]),
    ("教学点", [("周思远", "男", "20140802", 61, "周平", "13906321006", "峨山口教学点")],
     [["合计：1人"], ["制表人：刘芳  审核人：陈刚"]]),
]


def _id(birth: str, seq: int, county: str = "370404") -> str:
    from kcdocs.idnumber import check_char

    body = f"{county}{birth}{seq:03d}"
    return body + check_char(body)


def class_roster(out: Path) -> Path:
    """名册_分班_含合计行.xlsx: one sheet per class with title and footer rows, campus school names."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, pupils, footers in CLASSES:
        ws = wb.create_sheet(title)
        ws.append([f"2020年秋季一年级新生名册（{title}，示例数据，均为虚构）"])
        ws.append(ROSTER_HEADER)
        for n, (name, sex, birth, seq, guardian, phone, school) in enumerate(pupils, start=1):
            ws.append([n, name, sex, _id(birth, seq), guardian, phone, school, datetime(2020, 8, 25)])
            ws.cell(ws.max_row, 4).number_format = "@"
            ws.cell(ws.max_row, 8).number_format = "yyyy-mm-dd"
        ws.append([])
        for footer in footers:
            ws.append(footer)
    wb.create_sheet("说明").append(["填表说明：每班一张表，表头不要改动。"])
    wb.properties.created = wb.properties.modified = FIXED_TIME
    out.mkdir(parents=True, exist_ok=True)
    path = out / ROSTER_NAME
    wb.save(path)
    return path


PARTS = {"ledger": lambda out: messy_ledger(out), "evidence": lambda out: phone_named_evidence(out),
         "roster": lambda out: class_roster(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES / "messy")
    parser.add_argument("parts", nargs="*", choices=[*PARTS, []], help="only these parts (default: all)")
    args = parser.parse_args()
    for part in args.parts or PARTS:
        print(PARTS[part](args.out))


if __name__ == "__main__":
    main()
