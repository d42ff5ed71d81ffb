"""The page pipeline: source → QR → registration → ink per signature box → seal.

Contract: ``inspect_page(page, seal_search=False) -> PageResult`` never raises for a bad page
(its ``status`` says what went wrong); ``inspect_file(path) -> FileScan`` records a file that
cannot be read in ``FileScan.error``. Results are plain data that round-trip through
``as_dict`` / ``from_dict`` (the audit cache stores them as JSON).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kcdocs.marks.layout import page_layout
from kcdocs.scan.defs import (MAX_REGISTRATION_ERROR_MM, MIN_SCAN_DPI, RENDER_DPI, REVIEW_BELOW, SEAL_AREA_MARGIN_MM,
                              SEAL_SEARCH_DPI)
from kcdocs.scan.ink import measure_box
from kcdocs.scan.photo import darken, looks_like_photo, rectify, validate, warp_view
from kcdocs.scan.qr import find_qr
from kcdocs.scan.register import Registration, register, snap_box
from kcdocs.scan.results import BoxMark, FileScan, PageResult, SealResult
from kcdocs.scan.seal import find_seal, is_colour
from kcdocs.scan.source import PageImage, ScanSourceError, page_images

UNSNAPPED_PENALTY = 0.5  # confidence factor for a box whose printed border was not found
# an unsnapped box or a badly registered page is never a confident decision: its confidence stays
# strictly below REVIEW_BELOW (ink x 0.5 alone tied at 0.5 with a full-confidence ink reading)
UNSURE_CEILING = round(REVIEW_BELOW - 0.01, 3)


def box_confidence(ink_confidence: float, snapped: bool, residual_ok: bool) -> float:
    """A box's confidence: the ink's own, or, when the box or the page is not well located,
    penalised and capped strictly below ``REVIEW_BELOW`` (→ 待人工复核)."""
    if snapped and residual_ok:
        return round(ink_confidence, 3)
    return round(min(ink_confidence * UNSNAPPED_PENALTY, UNSURE_CEILING), 3)


def _bbox(reg, box) -> tuple[int, int, int, int]:
    xs, ys = reg.to_px(np.array([box.x, box.x + box.w, box.x, box.x + box.w]),
                       np.array([box.y, box.y, box.y + box.h, box.y + box.h]))
    return int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))


def _boxes(gray, reg, layout, residual_ok: bool) -> list[BoxMark]:
    out = []
    for index, predicted in enumerate(layout.signatures):
        box, snapped = snap_box(gray, reg, predicted)
        ink = measure_box(gray, reg, box)
        conf = box_confidence(ink.confidence, snapped, residual_ok)
        bbox = _bbox(reg, box)
        thumb = thumbnail(gray, bbox) if conf < REVIEW_BELOW else None
        out.append(BoxMark(index, ink.signed, ink.fraction, conf, bbox, thumb))
    return out


def thumbnail(gray: np.ndarray, bbox: tuple[int, int, int, int], width: int = 240) -> str | None:
    """A small PNG (data URI) of a box and its surroundings, for the review list."""
    import base64
    import io

    from PIL import Image

    x0, y0, x1, y1 = bbox
    pad = max(4, (x1 - x0) // 10)
    h, w = gray.shape
    crop = gray[max(0, y0 - pad):min(h, y1 + pad), max(0, x0 - pad):min(w, x1 + pad)]
    if crop.size == 0:
        return None
    img = Image.fromarray(np.ascontiguousarray(crop))
    img.thumbnail((width, width))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _seal_area(page: PageImage, reg, layout, colour: bool) -> SealResult | None:
    if not layout.seals:
        return None
    area = layout.seals[0]
    m = SEAL_AREA_MARGIN_MM
    grown = type(area)(area.x - m, area.y - m, area.w + 2 * m, area.h + 2 * m)
    view, view_dpi = page.colour_view()
    f = view_dpi / page.dpi
    x0, y0, x1, y1 = _bbox(reg, grown)
    region = (int(x0 * f), int(y0 * f), int(x1 * f) + 1, int(y1 * f) + 1)
    return find_seal(view, reg.px_per_mm * f, region, colour=colour)


def inspect_page(page: PageImage, seal_search: bool = False) -> PageResult:
    """Everything the scan-back reads on one page (see the module docstring). A page taken as
    flat whose boxes are not all decided is tried once more as a photo (its printed markers or
    its sheet): boxes it decides that the first reading could not are taken from it; a box
    the two readings decide differently goes to review."""
    if page.seal_only:  # a text page: no QR to look for
        return _inspect(page, seal_search, None, None, None)
    located = _locate(page)
    result = _inspect(page, seal_search, *located)
    if located[2] is None and result.status == "ok" and any(b.confidence < REVIEW_BELOW for b in result.boxes):
        again = _locate(page, force=True, hit=located[1])
        if again[2] is not None:
            second = _inspect(page, seal_search, *again, seals=False)  # only its boxes are used
            if second.status == "ok" and not second.error and len(second.boxes) == len(result.boxes):
                result.boxes = [_merged(a, b) for a, b in zip(result.boxes, second.boxes)]
    return result


def _merged(first: BoxMark, second: BoxMark) -> BoxMark:
    if first.confidence < REVIEW_BELOW:
        return second if second.confidence >= REVIEW_BELOW else first
    if second.confidence >= REVIEW_BELOW and second.signed != first.signed:  # the readings disagree
        return BoxMark(first.index, first.signed, first.fraction, min(first.confidence, UNSURE_CEILING),
                       second.bbox, second.thumb or first.thumb)
    return first


def _inspect(page: PageImage, seal_search: bool, gray, hit, photo, seals: bool = True) -> PageResult:
    view, view_dpi = page.colour_view()
    colour = is_colour(view)
    result = PageResult(page.index, "no_qr", colour=colour)
    if page.seal_only:
        result.error = "文字版 PDF 页面，不是 kcdocs 打印的表格。"
        result.seal = find_seal(view, view_dpi / 25.4, colour=colour) if seal_search else None
        return result
    dpi = page.dpi
    if hit is not None and hit.payload is not None:  # the QR's printed size tells the true resolution
        dpi = register(hit, page_layout(hit.payload)).dpi
    if dpi < MIN_SCAN_DPI:
        result.status, result.error = "too_coarse", f"扫描分辨率过低（约 {dpi:.0f} dpi），请用 200 dpi 以上重新扫描。"
        return result
    if hit is None:
        result.error = "页面上没有可识读的 kcdocs 二维码。"
        if seal_search:
            result.seal = find_seal(view, view_dpi / 25.4, colour=colour)
        return result
    result.qr_text = hit.text
    if hit.payload is None:
        result.status, result.error = "bad_qr", hit.error
        return result
    result.status = "ok"
    layout = page_layout(hit.payload)
    reg = register(hit, layout)
    result.rotation, result.residual_mm = round(reg.rotation_deg, 2), round(reg.residual_mm, 2)
    refused = photo is not None and validate(reg, layout)
    if refused:  # decide nothing on this page: every box to review
        result.error = refused
        result.boxes = [BoxMark(i, False, 0.0, 0.0, _bbox(reg, b), thumbnail(gray, _bbox(reg, b)))
                        for i, b in enumerate(layout.signatures)]
        return result
    if photo is not None:  # the rectified sheet is A4 at RENDER_DPI: more exact far from the QR than its fit
        reg = Registration(complex(RENDER_DPI / 25.4, 0), 0j, reg.residual_mm)
    result.boxes = _boxes(gray, reg, layout, reg.residual_mm <= MAX_REGISTRATION_ERROR_MM / 4)
    if not seals:
        return result
    if photo is None:
        result.seal = _seal_area(page, reg, layout, colour)
    elif layout.seals:
        scale = view.shape[1] / page.gray.shape[1]
        flat = PageImage(page.index, None, RENDER_DPI, True, small=warp_view(view, scale, photo, SEAL_SEARCH_DPI),
                         small_dpi=SEAL_SEARCH_DPI)
        result.seal = _seal_area(flat, reg, layout, colour)
    return result


def _locate(page: PageImage, force: bool = False, hit=None):
    """(gray page, QR hit, homography or None): a phone photo's sheet is found and rectified
    (kcdocs.scan.photo) when the raw page looks like one (or ``force``); a flatbed scan is taken
    as it is. ``hit``: the QR already read on the raw page."""
    gray = page.gray
    hit = hit if hit is not None else find_qr(gray)
    residual = None
    if hit is not None and hit.payload is not None:
        residual = register(hit, page_layout(hit.payload)).residual_mm
    if not force and not looks_like_photo(gray, residual):
        return gray, hit, None
    rectified = rectify(gray, hit)
    if rectified is None:
        return gray, hit, None
    flat, m = rectified
    flat_hit = find_qr(flat)
    if flat_hit is not None and flat_hit.payload is not None and \
            abs(register(flat_hit, page_layout(flat_hit.payload)).rotation_deg) > 90:  # sheet upside down
        h, w = flat.shape
        flat, m = np.ascontiguousarray(flat[::-1, ::-1]), np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]]) @ m
        flat_hit = find_qr(flat)
    if flat_hit is None:
        return gray, hit, None
    return darken(flat), flat_hit, m


def inspect_file(path: str | Path, max_pages: int | None = None, seal_search: bool = False,
                 only=None, coarse_text: bool = False) -> FileScan:
    """All pages of a scan file; ``only(page) -> bool`` may skip pages. ``coarse_text``: text
    pages without "kcdocs" on them are only searched for seals (see source.page_images)."""
    scan = FileScan()
    try:
        for page in page_images(path, max_pages, coarse_text):
            if only is not None and not only(page):
                continue
            try:
                scan.pages.append(inspect_page(page, seal_search))
            except Exception as exc:  # one bad page must not stop the file
                scan.pages.append(PageResult(page.index, "no_qr", error=f"页面无法识读（{type(exc).__name__}）。"))
    except ScanSourceError as exc:
        scan.error = str(exc)
    except Exception as exc:
        scan.error = f"无法读取（{type(exc).__name__}）。"
    return scan
