"""通知书 page: upload a roster, see every row checked, preview the first notice, make the PDF."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flask import Response, abort, redirect, render_template, request, url_for

from kcdocs.errors import KcdocsError, UsageError
from kcdocs.notices import NoticeOptions, make_notices
from kcdocs.notices.build import NOTICE_TITLES
from kcdocs.web.app import describe_error, form_date, form_text, get_task, settings, tasks
from kcdocs.web.roster import check_roster, preview_png
from kcdocs.web.tasks import Output, Run
from kcdocs.web.uploads import ROSTER_TYPES, save_upload

KINDS = {"enrollment": "入学通知书", "return": "复学通知书"}


def register(app) -> None:
    app.add_url_rule("/notices", "notices_form", notices_form)
    app.add_url_rule("/notices", "notices_upload", notices_upload, methods=["POST"])
    app.add_url_rule("/notices/<task_id>", "notices_task", notices_task)
    app.add_url_rule("/notices/<task_id>/preview.png", "notices_preview", notices_preview)
    app.add_url_rule("/notices/<task_id>/make", "notices_make", notices_make, methods=["POST"])


def notices_form(error=None, status=200):
    return render_template("notices_form.html", kinds=KINDS, error=error, form=request.form), status


def _choices() -> dict:
    kind = request.form.get("kind", "enrollment")
    if kind not in KINDS:
        raise UsageError("请选择入学通知书或复学通知书。")
    return {"kind": kind, "unit": form_text("unit"), "issue_date": form_date("issue_date", "落款日期"),
            "deadline": form_date("deadline", "报到截止日期"), "docx": bool(request.form.get("docx")),
            "receipt": kind == "return" and bool(request.form.get("receipt"))}


def notices_upload():
    task = tasks().new("notices")
    try:
        choices = _choices()
        roster = save_upload(request.files.get("roster"), task.folder / "upload", ROSTER_TYPES, "名册.xlsx")
        check = check_roster(roster, choices["kind"], settings().config, unit=choices["unit"],
                             deadline=choices["deadline"], issue_date=choices["issue_date"])
    except KcdocsError as exc:
        tasks().discard(task)
        return notices_form(describe_error(exc), 400)
    task.data.update(choices, roster=roster, name=roster.name, check=check)
    return redirect(url_for("notices_task", task_id=task.id), 303)


def notices_task(task_id):
    task = get_task(task_id, "notices")
    return render_template("notices_task.html", task=task, d=task.data, check=task.data["check"],
                           title=KINDS[task.data["kind"]])


def notices_preview(task_id):
    task = get_task(task_id, "notices")
    record = task.data["check"].first_record
    if record is None:
        abort(404)
    png = task.data.get("preview")
    if png is None:
        png = task.data["preview"] = preview_png(task.data["kind"], record, settings().config)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=600"})


def notices_make(task_id):
    task = get_task(task_id, "notices")
    if task.busy:
        return redirect(url_for("notices_task", task_id=task.id), 303)
    d = task.data
    skip = bool(request.form.get("skip_invalid"))
    out_dir = task.folder / f"out{len(task.runs) + 1}"
    title = NOTICE_TITLES[d["kind"]]
    opts = NoticeOptions(kind=d["kind"], roster=d["roster"], output=out_dir / f"{title}.pdf",
                         docx_dir=out_dir / f"{title}_word" if d["docx"] else None, unit=d["unit"],
                         issue_date=d["issue_date"], deadline=d["deadline"], skip_invalid=skip,
                         receipt=d["receipt"], config=settings().config)

    def work(run: Run) -> None:
        result = make_notices(opts, progress=run.progress)
        run.result = result
        run.outputs.append(Output(opts.output.name, opts.output, f"{title} PDF（{result.count} 页）"))
        if result.docx_count:
            archive = out_dir / f"{title}_word.zip"
            _zip_folder(opts.docx_dir, archive)
            run.outputs.append(Output(archive.name, archive, f"Word 文件（{result.docx_count} 个，zip 压缩包）"))
        if result.rejected_path:
            run.outputs.append(Output(result.rejected_path.name, result.rejected_path,
                                      f"错误行（{result.rejected_count} 行，改正后可重新上传）"))
        run.summary = f"已生成 {result.count} 份{title}（用时 {result.seconds:.1f} 秒；{result.fonts}）。"

    tasks().start(task, f"生成{title}" + ("（跳过错误行）" if skip else ""), work)
    return redirect(url_for("notices_task", task_id=task.id), 303)


def _zip_folder(folder: Path, archive: Path) -> None:
    tmp = archive.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)
    tmp.replace(archive)
