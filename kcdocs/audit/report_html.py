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

from kcdocs.audit.models import AuditResult, CaseResult
from kcdocs.audit.report import KIND_LABELS, mask_text, shown_id, summary_rows
from kcdocs.checklists import ChecklistSet
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
        items.append(f'<tr><td class="mark {cls}" title="{text}">{mark}</td><td>{esc(i.rule)}</td>'
                     f'<td>{esc(i.name)}</td><td><span class="badge {cls}">{text}</span> {esc(i.message)}{guide}'
                     f"</td><td>{_files(i.files)}</td></tr>\n")
    parts = [f'<details class="case" id="{_anchor(k.case_id)}"{" open" if c.state == "不完整" else ""}>\n'
             f"  <summary>{head}</summary>\n  <div class=\"body\">\n"
             f'    <dl class="info">{_info(c, mask_ids)}</dl>\n    <h3>清单逐项</h3>\n',
             _table(["", "规则编号", "要求", "情况", "满足要求的文件"], items)]
    if k.attempts:
        rows = [f"<tr><td>{t.seq}</td><td>{t.date.isoformat() if t.date else ''}</td><td>{esc(label(t.method))}"
                f"</td><td>{esc('、'.join(t.participants))}</td><td>{esc(t.content)}</td>"
                f"<td>{esc(label(t.result))}</td></tr>" for t in k.attempts]
        parts += ["    <h3>劝返记录（台账）</h3>\n", _table(["序号", "日期", "方式", "参与人员", "内容", "结果"], rows)]
    parts.append("    <h3>文件夹中的文件</h3>\n")
    if c.evidence:
        rows = [f'<tr><td class="file">{esc(e.file)}</td><td>{esc(e.document)}</td><td>{esc(e.rule)}</td>'
                f"<td>{esc(BY.get(e.by, e.by))}</td><td>{e.page or ''}</td><td>{e.pages or ''}</td></tr>"
                for e in c.evidence]
        parts.append(_table(["文件", "识别为", "规则", "识别依据", "起始页", "页数"], rows))
    else:
        parts.append('<p class="muted">没有任何佐证文件。</p>\n')
    parts.append("  </div>\n</details>\n")
    return "".join(parts)


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
           f"  <p>稽核基准日：{as_of} ｜ 依据：枣教字〔2020〕16号 及 checklists/ 清单"
           f"{' ｜ 身份证号已脱敏显示' if mask_ids else ''}</p>\n</header>\n<main>\n"]
    out.append(_cards(result))
    summary = summary_rows(result)
    total = ' class="total"'
    rows = [f"<tr{total if n == len(summary) - 1 else ''}><td>{esc(d)}</td><td>{esc(p)}</td>"
            f'<td class="num">{a}</td><td class="num">{ok}</td><td class="num">{rv}</td><td class="num">{bad}</td>'
            f"</tr>\n" for n, (d, p, a, ok, rv, bad) in enumerate(summary)]
    out += ["<h2>按区市、处置类型汇总</h2>\n",
            _table(["区市", "处置类型", "案例数", "完整", "待复核", "不完整"], rows, num=(2, 3, 4, 5))]
    counts = Counter((f.rule, f.kind) for c in result.cases for f in c.findings)
    if counts:
        rows = [f"<tr><td>{esc(r)}</td><td>{esc(checklists.item(r).name if checklists.item(r) else '')}</td>"
                f'<td>{esc(KIND_LABELS.get(k, k))}</td><td class="num">{n}</td></tr>'
                for (r, k), n in counts.most_common()]
        out += ["<h2>问题分布（按规则）</h2>\n", _table(["规则编号", "规则", "问题类型", "案例数"], rows, num=(3,))]
    out.append(_case_list(result, mask_ids))
    out.append(_review_list(result))
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


def _cards(result: AuditResult) -> str:
    complete, review = result.complete - result.to_review, result.to_review
    cards = [("", len(result.cases), "案例总数"), ("ok", complete, "材料完整"),
             ("review", review, "待复核（材料齐全，签字/公章待人工核验）"), ("fail", result.incomplete, "不完整")]
    if result.unmatched:
        cards.append(("fail", len(result.unmatched), "台账中找不到的文件夹"))
    html = "".join(f'<div class="card{" " + cls if cls else ""}"><b>{n}</b><span>{text}</span></div>'
                   for cls, n, text in cards)
    note = ('<p class="note">“待复核”表示按材料和台账数据判断已齐全，但签字、公章等尚不能自动核验，须人工逐份查看后确认。</p>'
            if review else "")
    return f'<section>\n  <div class="cards">{html}</div>\n  {note}\n</section>\n'


def _case_list(result: AuditResult, mask_ids: bool) -> str:
    rows, details = [], []
    for c in result.cases:
        k = c.case
        anchor, state_class = _anchor(k.case_id), STATE_CLASS[c.state]
        disposition = f"{k.disposition} {c.disposition_name}"
        text = " ".join([k.case_id, k.name, k.township or "", *(f.message for f in c.findings)])
        badge = f'<span class="badge {state_class}">{c.state}</span>'
        rows.append(
            f'<tr data-state="{c.state}" data-district="{esc(k.district)}" data-disp="{esc(disposition)}" '
            f'data-text="{esc(text)}">\n'
            f'  <td><a href="#{anchor}" data-open="{anchor}">{esc(k.case_id)}</a></td><td>{esc(k.name)}</td>'
            f'<td class="file">{esc(shown_id(k.id_number, mask_ids))}</td>\n'
            f"  <td>{esc(k.district)}</td><td>{esc(k.township)}</td><td>{esc(disposition)}</td>"
            f"<td>{esc(label(k.status))}</td>\n"
            f'  <td>{badge}</td><td class="num">{len(c.findings)}</td><td class="num">{len(c.review)}</td>\n</tr>\n')
        more = f' <span class="muted">（{len(c.findings)} 个问题）</span>' if c.findings else ""
        details.append(_details(c, f"{esc(k.case_id)} {esc(k.name)} · {esc(disposition)} · {badge}{more}",
                                mask_ids))
    districts = sorted({c.case.district for c in result.cases if c.case.district})
    dispositions = sorted({f"{c.case.disposition} {c.disposition_name}" for c in result.cases})
    filters = ('<div class="filters">\n  <input id="q" type="search" placeholder="搜索台账编号、姓名、乡镇、问题……">\n'
               '  <select id="f-state"><option value="">全部结论</option><option>不完整</option><option>待复核</option>'
               '<option>完整</option></select>\n'
               f'  <select id="f-district"><option value="">全部区市</option>{_options(districts)}</select>\n'
               f'  <select id="f-disp"><option value="">全部处置类型</option>{_options(dispositions)}</select>\n'
               '  <span class="muted" id="count"></span>\n</div>\n')
    head = "".join(f'<th class="num">{h}</th>' if h in ("问题", "待核验") else f"<th>{h}</th>"
                   for h in ["台账编号", "姓名", "身份证号", "区市", "乡镇街道", "处置类型", "状态", "结论", "问题", "待核验"])
    return (f"<h2>案例一览</h2>\n{filters}<table id=\"cases\">\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n"
            f'{"".join(rows)}  </tbody>\n</table>\n<h2>案例详情</h2>\n{"".join(details)}')


def _review_list(result: AuditResult) -> str:
    rows = []
    for c in result.cases:
        anchor = _anchor(c.case.case_id)
        for r in c.review:
            thumb = _thumb(getattr(r, "thumb", None))
            image = f'<img class="thumb" alt="签名框" src="{thumb}">' if thumb else ""
            confidence = "" if r.confidence is None else f"{r.confidence:.2f}"
            rows.append(f'<tr><td><a href="#{anchor}" data-open="{anchor}">{esc(c.case.case_id)}</a></td>'
                        f"<td>{esc(c.case.name)}</td><td>{esc(r.rule)}</td><td class=\"file\">{esc(r.file)}</td>"
                        f"<td>{r.page or ''}</td><td>{esc(r.reason)}</td><td class=\"num\">{confidence}</td>"
                        f"<td>{image}</td></tr>")
    if not rows:
        return ""
    return "<h2>待人工复核</h2>\n" + _table(["台账编号", "姓名", "规则编号", "文件", "页", "原因", "置信度", "签名框"],
                                         rows, num=(6,))
