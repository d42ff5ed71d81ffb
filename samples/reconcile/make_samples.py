"""Build the fictional sample inputs of `kcdocs reconcile` and the list of what is planted.

    .venv/bin/python samples/reconcile/make_samples.py [OUT_DIR]

Writes (default: this folder) 户籍名单_公安.xlsx, 扶贫办_建档立卡.csv (GB18030), 残联_残疾儿童.xlsx,
学籍_平台导出.xlsx and expected.json. Every name, number and address is invented; the ID numbers
are valid (GB 11643 check character) Zaozhuang numbers. Reference date 2020-05-15, cut-off 08-31:
school age = born 2003-09-01 … 2013-08-31.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

from kcdocs.idnumber import check_char

AS_OF = "2020-05-15"


def make_id(county: str, birth: str, seq: int, *, want_x: bool = False) -> str:
    """A valid ID number; with ``want_x`` the first sequence whose check character is X."""
    while True:
        body = f"{county}{birth.replace('-', '')}{seq:03d}"
        number = body + check_char(body)
        if not want_x or number.endswith("X"):
            return number
        seq += 2


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


# key: (name, sex, county, birth, township, village, guardian)
PEOPLE = {
    "E1": ("张子涵", "女", "370402", "2012-03-08", "中心街街道", "青檀社区", "张国强"),
    "E2": ("王浩然", "男", "370403", "2011-05-17", "临城街道", "临山社区", "王建华"),
    "E3": ("李欣怡", "女", "370404", "2010-09-30", "坛山街道", "坛山村", "李明"),
    "E4": ("赵一诺", "男", "370405", "2009-12-01", "运河街道", "运河社区", "赵刚"),
    "E5": ("孙宇轩", "男", "370406", "2008-02-29", "山城街道", "府前社区", "孙立"),
    "E6": ("周思远", "男", "370481", "2007-06-18", "荆河街道", "荆河社区", "周平"),
    "E7": ("吴佳琪", "女", "370481", "2006-10-10", "龙泉街道", "龙泉社区", "吴军"),
    "E8": ("郑梓轩", "男", "370402", "2005-01-23", "税郭镇", "税郭村", "郑勇"),
    "E9": ("冯诗涵", "女", "370403", "2004-07-07", "兴仁街道", "兴仁社区", "冯涛"),
    "E10": ("陈俊熙", "男", "370404", "2003-09-01", "古邵镇", "古邵村", "陈超"),
    "S1": ("王小明", "男", "370402", "2010-03-15", "税郭镇", "东王庄村", "王大山"),
    "S2": ("李梅", "女", "370406", "2008-11-02", "店子镇", "南峪村", "李福"),
    "S3": ("赵强", "男", "370481", "2011-07-20", "洪绪镇", "洪绪村", "赵德"),
    "S4": ("陈晨", "女", "370403", "2013-08-31", "沙沟镇", "沙沟村", "陈林"),
    "S5": ("吴刚", "男", "370404", "2006-04-10", "古邵镇", "贾庄村", "吴海"),
    "S6": ("马兰", "女", "370405", "2009-09-09", "邳庄镇", "邳庄村", "马军"),
    "R1": ("孙丽", "女", "370404", "2009-06-01", "阴平镇", "阴平村", "孙江"),
    "R2": ("周杰", "男", "370402", "2007-02-14", "孟庄镇", "孟庄村", "周福来"),
    "D1a": ("刘洋", "男", "370481", "2008-05-05", "北辛街道", "北辛社区", "刘建国"),
    "D1b": ("刘洋", "男", "370403", "2008-05-05", "常庄街道", "常庄社区", "刘建国"),
    "Y1": ("郑好", "女", "370402", "2013-09-01", "光明路街道", "光明社区", "郑明"),
    "O1": ("冯远", "男", "370405", "2003-08-31", "运河街道", "运河社区", "冯山"),
    "T1": ("张伟", "男", "370102", "2009-01-01", "", "", "张军"),  # 济南 child at a Zaozhuang school
    "T2": ("钱多", "男", "370405", "2010-10-10", "", "", "钱进"),  # local ID, missing from the lists
}


def ids() -> dict[str, str]:
    out = {}
    for n, (key, (_, sex, county, birth, *_rest)) in enumerate(PEOPLE.items()):
        seq = 10 + 2 * n + (1 if sex == "男" else 0)
        out[key] = make_id(county, birth, seq, want_x=(key == "E2"))
    return out


def police_rows(idn: dict[str, str]) -> list[list]:
    rows = []
    keys = [k for k in PEOPLE if k not in ("S6", "T1", "T2")]
    for n, key in enumerate(keys, start=1):
        name, sex, county, birth, town, village, guardian = PEOPLE[key]
        number = idn[key]
        if key == "E1":
            number = fullwidth(number[:6]) + " " + number[6:]  # full-width digits and a space, as typed
        if key == "E8":
            town = "370402101"  # a township code instead of its name (税郭镇)
        address = f"山东省枣庄市{PEOPLE[key][4]}{village}"
        rows.append([n, name, sex, number, birth, "", town, village, address,
                     guardian, f"1380632{n:04d}", "公安"])
    bad = make_id("370402", "2009-04-04", 31)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")  # wrong check character
    rows.append([len(rows) + 1, "何错", "男", bad, "2009-04-04", "市中区", "中心街街道", "青檀社区", "",
                 "何大", "", "公安"])
    rows.append([len(rows) + 1, "许数", "女", 3.70402201006e17, "2010-06-01", "市中区", "中心街街道", "青檀社区",
                 "", "许二", "", "公安"])  # an ID typed into a number cell: digits lost
    return rows


def write_samples(folder: Path) -> dict:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    idn = ids()
    wb = Workbook()
    ws = wb.active
    ws.title = "户籍人口"
    ws.append(["枣庄市适龄儿童少年户籍信息（公安机关提供，虚构示例）"])
    ws.append(["序号", "姓名", "性别", "公民身份号码", "出生日期", "区（市）", "乡镇（街道）", "村（社区）",
               "户籍地址", "监护人", "联系电话", "来源"])
    for row in police_rows(idn):
        ws.append(row)
    wb.save(folder / "户籍名单_公安.xlsx")

    with open(folder / "扶贫办_建档立卡.csv", "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "公民身份号码", "区(市)", "乡镇(街道)", "户主姓名"])
        for key in ("S2", "S6", "E3"):
            name, _, county, _, town, _, guardian = PEOPLE[key]
            w.writerow([name, idn[key], {"370406": "山亭区", "370405": "台儿庄区", "370404": "峄城区"}[county],
                        town, guardian])

    wb = Workbook()
    ws = wb.active
    ws.title = "残疾儿童"
    ws.append(["姓名", "残疾人证号", "残疾类别", "残疾等级"])
    for key, kind in (("S3", "肢体"), ("E4", "听力")):
        ws.append([PEOPLE[key][0], idn[key] + "42", kind, "二级"])
    wb.save(folder / "残联_残疾儿童.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.title = "学生信息"
    ws.append(["山东省基础教育信息化管理平台 学生信息导出（虚构示例）"])
    ws.append(["全国学籍号", "身份证件号", "姓名", "性别", "出生日期", "学校名称", "年级", "班级", "学籍状态"])
    schools = {"370402": "市中区实验小学", "370403": "薛城区临城中学", "370404": "峄城区坛山小学",
               "370405": "台儿庄区运河小学", "370406": "山亭区实验小学", "370481": "滕州市北辛中学",
               "370102": "滕州市北辛中学"}
    for key in ("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10", "S5", "D1a", "T1", "T2"):
        name, sex, county, birth, *_ = PEOPLE[key]
        number = idn[key]
        shown = number.lower() if key == "E2" else ("" if key in ("E6", "E7") else number)  # E6/E7: 学籍号 only
        ws.append([f"G{number}", shown, name, sex, date.fromisoformat(birth), schools[county],
                   "七年级" if birth < "2008" else "三年级", "1班", "辍学" if key == "S5" else "在读"])
    r1 = PEOPLE["R1"]
    ws.append(["J37040420090601001" + "3", "", r1[0], r1[1], date.fromisoformat(r1[3]), "峄城区阴平小学",
               "五年级", "2班", "在读"])  # no ID number: a 待核实 candidate, never merged
    r2_id = idn["R2"]
    typo = r2_id[:15] + ("3" if r2_id[15] != "3" else "4") + r2_id[16:]  # one digit wrong: invalid
    ws.append(["", typo, "周洁", "男", date.fromisoformat(PEOPLE["R2"][3]), "市中区孟庄中学", "七年级", "3班",
               "在读"])
    wb.save(folder / "学籍_平台导出.xlsx")

    expected = {
        "as_of": AS_OF,
        "suspected": {idn[k]: {"name": PEOPLE[k][0], "kind": "辍学" if k == "S5" else "失学",
                               "groups": {"S2": ["建档立卡"], "S6": ["建档立卡"], "S3": ["残疾"]}.get(k, [])}
                      for k in ("S1", "S2", "S3", "S4", "S5", "S6")},
        "review": {idn[k]: PEOPLE[k][0] for k in ("R1", "R2")},
        "duplicate": {idn["D1b"]: PEOPLE["D1b"][0]},
        "duplicate_group": sorted([idn["D1a"], idn["D1b"]]),
        "students_only": {"T1": {"id": idn["T1"], "reason": "外地户籍"}, "T2": {"id": idn["T2"], "reason": "本地户籍"}},
        "young": [idn["Y1"]],
        "old": [idn["O1"]],
        "enrolled": [idn[k] for k in PEOPLE if k.startswith("E")] + [idn["D1a"]],
        "error_rows": [["户籍名单_公安.xlsx", 2 + len(PEOPLE) - 3 + 1], ["户籍名单_公安.xlsx", 2 + len(PEOPLE) - 3 + 2],
                       ["学籍_平台导出.xlsx", 2 + 14 + 2]],
    }
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    return expected


if __name__ == "__main__":
    write_samples(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
