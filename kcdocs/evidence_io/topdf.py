"""Evidence files as pikepdf pages for the dossier and ingest, for every file the verdict accepts.

Contract:

- ``image_document(path, layout=None, rotation=True) -> (pikepdf.Pdf, note)``: one page per frame.
  img2pdf first (JPEG bytes embedded unchanged, PNG/TIFF without loss; ``rotation`` applies the
  EXIF orientation as /Rotate); what img2pdf refuses (16-bit, Lab, alpha, mirrored EXIF
  orientations, ICC after SOF, page sizes outside 3–14400 pt, …) is converted by Pillow to
  8-bit RGB or gray and embedded as PNG; ``note`` (Chinese) then says so, else None.
- ``pdf_document(path, pages) -> (pikepdf.Pdf, note)``: the PDF opened by qpdf; when qpdf must
  repair it, finds stream errors (what ``qpdf --check`` would report in the output) or sees
  another page count than pdfium (``pages``), its pages are rendered by pdfium (the reader the
  audit's verdict used) at a capped scale and embedded as JPEG pages of the same size; bad
  ``/Rotate`` values are dropped. ``note`` says what was done.

Both run inside :func:`kcdocs.evidence_io.guard.deadline` / ``captured`` of the caller.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from kcdocs.evidence_io import current

RASTER_DPI = 150  # pdfium renders pages that qpdf cannot copy cleanly at this resolution (at most)
IMG2PDF_MIN_PT, IMG2PDF_MAX_PT = 3, 14400
CONVERTED = "原文件是{what}，已转换为普通 RGB/灰度图片后并入（原文件不变）"
RASTERISED = "原 PDF 结构有误（{why}），已按图像重新生成页面后并入（原文件不变）"


def _img2pdf(source, layout, rotation: bool):
    import img2pdf
    import pikepdf

    kwargs = {"layout_fun": layout} if layout is not None else {}
    rot = img2pdf.Rotation.ifvalid if rotation else img2pdf.Rotation.none
    try:
        doc = img2pdf.convert_to_docobject(source, rotation=rot, engine=img2pdf.Engine.pikepdf, **kwargs)
        if isinstance(getattr(doc, "writer", None), pikepdf.Pdf):
            return doc.writer
    except (AttributeError, TypeError):  # another img2pdf: its documented way
        pass
    return pikepdf.open(io.BytesIO(img2pdf.convert(source, rotation=rot, **kwargs)))


def _describe_mode(img) -> str:
    names = {"I;16": "16 位灰度图片", "I;16B": "16 位灰度图片", "I;16L": "16 位灰度图片", "I": "32 位灰度图片",
             "F": "浮点灰度图片", "LAB": "Lab 色彩图片", "RGBA": "带透明通道的图片", "LA": "带透明通道的图片",
             "PA": "带透明通道的图片", "P": "调色板图片", "CMYK": "CMYK 色彩图片", "YCbCr": "YCbCr 色彩图片",
             "1": "黑白图片"}
    return names.get(img.mode, f"{img.mode} 模式的图片")


def _plain(frame):
    """One frame as 8-bit RGB or L (alpha flattened on white, high bit depths scaled down)."""
    from PIL import Image

    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        values = np.asarray(frame.convert("I") if frame.mode != "F" else frame, dtype=np.float64)
        top = values.max() or 1.0
        return Image.fromarray((values * (255.0 / top)).clip(0, 255).astype("uint8"), "L")
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if frame.mode in ("L", "RGB"):
        return frame
    return frame.convert("RGB")


def _fit_dpi(img) -> tuple[float, float] | None:
    """A resolution that keeps the page inside img2pdf's 3–14400 pt, or None when its own is fine."""
    from kcdocs.evidence_io.resolution import plausible_dpi

    dpi = plausible_dpi(img.width, img.height, img.info.get("dpi"))
    return (dpi, dpi)


def _pillow_pages(path: Path, layout, upright: bool):
    """Every frame (up to the page limit) converted by Pillow and embedded as PNG."""
    from PIL import Image, ImageOps

    from kcdocs.evidence_io.probe import _pillow

    _pillow()
    limits = current.get()
    pngs, what = [], None
    with Image.open(path) as img:
        frames = min(page_count(img), limits.pages)
        for index in range(frames):
            try:
                if index:
                    img.seek(index)
                if img.width * img.height > limits.pixels:
                    raise ValueError("frame over the pixel budget")
                what = what or _describe_mode(img)
                frame = ImageOps.exif_transpose(img) if upright and index == 0 else img
                plain = _plain(frame)
            except Exception:
                if not pngs:
                    raise
                break  # a damaged later frame: the pages before it are kept
            buf = io.BytesIO()
            plain.save(buf, "PNG", dpi=_fit_dpi(img))
            pngs.append(buf.getvalue())
    return _img2pdf(pngs, layout, rotation=False), CONVERTED.format(what=what)


def page_count(img) -> int:
    """Pages of a picture: every frame of a TIFF (a scanner's multi-page file); one for anything
    else (the frames of an animated PNG, GIF or WebP are not pages)."""
    if img.format == "TIFF":
        return getattr(img, "n_frames", 1) or 1
    return 1


def image_document(path: Path, layout=None, rotation: bool = True):
    """``(pikepdf.Pdf, note)`` for an image file (see the module docstring)."""
    from kcdocs.evidence_io.guard import FileTimeout

    try:
        return _img2pdf(str(path), layout, rotation), None
    except FileTimeout:
        raise
    except Exception:
        pass  # what img2pdf refuses or chokes on (16-bit, Lab, alpha, EXIF 5, ICC after SOF…): Pillow converts it
    return _pillow_pages(path, layout, upright=rotation)


def _rotation(page) -> int | None:
    """The page's /Rotate as 0/90/180/270, or None when it is not a valid number."""
    import pikepdf

    value = page.obj.get("/Rotate", 0)
    if isinstance(value, (int, float)) or (isinstance(value, pikepdf.Object) and value._type_code in
                                           (pikepdf.ObjectType.integer, pikepdf.ObjectType.real)):
        number = int(value)
        return number % 360 if number % 90 == 0 else None
    return None


def _problems(pdf, pages: int | None) -> str | None:
    if pages is not None and len(pdf.pages) != pages:
        return "页数读不一致"
    for page in pdf.pages:
        box = [float(v) for v in page.mediabox]
        if len(box) != 4 or abs(box[2] - box[0]) < 1 or abs(box[3] - box[1]) < 1:
            return "页面尺寸无效"
    found = [line for line in pdf.check_pdf_syntax() + list(pdf.get_warnings())
             if "damaged" in line or "error" in line.lower() or "invalid" in line or "reconstruct" in line]
    return "qpdf 检查发现结构或数据错误" if found else None


def _fix_rotation(pdf) -> bool:
    fixed = False
    for page in pdf.pages:
        if "/Rotate" in page.obj and _rotation(page) is None:
            del page.obj["/Rotate"]
            fixed = True
    return fixed


def rasterised(path: Path, why: str):
    """The PDF's pages rendered by pdfium (capped by the pixel and page limits) as JPEG pages."""
    import pypdfium2 as pdfium

    limits = current.get()
    pdf = pdfium.PdfDocument(str(path))
    jpegs, blank = [], []
    try:
        for index in range(min(len(pdf), limits.pages)):
            try:
                page = pdf[index]
            except Exception:
                blank.append(index + 1)
                continue
            try:
                width, height = page.get_size()
                scale = min(RASTER_DPI / 72, math.sqrt(limits.pixels / max(1.0, width * height)) * 0.5)
                image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
            except Exception:
                blank.append(index + 1)
                continue
            finally:
                page.close()
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=85, dpi=(72 * scale, 72 * scale))
            jpegs.append(buf.getvalue())
    finally:
        pdf.close()
    if not jpegs:
        raise ValueError("no page could be rendered")
    note = RASTERISED.format(why=why)
    if blank:
        note += f"；第{'、'.join(map(str, blank[:10]))}页无法显示，未并入"
    return _img2pdf(jpegs, None, rotation=False), note


def pdf_document(path: Path, pages: int | None = None):
    """``(pikepdf.Pdf, note)`` for a PDF file (see the module docstring)."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError, OSError):
        return rasterised(path, "qpdf 无法打开")
    try:
        why = _problems(pdf, pages)
    except Exception:
        why = "页面无法检查"
    if why is not None:
        pdf.close()
        return rasterised(path, why)
    note = "页面的旋转值无效，已按不旋转显示" if _fix_rotation(pdf) else None
    return pdf, note
