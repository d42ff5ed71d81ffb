"""Stage 2 of ingest — one PDF per form copy in its case folder, the rest to ``_待识别/``.

Contract: ``ingest(IngestOptions) -> IngestResult``. Pages of one form copy (same form, case
and sequence) are joined in page order into ``<case folder>/<form>_<seq>.pdf``; PDF pages are
copied as they are, image files embedded losslessly (img2pdf), each page turned upright with
/Rotate. Pages without a readable QR go to ``_待识别/<scan>_第N页.pdf``, listed in
``_待识别/清单.csv``. A manifest (``.kcdocs-ingest.json`` in EVIDENCE_ROOT) remembers which
scanned pages were filed, so ingesting the same scan again adds nothing. The scanner's
files are only read. Every output appears whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from kcdocs.errors import ExitCode, UsageError
from kcdocs.fileio import write_bytes_atomic
from kcdocs.ingest.sort import ScannedPage, read_pages
from kcdocs.marks.payload import PagePayload

MANIFEST = ".kcdocs-ingest.json"
UNIDENTIFIED = "_待识别"
REPORTS = "_报表"
LIST_NAME = "清单.csv"
REPORT_FORMS = {"weekly-report", "monthly-report"}


class IngestOptions(BaseModel):
    scans: list[Path]
    into: Path


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

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.INPUT_PROBLEMS if self.unidentified or self.problems else ExitCode.OK


def _load_manifest(root: Path) -> dict:
    try:
        return json.loads((root / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {"pages": {}}


def _case_folder(root: Path, subject: str, form: str) -> Path:
    if form in REPORT_FORMS:
        return root / REPORTS
    from kcdocs.audit.inventory import match_case

    for top in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        if match_case(top.name, {subject.upper(): subject}) == subject:
            return top
    return root / subject


def _free_name(folder: Path, stem: str, taken: set[Path]) -> Path:
    n = 1
    while True:
        path = folder / (f"{stem}.pdf" if n == 1 else f"{stem}_{n}.pdf")
        if not path.exists() and path not in taken:
            return path
        n += 1


class _PageSource:
    """Single pages as pypdf page objects: PDF pages copied, images wrapped by img2pdf."""

    def __init__(self):
        self._readers: dict[Path, object] = {}

    def _reader(self, path: Path):
        from pypdf import PdfReader

        if path not in self._readers:
            if path.suffix.lower() == ".pdf":
                self._readers[path] = PdfReader(io.BytesIO(path.read_bytes()))
            else:
                self._readers[path] = PdfReader(io.BytesIO(_image_pdf(path)))
        return self._readers[path]

    def page(self, scanned: ScannedPage):
        return self._reader(scanned.source).pages[scanned.index]


def _image_pdf(path: Path) -> bytes:
    """The image file as PDF pages at its own resolution; JPEG and PNG data kept as they are."""
    import img2pdf
    from PIL import Image

    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as img:
        dpi = img.info.get("dpi", (0, 0))[0] or min(img.size) / (210 / 25.4)
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            buf = io.BytesIO()  # img2pdf refuses alpha: drop it, keep every pixel's colour
            img.convert("RGB").save(buf, "PNG")
            data = buf.getvalue()
    layout = img2pdf.get_fixed_dpi_layout_fun((float(dpi), float(dpi)))
    return img2pdf.convert(data, layout_fun=layout, nodate=True)


def _write(pages: list[ScannedPage], source: _PageSource, dest: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for scanned in pages:
        writer.add_page(source.page(scanned))
        if scanned.turn:
            writer.pages[-1].rotate(scanned.turn)
    buf = io.BytesIO()
    writer.write(buf)
    write_bytes_atomic(dest, buf.getvalue())


def _groups(pages: list[ScannedPage]) -> dict[tuple, dict[int, ScannedPage]]:
    groups: dict[tuple, dict[int, ScannedPage]] = {}
    for page in pages:
        p = page.payload
        groups.setdefault((p.subject, p.form, p.seq, p.pages), {}).setdefault(p.page, page)
    return groups


def _file_forms(root, pages, done, source, result) -> None:
    taken: set[Path] = set()
    for (subject, form, seq, total), by_page in _groups(pages).items():
        fresh = [by_page[n] for n in sorted(by_page) if by_page[n].key not in done]
        result.already += len(by_page) - len(fresh)
        if not fresh:
            continue
        folder = _case_folder(root, subject, form)
        stem = f"{form}_{seq}" if form not in REPORT_FORMS else f"{form}_{subject}"
        dest = _free_name(folder, stem, taken)
        taken.add(dest)
        _write(fresh, source, dest)
        rel = dest.relative_to(root).as_posix()
        for page in fresh:
            done[page.key] = rel
        missing = [n for n in range(1, total + 1) if n not in by_page]
        result.filed.append(Filed(rel, [(str(p.source), p.index + 1) for p in fresh], missing))


def _file_unidentified(root, pages, done, source, result) -> None:
    folder = root / UNIDENTIFIED
    for page in pages:
        if page.key in done:
            result.already += 1
            continue
        dest = _free_name(folder, f"{page.source.stem}_第{page.index + 1}页", set())
        _write([page], source, dest)
        rel = dest.relative_to(root).as_posix()
        done[page.key] = rel
        result.unidentified.append((rel, str(page.source), page.index + 1, page.reason or ""))
    if result.unidentified:
        _append_list(folder / LIST_NAME, result.unidentified)


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
    pages, problems = read_pages(opts.scans)
    manifest = _load_manifest(root)
    done: dict[str, str] = manifest.setdefault("pages", {})
    result = IngestResult(problems=[(str(p), why) for p, why in problems])
    source = _PageSource()
    _file_forms(root, [p for p in pages if p.payload], done, source, result)
    _file_unidentified(root, [p for p in pages if not p.payload], done, source, result)
    write_bytes_atomic(root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return result


__all__ = ["IngestOptions", "IngestResult", "Filed", "ingest", "PagePayload"]
