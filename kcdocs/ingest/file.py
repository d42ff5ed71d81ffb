"""Stage 2 of ingest — one PDF per form copy in its case folder, the rest to ``_待识别/``.

Contract: ``ingest(IngestOptions) -> IngestResult``; never raises for a bad scan (it becomes a
problem, the rest of the batch is filed). Pages of one form copy (same form, case and
sequence) are joined in page order into ``<case folder>/<表格名>.pdf`` (``劝返记录_第2次.pdf``,
``书面申请.pdf``, ``送达回证.pdf``, ``责令限期改正通知书.pdf``, ``_报表/周报_<报表编号>.pdf``;
receipts printed without a 台账编号 in ``未编号/<姓名>_<名册行>/``); PDF pages are copied as they
are, image files embedded losslessly (img2pdf) or converted by Pillow where img2pdf refuses them,
each page turned upright with /Rotate exactly once (from the QR code, or the EXIF orientation
when there is none). Pages without a readable QR go to ``_待识别/<scan>_第N页.pdf``, listed in ``_待识别/清单.csv``. A
manifest (``.kcdocs-ingest.json`` in EVIDENCE_ROOT) remembers which scanned pages were filed and
is rewritten (atomically) after every filed PDF, so ingesting the same scan again — after a
complete or an interrupted run — adds nothing. The scanner's files are only read. Every
output appears whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from kcdocs.config import LimitsConfig
from kcdocs.errors import ExitCode, UsageError
from kcdocs.evidence_io import current, guard, topdf
from kcdocs.evidence_io.names import safe_text
from kcdocs.fileio import fit_bytes, write_bytes_atomic
from kcdocs.ingest.sort import ScannedPage, read_pages, shown
from kcdocs.marks.layout import get_layout
from kcdocs.marks.payload import PagePayload

MANIFEST = ".kcdocs-ingest.json"
UNIDENTIFIED = "_待识别"
UNNUMBERED = "未编号"
REPORTS = "_报表"
LIST_NAME = "清单.csv"
REPORT_FORMS = {"weekly-report", "monthly-report"}
FORM_TITLES = {"persuasion-record": "劝返记录", "application": "书面申请", "education-plan": "个性化教育方案",
               "receipt": "送达回证", "weekly-report": "周报", "monthly-report": "月报",
               "criticism-record": "批评教育记录", "correction-order": "责令限期改正通知书",
               "judicial-request": "提请发放司法文书的函", "overdue-reminder": "逾期未报到催报通知书"}
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


class IngestOptions(BaseModel):
    scans: list[Path]
    into: Path
    limits: LimitsConfig = LimitsConfig()  # per scan file (kcdocs.toml [limits])


@dataclass
class Filed:
    dest: str  # relative to EVIDENCE_ROOT
    sources: list[tuple[str, int]]  # (scan file, 1-based page)
    missing_pages: list[int] = field(default_factory=list)


@dataclass
class IngestResult:
    filed: list[Filed] = field(default_factory=list)
    unidentified: list[tuple[str, str, int, str]] = field(default_factory=list)  # dest, scan, page, reason
    already: int = 0  # pages filed by an earlier run
    problems: list[tuple[str, str]] = field(default_factory=list)  # (scan file, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (scan file, what was done to file it)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INPUT_PROBLEMS if self.unidentified or self.problems else ExitCode.OK


def _load_manifest(root: Path) -> dict:
    try:
        data = json.loads((root / MANIFEST).read_text("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("pages"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"pages": {}}


def _save_manifest(root: Path, manifest: dict) -> None:
    """Written after every filed PDF (atomically): a run stopped half-way is resumed, not repeated."""
    write_bytes_atomic(root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))


def _clean(text: str) -> str:
    return fit_bytes(_BAD_NAME.sub("_", safe_text(text)).strip(" ."), 80) or "_"


def _case_folder(root: Path, payload: PagePayload) -> Path:
    """The case folder (one whose name starts with the 台账编号; made when there is none); reports
    in _报表/; receipts printed without a 台账编号 in 未编号/<姓名>_<名册行>/ (or _待识别/ when the
    QR names no child)."""
    subject, form = payload.subject, payload.form
    if form in REPORT_FORMS:
        return root / REPORTS
    if not payload.has_case:
        who = "_".join(x for x in (payload.name, payload.origin) if x)
        return root / UNNUMBERED / _clean(who) if who else root / UNIDENTIFIED
    from kcdocs.audit.inventory import match_case

    for top in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        if match_case(top.name, {subject.upper(): subject}) == subject:
            return top
    return root / _clean(subject)


def form_stem(payload: PagePayload) -> str:
    """The Chinese file name (without .pdf) of a filed form copy."""
    title = FORM_TITLES.get(payload.form) or _clean(get_layout(payload.form).title)
    if payload.form in REPORT_FORMS:
        return f"{title}_{_clean(payload.subject)}"
    if payload.form == "persuasion-record":
        return f"{title}_第{payload.seq}次"
    return title  # a second copy becomes 送达回证_2.pdf


def _free_name(folder: Path, stem: str, taken: set[Path]) -> Path:
    n = 1
    while True:
        path = folder / (f"{stem}.pdf" if n == 1 else f"{stem}_{n}.pdf")
        if not os.path.lexists(path) and path not in taken:
            return path
        n += 1


class _PageSource:
    """Single pages as pikepdf pages through the one read path: PDF pages copied (pdfium renders
    those qpdf cannot copy cleanly), images embedded by img2pdf at the resolution measured on the
    QR code or a plausible one (never 72 dpi from a phone's EXIF), converted by Pillow where
    img2pdf refuses them; EXIF orientation is not applied here (the page's turn is)."""

    def __init__(self, limits: LimitsConfig):
        self.limits = limits
        self._docs: dict[Path, object] = {}
        self.notes: dict[Path, str] = {}

    def _doc(self, scanned: ScannedPage):
        path = scanned.source
        if path not in self._docs:
            with guard.captured([]), guard.deadline(self.limits.seconds), current.using(self.limits):
                if path.suffix.lower() == ".pdf":
                    doc, note = topdf.pdf_document(path)
                else:
                    doc, note = topdf.image_document(path, _image_layout(path, scanned.dpi), rotation=False)
            self._docs[path] = doc
            if note:
                self.notes[path] = note
        return self._docs[path]

    def page(self, scanned: ScannedPage):
        return self._doc(scanned).pages[scanned.index]

    def close(self) -> None:
        for doc in self._docs.values():
            doc.close()
        self._docs.clear()


def _image_layout(path: Path, qr_dpi: float | None):
    import img2pdf

    from kcdocs.evidence_io.probe import _pillow
    from kcdocs.evidence_io.resolution import plausible_dpi

    if qr_dpi:
        dpi = qr_dpi
    else:
        with _pillow().open(path) as img:
            dpi = plausible_dpi(img.width, img.height, img.info.get("dpi"))
    return img2pdf.get_fixed_dpi_layout_fun((float(dpi), float(dpi)))


def _write(pages: list[ScannedPage], source: _PageSource, dest: Path) -> None:
    import pikepdf

    with pikepdf.new() as out:
        for scanned in pages:
            out.pages.append(source.page(scanned))
            if scanned.turn:
                out.pages[-1].rotate(scanned.turn, relative=True)
        buf = io.BytesIO()
        out.save(buf)
    write_bytes_atomic(dest, buf.getvalue())


def _groups(pages: list[ScannedPage]) -> dict[tuple, dict[int, ScannedPage]]:
    groups: dict[tuple, dict[int, ScannedPage]] = {}
    for page in pages:
        p = page.payload
        key = (p.subject, p.form, p.seq, p.pages, p.name, p.sheet, p.row)
        groups.setdefault(key, {}).setdefault(p.page, page)
    return groups


def _failed(result: IngestResult, pages: list[ScannedPage], exc: Exception, limits: LimitsConfig) -> None:
    reason = (f"页面并入 PDF 超时（超过 {limits.seconds:g} 秒）" if isinstance(exc, guard.FileTimeout)
              else f"页面无法并入 PDF（{type(exc).__name__}）")
    for scan in dict.fromkeys(shown(p.source) for p in pages):
        result.problems.append((scan, f"{reason}，未归档；请重新扫描后再导入。"))


def _file_forms(root, pages, done, source, result, manifest) -> None:
    taken: set[Path] = set()
    for by_page in _groups(pages).values():
        fresh = [by_page[n] for n in sorted(by_page) if by_page[n].key not in done]
        result.already += len(by_page) - len(fresh)
        if not fresh:
            continue
        payload = fresh[0].payload
        folder = _case_folder(root, payload)
        dest = _free_name(folder, form_stem(payload), taken)
        try:
            _write(fresh, source, dest)
        except Exception as exc:  # one bad scan must not stop the batch
            _failed(result, fresh, exc, source.limits)
            continue
        taken.add(dest)
        rel = dest.relative_to(root).as_posix()
        for page in fresh:
            done[page.key] = rel
        _save_manifest(root, manifest)
        missing = [n for n in range(1, payload.pages + 1) if n not in by_page]
        result.filed.append(Filed(rel, [(shown(p.source), p.index + 1) for p in fresh], missing))


def _file_unidentified(root, pages, done, source, result, manifest) -> None:
    folder = root / UNIDENTIFIED
    for page in pages:
        if page.key in done:
            result.already += 1
            continue
        dest = _free_name(folder, f"{_clean(page.source.stem)}_第{page.index + 1}页", set())
        try:
            _write([page], source, dest)
        except Exception as exc:
            _failed(result, [page], exc, source.limits)
            continue
        rel = dest.relative_to(root).as_posix()
        row = (rel, shown(page.source), page.index + 1, page.reason or "")
        _append_list(folder / LIST_NAME, [row])  # the list first: a page filed is always listed
        done[page.key] = rel
        _save_manifest(root, manifest)
        result.unidentified.append(row)


def _append_list(path: Path, rows) -> None:
    old = path.read_text("utf-8-sig") if path.exists() else "文件,扫描件,页码,原因\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [(Path(dest).name, scan, page, reason) for dest, scan, page, reason in rows])
    write_bytes_atomic(path, ("\ufeff" + old + buf.getvalue()).encode("utf-8"))


def ingest(opts: IngestOptions) -> IngestResult:
    """File every page of ``opts.scans`` under ``opts.into`` (see the module docstring)."""
    root = opts.into
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} 不是文件夹。", "--into 后请给出存放各案例文件夹的佐证材料文件夹。")
    for scan in opts.scans:
        if scan.resolve() == root.resolve() or root.resolve() in scan.resolve().parents:
            raise UsageError(f"扫描件 {scan} 位于佐证材料文件夹之内。", "请把扫描仪输出放在佐证材料文件夹之外再导入。")
    root.mkdir(parents=True, exist_ok=True)
    pages, problems = read_pages(opts.scans, opts.limits)
    manifest = _load_manifest(root)
    done: dict[str, str] = manifest["pages"]
    result = IngestResult(problems=[(shown(p), why) for p, why in problems])
    source = _PageSource(opts.limits)
    try:
        _file_forms(root, [p for p in pages if p.payload], done, source, result, manifest)
        _file_unidentified(root, [p for p in pages if not p.payload], done, source, result, manifest)
    finally:
        source.close()
    result.notes = [(shown(path), note) for path, note in source.notes.items()]
    _save_manifest(root, manifest)
    return result


__all__ = ["IngestOptions", "IngestResult", "Filed", "ingest", "form_stem", "PagePayload"]
