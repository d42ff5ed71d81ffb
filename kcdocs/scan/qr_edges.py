"""Sub-pixel outer corners of a QR symbol, from the edges of its finder patterns.

zxing-cpp reports the corners of a QR code to about a pixel, and always a little inside the
symbol: fitted on those, the page's scale comes out 0.35–0.7 % small (1–1.8 mm over an A4
page, most of the window in which box borders are searched). The outer edge of each finder
pattern is a solid dark run of 7 modules along the symbol's side, so each side's position
can be measured to a fraction of a pixel: along profiles across the edge, where the gray
value crosses half-way between the dark ring and the light quiet zone.

Contract: ``outer_corners(gray, corners, modules) -> 4×2 array | None`` — the symbol's outer
corners (top-left, top-right, bottom-right, bottom-left as printed) in the index coordinates
of ``gray`` (the value at integer (x, y) is ``gray[y, x]``), or None when the edges are not
clear enough to measure (the caller then keeps zxing's corners).
"""

from __future__ import annotations

import numpy as np

from kcdocs.scan.defs import QR_CORNER_INSET

MIN_CONTRAST = 60  # 0–255 between the finder's dark ring and the quiet zone
MAX_SHIFT_MODULES = 0.8  # a measured edge further from zxing's estimate is not trusted
_ACROSS = np.linspace(-0.9, 1.6, 51)  # modules across an edge (negative: inside the symbol)
_ALONG = np.linspace(0.6, 6.4, 12)  # modules along a finder pattern's outer side


def _sample(gray: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear gray values at points (…×2, x y); points off the image read as white."""
    import cv2

    shape = points.shape[:-1]
    flat = points.reshape(-1, 2).astype(np.float32)
    mx, my = flat[:, 0].reshape(1, -1), flat[:, 1].reshape(1, -1)
    out = cv2.remap(gray, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return out.reshape(shape).astype(np.float32)


def _crossing(profile: np.ndarray) -> float | None:
    """Offset (modules, outward) where the profile first rises above half-way, or None."""
    dark, light = float(profile.min()), float(profile.max())
    if light - dark < MIN_CONTRAST:
        return None
    mid = (dark + light) / 2
    start = int(np.argmin(profile[: len(profile) // 2]))  # inside: on the dark ring
    above = np.nonzero(profile[start:] > mid)[0]
    if not len(above) or above[0] == 0:
        return None
    i = start + int(above[0])
    f = (mid - profile[i - 1]) / max(1e-6, profile[i] - profile[i - 1])
    return float(_ACROSS[i - 1] + f * (_ACROSS[i] - _ACROSS[i - 1]))


def _edge(gray, point, across: np.ndarray, runs: list[np.ndarray]) -> float | None:
    """Median outward offset (modules) of one side of the symbol, over its finder-pattern runs."""
    offsets = []
    for run in runs:
        base = np.array([point(a) for a in run])  # points on the estimated edge, px
        profiles = _sample(gray, base[:, None, :] + _ACROSS[None, :, None] * across[None, None, :])
        offsets += [c for c in map(_crossing, profiles) if c is not None]
    if len(offsets) < len(runs) * len(_ALONG) // 2:
        return None
    shift = float(np.median(offsets))
    return shift if abs(shift) <= MAX_SHIFT_MODULES else None


def outer_corners(gray: np.ndarray, corners: np.ndarray, modules: int) -> np.ndarray | None:
    tl, tr, _, bl = (np.asarray(c, float) for c in corners)
    span = modules - 2 * QR_CORNER_INSET
    u, v = (tr - tl) / span, (bl - tl) / span  # one module along the top / down the left side, px
    origin = tl - QR_CORNER_INSET * (u + v)
    at = lambda a, b: origin + a * u + b * v  # noqa: E731  (module coordinates → px)
    near, far = _ALONG, modules - _ALONG
    top = _edge(gray, lambda a: at(a, 0), -v, [near, far])
    left = _edge(gray, lambda b: at(0, b), -u, [near, far])
    right = _edge(gray, lambda b: at(modules, b), u, [near])
    bottom = _edge(gray, lambda a: at(a, modules), v, [near])
    if None in (top, left, right, bottom):
        return None
    x0, x1, y0, y1 = -left, modules + right, -top, modules + bottom
    return np.array([at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)])
