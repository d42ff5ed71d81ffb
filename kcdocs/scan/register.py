"""Stage 3 — map the form's layout (mm) onto the page image (px).

Contract: ``register(qr, layout) -> Registration``. A similarity transform (rotation, uniform
scale, shift — no shear, no perspective) is fitted on the QR's four corners: a homography
fitted on one small square extrapolates badly (33 mm off far from the code, design.md), a
similarity stays within ~1 mm over an A4 page. ``snap_box(gray, reg, box)`` then moves each
edge of a box onto the printed rule found within ``SNAP_SEARCH_MM`` of where it was predicted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kcdocs.marks.layout import Box, PageLayout
from kcdocs.scan.defs import (INK_GRAY, MAX_REGISTRATION_ERROR_MM, QR_CORNER_INSET, QR_QUIET_MODULES,
                              SNAP_MIN_DARKNESS, SNAP_SEARCH_MM, SNAP_STEP_MM)
from kcdocs.scan.qr import QrHit


@dataclass(frozen=True)
class Registration:
    """px = a · mm + b on complex numbers (x + iy)."""

    a: complex
    b: complex
    residual_mm: float  # largest misfit of the four corners

    @property
    def px_per_mm(self) -> float:
        return abs(self.a)

    @property
    def dpi(self) -> float:
        return abs(self.a) * 25.4

    @property
    def rotation_deg(self) -> float:
        return float(np.degrees(np.angle(self.a)))

    def to_px(self, x_mm, y_mm) -> tuple[np.ndarray, np.ndarray]:
        z = self.a * (np.asarray(x_mm) + 1j * np.asarray(y_mm)) + self.b
        return z.real, z.imag


def qr_corners_mm(layout_qr: Box, modules: int, inset: float = QR_CORNER_INSET) -> np.ndarray:
    """Where the four corners lie on the printed page, in mm: zxing's (``inset`` modules inside the
    symbol's edge) or, with ``inset=0``, the symbol's outer corners."""
    module = layout_qr.w / (modules + 2 * QR_QUIET_MODULES)
    i = (QR_QUIET_MODULES + inset) * module
    x0, y0, x1, y1 = layout_qr.x + i, layout_qr.y + i, layout_qr.x + layout_qr.w - i, layout_qr.y + layout_qr.h - i
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)


def register(qr: QrHit, layout: PageLayout) -> Registration:
    """The similarity transform that takes the page's layout (mm) onto the image (px)."""
    outer = getattr(qr, "outer", None)
    src = qr_corners_mm(layout.qr, qr.modules, 0.0 if outer is not None else QR_CORNER_INSET)
    seen = outer if outer is not None else qr.corners
    p = src[:, 0] + 1j * src[:, 1]
    q = seen[:, 0] + 1j * seen[:, 1]
    pc, qc = p - p.mean(), q - q.mean()
    a = complex(np.sum(np.conj(pc) * qc) / np.sum(np.abs(pc) ** 2))
    b = complex(q.mean() - a * p.mean())
    residual = float(np.max(np.abs(a * p + b - q)) / abs(a)) if a else float("inf")
    return Registration(a, b, residual)


def sample(gray: np.ndarray, reg: Registration, x_mm: np.ndarray, y_mm: np.ndarray) -> np.ndarray:
    """Gray values at layout points (nearest pixel); points off the image read as white."""
    px, py = reg.to_px(x_mm, y_mm)
    ix, iy = np.rint(px).astype(np.int64), np.rint(py).astype(np.int64)
    h, w = gray.shape
    inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
    out = np.full(ix.shape, 255, np.uint8)
    out[inside] = gray[iy[inside], ix[inside]]
    return out


def _edge_offset(gray, reg, start, end, normal) -> float | None:
    """Offset (mm, along ``normal``) at which the rule from ``start`` to ``end`` is darkest."""
    t = np.linspace(0.1, 0.9, 40)
    offsets = np.arange(-SNAP_SEARCH_MM, SNAP_SEARCH_MM + 1e-9, SNAP_STEP_MM)
    xs = start[0] + np.outer(np.ones_like(offsets), t * (end[0] - start[0])) + normal[0] * offsets[:, None]
    ys = start[1] + np.outer(np.ones_like(offsets), t * (end[1] - start[1])) + normal[1] * offsets[:, None]
    dark = (sample(gray, reg, xs, ys) < INK_GRAY).mean(axis=1)
    best = int(np.argmax(dark))
    if dark[best] < SNAP_MIN_DARKNESS:
        return None
    run = np.flatnonzero(dark >= dark[best] - 0.05)  # centre of the rule's dark band
    run = run[np.abs(run - best) <= 0.6 / SNAP_STEP_MM]
    return float(offsets[int(round(run.mean()))])


def snap_box(gray: np.ndarray, reg: Registration, box: Box) -> tuple[Box, bool]:
    """``box`` moved onto its printed border; (box, True) when all four rules were found."""
    x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
    left = _edge_offset(gray, reg, (x0, y0), (x0, y1), (1, 0))
    right = _edge_offset(gray, reg, (x1, y0), (x1, y1), (1, 0))
    top = _edge_offset(gray, reg, (x0, y0), (x1, y0), (0, 1))
    bottom = _edge_offset(gray, reg, (x0, y1), (x1, y1), (0, 1))
    found = [v for v in (left, right, top, bottom) if v is not None]
    if not found:
        return box, False
    dx = np.mean([v for v in (left, right) if v is not None] or [0.0])
    dy = np.mean([v for v in (top, bottom) if v is not None] or [0.0])
    nl = left if left is not None else dx
    nr = right if right is not None else dx
    nt = top if top is not None else dy
    nb = bottom if bottom is not None else dy
    if max(abs(nl), abs(nr), abs(nt), abs(nb)) > MAX_REGISTRATION_ERROR_MM:
        return box, False
    snapped = Box(x0 + nl, y0 + nt, box.w + nr - nl, box.h + nb - nt, box.role, box.label, box.name)
    return snapped, len(found) == 4
