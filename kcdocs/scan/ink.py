"""Stage 4 — is a signature box signed?

Contract: ``measure_box(gray, reg, box) -> InkResult``. The box interior (``INK_INSET_MM``
inside the printed border) is sampled on a ``INK_GRID_MM`` grid through the registration;
pixels darker than ``INK_GRAY`` count as ink, except where kcdocs itself printed something:
:func:`printed_mask` re-draws the blank form's marks for that box (its border rules, widened
by ``PRINTED_DILATE_MM``) and those samples are removed. Signed when the remaining ink
fraction reaches ``INK_SIGNED``; the confidence grows with the distance from that threshold
on a log scale (1.0 at ``INK_CONFIDENT_FACTOR`` times above or below it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kcdocs.marks.layout import Box
from kcdocs.scan.defs import (INK_CONFIDENT_FACTOR, INK_GRAY, INK_GRID_MM, INK_INSET_MM, INK_SIGNED,
                              PRINTED_DILATE_MM)
from kcdocs.scan.register import Registration, sample

RULE_MM = 0.8 * 25.4 / 72  # the border's stroke (0.8 pt in templates/lib/forms.typ)


@dataclass
class InkResult:
    fraction: float  # ink in the measured area, 0–1
    signed: bool
    confidence: float  # 0–1


def grid(box: Box, inset: float = INK_INSET_MM) -> tuple[np.ndarray, np.ndarray]:
    """Sample points (mm) of a box's interior, ``inset`` from its border."""
    xs = np.arange(box.x + inset, box.x + box.w - inset + 1e-9, INK_GRID_MM)
    ys = np.arange(box.y + inset, box.y + box.h - inset + 1e-9, INK_GRID_MM)
    return np.meshgrid(xs, ys)


def printed_mask(box: Box, x_mm: np.ndarray, y_mm: np.ndarray) -> np.ndarray:
    """What kcdocs prints at these points of a blank form: the box's border rules."""
    reach = RULE_MM / 2 + PRINTED_DILATE_MM
    near_x = (np.abs(x_mm - box.x) <= reach) | (np.abs(x_mm - box.x - box.w) <= reach)
    near_y = (np.abs(y_mm - box.y) <= reach) | (np.abs(y_mm - box.y - box.h) <= reach)
    within_x = (x_mm >= box.x - reach) & (x_mm <= box.x + box.w + reach)
    within_y = (y_mm >= box.y - reach) & (y_mm <= box.y + box.h + reach)
    return (near_x & within_y) | (near_y & within_x)


def confidence(fraction: float, threshold: float = INK_SIGNED) -> float:
    floor = threshold / (INK_CONFIDENT_FACTOR * 2)
    distance = abs(math.log(max(fraction, floor) / threshold))
    return round(min(1.0, distance / math.log(INK_CONFIDENT_FACTOR)), 3)


def measure_box(gray: np.ndarray, reg: Registration, box: Box) -> InkResult:
    """Ink in ``box`` (already snapped onto its printed border) and the decision on it."""
    x_mm, y_mm = grid(box)
    if x_mm.size == 0:
        return InkResult(0.0, False, 0.0)
    ink = sample(gray, reg, x_mm, y_mm) < INK_GRAY
    keep = ~printed_mask(box, x_mm, y_mm)
    fraction = float(ink[keep].mean()) if keep.any() else 0.0
    return InkResult(round(fraction, 5), fraction >= INK_SIGNED, confidence(fraction))
