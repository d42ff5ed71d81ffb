"""An editable Word version of a weekly/monthly report (figures, lists, signature line)."""

from __future__ import annotations

from pathlib import Path

from kcdocs.fileio import atomic_path

NUMBER_HEAD = ["期初", "新增", "劝返复学", "特殊劝返", "核销", "期末"]
NUMBER_KEYS = ["start", "new", "returned", "special", "writeoff", "end"]


def _table(word, head: list[str], rows: list[list]) -> None:
    table = word.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def write_report_docx(data: dict, path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word = Document()
    title = word.add_heading(data["title"], level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(f"{data['period']}　报送单位：{data['unit']}")
    word.add_paragraph(f"报送截止：{data['due']}　生成日期：{data['generated']}"
                       + (f"　逾期 {data['overdue_days']} 天" if data["overdue_days"] else ""))
    t = data["total"]
    word.add_heading("一、总体情况", level=1)
    word.add_paragraph(f"期初 {t['start']} ＋ 新增 {t['new']} − 劝返复学 {t['returned']} − 特殊劝返 {t['special']} − "
                       f"核销 {t['writeoff']} ＝ 期末 {t['end']}" + ("（核对一致）" if t["balanced"] else "（核对不一致）"))
    rows = [[r["name"], *[r[k] for k in NUMBER_KEYS]] for r in [*data["rows"], t]]
    _table(word, [data["group_label"], *NUMBER_HEAD], rows)
    word.add_heading("二、按处置类型", level=1)
    _table(word, ["处置类型", *NUMBER_HEAD], [[r["name"], *[r[k] for k in NUMBER_KEYS]] for r in data["by_disposition"]])
    word.add_heading(f"期末未销号个案（{len(data['open'])} 人）", level=1)
    _table(word, ["台账编号", "姓名", "身份证号", "学校", "类型", "状态", "责任人"],
           [[r["id"], r["name"], r["idno"], r["school"], r["disposition"], r["status"], r["responsible"]]
            for r in data["open"]])
    word.add_paragraph("以上情况属实。")
    word.add_paragraph("主要负责人（签字）：＿＿＿＿＿＿＿＿　　（单位盖章）")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        word.save(tmp)
