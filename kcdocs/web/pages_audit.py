"""稽核 page: pick a ledger and an evidence folder on this computer, run the audit in the
background, read the same report.html with every evidence file one click away."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, abort, redirect, render_template, request, send_file, url_for
from markupsafe import Markup, escape

from kcdocs.audit import AuditOptions, audit
from kcdocs.audit.report import KIND_LABELS, mask_text
from kcdocs.errors import KcdocsError
from kcdocs.web.app import describe_error, form_date, form_text, get_task, settings, tasks
from kcdocs.web.tasks import Output, Run
from kcdocs.web.uploads import LEDGER_TYPES, local_path, save_upload

INLINE_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def register(app) -> None:
    app.add_url_rule("/audit", "audit_form", audit_form)
    app.add_url_rule("/audit", "audit_start", audit_start, methods=["POST"])
    app.add_url_rule("/audit/<task_id>", "audit_task", audit_task)
    app.add_url_rule("/audit/<task_id>/report.html", "audit_report", audit_report)
    app.add_url_rule("/audit/<task_id>/evidence/<path:rel>", "audit_evidence", audit_evidence)


def sample_paths() -> dict:
    """The bundled samples, when kcdocs runs from its source folder (for trying the page out).
    The evidence is a copy in the server's work folder: review decisions recorded while trying
    the pages (复核记录.jsonl beside the evidence) never change the samples themselves."""
    here = Path.cwd() / "samples"
    if not ((here / "ledger.xlsx").is_file() and (here / "evidence").is_dir()):
        return {}
    return {"ledger": str((here / "ledger.xlsx").resolve()), "evidence": str(_sample_copy(here / "evidence")),
            "as_of": "2020-06-15"}


def _sample_copy(evidence: Path) -> Path:
    import shutil
    import tempfile

    copy = tasks().root / "示例佐证材料"
    if not copy.is_dir():
        part = Path(tempfile.mkdtemp(dir=copy.parent, prefix=".示例"))
        shutil.copytree(evidence, part / "copy")
        try:
            (part / "copy").rename(copy)
        except OSError:  # another request made it first
            pass
        shutil.rmtree(part, ignore_errors=True)
    return copy


def audit_form(error=None, status=200):
    return render_template("audit_form.html", error=error, form=request.form, samples=sample_paths()), status


def ledger_from_form(folder: Path) -> Path:
    """An uploaded ledger, else the ledger path typed on the form."""
    upload = request.files.get("ledger_file")
    if upload is not None and upload.filename:
        return save_upload(upload, folder, LEDGER_TYPES, "台账.xlsx")
    return local_path(request.form.get("ledger_path"), "台账文件", folder=False)


def audit_start():
    task = tasks().new("audit")
    try:
        ledger = ledger_from_form(task.folder / "upload")
        evidence = local_path(request.form.get("evidence_path"), "佐证材料文件夹", folder=True)
        as_of = form_date("as_of", "稽核基准日")
    except KcdocsError as exc:
        tasks().discard(task)
        return audit_form(describe_error(exc), 400)
    opts = AuditOptions(ledger=ledger, evidence_root=evidence, output=task.folder / "audit", as_of=as_of,
                        config=settings().config, mask_ids=not request.form.get("show_ids"))
    task.data.update(ledger_name=ledger.name, ledger=ledger, evidence=evidence, as_of=as_of, files=set(), opts=opts)
    start_audit(task, "稽核台账与佐证材料")
    return redirect(url_for("audit_task", task_id=task.id), 303)


def start_audit(task, label: str) -> Run:
    """Run the task's audit (again: after review decisions, the cache makes it quick)."""
    opts = task.data["opts"]

    def work(run: Run) -> None:
        result = audit(opts, progress=run.progress)
        run.result = result
        for older in task.runs:  # one audit kept in memory per task, however often it runs again
            if older is not run:
                older.result = None
        task.data["files"] = evidence_files(result)
        for path in result.outputs:
            run.outputs.append(Output(path.name, path, OUTPUT_LABELS.get(path.name, "")))
        run.summary = (f"稽核完成：{len(result.cases)} 个案例，完整 {result.complete - result.to_review} 个，"
                       f"待复核 {result.to_review} 个，不完整 {result.incomplete} 个"
                       f"（{result.files} 个文件，用时 {result.seconds:.1f} 秒，基准日 {result.as_of.isoformat()}）。")

    return tasks().start(task, label, work)


def last_result(task):
    """The newest finished audit of a task (None while the first one runs or when all failed)."""
    return next((r.result for r in reversed(task.runs) if r.state == "done" and r.result is not None), None)


OUTPUT_LABELS = {"report.html": "稽核报告（可在浏览器中离线打开）", "findings.xlsx": "问题清单（Excel）",
                 "findings.json": "数据（供其他程序读取）"}


def evidence_files(result) -> set[str]:
    """Every evidence path the audit names (relative to the evidence folder): the only files served."""
    files = set()
    for c in result.cases:
        files.update(e.file for e in c.evidence)
        for f in c.findings:
            files.update(f.files)
        files.update(r.file for r in c.review if r.file)
        files.update(r["file"] for r in c.reviewed if r.get("file"))
    return files


def audit_task(task_id):
    task = get_task(task_id, "audit")
    result = last_result(task)
    view = case_rows(result, task.data.get("files", set())) if result else []
    return render_template("audit_task.html", task=task, d=task.data, run=task.runs[-1], result=result, cases=view,
                           kinds=KIND_LABELS)


def case_rows(result, files: set[str]) -> list[dict]:
    """Cases with findings first, then those to review (ID numbers masked as in report.html)."""
    order = {"不完整": 0, "待复核": 1, "完整": 2}
    rows = []
    for c in sorted(result.cases, key=lambda c: (order[c.state], c.case.case_id)):
        findings = [{"kind": KIND_LABELS.get(f.kind, f.kind), "rule": f.rule, "message": mask_text(f.message),
                     "files": f.files} for f in c.findings]
        rows.append({"id": c.case.case_id, "name": c.case.name or "", "disposition": c.disposition_name,
                     "code": c.case.disposition, "state": c.state, "findings": findings, "review": len(c.review)})
    return rows


def audit_report(task_id):
    task = get_task(task_id, "audit")
    run = next((r for r in reversed(task.runs) if r.state == "done"), None)
    report = run.output("report.html") if run else None
    if report is None:
        abort(404)
    html = link_evidence(report.path.read_text(encoding="utf-8"), task.id, task.data.get("files", set()))
    return Response(html, mimetype="text/html", headers={"Content-Security-Policy": REPORT_CSP})


def link_evidence(html: str, task_id: str, files: set[str]) -> str:
    """report.html with each evidence file name made a link that opens the file."""
    if not files:
        return html
    by_text = {str(escape(f)): f for f in files}
    pattern = re.compile(r'(<(?:div|td) class="file">)(' + "|".join(re.escape(t) for t in sorted(by_text, key=len,
                         reverse=True)) + r")(</(?:div|td)>)")

    def repl(m: re.Match) -> str:
        href = escape(url_for("audit_evidence", task_id=task_id, rel=by_text[m.group(2)]))
        return Markup(f'{m.group(1)}<a href="{href}" target="_blank" rel="noopener">{m.group(2)}</a>{m.group(3)}')

    return pattern.sub(repl, html)


def audited_file(task_id, rel) -> Path:
    """An evidence file of an audit run on the page: only files the audit named, inside its folder."""
    task = get_task(task_id, "audit")
    if rel not in task.data.get("files", set()):
        abort(404)
    root = Path(task.data["evidence"]).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404)
    return path


def audit_evidence(task_id, rel):
    path = audited_file(task_id, rel)
    mimetype = INLINE_TYPES.get(path.suffix.lower())
    # only PDFs and pictures open in the browser (nosniff is set); anything else is downloaded
    return send_file(path, mimetype=mimetype or "application/octet-stream", as_attachment=mimetype is None,
                     download_name=path.name)
