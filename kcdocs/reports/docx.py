"""The editable Word version of a weekly/monthly report: the same header, figures, narrative,
lists and signature block as the PDF, in the office styles of :mod:`kcdocs.render.docx`."""

from __future__ import annotations

from pathlib import Path

from kcdocs.render.docx import (FIVE, HEI_FONT, SMALL_FIVE, add_table, add_text, new_document, save_document)

NUMBER_HEAD = ["期初未销号", "本期新增", "本期劝返复学", "本期特殊劝返", "本期核销", "期末未销号", "核对"]
NUMBER_KEYS = ["start", "new", "returned", "special", "writeoff", "end"]
LIST_HEAD = ["台账编号", "姓名", "身份证号（已遮蔽）", "学校", "处置类型", "状态", "责任人"]
CN = "一二三四五六七八九十"


def _numbers(doc, first: str, rows: list[dict], total: dict, coded: bool = False) -> None:
    def line(r: dict) -> list:
        name = f"{r['name']}（{r['code']}）" if coded and r.get("code") and r["code"] != r["name"] else r["name"]
        return [name, *[r[k] for k in NUMBER_KEYS], "一致" if r["balanced"] else f"差{r['difference']}"]

    add_table(doc, [first, *NUMBER_HEAD], [line(r) for r in [*rows, total]], size=SMALL_FIVE,
              align_right=tuple(range(1, 7)))


def _list(doc, rows: list[dict], date_label: str, with_days: bool = False, keep_last: int = 0) -> None:
    head = LIST_HEAD + [date_label] + (["未销号天数"] if with_days else [])
    body = []
    for r in rows:
        status = r["status"] + (f"（{r['later']}）" if r.get("later") else "")
        line = [r["id"], r["name"], r["idno"], r["school"], r["disposition"], status, r["responsible"], r["date"]]
        if with_days:
            line.append("—" if r.get("days") is None else r["days"])
        body.append(line)
    add_table(doc, head, body, size=SMALL_FIVE, align_right=(8,) if with_days else (), keep_last=keep_last)


def _heading(doc, counter: list[int], title: str) -> None:
    counter[0] += 1
    doc.add_paragraph(f"{CN[counter[0] - 1]}、{title}", style="Heading 1")


def _header(doc, data: dict) -> None:
    doc.add_paragraph(data["title"], style="Title")
    add_text(doc, data["period"], center=True, size=FIVE + 1.5)
    add_text(doc, f"报送单位：{data['unit'] or '＿＿＿＿＿＿＿＿＿＿'}　统计范围：{data['scope']}", size=FIVE + 1.5)
    add_text(doc, f"报送截止：{data['due']}　报告日期：{data['generated']}　报送状态：{data['timeliness']}",
             size=FIVE + 1.5, bold=bool(data["overdue_days"]))
    if data.get("zero"):
        add_text(doc, "零报告：本期无新增失学辍学个案，期初、期末均无未销号个案。", font=HEI_FONT)


def _narrative(doc, data: dict) -> None:
    for j, s in enumerate(data["narrative"]):
        doc.add_paragraph(f"（{CN[j]}）{s['heading']}", style="Heading 2")
        lines = [x for x in s["text"].split("\n") if x.strip()] or ["＿" * 26] * 3
        for text in lines:
            add_text(doc, text, indent=bool(s["text"]))


def write_report_docx(data: dict, path: Path) -> None:
    doc = new_document(f"{data['title']}（{data['period']}）", data["unit"] or None, subject=data["scope"])
    _header(doc, data)
    n = [0]
    t = data["total"]
    _heading(doc, n, "总体情况")
    add_text(doc, f"期初未销号 {t['start']} 人，本期新增 {t['new']} 人，劝返复学 {t['returned']} 人，特殊劝返 "
                  f"{t['special']} 人，核销 {t['writeoff']} 人，期末未销号 {t['end']} 人"
                  + ("（核对一致）。" if t["balanced"] else f"（核对不一致，相差 {t['difference']}，见“数据问题”）。"),
             indent=True)
    _numbers(doc, data["group_label"], data["rows"], t)
    _heading(doc, n, "按处置类型")
    _numbers(doc, "处置类型", data["by_disposition"], t, coded=True)
    if data["problems"]:
        _heading(doc, n, "数据问题")
        for p in data["problems"]:
            add_text(doc, f"{p['id']} {p['name']}：{p['text']}", indent=True)
    if "trend" in data:
        _heading(doc, n, "清零进度")
        add_text(doc, "每周末未销号个案数：" + "，".join(f"{x['label']} {x['value']} 人" for x in data["trend"]) + "。",
                 indent=True)
    _heading(doc, n, "工作情况")
    _narrative(doc, data)
    _heading(doc, n, "个案名单")
    doc.add_paragraph(f"本期新增个案（{len(data['new'])} 人）", style="Heading 2")
    _list(doc, data["new"], "登记日期") if data["new"] else add_text(doc, data["empty"]["new"], indent=True)
    for kind, rows in data["closed"].items():
        doc.add_paragraph(f"本期{kind}（{len(rows)} 人）", style="Heading 2")
        _list(doc, rows, data["date_labels"][kind]) if rows else add_text(doc, data["empty"][kind], indent=True)
    doc.add_paragraph(f"期末未销号个案（{len(data['open'])} 人，状态为期末时的状态）", style="Heading 2")
    if data["open"]:
        _list(doc, data["open"], "登记日期", with_days=True, keep_last=3)
    else:
        add_text(doc, data["empty"]["open"], indent=True, keep=True)
    _signature(doc)
    save_document(doc, path, data["unit"] or None)


def _signature(doc) -> None:
    """Kept together and with the last rows of the table above (keep with next)."""
    # at most 26 of the 28 characters of a line: no label parted from its blank
    lines = ["以上情况属实。", "填报人：＿＿＿＿＿＿＿　联系电话：＿＿＿＿＿＿＿＿",
             "审核人：＿＿＿＿＿＿＿　主要负责人（签字）：＿＿＿＿", "（单位盖章）　　签字日期：　　　　年　　月　　日"]
    for i, text in enumerate(lines):
        par = add_text(doc, text, keep=i < len(lines) - 1, indent=i == 0)
        par.paragraph_format.space_before = None if i else par.paragraph_format.space_before
