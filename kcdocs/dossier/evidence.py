"""Evidence pages: open each file of a case as PDF pages, or decide it gets a page that
describes it instead.

Contract: ``open_parts(parts, root) -> list[pikepdf.Pdf | None]`` (same order). PDF files
are opened as they are (pages copied later, never re-rendered); images become pages
losslessly with img2pdf (JPEG bytes embedded unchanged, PNG/TIFF without loss) on A4
with a white border, so the page label never covers the image; recordings, unreadable
and unsupported files get ``None`` and one page describing them. Never raises for a bad
file: it is marked unreadable with the reason, and the case goes on.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from kcdocs.dossier.models import Part

A4_PT = (595.2756, 841.8898)
IMAGE_BORDER_PT = 28.35  # 10 mm of white around an image page: room for the label


def _layout():
    import img2pdf

    return img2pdf.get_layout_fun(A4_PT, None, (IMAGE_BORDER_PT, IMAGE_BORDER_PT), img2pdf.FitMode.into,
                                  auto_orient=True)


def image_to_pdf(path: Path) -> bytes:
    """An image file as PDF pages (one per frame), without re-encoding when possible."""
    import img2pdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return img2pdf.convert(str(path), layout_fun=_layout(), rotation=img2pdf.Rotation.ifvalid)
    except (img2pdf.AlphaChannelError, img2pdf.UnsupportedColorspaceError, img2pdf.JpegColorspaceError):
        return _flattened(path)


def image_document(path: Path):
    """An image file as a pikepdf document, the same as ``image_to_pdf`` makes but taken straight
    from img2pdf's pikepdf writer: no PDF written out and parsed again (a third of the cost)."""
    import img2pdf
    import pikepdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = img2pdf.convert_to_docobject(str(path), layout_fun=_layout(), rotation=img2pdf.Rotation.ifvalid,
                                               engine=img2pdf.Engine.pikepdf)
        if isinstance(getattr(doc, "writer", None), pikepdf.Pdf):
            return doc.writer
    except (AttributeError, TypeError):  # another img2pdf: its documented way
        pass
    except (img2pdf.AlphaChannelError, img2pdf.UnsupportedColorspaceError, img2pdf.JpegColorspaceError):
        pass
    return pikepdf.open(io.BytesIO(image_to_pdf(path)))


def _flattened(path: Path) -> bytes:
    """Images img2pdf cannot embed as they are (alpha channel, odd modes): flattened on white,
    stored as PNG (lossless), then embedded."""
    import img2pdf
    from PIL import Image

    with Image.open(path) as img:
        img.load()
        rgba = img.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    buf = io.BytesIO()
    flat.save(buf, format="PNG")
    return img2pdf.convert(buf.getvalue(), layout_fun=_layout())


def _open(part: Part, path: Path):
    import pikepdf

    if part.kind == "pdf":
        pdf = pikepdf.open(path)
    else:
        pdf = image_document(path)
    if len(pdf.pages) == 0:
        pdf.close()
        raise ValueError("no pages")
    return pdf


def open_parts(parts: list[Part], root: Path) -> list:
    """Open every attachable part; set ``attached`` and ``pages``; mark failures unreadable."""
    opened = []
    for part in parts:
        pdf = None
        if part.problem is None and part.kind in ("pdf", "image"):
            try:
                pdf = _open(part, root / part.rel)
            except Exception as exc:  # a hostile file must never stop the dossier
                part.problem = _why(part, exc)
        part.attached = pdf is not None
        part.pages = len(pdf.pages) if pdf is not None else 1
        opened.append(pdf)
    return opened


def _why(part: Part, exc: Exception) -> str:
    kind = "PDF" if part.kind == "pdf" else "图片"
    return f"{kind}文件无法并入卷宗（{type(exc).__name__}），可能已损坏；请重新扫描后重新生成卷宗。"


def close_all(opened: list) -> None:
    for pdf in opened:
        if pdf is not None:
            pdf.close()
