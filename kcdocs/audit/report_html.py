"""report.html: one self-contained Chinese page (no network), every value escaped.

Written with plain string building rather than a template engine: for 2,000 cases the page
has ~400,000 values and a template engine spends most of a re-audit's time on them. Every
value goes through :func:`esc`; the style sheet and the script are the package files
``report.css`` and ``report.js``, inlined.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from kcdocs.audit.models import STATUS_LABELS, AuditResult, CaseResult
from kcdocs.audit.report import KIND_LABELS, mask_text, shown_id, summary_rows
from kcdocs.checklists import ChecklistSet
from kcdocs.checklists.checks import problem_text
from kcdocs.ledger import label

HERE = Path(__file__).parent
STATUS = {"ok": ("✓", "ok", "符合"), "fail": ("✗", "fail", "不符合"), "review": ("?", "review", "待核验"),
          "na": ("–", "na", "不适用")}
STATE_CLASS = {"完整": "ok", "待复核": "review", "不完整": "fail"}
BY = {"filename": "文件名", "text": "PDF 标题", "qr": "二维码", "ocr": "文字识别", None: "未识别"}
LEGEND = ("本报告由 kcdocs 生成，离线可用。“✓”表示按清单已满足，“✗”表示不符合，“?”表示签字、公章等待人工核验，"
          "“–”表示对本案例不适用。")


def esc(value) -> str:
    """A value as HTML text or attribute content (quotes escaped too)."""
    return escape(value if isinstance(value, str) else ("" if value is None else str(value)))


def _table(head: list[str], rows: list[str], num: tuple[int, ...] = ()) -> str:
    cells = "".join(f'<th class="num">{h}</th>' if i in num else f"<th>{h}</th>" for i, h in enumerate(head))
    return f'<table><thead><tr>{cells}</tr></thead><tbody>\n{"".join(rows)}</tbody></table>\n'


def _anchor(case_id: str) -> str:
    return "case-" + "".join(ch if ch.isalnum() else "-" for ch in case_id)


def _info(c: CaseResult, mask_ids: bool) -> str:
    k = c.case
    info = [("身份证号", shown_id(k.id_number, mask_ids)), ("学籍号", _mask_no(k.student_no, mask_ids)),
            ("性别", k.sex or ""), ("学校", " ".join(filter(None, [k.school, k.grade]))),
            ("区市 / 乡镇 / 村居", " / ".join(filter(None, [k.district, k.township, k.village]))),
            ("监护人", k.guardian or ""), ("类型", label(k.case_type)), ("状态", label(k.status)),
            ("重点群体", "、".join(label(g) for g in k.priority_groups)),
            ("辍学日期", k.dropout_date.isoformat() if k.dropout_date else ""),
            ("原因分析", k.reason or ""), ("核销原因", k.writeoff_reason or ""), ("责任人", k.responsible or ""),
            ("佐证文件夹", "、".join(c.folders) or "（没有文件夹）")]
    return "".join(f"<div><dt>{a}：</dt><dd>{esc(b)}</dd></div>" for a, b in info if b)


def _files(files: list[str]) -> str:
    return "".join(f'<div class="file">{esc(f)}</div>' for f in files)


def _details(c: CaseResult, head: str, mask_ids: bool) -> str:
    k = c.case
    items = []
    for i in c.items:
        mark, cls, text = STATUS[i.status]
        guide = (f'<div class="guide">整改建议：{esc(i.guidance)}</div>'
                 if i.guidance and i.status in ("fail", "review") else "")
        items.append(f'<tr><td class="mark {cls}" title="{text}">{mark}</td><td>{esc(i.name)}</td>'
                     f'<td><span class="badge {cls}">{text}</span> {esc(i.message)}{guide}'
                     f'</td><td>{_files(i.files)}</td><td class="rule">{esc(i.rule)}</td></tr>\n')
    parts = [f'<details class="case" id="{_anchor(k.case_id)}"{" open" if c.state == "不完整" else ""}>\n'
             f"  <summary>{head}</summary>\n  <div class=\"body\">\n"
             f'    <dl class="info">{_info(c, mask_ids)}</dl>\n    <h3>清单逐项</h3>\n',
             _table(["", "要求", "情况", "满足要求的文件", "编号"], items)]
    if k.problems:
        rows = [f"<li>{esc(problem_text(p))}</li>" for p in k.problems]
        parts.append('    <h3>台账数据问题</h3>\n    <p class="muted">台账中本案例的以下单元格无法识别，已按能读出的内容稽核；'
                     f'改正后请重新稽核。</p>\n    <ul class="problems">{"".join(rows)}</ul>\n')
    if k.attempts:
        rows = [f"<tr><td>{t.seq}</td><td>{t.date.isoformat() if t.date else ''}</td><td>{esc(label(t.method))}"
                f"</td><td>{esc('、'.join(t.participants))}</td><td>{esc(t.content)}</td>"
                f"<td>{esc(label(t.result))}</td></tr>" for t in k.attempts]
        parts += ["    <h3>劝返记录（台账）</h3>\n", _table(["序号", "日期", "方式", "参与人员", "内容", "结果"], rows)]
    parts.append("    <h3>文件夹中的文件</h3>\n")
    if c.evidence:
        rows = [f'<tr><td class="file">{esc(e.file)}</td><td>{esc(e.document or "未识别")}</td>'
                f"<td>{esc(BY.get(e.by, e.by))}</td><td>{e.page or ''}</td><td>{e.pages or ''}</td>"
                f'<td class="rule">{esc(e.rule)}</td></tr>' for e in c.evidence]
        parts.append(_table(["文件", "识别为", "识别依据", "起始页", "页数", "编号"], rows))
        if c.unidentified:
            parts.append(_unidentified(c))
        if c.file_notes:
            parts.append(_file_notes(c))
    else:
        parts.append('<p class="muted">没有任何佐证文件。</p>\n')
    parts.append("  </div>\n</details>\n")
    return "".join(parts)


def _file_notes(c: CaseResult) -> str:
    rows = "".join(f'<div class="file">{esc(f)}：{esc("；".join(notes))}</div>' for f, notes in c.file_notes.items())
    return f'    <div class="file-notes"><b>读取文件时的提示（{len(c.file_notes)} 个文件）</b>{rows}</div>\n'


def _unidentified(c: CaseResult) -> str:
    files = "".join(f'<div class="file">{esc(f)}</div>' for f in c.unidentified)
    return ('    <div class="unidentified"><b>未能识别的文件（{n} 个）</b>{files}<p>kcdocs 从文件名和 PDF 标题都看不出这些文件'
            "是什么材料，因此没有计入清单。请把文件改名为含材料名称（如“火化证明_姓名.jpg”“劝返记录_第2次.pdf”）；"
            "kcdocs 打印的表单扫描件请用 kcdocs ingest 归档。</p></div>\n").format(n=len(c.unidentified), files=files)


def _thumb(uri: str | None) -> str:
    """A box picture (PNG data URI made by kcdocs.scan), or nothing for anything else."""
    return uri if isinstance(uri, str) and uri.startswith("data:image/png;base64,") else ""


def _mask_no(number: str | None, mask_ids: bool) -> str:
    """学籍号 G + ID number carries the ID number: mask it the same way."""
    if not number:
        return ""
    if mask_ids and len(number) == 19 and number[0] in "GLJgl":
        return number[0] + shown_id(number[1:], True)
    return number


def _options(values) -> str:
    return "".join(f"<option>{esc(v)}</option>" for v in values)


def render_html(result: AuditResult, checklists: ChecklistSet, *, mask_ids: bool = True) -> str:
    as_of = result.as_of.isoformat()
    out = [f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>控辍保学佐证材料稽核报告（基准日 {as_of}）</title>\n"
           f'<style>\n{(HERE / "report.css").read_text("utf-8")}</style>\n</head>\n<body>\n<header>\n'
           f"  <h1>控辍保学佐证材料稽核报告</h1>\n"
           f"  <p>稽核基准日：{as_of} ｜ 依据：枣教字〔2020〕16号《义务教育劝返复学具体情形工作指引》"
           f"{' ｜ 身份证号已脱敏显示' if mask_ids else ''}</p>\n</header>\n<main>\n"]
    from kcdocs.audit.history_html import changes_section  # 本次新增 / 已整改 / 仍未整改 (kept separate)

    out.append(changes_section(result, checklists))
    out.append(_cards(result))
    summary = summary_rows(result)
    total = ' class="total"'
    rows = [f"<tr{total if n == len(summary) - 1 else ''}><td>{esc(d)}</td><td>{esc(p)}</td>"
            f'<td class="num">{a}</td><td class="num">{ok}</td><td class="num">{rv}</td><td class="num">{bad}</td>'
            f"</tr>\n" for n, (d, p, a, ok, rv, bad) in enumerate(summary)]
    out += ["<h2>按区市、处置类型汇总</h2>\n",
            _table(["区市", "处置类型", "案例数", "完整", "待复核", "不完整"], rows, num=(2, 3, 4, 5))]
    counts = Counter(key for c in result.cases for key in {(f.rule, f.kind) for f in c.findings})
    if counts:
        rows = [f"<tr><td>{esc(_item_name(checklists, r))}</td>"
                f'<td>{esc(KIND_LABELS.get(k, k))}</td><td class="num">{n}</td><td class="rule">{esc(r)}</td></tr>'
                for (r, k), n in counts.most_common()]
        out += ["<h2>问题分布</h2>\n", _table(["要求", "问题类型", "案例数", "编号"], rows, num=(2,))]
    out.append(_case_list(result, checklists, mask_ids))
    out.append(_review_list(result, checklists))
    out.append(_ledger_problems(result))
    if result.unmatched:
        rows = [f'<tr><td class="file">{esc(u.path)}{"/" if u.is_dir else ""}</td><td class="num">{u.files}</td>'
                "</tr>\n" for u in result.unmatched]
        out += ["<h2>台账中找不到的文件夹</h2>\n<p class=\"muted\">以下文件夹（或直接放在根目录的文件）名称开头不是台账中的"
                "任何台账编号，未纳入稽核。请改名为“台账编号 姓名”，或在台账中补登该案例。</p>\n",
                _table(["名称", "文件数"], rows, num=(1,))]
    if result.ledger_warnings:
        out.append("<h2>台账提示</h2>\n<ul>" + "".join(f"<li>{esc(p.format())}</li>" for p in result.ledger_warnings)
                   + "</ul>\n")
    out.append(f'<p class="muted" style="margin-top:40px">{LEGEND}</p>\n</main>\n'
               f'<script>\n{(HERE / "report.js").read_text("utf-8")}</script>\n</body>\n</html>\n')
    page = "".join(out)
    # Every ID number printed anywhere (messages, file names, 学籍号 G+ID) masked in one pass:
    # escaping leaves digits alone, so masking the page equals masking each value.
    return mask_text(page) if mask_ids else page


def _item_name(checklists: ChecklistSet, rule: str | None) -> str:
    item = checklists.item(rule) if rule else None
    return item.name if item else (rule or "")


def _ledger_problems(result: AuditResult) -> str:
    if not result.ledger_problems:
        return ""
    rows = [f"<li>{esc(problem_text(p))}</li>" for p in result.ledger_problems]
    return ("<h2>台账中无法稽核的行</h2>\n<p class=\"muted\">这些行没有可用的台账编号（或编号重复、在「学生台账」中不存在），"
            f'不能归入任何案例，未稽核。请按提示改正台账后重新稽核。</p>\n<ul class="problems">{"".join(rows)}</ul>\n')


def _cards(result: AuditResult) -> str:
    review = result.count("review")
    cards = [("", len(result.cases), "案例总数"), ("ok", result.count("complete"), "完整"),
             ("review", review, "待复核（材料齐全，签字/公章待人工核验）"), ("fail", result.count("incomplete"), "不完整")]
    if result.unmatched:
        cards.append(("fail", len(result.unmatched), "台账中找不到的文件夹"))
    html = "".join(f'<div class="card{" " + cls if cls else ""}"><b>{n}</b><span>{text}</span></div>'
                   for cls, n, text in cards)
    note = ('<p class="note">“待复核”表示按材料和台账数据判断已齐全，但签字、公章等尚不能自动核验，须人工逐份查看后确认。</p>'
            if review else "")
    return f'<section>\n  <div class="cards">{html}</div>\n  {note}\n</section>\n'


def _problem_cell(c: CaseResult, checklists: ChecklistSet) -> str:
    """What is wrong, by item name and kind (the column of the case list)."""
    seen = dict.fromkeys(f"{_item_name(checklists, f.rule)}（{KIND_LABELS.get(f.kind, f.kind)}）" for f in c.findings)
    if not seen and c.review:
        seen = dict.fromkeys(f"{_item_name(checklists, r.rule)}（待复核）" for r in c.review)
    return "".join(f"<div>{esc(t)}</div>" for t in seen)


def _search_text(c: CaseResult, checklists: ChecklistSet, mask_ids: bool) -> str:
    """What the search box finds a case by: ids, names, the visible ID number, every message."""
    k = c.case
    words = [k.case_id, k.name, shown_id(k.id_number, mask_ids), k.district or "", k.township or "", k.school or "",
             c.disposition_name, c.state, *(f.message for f in c.findings), *(r.reason for r in c.review),
             *(_item_name(checklists, f.rule) for f in c.findings), *(_item_name(checklists, r.rule) for r in c.review),
             *(KIND_LABELS.get(f.kind, f.kind) for f in c.findings), *c.unidentified]
    return " ".join(w for w in words if w)


def _case_list(result: AuditResult, checklists: ChecklistSet, mask_ids: bool) -> str:
    rows, details = [], []
    for c in result.cases:
        k = c.case
        anchor, state_class = _anchor(k.case_id), STATE_CLASS[c.state]
        disposition = f"{k.disposition} {c.disposition_name}".strip()
        kinds = " ".join(sorted({KIND_LABELS.get(f.kind, f.kind) for f in c.findings}
                                | ({"待复核"} if c.review else set()) | ({"未能识别的文件"} if c.unidentified else set())))
        badge = f'<span class="badge {state_class}">{c.state}</span>'
        rows.append(
            f'<tr data-case="{anchor}" data-state="{c.state}" data-district="{esc(k.district)}" '
            f'data-disp="{esc(disposition)}" data-kinds="{esc(kinds)}" data-text="{esc(_search_text(c, checklists, mask_ids))}">\n'
            f'  <td class="id"><a href="#{anchor}" data-open="{anchor}">{esc(k.case_id)}</a></td><td>{esc(k.name)}</td>'
            f'<td class="id">{esc(shown_id(k.id_number, mask_ids))}</td>\n'
            f"  <td>{esc(k.district)}</td><td>{esc(k.township)}</td><td>{esc(disposition)}</td>"
            f"<td>{esc(label(k.status))}</td>\n"
            f'  <td>{badge}</td><td class="problem">{_problem_cell(c, checklists)}</td>'
            f'<td class="num">{len(c.findings)}</td><td class="num">{len(c.review)}</td>\n</tr>\n')
        more = f' <span class="muted">（{len(c.findings)} 个问题）</span>' if c.findings else ""
        details.append(_details(c, f"{esc(k.case_id)} {esc(k.name)} · {esc(disposition)} · {badge}{more}",
                                mask_ids))
    return f"<h2>案例一览</h2>\n{_filters(result)}{_case_table(rows)}<h2>案例详情</h2>\n{''.join(details)}"


def _filters(result: AuditResult) -> str:
    districts = sorted({c.case.district for c in result.cases if c.case.district})
    dispositions = sorted({f"{c.case.disposition} {c.disposition_name}".strip() for c in result.cases})
    kinds = [v for k, v in KIND_LABELS.items() if any(f.kind == k for c in result.cases for f in c.findings)]
    kinds += [w for w, on in (("待复核", any(c.review for c in result.cases)),
                              ("未能识别的文件", any(c.unidentified for c in result.cases))) if on]
    states = "".join(f"<option>{w}</option>" for w in STATUS_LABELS.values())
    return ('<div class="filters">\n  <input id="q" type="search" '
            'placeholder="搜索台账编号、姓名、身份证号后几位、乡镇、问题（如“签字”）……">\n'
            f'  <select id="f-state"><option value="">全部结论</option>{states}</select>\n'
            f'  <select id="f-district"><option value="">全部区市</option>{_options(districts)}</select>\n'
            f'  <select id="f-disp"><option value="">全部处置类型</option>{_options(dispositions)}</select>\n'
            f'  <select id="f-kind"><option value="">全部问题类型</option>{_options(kinds)}</select>\n'
            '  <span class="muted" id="count"></span>\n</div>\n')


def _case_table(rows: list[str]) -> str:
    heads = ["台账编号", "姓名", "身份证号", "区市", "乡镇街道", "处置类型", "状态", "结论", "存在的问题", "问题数", "待核验"]
    head = "".join(f'<th class="num">{h}</th>' if h in ("问题数", "待核验") else f"<th>{h}</th>" for h in heads)
    return (f'<table id="cases">\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n{"".join(rows)}  </tbody>\n</table>\n'
            '<p class="muted" id="none" hidden>没有符合筛选条件的案例。</p>\n')


def _review_list(result: AuditResult, checklists: ChecklistSet) -> str:
    rows = []
    for c in result.cases:
        anchor = _anchor(c.case.case_id)
        for r in c.review:
            thumb = _thumb(getattr(r, "thumb", None))
            image = f'<img class="thumb" alt="签名框" src="{thumb}">' if thumb else ""
            confidence = "" if r.confidence is None else f"{r.confidence:.2f}"
            rows.append(f'<tr data-case="{anchor}"><td class="id"><a href="#{anchor}" data-open="{anchor}">'
                        f"{esc(c.case.case_id)}</a></td><td>{esc(c.case.name)}</td>"
                        f"<td>{esc(_item_name(checklists, r.rule))}</td><td class=\"file\">{esc(r.file)}</td>"
                        f"<td>{r.page or ''}</td><td>{esc(r.reason)}</td><td class=\"num\">{confidence}</td>"
                        f'<td>{image}</td><td class="rule">{esc(r.rule)}</td></tr>')
    if not rows:
        return ""
    return "<h2>待人工复核</h2>\n" + _table(["台账编号", "姓名", "要求", "文件", "页", "原因", "置信度", "签名框", "编号"],
                                         rows, num=(6,))
