"""表单与报告 page: choose a ledger, print forms for chosen cases, make the weekly/monthly report."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from kcdocs.errors import KcdocsError, UsageError
from kcdocs.forms import FORM_TYPES, FormOptions, make_forms
from kcdocs.ledger import label, load_ledger
from kcdocs.reports import ReportOptions, make_report
from kcdocs.web.app import describe_error, form_date, form_text, get_task, settings, tasks
from kcdocs.web.pages_audit import ledger_from_form, sample_paths
from kcdocs.web.pages_notices import _zip_folder
from kcdocs.web.tasks import Output, Run

FORM_TITLES = {k: v.split("（")[0] for k, v in FORM_TYPES.items()}


def register(app) -> None:
    app.add_url_rule("/ledger", "ledger_form", ledger_form)
    app.add_url_rule("/ledger", "ledger_open", ledger_open, methods=["POST"])
    app.add_url_rule("/ledger/<task_id>", "ledger_task", ledger_task)
    app.add_url_rule("/ledger/<task_id>/forms", "ledger_forms", ledger_forms, methods=["POST"])
    app.add_url_rule("/ledger/<task_id>/report", "ledger_report", ledger_report, methods=["POST"])


def ledger_form(error=None, status=200):
    return render_template("ledger_form.html", error=error, form=request.form, samples=sample_paths()), status


def ledger_open():
    task = tasks().new("ledger")
    try:
        path = ledger_from_form(task.folder / "upload")
        ledger = load_ledger(path)
    except KcdocsError as exc:
        tasks().discard(task)
        return ledger_form(describe_error(exc), 400)
    names = disposition_names()
    cases = [{"id": c.case_id, "name": c.name, "disposition": names.get(c.disposition, c.disposition),
              "code": c.disposition, "status": label(c.status),
              "attempts": len(c.attempts), "district": c.district or "", "school": c.school or ""}
             for c in ledger.cases]
    task.data.update(ledger=path, name=path.name, cases=cases, warnings=ledger.warnings)
    return redirect(url_for("ledger_task", task_id=task.id), 303)


def disposition_names() -> dict[str, str]:
    """处置类型 code -> its Chinese name (核销·实际死亡), from the built-in checklists."""
    from kcdocs.checklists import load_checklists

    return {code: d.name for code, d in load_checklists().disposition_table().by_code.items()}


def ledger_task(task_id, error=None, status=200):
    task = get_task(task_id, "ledger")
    return render_template("ledger_task.html", task=task, d=task.data, forms=FORM_TYPES, error=error), status


def ledger_forms(task_id):
    task = get_task(task_id, "ledger")
    form = request.form.get("form", "")
    if form not in FORM_TYPES:
        return ledger_task(task_id, describe_error(UsageError("请选择要打印的表单。")), 400)
    known = {c["id"] for c in task.data["cases"]}
    cases = [c for c in request.form.getlist("case") if c in known]
    out_dir = task.folder / f"out{len(task.runs) + 1}"
    title = FORM_TITLES[form]
    opts = FormOptions(form=form, ledger=task.data["ledger"], output=out_dir / f"{title}.pdf", cases=cases,
                       docx_dir=out_dir / f"{title}_word" if request.form.get("docx") else None,
                       config=settings().config)

    def work(run: Run) -> None:
        result = make_forms(opts, progress=run.progress)
        run.outputs.append(Output(opts.output.name, opts.output, f"{result.documents} 份，共 {result.pages} 页"))
        if result.docx_count:
            archive = out_dir / f"{title}_word.zip"
            _zip_folder(opts.docx_dir, archive)
            run.outputs.append(Output(archive.name, archive, f"Word 文件 {result.docx_count} 个（zip 压缩包）"))
        run.summary = f"已生成 {result.documents} 份{title}，共 {result.pages} 页（用时 {result.seconds:.1f} 秒）。"
        if result.skipped:
            run.summary += f"以下个案没有这种表单，已跳过：{'、'.join(result.skipped)}"

    scope = f"（{len(cases)} 个个案）" if cases else "（全部个案）"
    tasks().start(task, f"打印{title}{scope}", work)
    return redirect(url_for("ledger_task", task_id=task.id), 303)


def ledger_report(task_id):
    task = get_task(task_id, "ledger")
    kind = request.form.get("kind")
    try:
        if kind not in ("weekly", "monthly"):
            raise UsageError("请选择周报或月报。")
        period = form_text("week" if kind == "weekly" else "month")
        if not period:
            raise UsageError("请选择报告的" + ("周。" if kind == "weekly" else "月份。"),
                             "周可以写成 第20周、2020-W20 或该周中的一天（如 2020-05-13）；月份写成 2020年5月 或 2020-05。")
        generated = form_date("generated", "报告日期")
    except KcdocsError as exc:
        return ledger_task(task_id, describe_error(exc), 400)
    word = "周报" if kind == "weekly" else "月报"
    out_dir = task.folder / f"out{len(task.runs) + 1}"
    opts = ReportOptions(kind=kind, ledger=task.data["ledger"], period=period, output=out_dir / f"{word}.pdf",
                         scope=form_text("unit"), generated=generated,
                         docx_dir=out_dir / f"{word}_word" if request.form.get("docx") else None,
                         config=settings().config)

    def work(run: Run) -> None:
        result = make_report(opts)
        t = result.totals
        run.outputs.append(Output(opts.output.name, opts.output, f"{result.period.label}，{result.pages} 页"))
        if result.lists:
            run.outputs.append(Output(result.lists.name, result.lists, "完整名单（Excel）"))
        if opts.docx_dir is not None and opts.docx_dir.is_dir():
            archive = out_dir / f"{word}_word.zip"
            _zip_folder(opts.docx_dir, archive)
            run.outputs.append(Output(archive.name, archive, "Word 文件（zip 压缩包）"))
        late = f"，已逾期 {result.overdue_days} 天" if result.overdue_days else ""
        run.summary = (f"{word}（{result.period.label}）：期初 {t['start']} + 新增 {t['new']} − 劝返复学 {t['returned']} − "
                       f"特殊劝返 {t['special']} − 核销 {t['writeoff']} = 期末 {t['end']}"
                       f"{'' if result.balanced else '（核对不一致，报告的“数据问题”一节列出了原因）'}；"
                       f"报送截止 {result.period.due.isoformat()}{late}。")
        unread = [f"学生台账中 {result.skipped_rows} 行"] if result.skipped_rows else []
        unread += [f"劝返记录中 {len(result.attempt_rows)} 行"] if result.attempt_rows else []
        if unread:
            run.summary += f"{'、'.join(unread)}不能完整读取，未计入本报告（报告的“数据问题”一节逐行列出了原因），请改正台账后重新生成。"

    tasks().start(task, f"生成{word}（{period}）", work)
    return redirect(url_for("ledger_task", task_id=task.id), 303)
