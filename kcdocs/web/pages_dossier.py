"""迎检卷宗 page (``kcdocs dossier``: chosen cases of a ledger, one PDF each, as a zip) and
核对 page (``kcdocs verify``: a dossier folder against its manifest.json)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flask import redirect, render_template, request, url_for

from kcdocs.dossier import DossierOptions, make_dossiers, verify
from kcdocs.errors import KcdocsError, UsageError
from kcdocs.ledger import load_ledger
from kcdocs.web.app import describe_error, form_date, get_task, settings, tasks
from kcdocs.web.pages_audit import last_result, ledger_from_form, sample_paths
from kcdocs.web.tasks import Output, Run
from kcdocs.web.uploads import local_path

STATE_CLASS = {"不完整": "fail", "待复核": "review", "完整": "ok"}


def register(app) -> None:
    app.add_url_rule("/dossier", "dossier_form", dossier_form)
    app.add_url_rule("/dossier", "dossier_open", dossier_open, methods=["POST"])
    app.add_url_rule("/audit/<task_id>/dossier", "dossier_from_audit", dossier_from_audit)
    app.add_url_rule("/dossier/<task_id>", "dossier_task", dossier_task)
    app.add_url_rule("/dossier/<task_id>/make", "dossier_make", dossier_make, methods=["POST"])
    app.add_url_rule("/verify", "verify_form", verify_form)
    app.add_url_rule("/verify", "verify_start", verify_start, methods=["POST"])
    app.add_url_rule("/verify/<task_id>", "verify_task", verify_task)


def _audits() -> list[dict]:
    return [{"id": t.id, "name": t.data.get("ledger_name", ""), "evidence": t.data.get("evidence")}
            for t in tasks().of_kind("audit") if last_result(t) is not None]


def dossier_form(error=None, status=200):
    return render_template("dossier_form.html", error=error, form=request.form, samples=sample_paths(),
                           audits=_audits()), status


def _fill(task, ledger: Path, evidence: Path, as_of, states: dict[str, str]) -> None:
    """A dossier task over a ledger: its cases listed (with the audit's conclusion when known)."""
    cases = [{"id": c.case_id, "name": c.name or "", "district": c.district or "", "state": states.get(c.case_id, ""),
              "state_class": STATE_CLASS.get(states.get(c.case_id, ""), "")} for c in load_ledger(ledger).cases]
    task.data.update(ledger=ledger, ledger_name=ledger.name, evidence=evidence, as_of=as_of, cases=cases)


def dossier_open():
    task = tasks().new("dossier")
    try:
        ledger = ledger_from_form(task.folder / "upload")
        evidence = local_path(request.form.get("evidence_path"), "佐证材料文件夹", folder=True)
        _fill(task, ledger, evidence, form_date("as_of", "稽核基准日"), {})
    except KcdocsError as exc:
        tasks().discard(task)
        return dossier_form(describe_error(exc), 400)
    return redirect(url_for("dossier_task", task_id=task.id), 303)


def dossier_from_audit(task_id):
    """The ledger and evidence folder of an audit on this server, its conclusions shown per case."""
    audit = get_task(task_id, "audit")
    result = last_result(audit)
    states = {c.case.case_id: c.state for c in result.cases} if result else {}
    task = tasks().new("dossier")
    try:
        _fill(task, audit.data["ledger"], audit.data["evidence"], audit.data.get("as_of"), states)
    except KcdocsError as exc:
        tasks().discard(task)
        return dossier_form(describe_error(exc), 400)
    task.data["from_audit"] = audit.id
    return redirect(url_for("dossier_task", task_id=task.id), 303)


def dossier_task(task_id, error=None, status=200):
    task = get_task(task_id, "dossier")
    return render_template("dossier_task.html", task=task, d=task.data, error=error), status


def dossier_make(task_id):
    task = get_task(task_id, "dossier")
    known = {c["id"] for c in task.data["cases"]}
    cases = [c for c in request.form.getlist("case") if c in known]
    if not cases:
        return dossier_task(task_id, describe_error(UsageError("请勾选要生成卷宗的案例。", "可以点“全选”。")), 400)
    out_dir = task.folder / f"卷宗{len(task.runs) + 1}"
    opts = DossierOptions(ledger=task.data["ledger"], evidence_root=task.data["evidence"], output=out_dir,
                          cases=cases, as_of=task.data.get("as_of"), mask_ids=bool(request.form.get("mask")),
                          config=settings().config)

    def work(run: Run) -> None:
        result = make_dossiers(opts, progress=run.progress)
        run.result = result
        made = [d for d in result.dossiers if d.ok]
        archive = task.folder / f"迎检卷宗{len(task.runs)}.zip"
        zip_tree(out_dir, archive, "迎检卷宗")
        run.outputs.append(Output(archive.name, archive, f"{len(made)} 份卷宗和索引、manifest.json（zip 压缩包）"))
        for name, label in (("index.pdf", "索引（PDF）"), ("index.xlsx", "索引（Excel）")):
            if (out_dir / name).is_file():
                run.outputs.append(Output(name, out_dir / name, label))
        by_state = {s: sum(1 for d in made if d.state == s) for s in STATE_CLASS}
        run.summary = (f"卷宗生成完成：{len(made)} 份（完整 {by_state['完整']}，待复核 {by_state['待复核']}，"
                       f"不完整 {by_state['不完整']}），共 {sum(d.pages for d in made)} 页，用时 {result.seconds:.1f} 秒。"
                       f"\nmanifest.json 的 SHA-256：{result.manifest_sha256}（请记入移交记录，核对时使用）")
        failed = "；".join(f"{d.case_id} {d.name}：{d.error}" for d in result.failed)
        if failed:
            run.summary += f"\n未能生成卷宗：{failed}"
        task.data["made"] = out_dir

    tasks().start(task, f"生成迎检卷宗（{len(cases)} 个案例）", work)
    return redirect(url_for("dossier_task", task_id=task.id), 303)


def zip_tree(folder: Path, archive: Path, top: str) -> None:
    """Every file below ``folder`` into ``archive`` under the folder name ``top`` (atomic)."""
    tmp = archive.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    tmp.replace(archive)


def verify_form(error=None, status=200):
    made = [{"id": t.id, "name": t.data.get("ledger_name", ""), "evidence": t.data.get("evidence")}
            for t in tasks().of_kind("dossier") if t.data.get("made")]
    return render_template("verify_form.html", error=error, form=request.form, made=made), status


def verify_start():
    try:
        chosen = request.form.get("made")
        if chosen:
            made = get_task(chosen, "dossier")
            folder, evidence = made.data["made"], made.data["evidence"]
            shown = f"本网页生成的卷宗（{made.data['ledger_name']}，{made.data['made'].name}）"
        else:
            folder = local_path(request.form.get("dossier_path"), "卷宗文件夹", folder=True)
            evidence = local_path(request.form.get("evidence_path"), "佐证材料文件夹", folder=True)
            shown = str(folder)
    except KcdocsError as exc:
        return verify_form(describe_error(exc), 400)
    task = tasks().new("verify")
    task.data.update(folder=shown, evidence=evidence)

    def work(run: Run) -> None:
        result = verify(folder, evidence)
        run.result = result
        if not result.intact:  # (an intact result is said once, on the page)
            run.summary = (f"核对发现 {len(result.changes)} 处不一致。卷宗或佐证材料在生成后被改动过，请查明原因；"
                           "如确需更新材料，请重新生成卷宗。")

    tasks().start(task, "核对卷宗与佐证材料", work)
    return redirect(url_for("verify_task", task_id=task.id), 303)


def verify_task(task_id):
    task = get_task(task_id, "verify")
    run = task.runs[-1]
    return render_template("verify_task.html", task=task, d=task.data, run=run,
                           result=run.result if run.state == "done" else None)
