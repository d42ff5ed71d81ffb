"""复核 page: what an audit on this server left to a person, one decision per item.

Each decision goes through :func:`kcdocs.review.record` into ``EVIDENCE_ROOT/复核记录.jsonl``
(the file ``kcdocs review apply`` writes), then the audit runs again from its cache and the
page shows each case with its new conclusion. A filled 复核工作簿 is read back with
:func:`kcdocs.review.record_workbook`, on an audit's page or on its own (any evidence folder).
"""

from __future__ import annotations


from flask import Response, abort, redirect, render_template, request, send_file, url_for

from kcdocs.audit.report import mask_text
from kcdocs.errors import KcdocsError, UsageError
from kcdocs.review import DECISIONS, load_store, pending_items, record, record_workbook, write_pending_workbook
from kcdocs.review.store import FITS
from kcdocs.web.app import describe_error, form_text, get_task, tasks
from kcdocs.web.pages_audit import audited_file, last_result, start_audit
from kcdocs.web.thumbs import page_png
from kcdocs.web.uploads import LEDGER_TYPES, as_uploaded, local_path, save_upload

STATE_CLASS = {"不完整": "fail", "待复核": "review", "完整": "ok"}


def register(app) -> None:
    app.add_url_rule("/review", "review_home", review_home)
    app.add_url_rule("/review", "review_apply", review_apply, methods=["POST"])
    app.add_url_rule("/audit/<task_id>/review", "review_task", review_task)
    app.add_url_rule("/audit/<task_id>/review/decide", "review_decide", review_decide, methods=["POST"])
    app.add_url_rule("/audit/<task_id>/review/workbook", "review_workbook", review_workbook, methods=["POST"])
    app.add_url_rule("/audit/<task_id>/review/待复核.xlsx", "review_export", review_export)
    app.add_url_rule("/audit/<task_id>/review/page.png", "review_thumb", review_thumb)


def review_home(error=None, status=200, applied=None):
    audits = [{"id": t.id, "name": t.data.get("ledger_name", ""), "evidence": t.data.get("evidence"),
               "pending": sum(len(c.review) for c in last_result(t).cases) if last_result(t) else None}
              for t in tasks().of_kind("audit")]
    return render_template("review_home.html", audits=audits, error=error, applied=applied, form=request.form), status


def review_apply():
    """A filled 复核工作簿 for any evidence folder (what ``kcdocs review apply`` does)."""
    task = tasks().new("review")
    try:
        evidence = local_path(request.form.get("evidence_path"), "佐证材料文件夹", folder=True)
        upload = request.files.get("workbook")
        workbook = save_upload(upload, task.folder, LEDGER_TYPES, "待复核.xlsx")
        done = record_workbook(workbook, evidence, form_text("reviewer"))
        done.problems = as_uploaded(done.problems, {str(workbook): upload.filename})
    except KcdocsError as exc:
        return review_home(describe_error(exc), 400)
    finally:
        tasks().discard(task)
    return review_home(applied=done)


def _pending(result) -> list[tuple[object, object, object]]:
    """(case result, review note, PendingItem) for every pending item, the checklist names read once."""
    cases = [c for c in result.cases if c.review]
    items = iter(pending_items({"cases": [c.as_dict() for c in cases]}))
    return [(c, note, next(items)) for c in cases for note in c.review]


def _items(task) -> tuple[list, list]:
    """(cases with pending items, cases with decided items) of the task's newest audit, for the page."""
    result = last_result(task)
    if result is None:
        return [], []
    store = load_store(task.data["evidence"]).decisions
    pending, rows = [], {}
    for c, note, p in _pending(result):
        if c.case.case_id not in rows:
            rows[c.case.case_id] = []
            pending.append(_case_row(c, rows[c.case.case_id]))
        rows[c.case.case_id].append(_item_row(p, note, store.get(p.key)))
    decided = [_case_row(c, [dict(r, reason=mask_text(r.get("reason") or "")) for r in c.reviewed])
               for c in result.cases if c.reviewed]
    return pending, decided


def _case_row(c, rows: list) -> dict:
    return {"id": c.case.case_id, "name": c.case.name or "", "disposition": c.disposition_name,
            "code": c.case.disposition, "state": c.state, "state_class": STATE_CLASS[c.state],
            "findings": len(c.findings), "rows": rows}


def _item_row(p, note, recorded) -> dict:
    thumb = getattr(note, "thumb", None)
    return {"key": p.key, "item": p.item_name, "file": p.file, "page": p.page, "mark": p.mark, "box": p.box,
            "reason": mask_text(p.reason), "confidence": p.confidence,
            "box_thumb": thumb if isinstance(thumb, str) and thumb.startswith("data:image/png;base64,") else None,
            "choices": [d for d in DECISIONS if d in FITS[p.mark]], "recorded": recorded}


def review_task(task_id, error=None, status=200):
    task = get_task(task_id, "audit")
    pending, decided = _items(task)
    only = request.args.get("only") == "review"  # cases that review alone can make complete
    shown = [c for c in pending if c["state"] == "待复核"] if only else pending
    last = task.runs[-1]
    result = last_result(task)
    now = None  # the conclusion of the case last decided, once the audit has run again
    if task.data.get("last_case") and result and not task.busy:
        now = next((f"{c.case.case_id} {c.case.name or ''} 重新稽核后：{c.state}" for c in result.cases
                    if c.case.case_id == task.data["last_case"]), None)
    return render_template("review_task.html", task=task, d=task.data, pending=pending, shown=shown, only=only,
                           decided=decided,
                           last={"id": task.id, "runs": [last]}, busy=task.busy, error=error, result=result,
                           message=task.data.get("review_message"), now=now), status


def _pending_by_key(task, key: str):
    result = last_result(task)
    return next((p for _, _, p in _pending(result) if p.key == key), None) if result else None


def review_decide(task_id):
    task = get_task(task_id, "audit")
    decision = request.form.get("decision", "")
    reviewer = form_text("reviewer") or ""
    try:
        if decision not in DECISIONS:
            raise UsageError("请点“确认已签字”“确认已盖章”“确认材料无误”或“不符合”中的一个按钮。")
        item = _pending_by_key(task, request.form.get("key", ""))
        if item is None:
            raise UsageError("这一项已不在待复核清单中（可能已经复核过，或文件已改动）。", "请刷新页面后重新选择。")
        record(task.data["evidence"], item, decision, reviewer, form_text("note") or "")
    except KcdocsError as exc:
        return review_task(task_id, describe_error(exc), 400)
    task.data.update(reviewer=reviewer.strip(), last_case=item.case_id,
                     review_message=f"已记录：{item.case_id} {item.name}“{item.item_name}”——{decision}"
                                    f"（复核人 {reviewer.strip()}）。")
    _reaudit(task)
    back = url_for("review_task", task_id=task.id, only="review" if request.form.get("only") else None)
    return redirect(back + f"#case-{item.case_id}", 303)


def _reaudit(task) -> None:
    if not any(r.state == "queued" for r in task.runs):  # a queued audit will read the new decision anyway
        start_audit(task, "重新稽核（采用复核决定）")


def review_workbook(task_id):
    """A filled 复核工作簿 (exported here or by ``kcdocs review export``) read back for this audit."""
    task = get_task(task_id, "audit")
    try:
        upload = request.files.get("workbook")
        workbook = save_upload(upload, task.folder / "upload", LEDGER_TYPES, "待复核.xlsx")
        done = record_workbook(workbook, task.data["evidence"], form_text("reviewer"))
        done.problems = as_uploaded(done.problems, {str(workbook): upload.filename})
    except KcdocsError as exc:
        return review_task(task_id, describe_error(exc), 400)
    lines = [f"已从 {upload.filename} 记录 {done.decisions} 个复核决定、{done.rectifications} 条整改情况；"
             f"{done.blank} 行未填写决定，仍待复核；{len(done.problems)} 行无法使用。"]
    lines += [p.format() for p in done.problems[:50]]
    task.data.update(review_message="\n".join(lines), last_case=None)
    if done.decisions or done.rectifications:
        _reaudit(task)
    return redirect(url_for("review_task", task_id=task.id), 303)


def review_export(task_id):
    task = get_task(task_id, "audit")
    result = last_result(task)
    if result is None:
        abort(404)
    items = [p for _, _, p in _pending(result)]
    path = task.folder / "export" / "待复核.xlsx"
    path.parent.mkdir(exist_ok=True)
    write_pending_workbook(items, path)
    return send_file(path, as_attachment=True, download_name="待复核.xlsx")


def review_thumb(task_id):
    """The page a review item concerns, small (only files the audit named are drawn)."""
    path = audited_file(task_id, request.args.get("file", ""))
    page = request.args.get("page", type=int)
    png = page_png(path, page)
    if png is None:  # a picture that says so, rather than a broken image
        return Response(NO_PREVIEW, mimetype="image/svg+xml")
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


NO_PREVIEW = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120">'
              '<rect width="200" height="120" fill="#f5f6f8" stroke="#d6dae0"/>'
              '<text x="100" y="55" font-size="14" text-anchor="middle" fill="#5b6470">无法预览</text>'
              '<text x="100" y="78" font-size="12" text-anchor="middle" fill="#5b6470">请点击打开文件</text></svg>')
