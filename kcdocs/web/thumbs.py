"""Small PNG pictures of one evidence page, for the 复核 list when the audit measured no box.

A signature box the scan-back measured comes with its own crop (a PNG data URI made by
:mod:`kcdocs.scan`); for everything else the reviewer sees the whole page, small. A file that
cannot be drawn gives ``None`` (the page then says so) and never an error.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

WIDTH = 360  # px of the longer side
MAX_PIXELS = 60_000_000  # a picture larger than this is not opened for a thumbnail
PDF_SUFFIXES = (".pdf",)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def page_png(path: Path, page: int | None) -> bytes | None:
    """Page ``page`` (1-based; default 1) of a PDF or picture as a PNG at most WIDTH px, or None."""
    suffix = path.suffix.lower()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if suffix in PDF_SUFFIXES:
                image = _pdf_page(path, page or 1)
            elif suffix in IMAGE_SUFFIXES:
                image = _picture(path, page or 1)
            else:
                return None
    except Exception:  # a damaged or unusual file: no picture, the page offers the file itself
        return None
    if image is None:
        return None
    image.thumbnail((WIDTH, WIDTH))
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _pdf_page(path: Path, page: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            return None
        p = pdf[page - 1]
        width, height = p.get_size()
        scale = WIDTH / max(width, height, 1.0)
        return p.render(scale=scale).to_pil()
    finally:
        pdf.close()


def _picture(path: Path, page: int):
    from PIL import Image

    img = Image.open(path)
    if img.width * img.height > MAX_PIXELS:
        return None
    if page > 1:
        img.seek(page - 1)  # multi-page TIFF
    img.draft("RGB", (WIDTH, WIDTH))  # JPEG: decode at a reduced size
    img.load()
    return img
