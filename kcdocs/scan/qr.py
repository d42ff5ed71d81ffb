"""Stage 2 — find and decode the kcdocs QR code of a page.

Contract: ``find_qr(gray) -> QrHit | None``. zxing-cpp reads the page with ``try_rotate``
(its own retry at 90°, 180° and 270°); only when that finds nothing and ``retry`` is asked
for is the page turned by numpy and read again (costs 3 more reads, ~7 ms each). Corners are returned in
the coordinates of ``gray`` as given, in the symbol's own order (top-left, top-right,
bottom-right, bottom-left as printed), so an upside-down page shows as such. The payload
checksum is checked: a code that starts with ``KCD`` but fails it gives a hit with
``payload=None`` and ``error`` set (a damaged or forged code), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from kcdocs.marks.payload import PREFIX, PagePayload, PayloadError


@dataclass
class QrHit:
    text: str
    corners: np.ndarray  # 4×2 float px: symbol corners as zxing reports them (see register)
    payload: PagePayload | None
    error: str | None = None  # Chinese: why the payload is not usable
    outer: np.ndarray | None = None  # 4×2 px: the symbol's outer corners to a fraction of a pixel (qr_edges)

    @property
    def modules(self) -> int:
        return module_count(self.text)


@lru_cache(maxsize=4096)
def module_count(text: str) -> int:
    """Modules per side of the symbol kcdocs prints for ``text`` (same writer, same EC level)."""
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return int(np.asarray(code.to_image(scale=1, add_quiet_zones=False)).shape[0])


def _read(gray: np.ndarray):
    import zxingcpp

    found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True)
    return [b for b in found if b.text.startswith(PREFIX)]


def _corners(barcode) -> np.ndarray:
    p = barcode.position
    return np.array([[c.x, c.y] for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], float)


def find_qr(gray: np.ndarray, retry: bool = False) -> QrHit | None:
    """The kcdocs QR code of a page image (2-D uint8), or None when there is none to read."""
    for k in ((0, 1, 2, 3) if retry else (0,)):
        image = gray if k == 0 else np.ascontiguousarray(np.rot90(gray, k))
        found = _read(image)
        if not found:
            continue
        code = found[0]
        corners = _corners(code)
        if k:
            corners = _unrotate_k(corners, k, gray.shape)
        from kcdocs.scan.qr_edges import outer_corners

        outer = outer_corners(gray, corners, module_count(code.text))
        try:
            return QrHit(code.text, corners, PagePayload.decode(code.text), outer=outer)
        except PayloadError as exc:
            return QrHit(code.text, corners, None, str(exc), outer=outer)
    return None


def _unrotate_k(points: np.ndarray, k: int, shape: tuple[int, int]) -> np.ndarray:
    """Points on ``np.rot90(img, k)`` → points on ``img`` (``shape`` = img's h, w)."""
    h, w = shape
    out = points.copy()
    # np.rot90 by k: a pixel (x, y) of img lands at, for k=1: (y, w-1-x); k=2: (w-1-x, h-1-y);
    # k=3: (h-1-y, x). Invert:
    x, y = points[:, 0], points[:, 1]
    if k == 1:
        out[:, 0], out[:, 1] = (w - 1) - y, x
    elif k == 2:
        out[:, 0], out[:, 1] = (w - 1) - x, (h - 1) - y
    elif k == 3:
        out[:, 0], out[:, 1] = y, (h - 1) - x
    return out
