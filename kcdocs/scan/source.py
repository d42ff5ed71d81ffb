"""Stage 1 — page images of a scan file.

Contract: ``page_images(path, max_pages=None) -> Iterator[PageImage]``. An image-only PDF page
(a scanner's output: one picture covering the page, no text) yields its embedded picture
directly; any other PDF page is rendered with pypdfium2 at ``RENDER_DPI``. Image files
(JPEG, PNG, TIFF; every frame of a multi-page TIFF) yield themselves. Raises
:class:`ScanSourceError` (Chinese message) for a file that cannot be read at all; callers
record it and go on.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from kcdocs.scan.defs import MAX_SCAN_PIXELS, RENDER_DPI

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}
A4_SHORT_IN = 210 / 25.4


class ScanSourceError(Exception):
    """A scan file that cannot be read (message in Chinese)."""


@dataclass
class PageImage:
    index: int  # 0-based page (or frame) number in the file
    rgb: np.ndarray  # H×W×3 uint8, or H×W for grayscale sources
    dpi: float
    embedded: bool  # taken from the file as is (not rendered)
    has_text: bool = False  # a PDF page with a text layer (kcdocs' own unsigned print)

    @property
    def gray(self) -> np.ndarray:
        if self.rgb.ndim == 2:
            return self.rgb
        import cv2

        return cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)


def _array(img) -> np.ndarray:
    if img.mode in ("1", "L", "I", "I;16", "LA"):
        return np.asarray(img.convert("L"))
    return np.asarray(img.convert("RGB"))


def _image_dpi(img) -> float:
    dpi = img.info.get("dpi")
    if dpi and float(dpi[0]) > 1:
        return float(dpi[0])
    return min(img.size) / A4_SHORT_IN  # a page scan without resolution: assume A4


def _open_image(data: bytes):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_SCAN_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        return img
    except Exception as exc:
        raise ScanSourceError("图片已损坏或不是真正的图片，无法读取。") from exc


def _image_pages(path: Path, max_pages: int | None) -> Iterator[PageImage]:
    img = _open_image(path.read_bytes())
    frames = getattr(img, "n_frames", 1)
    for index in range(min(frames, max_pages or frames)):
        img.seek(index)
        yield PageImage(index, _array(img), _image_dpi(img), embedded=True)


def _embedded(page, width_pt: float) -> PageImage | None:
    """The single picture of an image-only page, or None."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    objects = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT], max_depth=1))
    if len(objects) != 1 or not isinstance(objects[0], pdfium.PdfImage):
        return None
    picture = objects[0].get_bitmap(render=False).to_pil()
    left, bottom, right, top = objects[0].get_bounds()
    if (right - left) < 0.9 * width_pt:
        return None  # a small picture on a page: render the page instead
    return PageImage(0, _array(picture), picture.width / ((right - left) / 72), embedded=True)


def _pdf_pages(path: Path, max_pages: int | None) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ScanSourceError("PDF 已加密或已损坏，无法读取。") from exc
    try:
        for index in range(min(len(pdf), max_pages or len(pdf))):
            page = pdf[index]
            try:
                yield _pdf_page(page, index)
            finally:
                page.close()
    finally:
        pdf.close()


def _pdf_page(page, index: int) -> PageImage:
    textpage = page.get_textpage()
    text = (textpage.get_text_range() or "").strip()
    textpage.close()
    found = None if text else _embedded(page, page.get_width())
    if found is not None:
        found.index = index
        return found
    bitmap = page.render(scale=RENDER_DPI / 72)
    return PageImage(index, np.asarray(bitmap.to_pil().convert("RGB")), RENDER_DPI, embedded=False,
                     has_text=bool(text))


def page_images(path: str | Path, max_pages: int | None = None) -> Iterator[PageImage]:
    """The pages of a PDF or image file as pixel arrays (see the module docstring)."""
    path = Path(path)
    suffix = path.suffix.lower()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if suffix in PDF_SUFFIXES:
            yield from _pdf_pages(path, max_pages)
        elif suffix in IMAGE_SUFFIXES:
            yield from _image_pages(path, max_pages)
        else:
            raise ScanSourceError(f"不支持的文件类型：{suffix or '无扩展名'}")
