"""Evidence pages: open each file of a case as PDF pages, or decide it gets a page that
describes it instead.

Contract: ``open_parts(parts, root) -> list[pikepdf.Pdf | None]`` (same order). PDF files
are opened through the one read path (:mod:`kcdocs.evidence_io.topdf`): PDFs as they are
(pages copied later, never re-rendered) unless qpdf cannot copy them cleanly (then pdfium
renders them); images become pages losslessly with img2pdf (JPEG bytes embedded unchanged,
PNG/TIFF without loss) on A4 with a white border, so the page label never covers the image,
or converted by Pillow where img2pdf refuses them; recordings, unreadable and unsupported
files get ``None`` and one page describing them. Never raises for a bad file: it is marked
unreadable with the reason, and the case goes on. Only files the audit's verdict accepted are
opened, so the dossier and the audit agree.
"""

from __future__ import annotations

import io
from pathlib import Path

from kcdocs.config import LimitsConfig
from kcdocs.dossier.models import Part
from kcdocs.evidence_io import current, guard, names, topdf

A4_PT = (595.2756, 841.8898)
IMAGE_BORDER_PT = 28.35  # 10 mm of white around an image page: room for the label


def _layout():
    import img2pdf

    return img2pdf.get_layout_fun(A4_PT, None, (IMAGE_BORDER_PT, IMAGE_BORDER_PT), img2pdf.FitMode.into,
                                  auto_orient=True)


def image_to_pdf(path: Path) -> bytes:
    """An image file as PDF bytes (one page per frame), as the dossier embeds it."""
    pdf, _ = topdf.image_document(path, _layout())
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def image_document(path: Path):
    """An image file as a pikepdf document (see :func:`kcdocs.evidence_io.topdf.image_document`)."""
    return topdf.image_document(path, _layout())[0]


def _open(part: Part, path: Path):
    """(pikepdf document, note) through the one read path; raises if it cannot be opened."""
    if part.kind == "pdf":
        pdf, note = topdf.pdf_document(path)
    else:
        pdf, note = topdf.image_document(path, _layout())
    if len(pdf.pages) == 0:
        pdf.close()
        raise ValueError("no pages")
    return pdf, note


def open_parts(parts: list[Part], root: Path, limits: LimitsConfig | None = None) -> list:
    """Open every attachable part; set ``attached`` and ``pages``; mark failures unreadable.
    A part converted or rebuilt on the way says so in its shown name (catalogue, bookmarks)."""
    limits = limits or current.get()
    opened = []
    for part in parts:
        pdf = None
        if part.problem is None and part.kind in ("pdf", "image"):
            lines: list[str] = []
            try:
                with guard.captured(lines), guard.deadline(limits.seconds), current.using(limits):
                    pdf, note = _open(part, names.real_path(root, part.rel))
                if note:
                    part.name = f"{part.name}（{note}）"
            except Exception as exc:  # a hostile file must never stop the dossier
                part.problem = _why(part, exc, limits)
        part.attached = pdf is not None
        part.pages = len(pdf.pages) if pdf is not None else 1
        opened.append(pdf)
    return opened


def _why(part: Part, exc: Exception, limits: LimitsConfig) -> str:
    if isinstance(exc, guard.FileTimeout):
        return f"并入卷宗超时（超过 {limits.seconds:g} 秒），疑似异常文件；请重新扫描后重新生成卷宗。"
    kind = "PDF" if part.kind == "pdf" else "图片"
    return f"{kind}文件无法并入卷宗（{type(exc).__name__}），可能已损坏；请重新扫描后重新生成卷宗。"


def close_all(opened: list) -> None:
    for pdf in opened:
        if pdf is not None:
            pdf.close()
