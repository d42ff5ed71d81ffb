"""Stage 5 — red seals.

Contract: ``find_seal(rgb, region_px=None, px_per_mm) -> SealResult``. Red pixels (HSV hue
within ``SEAL_HUE_DEG`` of red, saturated and not dark) are gathered in ``region_px`` (a
printed seal area, widened) or on the whole page (external documents, searched at
``SEAL_SEARCH_DPI``); the largest red mark is closed into one shape and kept as a seal when
its size is that of a seal and its convex hull is round (circularity 4πA/P²). A grayscale
image cannot show red: ``status = "not_checkable"`` — never "absent".
``is_colour(rgb)`` tells a colour scan from a grayscale one stored as RGB.
"""

from __future__ import annotations

import math

import numpy as np

from kcdocs.scan.results import SealResult

from kcdocs.scan.defs import (CHROMA_GRAY, COLOUR_MIN_FRACTION, SEAL_HUE_DEG, SEAL_MAX_DIAMETER_MM,
                              SEAL_MIN_CIRCULARITY, SEAL_MIN_DIAMETER_MM, SEAL_MIN_SATURATION, SEAL_MIN_VALUE,
                              SEAL_SEARCH_DPI)


def is_colour(rgb: np.ndarray) -> bool:
    """Whether an image carries colour (a grayscale scan saved as RGB does not)."""
    if rgb.ndim == 2:
        return False
    small = rgb[::2, ::2]
    r, g, b = small[..., 0], small[..., 1], small[..., 2]  # element-wise: 20× a reduction over the last axis
    chroma = np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)
    return bool((chroma > CHROMA_GRAY).mean() >= COLOUR_MIN_FRACTION)


def red_mask(rgb: np.ndarray) -> np.ndarray:
    import cv2

    hsv = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2HSV)  # hue 0–179
    hue = SEAL_HUE_DEG // 2
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    return ((h <= hue) | (h >= 180 - hue)) & (s >= SEAL_MIN_SATURATION) & (v >= SEAL_MIN_VALUE)


def _largest_shape(mask: np.ndarray, px_per_mm: float):
    import cv2

    k = max(3, int(round(px_per_mm * 2)) | 1)  # close gaps between the seal's characters
    closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    return cv2.convexHull(max(contours, key=cv2.contourArea))


def _judge(hull, px_per_mm: float) -> SealResult:
    import cv2

    area, perimeter = cv2.contourArea(hull), cv2.arcLength(hull, True)
    if perimeter <= 0:
        return SealResult("absent", 1.0)
    circularity = 4 * math.pi * area / perimeter ** 2
    diameter = 2 * math.sqrt(area / math.pi) / px_per_mm
    if diameter < SEAL_MIN_DIAMETER_MM / 2:
        return SealResult("absent", 0.9, round(circularity, 3), round(diameter, 1))
    size_ok = SEAL_MIN_DIAMETER_MM <= diameter <= SEAL_MAX_DIAMETER_MM
    if size_ok and circularity >= SEAL_MIN_CIRCULARITY:
        conf = min(1.0, 0.5 + (circularity - SEAL_MIN_CIRCULARITY) / (1 - SEAL_MIN_CIRCULARITY))
        return SealResult("found", round(conf, 3), round(circularity, 3), round(diameter, 1))
    # red, large, but not seal-shaped (a red stamp of another shape, a red pen mark): a person decides
    return SealResult("absent", 0.3, round(circularity, 3), round(diameter, 1))


def find_seal(rgb: np.ndarray, px_per_mm: float, region_px: tuple[int, int, int, int] | None = None,
              colour: bool | None = None) -> SealResult:
    """A red seal inside ``region_px`` (x0, y0, x1, y1) or anywhere on the page."""
    if colour is None:
        colour = is_colour(rgb)
    if not colour or rgb.ndim != 3:
        return SealResult("not_checkable", 0.0)
    if region_px is not None:
        x0, y0, x1, y1 = region_px
        h, w = rgb.shape[:2]
        crop = rgb[max(0, y0):min(h, y1), max(0, x0):min(w, x1)]
    else:
        step = max(1, int(round(px_per_mm * 25.4 / SEAL_SEARCH_DPI)))
        crop, px_per_mm = rgb[::step, ::step], px_per_mm / step
    if crop.size == 0:
        return SealResult("absent", 0.5)
    mask = red_mask(crop)
    if mask.sum() < (SEAL_MIN_DIAMETER_MM * px_per_mm) ** 2 * 0.02:
        return SealResult("absent", 1.0)
    hull = _largest_shape(mask, px_per_mm)
    return _judge(hull, px_per_mm) if hull is not None else SealResult("absent", 1.0)
