"""Stage 1 — page images of a scan file.

Contract: ``page_images(path, max_pages=None) -> Iterator[PageImage]``. An image-only PDF page
(a scanner's output: one picture covering the page, no text) yields its embedded picture
directly; any other PDF page is rendered with pypdfium2 at ``RENDER_DPI`` — except, with
``coarse_text=True``, text pages that do not say "kcdocs" in their text or their document's
keywords (they carry no kcdocs QR): those
are rendered at ``SEAL_SEARCH_DPI`` and marked ``seal_only``. Image files
(JPEG, PNG, TIFF; every frame of a multi-page TIFF) yield themselves. Raises
:class:`ScanSourceError` (Chinese message) for a file that cannot be read at all; callers
record it and go on.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from kcdocs.evidence_io import current
from kcdocs.evidence_io.probe import _pillow
from kcdocs.evidence_io.resolution import plausible_dpi
from kcdocs.evidence_io.sniff import IMAGE_SUFFIXES, PDF_SUFFIXES  # noqa: F401 (re-exported)
from kcdocs.scan.defs import MAX_SCAN_PIXELS, RENDER_DPI, SEAL_SEARCH_DPI

A4_SHORT_IN = 210 / 25.4


class ScanSourceError(Exception):
    """A scan file that cannot be read (message in Chinese)."""


@dataclass
class PageImage:
    index: int  # 0-based page (or frame) number in the file
    rgb: np.ndarray | None  # H×W×3 uint8, or H×W for grayscale sources; None: only the views below
    dpi: float
    embedded: bool  # taken from the file as is (not rendered)
    has_text: bool = False  # a PDF page with a text layer (kcdocs' own unsigned print)
    seal_only: bool = False  # rendered coarse, for the seal search only (a text page not from kcdocs)
    luma: np.ndarray | None = None  # full-size gray, when decoded directly (JPEG luminance only)
    small: np.ndarray | None = None  # colour at about SEAL_SEARCH_DPI, when decoded directly
    small_dpi: float | None = None

    @property
    def gray(self) -> np.ndarray:
        if self.luma is not None:
            return self.luma
        if self.rgb.ndim == 2:
            return self.rgb
        import cv2

        self.luma = cv2.cvtColor(self.rgb, cv2.COLOR_RGB2GRAY)
        return self.luma

    def colour_view(self) -> tuple[np.ndarray, float]:
        """(picture for colour and seal checks, its dpi): about SEAL_SEARCH_DPI is enough."""
        if self.small is not None:
            return self.small, self.small_dpi
        source = self.rgb if self.rgb is not None else self.luma
        step = max(1, int(self.dpi // SEAL_SEARCH_DPI))
        return source[::step, ::step], self.dpi / step


def _array(img) -> np.ndarray:
    if img.mode in ("1", "L", "I", "I;16", "LA"):
        return np.asarray(img.convert("L"))
    return np.asarray(img.convert("RGB"))


def _image_dpi(img) -> float:
    """The resolution from the file only when it describes a paper page (phones write 72 dpi into
    every photo): otherwise the picture is taken to show an A4 page (evidence_io.resolution)."""
    return plausible_dpi(img.width, img.height, img.info.get("dpi"))


def _open_image(data: bytes):
    Image = _pillow()
    try:
        img = Image.open(io.BytesIO(data))
    except Exception as exc:
        raise ScanSourceError("图片已损坏或不是真正的图片，无法读取。") from exc
    _check_pixels(img.width, img.height)
    try:
        img.load()
        return img
    except Exception as exc:
        raise ScanSourceError("图片已损坏或不是真正的图片，无法读取。") from exc


def _check_pixels(width: int, height: int) -> None:
    """Refuse, before decoding, a picture over the pixel budget (``[limits] pixels``)."""
    if width * height > min(current.get().pixels, MAX_SCAN_PIXELS):
        raise ScanSourceError(f"图片尺寸异常巨大（{width}×{height} 像素），未读取。")


def _jpeg_page(data: bytes) -> PageImage | None:
    """A colour JPEG decoded twice, cheaply: luminance only at full size (for the QR and the
    signature boxes) and colour at a quarter size by DCT scaling (for colour and seals)."""
    Image = _pillow()

    with Image.open(io.BytesIO(data)) as img:
        if img.format != "JPEG" or img.mode not in ("RGB", "YCbCr"):
            return None
        _check_pixels(*img.size)
        dpi, size = _image_dpi(img), img.size
        img.draft("L", size)
        luma = np.asarray(img.convert("L"))
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (size[0] // 4, size[1] // 4))
        small = np.asarray(img.convert("RGB"))
    return PageImage(0, None, dpi, embedded=True, luma=luma, small=small,
                     small_dpi=dpi * small.shape[1] / size[0])


def _image_pages(path: Path, max_pages: int | None) -> Iterator[PageImage]:
    data = path.read_bytes()
    if data[:3] == b"\xff\xd8\xff":
        try:
            page = _jpeg_page(data)
        except Exception as exc:
            raise ScanSourceError("图片已损坏或不是真正的图片，无法读取。") from exc
        if page is not None:
            yield page
            return
    img = _open_image(data)
    from kcdocs.evidence_io.topdf import page_count

    frames = min(page_count(img), current.get().pages)
    for index in range(min(frames, max_pages or frames)):
        img.seek(index)
        _check_pixels(*img.size)
        yield PageImage(index, _array(img), _image_dpi(img), embedded=True)


def _embedded(page, width_pt: float) -> PageImage | None:
    """The single picture of an image-only page, or None."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    objects = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT], max_depth=1))
    if len(objects) != 1 or not isinstance(objects[0], pdfium.PdfImage):
        return None
    width, height = objects[0].get_px_size()
    if width * height > current.get().pixels:
        return None  # over the pixel budget: the page is rendered instead, at a capped scale
    picture = objects[0].get_bitmap(render=False).to_pil()
    left, bottom, right, top = objects[0].get_bounds()
    if (right - left) < 0.9 * width_pt:
        return None  # a small picture on a page: render the page instead
    return PageImage(0, _array(picture), picture.width / ((right - left) / 72), embedded=True)


def _pdf_pages(path: Path, max_pages: int | None, coarse_text: bool = False) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ScanSourceError("PDF 已加密或已损坏，无法读取。") from exc
    try:
        count = min(len(pdf), current.get().pages)
        coarse_text = coarse_text and not _printed_by_kcdocs(pdf)
        for index in range(min(count, max_pages or count)):
            page = pdf[index]
            try:
                yield _pdf_page(page, index, coarse_text)
            finally:
                page.close()
    finally:
        pdf.close()


def _printed_by_kcdocs(pdf) -> bool:
    """True when the document's keywords say kcdocs typeset it (its forms carry a QR code)."""
    try:
        meta = pdf.get_metadata_dict()
    except Exception:  # damaged metadata: judge by the page text alone
        return False
    return "kcdocs" in (meta.get("Keywords") or "")


def _pdf_page(page, index: int, coarse_text: bool = False) -> PageImage:
    textpage = page.get_textpage()
    text = (textpage.get_text_range() or "").strip()
    textpage.close()
    found = None if text else _embedded(page, page.get_width())
    if found is not None:
        found.index = index
        return found
    coarse = coarse_text and bool(text) and "kcdocs" not in text
    dpi = SEAL_SEARCH_DPI if coarse else RENDER_DPI
    width, height = page.get_size()
    budget = min(current.get().pixels, MAX_SCAN_PIXELS) / 4  # RGB, gray and working copies are held
    dpi = min(dpi, 72 * math.sqrt(budget / max(1.0, width * height)))  # a 14,400 pt page: coarse, not 5 GB
    bitmap = page.render(scale=dpi / 72)
    return PageImage(index, np.asarray(bitmap.to_pil().convert("RGB")), dpi, embedded=False,
                     has_text=bool(text), seal_only=coarse)


def page_images(path: str | Path, max_pages: int | None = None, coarse_text: bool = False) -> Iterator[PageImage]:
    """The pages of a PDF or image file as pixel arrays (see the module docstring)."""
    path = Path(path)
    suffix = path.suffix.lower()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if suffix in PDF_SUFFIXES:
            yield from _pdf_pages(path, max_pages, coarse_text)
        elif suffix in IMAGE_SUFFIXES:
            yield from _image_pages(path, max_pages)
        else:
            raise ScanSourceError(f"不支持的文件类型：{suffix or '无扩展名'}")
