"""report.html's opening section: 本次新增问题 / 已整改 / 仍未整改 since the last audit.

``changes_section(result, checklists) -> str`` is one self-contained block (it uses only the
page's own ``table``, ``badge`` and ``card`` styles), empty when the result carries no
changes. Every value is escaped; the page masks ID numbers afterwards.
"""

from __future__ import annotations

from html import escape

from kcdocs.audit.history import Change, Changes

MAX_ROWS = 200  # rows per table on the page; findings.xlsx has them all


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _rows(changes: list[Change], names, kinds, fixed: bool) -> str:
    rows = []
    for c in sorted(changes, key=lambda c: (c.case_id, c.rule))[:MAX_ROWS]:
        late = f'<span class="badge fail">逾期 {c.overdue_days} 天</span>' if c.overdue_days and not fixed else ""
        days = "" if fixed else f'<td class="num">{c.days_open}</td><td>{c.deadline.isoformat()} {late}</td>'
        rows.append(f"<tr><td>{_e(c.case_id)}</td><td>{_e(c.name)}</td><td>{_e(names(c.rule))}</td>"
                    f"<td>{_e(kinds.get(c.kind, c.kind))}</td><td>{_e(c.message)}</td>"
                    f"<td>{c.first_seen.isoformat()}</td>{days}<td>{_e(c.rectification)}</td></tr>\n")
    more = (f'<p class="muted">另有 {len(changes) - MAX_ROWS} 条，见 findings.xlsx。</p>\n'
            if len(changes) > MAX_ROWS else "")
    head = ["台账编号", "姓名", "检查项目", "问题类型", "说明", "首次发现"]
    head += [] if fixed else ["已有天数", "整改时限"]
    head.append("整改情况（区市填报）")
    cells = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>\n{''.join(rows)}</tbody></table>\n{more}"


def _block(title: str, changes: list[Change], names, kinds, fixed: bool = False) -> str:
    if not changes:
        return f"<h3>{title}（0）</h3>\n<p class=\"muted\">没有。</p>\n"
    cases = len({c.case_id for c in changes})
    return f"<h3>{title}（{cases} 个案例，{len(changes)} 项）</h3>\n" + _rows(changes, names, kinds, fixed)


def changes_section(result, checklists) -> str:
    from kcdocs.audit.report import KIND_LABELS

    ch: Changes | None = getattr(result, "changes", None)
    if ch is None:
        return ""

    def names(rule: str) -> str:
        item = checklists.item(rule)
        return item.name if item else rule

    if ch.previous is None:
        return ('<section id="changes">\n<h2>整改情况</h2>\n<p class="muted">这是此输出文件夹的第一次稽核，没有可比较的上一次结果；'
                f"下次稽核时这里列出本次新增问题、已整改和仍未整改的问题（整改时限为首次发现后 {ch.days} 天）。</p>\n</section>\n")
    overdue = sum(1 for c in ch.open if c.overdue_days)
    cards = [("fail", len(ch.new), "本次新增问题"), ("ok", len(ch.fixed), "已整改"),
             ("review", len(ch.still), "仍未整改"), ("fail", overdue, "已逾期（超过整改时限）")]
    html = "".join(f'<div class="card {cls}"><b>{n}</b><span>{text}</span></div>' for cls, n, text in cards)
    parts = [f'<section id="changes">\n<h2>与上次稽核相比（上次基准日 {ch.previous.isoformat()}）</h2>\n'
             f'<div class="cards">{html}</div>\n'
             f'<p class="note">按案例和检查项目比较；“首次发现”为连续出现该问题的最早一次稽核的基准日，整改时限为首次发现后 '
             f"{ch.days} 天。</p>\n"]
    if ch.states:
        rows = "".join(f"<tr><td>{_e(s.case_id)}</td><td>{_e(s.name)}</td><td>{_e(s.before)}</td><td>{_e(s.after)}</td>"
                       f"<td>{_e(s.reviewers)}</td></tr>\n" for s in ch.states)
        parts.append("<h3>结论有变化的案例</h3>\n<table><thead><tr><th>台账编号</th><th>姓名</th><th>上次</th><th>本次</th>"
                     f"<th>复核人</th></tr></thead><tbody>\n{rows}</tbody></table>\n")
    parts += [_block("本次新增问题", ch.new, names, KIND_LABELS), _block("已整改", ch.fixed, names, KIND_LABELS, True),
              _block("仍未整改", ch.still, names, KIND_LABELS), "</section>\n"]
    return "".join(parts)
