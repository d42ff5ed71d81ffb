"""扫描归档 page: upload scanner output, file each page into its case folder by its QR code."""

from __future__ import annotations

from pathlib import Path

from flask import redirect, render_template, request, url_for

from kcdocs.errors import KcdocsError, UsageError
from kcdocs.ingest import IngestOptions, ingest
from kcdocs.web.app import describe_error, get_task, tasks
from kcdocs.web.tasks import Run
from kcdocs.web.uploads import SCAN_TYPES, local_path, save_upload

MAX_FILES = 500


def register(app) -> None:
    app.add_url_rule("/ingest", "ingest_form", ingest_form)
    app.add_url_rule("/ingest", "ingest_start", ingest_start, methods=["POST"])
    app.add_url_rule("/ingest/<task_id>", "ingest_task", ingest_task)


def ingest_form(error=None, status=200):
    return render_template("ingest_form.html", error=error, form=request.form), status


def ingest_start():
    task = tasks().new("ingest")
    try:
        into = local_path(request.form.get("into"), "佐证材料文件夹", folder=True)
        uploads = [f for f in request.files.getlist("scans") if f and f.filename]
        if not uploads:
            raise UsageError("没有选择扫描件。", "请选择扫描仪输出的 PDF 或图片文件（可以一次选多个）。")
        if len(uploads) > MAX_FILES:
            raise UsageError(f"一次最多上传 {MAX_FILES} 个文件。", "请分几次上传。")
        scans = [save_upload(f, task.folder / "scans", SCAN_TYPES, "扫描件.pdf") for f in uploads]
    except KcdocsError as exc:
        tasks().discard(task)
        return ingest_form(describe_error(exc), 400)
    task.data.update(into=into, names=[s.name for s in scans])

    def work(run: Run) -> None:
        result = ingest(IngestOptions(scans=scans, into=into))
        run.result = result
        pages = sum(len(f.sources) for f in result.filed)
        run.summary = (f"导入完成：归档 {len(result.filed)} 份（{pages} 页），待识别 {len(result.unidentified)} 页，"
                       f"此前已归档而跳过 {result.already} 页，无法读取的文件 {len(result.problems)} 个。")

    tasks().start(task, f"归档 {len(scans)} 个扫描件", work)
    return redirect(url_for("ingest_task", task_id=task.id), 303)


def pages_text(sources: list[tuple[str, int]]) -> str:
    by_file: dict[str, list[int]] = {}
    for scan, page in sources:
        by_file.setdefault(Path(scan).name, []).append(page)
    return "；".join(f"{name} 第{'、'.join(map(str, pages))}页" for name, pages in by_file.items())


def ingest_task(task_id):
    task = get_task(task_id, "ingest")
    run = task.runs[-1]
    result = run.result if run.state == "done" else None
    filed = [{"dest": f.dest, "from": pages_text(f.sources), "missing": f.missing_pages} for f in result.filed] \
        if result else []
    unidentified = [{"dest": dest, "scan": Path(scan).name, "page": page, "reason": reason}
                    for dest, scan, page, reason in result.unidentified] if result else []
    problems = [{"scan": Path(scan).name, "reason": reason} for scan, reason in result.problems] if result else []
    return render_template("ingest_task.html", task=task, d=task.data, run=run, filed=filed,
                           unidentified=unidentified, problems=problems)
