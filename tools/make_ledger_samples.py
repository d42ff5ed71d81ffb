"""Generate samples/ledger.xlsx and samples/evidence/ (fictional Zaozhuang cases) deterministically.

    python tools/make_ledger_samples.py [--out samples]

Every case is invented; ID numbers are valid in form (region code, birth date, check
character) but belong to nobody. Each case folder is named by its case id and a name;
``samples/evidence/expected.yaml`` lists the findings each case must produce when audited
with ``--as-of 2020-06-15``, and ``samples/README-evidence.md`` shows them as a table.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path

from kcdocs.idnumber import check_char

AS_OF = date(2020, 6, 15)
DISTRICTS = {"370402": "市中区", "370403": "薛城区", "370404": "峄城区", "370405": "台儿庄区",
             "370406": "山亭区", "370481": "滕州市"}
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def idn(region: str, born: str, seq: int, sex: str = "男", wrong_check: bool = False) -> str:
    """A valid (fictional) ID number; sequence parity follows the sex."""
    seq = seq * 2 + (1 if sex == "男" else 0)
    body = f"{region}{born}{seq:03d}"
    check = check_char(body)
    if wrong_check:
        check = "0" if check != "0" else "1"
    return body + check


# --- documents ------------------------------------------------------------------------------
def typst_pdf(pages: list[tuple[str, list[str]]]) -> bytes:
    """A text PDF, one page per (title, body lines)."""
    import json

    import typst

    src = ['#set document(date: none)', '#set page(paper: "a5", margin: 1.6cm)',
           '#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 10.5pt, lang: "zh")']
    for n, (title, lines) in enumerate(pages):
        if n:
            src.append("#pagebreak()")
        src.append(f"#align(center, text(size: 16pt, weight: \"bold\", {json.dumps(title, ensure_ascii=False)}))")
        src.append("#v(8pt)")
        for line in lines:
            src.append(f"#par({json.dumps(line, ensure_ascii=False)})")
    return typst.compile("\n".join(src).encode("utf-8"), format="pdf")


def scan_jpeg(title: str, lines: list[str], seal: str | None = None, grey: bool = False) -> bytes:
    """A small 'photographed' page: title, body text, optional red seal, signature scribble."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (420, 594), (250, 249, 244))
    draw = ImageDraw.Draw(img)
    big, small = ImageFont.truetype(FONT, 22), ImageFont.truetype(FONT, 13)
    width = draw.textlength(title, font=big)
    draw.text(((420 - width) / 2, 40), title, fill=(20, 20, 20), font=big)
    y = 100
    for line in lines:
        draw.text((40, y), line, fill=(40, 40, 40), font=small)
        y += 24
    draw.line([(260, 500), (300, 488), (330, 505), (370, 492)], fill=(20, 30, 90), width=2)  # a signature
    if seal:
        draw.ellipse([(270, 410), (370, 510)], outline=(210, 30, 30), width=4)
        draw.text((290, 452), seal[:5], fill=(210, 30, 30), font=small)
    if grey:
        img = img.convert("L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=55, optimize=True)
    return buf.getvalue()


def encrypted_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from unittest import mock

    with mock.patch("secrets.token_bytes", lambda n: bytes(range(n))):  # same bytes on every run
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password="1234", owner_password="owner", algorithm="RC4-128")
        buf = io.BytesIO()
        writer.write(buf)
    return buf.getvalue()


def fix_zip_times(path: Path) -> None:
    """Rewrite an .xlsx with fixed member times, so the file is the same on every run."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-06-15T09:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 6, 15, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


def fake_mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x0f" + bytes(range(256)) * 4  # a stand-in recording


RECORD = ["时间：{d}", "地点：学生家中", "参加人员：{p}", "劝返内容：宣讲义务教育法，了解家庭困难，动员返校。",
          "结果：{r}", "工作人员签字：", "监护人签字："]


def record_lines(d: str, people: str, result: str) -> list[str]:
    return [line.format(d=d, p=people, r=result) for line in RECORD]


# --- the cases ------------------------------------------------------------------------------
REASON = "父母外出务工，随祖父母生活，学习跟不上产生厌学情绪，长期不到校。"
PLAN = "班主任每周家访一次，申请助学金，安排学科教师结对辅导。"
DUP = scan_jpeg("劝返工作记录", record_lines("2020-04-02", "张伟、刘芳", "无效"))  # filed under two cases


def attempt(seq, d, method="入户", people="张伟、刘芳", content="宣讲义务教育法，动员返校。", result="无效"):
    return {"序号": seq, "日期": d, "方式": method, "参与人员": people, "内容": content, "结果": result}


_serial = iter(range(1, 1000))  # a document number, so that no two sample files are identical by chance


def R(title, lines=(), seal=None, grey=False):
    number = next(_serial)
    return lambda: scan_jpeg(title, [*lines, f"编号：示例-{number:03d}"], seal, grey)


def P(*pages):
    number = next(_serial)
    return lambda: typst_pdf([(t, ["本材料为示例，人物与单位均为虚构。", f"编号：示例-{number:03d}-{n}"])
                              for n, t in enumerate(pages, 1)])


CASES = [
    dict(id="370402-2020-0001", name="李明", sex="男", born="20070312", disp="R0", status="已复学",
         plan=PLAN, notice="2020-03-02", back="2020-03-09", care="王丽", dropout="2019-12-02",
         attempts=[attempt(1, "2020-02-20", result="有效")],
         files={"劝返记录_第1次.pdf": P("劝返工作记录")}, expect=[], note="劝返复学，材料齐全"),
    dict(id="370402-2020-0002", name="赵小红", sex="女", born="20080520", disp="R0", status="已复学",
         reason="家庭原因", plan=PLAN, notice="2020-03-05", back="2020-03-16", dropout="2019-11-20",
         attempts=[attempt(1, "2020-03-01", result="有效")],
         files={"复学通知书回执.jpg": R("复学通知书", ["赵小红家长：请于3月16日前送孩子到校。"])},
         expect=[("C.reason", "data"), ("R0.care", "data"), ("R0.persuasion_records", "missing")],
         note="原因分析只写“家庭原因”；复学后未定关爱联系人；没有劝返记录"),
    dict(id="370403-2020-0001", name="孙浩", sex="男", born="20060901", disp="R0", status="劝返中",
         plan=PLAN, notice="2020-04-12", dropout="2020-03-01",
         attempts=[attempt(1, "2020-04-10", method=None, people=None, content="电话沟通"),
                   attempt(2, "2020-07-01")],
         files={"劝返记录1.jpg": R("劝返工作记录", record_lines("2020-04-10", "张伟", "无效")),
                "扫描件001.pdf": lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage"},
         expect=[("L.process_detail", "data"), ("L.dates", "data"), ("L.readable", "unreadable")],
         note="第1次劝返缺方式和参与人员；第2次劝返日期在基准日之后；损坏的 PDF"),
    dict(id="370403-2020-0002", name="周强", sex="男", born="20040115", disp="W1", status="已核销",
         writeoff="户籍登记出生年份比实际小两岁，已由派出所更正，已超出义务教育年龄。", dropout="2019-09-01",
         files={"户口信息更正证明.jpg": R("户口信息更正证明", ["经核实，周强出生日期更正为2004年1月15日。"],
                                         seal="薛城派出所")},
         expect=[], note="年龄不符核销（16周岁，不检查适龄）；盖章待核验"),
    dict(id="370404-2020-0001", name="吴婷", sex="女", born="20090707", disp="W2", status="已核销",
         writeoff="在峄城区和外省各有一个户籍，外省户籍已注销。", dropout="2019-09-01",
         files={"重复户籍注销证明.pdf": lambda: encrypted_pdf(typst_pdf([("重复户籍注销证明", ["（内容略）"])]))},
         expect=[("W2.duplicate_cancellation", "unreadable")], note="注销证明 PDF 设有打开密码"),
    dict(id="370404-2020-0002", name="郑磊", sex="男", born="20080229", disp="W3", status="已核销",
         writeoff="随父外出后失联，经公安机关核查无法查找。", dropout="2019-10-08",
         files={"失踪失联情况说明.pdf": P("失踪失联情况说明")}, expect=[], note="失踪失联核销；公章待核验"),
    dict(id="370405-2020-0001", name="王芳", sex="女", born="20101010", disp="W4", status="已核销",
         writeoff="2020年1月因病去世。", dropout="2020-01-06",
         files={"火化证明_王芳.jpg": R("火化证明", ["死者王芳，女，于2020年1月火化。"])},
         expect=[], note="死亡核销，火化证明齐全（无签章要求，完整）"),
    dict(id="370405-2020-0002", name="冯军", sex="男", born="20070808", disp="W4", status="已核销",
         dropout="2019-12-20", files={"现场照片.jpg": R("照片", ["（照片）"])},
         expect=[("W.reason", "data"), ("W4.death_proof", "missing")], note="未登记核销原因；没有任何死亡证明"),
    dict(id="370406-2020-0001", name="陈静", sex="女", born="20110404", disp="W5", status="已核销",
         writeoff="重度脑瘫，经残疾人教育专家委员会鉴定不具备学习条件。", dropout="2019-09-01",
         files={"残疾人教育专家委员会鉴定证明.pdf":
                lambda: typst_pdf([("残疾人教育专家委员会鉴定证明", ["（内容略）"] * 3)])[:2500]},
         expect=[("W5.expert_appraisal", "unreadable")], note="鉴定证明 PDF 被截断（损坏）"),
    dict(id="370406-2020-0002", name="褚亮", sex="男", born="20091212", disp="W6", status="已核销",
         writeoff="在江苏省某校正常就读，已建立学籍。", dropout="2019-09-01", student_no="G",
         files=None, expect=[], note="实际就读无学籍，学籍号已登记（完整，无需文件夹）"),
    dict(id="370481-2020-0001", name="卫东", sex="男", born="20080601", disp="W6", status="已核销",
         writeoff="在外省就读，已建立学籍。", dropout="2019-09-01", wrong_check=True,
         student_no="G" + idn("370481", "20080601", 7), birth="2008-06-01",
         files=None, expect=[("C.identity", "data"), ("W6.student_record", "data")],
         note="身份证号校验位错误；学籍号与身份证号不符"),
    dict(id="370481-2020-0002", name="蒋雪", sex="女", born="20120909", disp="W7", status="已核销",
         writeoff="患白血病住院治疗，申请休学一年。", dropout="2020-03-01",
         files={"延缓入学材料.pdf": P("休学申请书", "诊断证明书", "休学审批意见")},
         expect=[], note="一个 PDF 含申请、诊断证明、审批意见三份材料（按页标题识别）"),
    dict(id="370481-2020-0003", name="沈阳", sex="男", born="20111111", disp="W7", status="已核销",
         writeoff="患重度抑郁，申请休学。", dropout="2020-03-01",
         files={"休学申请书.jpg": R("休学申请书", ["申请人（监护人）签字："]), "审批表.jpg": lambda: b""},
         expect=[("W7.medical_proof", "missing"), ("W7.approval", "unreadable")],
         note="缺医疗机构检查证明；审批表是空文件"),
    dict(id="370402-2020-0003", name="韩梅", sex="女", born="20050820", disp="P1", status="已安置",
         history="连续辍学一年以上", placement="2020-05-10", dropout="2018-09-01",
         attempts=[attempt(1, "2019-10-08"), attempt(2, "2019-12-15", method="到校"), attempt(3, "2020-03-20")],
         files={"劝返记录.pdf": P("劝返工作记录", "劝返工作记录", "劝返工作记录"),
                "入读中职申请书.jpg": R("入读中职申请书", ["监护人签字：", "本人签字："]),
                "个性化教育方案.pdf": P("个性化教育方案"),
                "接收证明.jpg": R("中职学校接收证明", ["同意接收韩梅入我校学习。"], seal="枣庄某职业学校"),
                "录音/劝返录音.mp3": fake_mp3},
         expect=[], note="引导至中职，条件与材料齐全；签字、公章待核验"),
    dict(id="370403-2020-0003", name="杨帆", sex="男", born="20080701", disp="P1", status="已安置",
         history="反复辍学", placement="2020-05-20", dropout="2019-09-01",
         attempts=[attempt(1, "2019-11-02"), attempt(2, "2020-01-10")],
         files={"劝返记录1.jpg": R("劝返工作记录", record_lines("2019-11-02", "张伟、刘芳", "无效")),
                "劝返记录2.jpg": R("劝返工作记录", record_lines("2020-01-10", "张伟、刘芳", "无效")),
                "书面申请.jpg": R("入读中职申请书"), "个性化教育方案.pdf": P("个性化教育方案"),
                "中职学校接收证明.jpg": R("中职学校接收证明", seal="滕州某职业学校")},
         expect=[("P1.age", "condition"), ("P1.attempts", "condition"), ("P1.media", "missing")],
         note="安置时不满12周岁；安置前只劝返2次；没有录音录像"),
    dict(id="370404-2020-0003", name="朱丽", sex="女", born="20070130", disp="P2", status="强制程序中",
         measure="司法文书", dropout="2019-09-01",
         attempts=[attempt(1, "2019-10-12"), attempt(2, "2019-11-20", method="到校")],
         files={"劝返记录1.jpg": R("劝返工作记录", record_lines("2019-10-12", "张伟、刘芳", "无效")),
                "劝返记录2.jpg": R("劝返工作记录", record_lines("2019-11-20", "张伟、刘芳", "无效")),
                "司法文书_督促令.pdf": P("司法文书")},
         expect=[], note="强制劝返，已发放司法文书；签字待核验"),
    dict(id="370405-2020-0003", name="秦勇", sex="男", born="20060418", disp="P2", status="强制程序中",
         dropout="2019-09-01", attempts=[attempt(1, "2019-10-12"), attempt(2, "2019-12-01")],
         files={"劝返记录.jpg": R("劝返工作记录", record_lines("2019-10-12", "张伟", "无效")),
                "情况说明.docx": lambda: b"PK\x03\x04 not really a document"},
         expect=[("P2.measure", "data"), ("P2.persuasion_records", "missing"),
                 ("P2.enforcement_records", "missing"), ("L.readable", "unreadable")],
         note="未登记强制措施；劝返2次只有1份记录；没有执法文书；Word 文件不受支持"),
    dict(id="370406-2020-0003", name="许诺", sex="女", born="20090303", disp="R0", status="劝返中",
         plan=PLAN, notice="2020-04-01", dropout="2020-03-10", attempts=[attempt(1, "2020-04-02")],
         files={"劝返记录.jpg": lambda: DUP}, expect=[("L.duplicate_evidence", "duplicate")],
         note="劝返记录与 370481-2020-0004 完全相同"),
    dict(id="370481-2020-0004", name="何平", sex="男", born="20081010", disp="R0", status="劝返中",
         plan=PLAN, notice="2020-04-01", dropout="2020-03-10", attempts=[attempt(1, "2020-04-02")],
         files={"入户劝返记录.jpg": lambda: DUP}, expect=[("L.duplicate_evidence", "duplicate")],
         note="劝返记录与 370406-2020-0003 完全相同"),
    dict(id="370481-2020-0005", name="吕洋", sex="男", born="20100101", disp="R0", status="劝返中",
         plan=PLAN, notice="2020-05-06", dropout="2020-04-20", attempts=[attempt(1, "2020-05-05", method="电话")],
         files=None, expect=[("R0.persuasion_records", "missing")], note="没有佐证材料文件夹"),
    dict(id="370402-2020-0004", name="曹敏", sex="女", born="20090909", disp="R0", status="已复学",
         plan=None, notice="2020-04-20", back="2020-04-27", care="李娜", dropout="2020-03-15",
         attempts=[attempt(1, "2020-04-18", result="有效")],
         files={"一人一案劝返方案.pdf": P("一人一案劝返方案"),
                "劝返记录.jpg": R("劝返工作记录", record_lines("2020-04-18", "张伟、刘芳", "有效"), grey=True)},
         expect=[], note="劝返方案以扫描件提交（台账未填）；灰度扫描"),
]
ORPHAN = ("370402-2020-0099 王某", {"劝返记录.jpg": R("劝返工作记录")})

CASE_HEADERS = ["台账编号", "姓名", "性别", "身份证号", "学籍号", "出生日期", "区市", "乡镇街道", "村居社区", "学校",
                "年级", "监护人", "联系电话", "重点群体", "类型", "辍学日期", "登记日期", "原因分析", "处置类型", "状态",
                "劝返方案", "复学通知书日期", "复学日期", "核销原因", "核销日期", "关爱联系人", "辍学情形", "安置日期",
                "强制措施", "责任人", "备注"]
ATTEMPT_HEADERS = ["台账编号", "序号", "日期", "方式", "参与人员", "内容", "结果"]
TOWNS = {"370402": "中心街街道", "370403": "临城街道", "370404": "坛山街道", "370405": "运河街道",
         "370406": "山城街道", "370481": "荆河街道"}
GROUPS = ["留守", "建档立卡、留守", "", "随迁", "残疾", "新落户", ""]


def case_id_number(c: dict, n: int) -> str:
    return idn(c["id"][:6], c["born"], n + 1, c["sex"], c.get("wrong_check", False))


def case_row(c: dict, n: int) -> list:
    number = case_id_number(c, n)
    student_no = "G" + number if c.get("student_no") == "G" else c.get("student_no")
    region = c["id"][:6]
    values = {
        "台账编号": c["id"], "姓名": c["name"], "性别": c["sex"], "身份证号": number, "学籍号": student_no,
        "出生日期": c.get("birth"), "区市": DISTRICTS[region], "乡镇街道": TOWNS[region], "村居社区": "示例村",
        "学校": f"{DISTRICTS[region]}示例中学", "年级": "初二", "监护人": c["name"][0] + "某某",
        "联系电话": f"1380632{n:04d}", "重点群体": GROUPS[n % len(GROUPS)], "类型": "辍学",
        "辍学日期": c.get("dropout"), "登记日期": c.get("registered", c.get("dropout")),
        "原因分析": c.get("reason", REASON), "处置类型": c["disp"],
        "状态": c.get("status"), "劝返方案": c.get("plan"), "复学通知书日期": c.get("notice"),
        "复学日期": c.get("back"), "核销原因": c.get("writeoff"), "关爱联系人": c.get("care"),
        # Written-off cases are dated across May 2020, so the sample monthly report has figures.
        "核销日期": c.get("writeoff_date") or (f"2020-05-{4 + 2 * n % 24:02d}" if c.get("status") == "已核销" else None),
        "辍学情形": c.get("history"), "安置日期": c.get("placement"), "强制措施": c.get("measure"),
        "责任人": "张伟", "备注": c.get("remark"),
    }
    return [values[h] for h in CASE_HEADERS]


def write_ledger(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "学生台账"
    ws.append(CASE_HEADERS)
    for n, c in enumerate(CASES):
        ws.append(case_row(c, n))
    at = wb.create_sheet("劝返记录")
    at.append(ATTEMPT_HEADERS)
    for c in CASES:
        for a in c.get("attempts", []):
            at.append([c["id"], *[a[h] for h in ATTEMPT_HEADERS[1:]]])
    for sheet in (ws, at):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            for cell in column:
                cell.number_format = "@"
            sheet.column_dimensions[column[0].column_letter].width = 14
    stamp = datetime(2020, 6, 15, 9, 0, 0)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "kcdocs samples"
    wb.save(path)
    fix_zip_times(path)


def write_evidence(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    folders = [(f"{c['id']} {c['name']}", c["files"]) for c in CASES if c["files"] is not None] + [ORPHAN]
    for folder, files in folders:
        (root / folder).mkdir()
        for name, make in files.items():
            target = root / folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(make())


def write_expected(root: Path) -> None:
    lines = ["# Findings each sample case must produce: kcdocs audit samples/ledger.xlsx samples/evidence",
             "#   -o out/audit --as-of " + AS_OF.isoformat(),
             "# Generated by tools/make_ledger_samples.py — edit the generator, not this file.",
             f"as_of: {AS_OF.isoformat()}", "cases:"]
    for c in CASES:
        state = "不完整" if c["expect"] else ("完整" if c["disp"] in ("W4", "W6") else "待复核")
        lines += [f"  {c['id']}:", f"    disposition: {c['disp']}", f"    outcome: {state}",
                  f"    note: \"{c['note']}\""]
        lines.append("    findings:" + ("" if c["expect"] else " []"))
        lines += [f"      - {{rule: {rule}, kind: {kind}}}" for rule, kind in c["expect"]]
    lines += ["unmatched_folders:", f"  - \"{ORPHAN[0]}\""]
    (root / "expected.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_readme(path: Path) -> None:
    rows = ["# 稽核示例：台账与佐证材料", "",
            "`samples/ledger.xlsx` 与 `samples/evidence/` 中的案例全部虚构（身份证号仅格式有效），由",
            "`tools/make_ledger_samples.py` 生成。运行：", "",
            "```", f"kcdocs audit samples/ledger.xlsx samples/evidence -o out/audit --as-of {AS_OF.isoformat()}",
            "```", "",
            "每个案例应得到的结论见 `samples/evidence/expected.yaml`（测试逐项核对）。", "",
            "| 台账编号 | 姓名 | 处置类型 | 结论 | 应发现的问题 | 说明 |", "|---|---|---|---|---|---|"]
    for c in CASES:
        state = "不完整" if c["expect"] else ("完整" if c["disp"] in ("W4", "W6") else "待复核")
        found = "<br>".join(f"`{r}` {k}" for r, k in c["expect"]) or "—"
        rows.append(f"| {c['id']} | {c['name']} | {c['disp']} | {state} | {found} | {c['note']} |")
    rows += [f"| {ORPHAN[0]} | — | — | 未匹配 | 文件夹在台账中没有对应编号 | 报告“台账中找不到的文件夹” |", "",
             "“待复核”：材料与数据齐全，但签字、公章尚不能自动核验，列入待人工复核清单。", ""]
    path.write_text("\n".join(rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "samples")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write_ledger(args.out / "ledger.xlsx")
    write_evidence(args.out / "evidence")
    write_expected(args.out / "evidence")
    write_readme(args.out / "README-evidence.md")
    size = sum(p.stat().st_size for p in (args.out / "evidence").rglob("*") if p.is_file())
    print(f"wrote {len(CASES)} cases, evidence {size / 1024:.0f} KB → {args.out}")


if __name__ == "__main__":
    main()
