"""Stage 1b — phone photos: find the sheet, rectify it to A4 at 200 dpi, flatten the light.

Contract: ``looks_like_photo(gray, residual_mm) -> bool`` says when a page needs it (the QR fit
is poor, or the frame's border is not paper: a sheet lying on a table). ``rectify(gray) ->
np.ndarray | None`` finds the sheet (largest 4-corner contour, ``cv2.approxPolyDP``), maps it by
a homography onto an A4 portrait page at ``RENDER_DPI`` and divides by a large-kernel
morphological close of the background (shadows and light gradients → white paper) before the
ink test. None when no sheet is found. ``validate(reg, layout) -> str | None`` checks the
rectified frame against the QR's own similarity: scale within ``PHOTO_SCALE_TOLERANCE`` of
``RENDER_DPI`` and corners within ``PHOTO_CORNER_TOLERANCE_MM``; a Chinese reason when not.
"""

from __future__ import annotations

import numpy as np

from kcdocs.scan.defs import (PHOTO_BORDER_GRAY, PHOTO_CORNER_TOLERANCE_MM, PHOTO_MIN_SHEET, PHOTO_RESIDUAL_MM,
                              PHOTO_SCALE_TOLERANCE, RENDER_DPI)

A4_MM = (210.0, 297.0)
FIND_PX = 800  # px: long side of the copy the sheet is looked for on
FLAT_DPI = 25  # dpi: the background is estimated at this resolution
FLAT_CLOSE_MM = 12  # mm: closing kernel, wider than any stroke or QR module block
FLAT_GAMMA = 2.0  # mid-grays darkened (150 → 88), paper kept (250 → 240): a photo's rules are soft
NOT_VALIDATED = "照片透视校正未通过二维码校验，请人工核对"


def looks_like_photo(gray: np.ndarray, residual_mm: float | None) -> bool:
    """A page that needs rectifying: a poor QR fit, or a frame edge darker than paper."""
    if residual_mm is not None and residual_mm > PHOTO_RESIDUAL_MM:
        return True
    h, w = gray.shape
    step = max(1, max(h, w) // 400)
    small = gray[::step, ::step]
    e = max(2, min(small.shape) // 50)
    border = np.concatenate([small[:e].ravel(), small[-e:].ravel(), small[:, :e].ravel(), small[:, -e:].ravel()])
    return float(np.median(border)) < PHOTO_BORDER_GRAY


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners clockwise from the one that starts a short side (portrait sheet, any turn)."""
    c = quad.mean(axis=0)
    ang = np.arctan2(quad[:, 1] - c[1], quad[:, 0] - c[0])
    q = quad[np.argsort(ang)]  # clockwise in image coordinates (y down)
    if np.linalg.norm(q[1] - q[0]) > np.linalg.norm(q[2] - q[1]):
        q = np.roll(q, -1, axis=0)
    return q


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """The sheet's four corners (px of ``gray``, clockwise), or None."""
    import cv2

    f = FIND_PX / max(gray.shape)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    f = small.shape[1] / gray.shape[1]
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    sheet = max(contours, key=cv2.contourArea)
    if cv2.contourArea(sheet) < PHOTO_MIN_SHEET * small.size:
        return None
    hull = cv2.convexHull(sheet)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None
    return _order(quad.reshape(4, 2).astype(np.float64) / f)


def flatten(gray: np.ndarray, dpi: float = RENDER_DPI) -> np.ndarray:
    """``gray`` divided by its paper background (closing + blur at ``FLAT_DPI``): even light."""
    import cv2

    f = FLAT_DPI / dpi
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    k = max(3, int(FLAT_CLOSE_MM * FLAT_DPI / 25.4) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (k, k), 0)
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(bg, 1), scale=255)


def darken(flat: np.ndarray) -> np.ndarray:
    """A flattened photo for the ink test: resampled thin rules and strokes back to ink darkness
    (the QR is read on the page before this)."""
    import cv2

    return cv2.LUT(flat, _DARKEN)


_DARKEN = (255 * (np.arange(256) / 255.0) ** FLAT_GAMMA).round().astype(np.uint8)


def a4_size(dpi: float) -> tuple[int, int]:
    k = dpi / 25.4
    return int(round(A4_MM[0] * k)), int(round(A4_MM[1] * k))


def rectify(gray: np.ndarray, hit=None) -> tuple[np.ndarray, np.ndarray] | None:
    """(the sheet as an A4 portrait page at ``RENDER_DPI``, light flattened; the homography from
    ``gray``'s px to it), or None when neither the printed markers nor the sheet are found.
    ``hit``: the QR as read on the raw photo (one more anchor for the markers' fit)."""
    import cv2

    from kcdocs.scan.fiducials import marks_homography

    w, h = a4_size(RENDER_DPI)
    m = marks_homography(gray, hit)
    if m is None:
        quad = find_sheet(gray)
        if quad is None:
            return None
        dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
        m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    page = cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return flatten(page), m


def warp_view(view: np.ndarray, view_scale: float, m: np.ndarray, dpi: float) -> np.ndarray:
    """A colour view (``view_scale`` px per px of the gray page) rectified to A4 at ``dpi``."""
    import cv2

    s = dpi / RENDER_DPI
    full = np.diag([s, s, 1.0]) @ m @ np.diag([1 / view_scale, 1 / view_scale, 1.0])
    return cv2.warpPerspective(np.ascontiguousarray(view), full, a4_size(dpi), flags=cv2.INTER_LINEAR,
                               borderValue=(255, 255, 255) if view.ndim == 3 else 255)


def validate(reg, layout) -> str | None:
    """None when the QR's similarity agrees with the rectified A4 frame, else the reason."""
    k = RENDER_DPI / 25.4
    if abs(reg.px_per_mm / k - 1) > PHOTO_SCALE_TOLERANCE:
        return NOT_VALIDATED
    q = layout.qr
    corners = np.array([[q.x, q.y], [q.x + q.w, q.y], [q.x + q.w, q.y + q.h], [q.x, q.y + q.h]], float)
    px, py = reg.to_px(corners[:, 0], corners[:, 1])
    off = np.hypot(px / k - corners[:, 0], py / k - corners[:, 1])
    return NOT_VALIDATED if float(off.max()) > PHOTO_CORNER_TOLERANCE_MM else None
