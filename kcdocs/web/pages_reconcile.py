"""底数比对 page: 户籍名单 and the 学籍 export uploaded, the reconcile workbook out (``kcdocs reconcile``)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from kcdocs.errors import KcdocsError, UsageError
from kcdocs.reconcile import ReconcileOptions, reconcile
from kcdocs.web.app import describe_error, form_date, form_text, get_task, settings, tasks
from kcdocs.web.tasks import Output, Run
from kcdocs.web.uploads import ROSTER_TYPES, as_uploaded, save_upload

OUTPUT = "底数比对.xlsx"


def register(app) -> None:
    app.add_url_rule("/reconcile", "reconcile_form", reconcile_form)
    app.add_url_rule("/reconcile", "reconcile_start", reconcile_start, methods=["POST"])
    app.add_url_rule("/reconcile/<task_id>", "reconcile_task", reconcile_task)


def reconcile_form(error=None, status=200):
    return render_template("reconcile_form.html", error=error, form=request.form), status


def reconcile_start():
    task = tasks().new("reconcile")
    try:
        uploads = [f for f in request.files.getlist("population") if f.filename]
        if not uploads:
            raise UsageError("没有选择户籍名单。", "请选择一个或多个户籍名单（公安户籍、扶贫办建档立卡、残联残疾儿童等）。")
        population = [str(save_upload(f, task.folder / "户籍", ROSTER_TYPES, "户籍名单.xlsx")) for f in uploads]
        students = save_upload(request.files.get("students"), task.folder / "学籍", ROSTER_TYPES, "学籍.xlsx")
        names = {path: f.filename for path, f in zip(population, uploads)}
        names[str(students)] = request.files["students"].filename
        as_of = form_date("as_of", "比对基准日")
    except KcdocsError as exc:
        tasks().discard(task)
        return reconcile_form(describe_error(exc), 400)
    opts = ReconcileOptions(population=population, students=students, output=task.folder / "out" / OUTPUT,
                            as_of=as_of, cutoff=form_text("cutoff"), mask=bool(request.form.get("mask")),
                            config=settings().config)
    task.data.update(population=[f.filename for f in uploads], students=request.files["students"].filename)

    def work(run: Run) -> None:
        r = reconcile(opts, progress=run.progress)
        r.problems = as_uploaded(r.problems, names)
        run.result = r
        run.outputs.append(Output(OUTPUT, r.output, "汇总、疑似失学辍学、待核实、重复户籍、学籍无户籍、数据问题"))
        run.summary = (f"底数比对完成（用时 {r.seconds:.1f} 秒）：户籍名单 {r.people} 人（去重后），其中适龄 {r.in_scope} 人；"
                       f"学籍 {r.students} 条。疑似失学辍学 {len(r.suspected)} 人；待核实 {r.review_people} 人"
                       f"（{r.review_pairs} 个候选）；重复户籍 {r.duplicates} 组；学籍无户籍 {r.students_only} 条。")

    tasks().start(task, "底数比对", work)
    return redirect(url_for("reconcile_task", task_id=task.id), 303)


def reconcile_task(task_id):
    task = get_task(task_id, "reconcile")
    run = task.runs[-1]
    result = run.result if run.state == "done" else None
    return render_template("reconcile_task.html", task=task, d=task.data, run=run, result=result,
                           errors=[p for p in result.problems if p.is_error] if result else [])
