"""通报 page: the districts' findings.json (or zips of their audit folders) and an optional
报送记录 in, the city's bulletin out (``kcdocs bulletin``)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path, PurePosixPath

from flask import redirect, render_template, request, url_for

from kcdocs.bulletin import BulletinOptions, make_bulletin
from kcdocs.bulletin.build import district_rows
from kcdocs.errors import KcdocsError, UsageError
from kcdocs.web.app import describe_error, form_date, form_text, get_task, settings, tasks
from kcdocs.web.pages_audit import last_result
from kcdocs.web.tasks import Output, Run
from kcdocs.web.uploads import LEDGER_TYPES, as_uploaded, safe_name, save_upload

SOURCE_TYPES = (".json", ".zip")
MAX_UNZIPPED = 200 * 1024 * 1024  # findings files are small; a zip holding more is refused
FINDINGS = "findings.json"


def register(app) -> None:
    app.add_url_rule("/bulletin", "bulletin_form", bulletin_form)
    app.add_url_rule("/bulletin", "bulletin_start", bulletin_start, methods=["POST"])
    app.add_url_rule("/bulletin/<task_id>", "bulletin_task", bulletin_task)


def _audits() -> list[dict]:
    return [{"id": t.id, "name": t.data.get("ledger_name", ""), "as_of": last_result(t).as_of,
             "evidence": t.data.get("evidence"), "at": time.strftime("%H:%M", time.localtime(t.created))}
            for t in tasks().of_kind("audit") if last_result(t) is not None]


def bulletin_form(error=None, status=200):
    return render_template("bulletin_form.html", error=error, form=request.form, audits=_audits()), status


def bulletin_start():
    task = tasks().new("bulletin")
    try:
        names: dict[str, str] = {}
        sources = _sources(task.folder / "sources", names)
        reports = request.files.get("reports")
        if reports is not None and reports.filename:
            names[str(task.folder / "upload")] = "报送记录"
            reports = save_upload(reports, task.folder / "upload", LEDGER_TYPES, "报送记录.xlsx")
            names[str(reports)] = request.files["reports"].filename
        else:
            reports = None
        when = form_date("when", "落款日期")
    except KcdocsError as exc:
        tasks().discard(task)
        return bulletin_form(describe_error(exc), 400)
    out = task.folder / "out"
    opts = BulletinOptions(sources=sources, output=out / "通报.pdf", xlsx=out / "通报.xlsx", reports=reports,
                           unit=form_text("unit"), number=form_text("number"), when=when, config=settings().config)
    task.data.update(sources=[s.name for s in sources], reports=reports.name if reports else None)

    def work(run: Run) -> None:
        result = make_bulletin(opts)
        run.result = result
        result.problems = as_uploaded(result.problems, names)
        run.outputs += [Output("通报.pdf", opts.output, "公文格式，可直接打印"),
                        Output("通报.xlsx", opts.xlsx, "附表：各区市进展、问题类型、清零进度、阻碍清零的个案")]
        cleared = sum(1 for d in result.districts if d.cleared)
        late = ("未上传报送记录，未统计周报、月报逾期报送。" if result.late is None
                else f"逾期报送 {result.late} 次。")
        run.summary = (f"通报完成：{len(result.districts)} 个区（市），已清零 {cleared} 个；读取稽核结果 {result.audits} 份"
                       f"（用时 {result.seconds:.1f} 秒）。{late}")

    tasks().start(task, "生成全市进展通报", work)
    return redirect(url_for("bulletin_task", task_id=task.id), 303)


def _sources(folder: Path, names: dict[str, str]) -> list[Path]:
    """Every uploaded findings.json in a folder of its own (its name labels a district without
    区市 in its cases), every audit folder inside an uploaded zip, every audit of this server chosen."""
    sources: list[Path] = []
    for upload in (f for f in request.files.getlist("sources") if f.filename):
        own = _own_folder(folder, Path(safe_name(upload.filename, FINDINGS)).stem)
        saved = save_upload(upload, own, SOURCE_TYPES, FINDINGS)
        if saved.suffix.lower() == ".zip":
            sources += _unzip(saved, own / "内容", upload.filename)
            names[str(own / "内容")] = upload.filename
        else:
            sources.append(saved.replace(own / FINDINGS))
            names[str(own / FINDINGS)] = upload.filename
    for task_id in request.form.getlist("audit"):
        audit = get_task(task_id, "audit")
        sources.append(audit.folder / "audit")
        names[str(audit.folder / "audit")] = f"本网页的稽核（{audit.data.get('ledger_name', '')}）"
    if not sources:
        raise UsageError("没有选择稽核结果。", "请上传各区（市）的 findings.json（或稽核输出文件夹的 zip 压缩包），"
                         "或勾选本网页上做过的稽核。")
    return sources


def _own_folder(folder: Path, stem: str) -> Path:
    """A new folder named as the upload (its name labels the district when the cases name none)."""
    own, n = folder / stem, 1
    while own.exists():
        n += 1
        own = folder / f"{stem}_{n}"
    return own


def _unzip(archive: Path, into: Path, shown: str) -> list[Path]:
    """The folders holding a findings.json inside a zip (safe names only; nothing outside ``into``)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir() and _safe_member(m.filename)]
            if sum(m.file_size for m in members) > MAX_UNZIPPED:
                raise UsageError(f"压缩包 {shown} 解压后太大，没有读取。", "请只打包稽核输出文件夹（findings.json 和“历史”文件夹）。")
            for m in members:
                if PurePosixPath(m.filename).suffix.lower() == ".json":
                    target = into.joinpath(*PurePosixPath(m.filename).parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(m))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(f"压缩包 {shown} 无法打开：{exc}", "请重新打包稽核输出文件夹，或直接上传其中的 findings.json。") from None
    found = sorted(p.parent for p in into.rglob(FINDINGS) if "历史" not in p.relative_to(into).parts)
    if not found:
        raise UsageError(f"压缩包 {shown} 中没有 findings.json。", "请打包 kcdocs 稽核的输出文件夹（含 findings.json）。")
    return found


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and not name.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]


def bulletin_task(task_id):
    task = get_task(task_id, "bulletin")
    run = task.runs[-1]
    result = run.result if run.state == "done" else None
    rows = district_rows(result.districts) if result else []
    return render_template("bulletin_task.html", task=task, d=task.data, run=run, result=result, rows=rows)
