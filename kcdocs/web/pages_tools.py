"""Small helpers every page can use: a week or month read back as the report reads it, and
the blank ledger and roster templates (``kcdocs template``)."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request, send_file

from kcdocs.errors import KcdocsError
from kcdocs.reports import parse_month, parse_week
from kcdocs.templates_xlsx import write_ledger_template, write_roster_template
from kcdocs.web.app import settings, tasks

TEMPLATES = {"ledger": ("控辍保学台账模板.xlsx", write_ledger_template),
             "roster": ("名册模板.xlsx", write_roster_template)}


def register(app) -> None:
    app.add_url_rule("/period.json", "period_json", period_json)
    app.add_url_rule("/template/<kind>.xlsx", "template_file", template_file)


def period_json():
    """{"ok": true, "label": 2020年第20周（5月11日—5月17日）, …} or {"ok": false, "error", "hint"}.

    ``kind`` weekly|monthly; ``text`` what the user typed; ``year`` the report date's year, used
    for 第20周 / 5月 written without one (as the report does)."""
    kind = request.args.get("kind", "weekly")
    text = (request.args.get("text") or "").strip()
    year = request.args.get("year", type=int) or date.today().year
    if kind not in ("weekly", "monthly") or not 1900 < year < 2200:
        abort(400)
    cfg = settings().config.reports
    try:
        if kind == "weekly":
            p = parse_week(text, cfg.weekly_due_days_after, year)
        else:
            p = parse_month(text, cfg.monthly_due_day, year)
    except KcdocsError as exc:
        return jsonify({"ok": False, "error": exc.message, "hint": exc.hint or ""})
    return jsonify({"ok": True, "label": p.label, "short": p.short, "code": p.code, "start": p.start.isoformat(),
                    "end": p.end.isoformat(), "due": p.due.isoformat(),
                    "due_text": f"{p.due.year}年{p.due.month}月{p.due.day}日"})


def template_file(kind):
    """The blank workbook, written once per server into its working folder."""
    if kind not in TEMPLATES:
        abort(404)
    name, write = TEMPLATES[kind]
    path = tasks().root / "templates" / name
    if not path.is_file():
        write(path)
    return send_file(path, as_attachment=True, download_name=name)
