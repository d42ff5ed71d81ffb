"""Synthetic scans for tests and benchmarks: handwriting, red seals, stains and scanner damage
drawn on rendered kcdocs pages (numpy/OpenCV only; deterministic for a given seed)."""

from __future__ import annotations

import io
import math

import numpy as np

from kcdocs.marks.layout import Box

MM_PER_IN = 25.4


def px(value_mm: float, dpi: float) -> int:
    return int(round(value_mm * dpi / MM_PER_IN))


def sign(rgb: np.ndarray, box: Box, dpi: float, rng: np.random.Generator, ink=(20, 30, 90)) -> None:
    """Scribble a signature (a few connected pen strokes, ~1.5–5 % ink) inside ``box``."""
    import cv2

    x0, y0, w, h = px(box.x, dpi), px(box.y, dpi), px(box.w, dpi), px(box.h, dpi)
    strokes = int(rng.integers(2, 4))
    for s in range(strokes):
        cx = x0 + w * (0.2 + 0.6 * s / max(1, strokes - 1) if strokes > 1 else 0.5)
        t = np.linspace(0, 2 * math.pi * rng.uniform(1.5, 3), 60)
        xs = cx + w * 0.12 * np.sin(t * rng.uniform(0.5, 1.5)) + np.linspace(-w * 0.12, w * 0.12, t.size)
        ys = y0 + h * 0.5 + h * 0.25 * np.sin(t * rng.uniform(1, 2.5) + rng.uniform(0, 3))
        points = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(rgb, [points], False, ink, thickness=int(rng.integers(2, 4)), lineType=cv2.LINE_AA)


def seal(rgb: np.ndarray, centre_mm: tuple[float, float], dpi: float, diameter_mm: float = 40,
         colour=(215, 30, 35)) -> None:
    """A round red official seal: ring, star, and an arc of character-like blocks."""
    import cv2

    cx, cy, r = px(centre_mm[0], dpi), px(centre_mm[1], dpi), px(diameter_mm / 2, dpi)
    cv2.circle(rgb, (cx, cy), r, colour, thickness=max(2, px(1.2, dpi)), lineType=cv2.LINE_AA)
    star = [(cx + r * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - r * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    cv2.fillPoly(rgb, [np.array(star, np.int32)], colour)
    for k in range(12):
        a = math.radians(200 + k * 12)
        x, y = cx + r * 0.72 * math.cos(a), cy + r * 0.72 * math.sin(a)
        size = max(2, px(2.2, dpi))
        cv2.rectangle(rgb, (int(x - size), int(y - size)), (int(x + size), int(y + size)), colour, -1)


def stain(rgb: np.ndarray, box: Box, dpi: float) -> None:
    """A coffee stain (dark, opaque) over ``box``."""
    import cv2

    cx, cy = px(box.x + box.w / 2, dpi), px(box.y + box.h / 2, dpi)
    cv2.ellipse(rgb, (cx, cy), (px(box.w * 0.55, dpi), px(box.h * 0.5, dpi)), 20, 0, 360, (90, 60, 40), -1)


def damage(rgb: np.ndarray, rng: np.random.Generator, *, angle: float = 0.0, scale: float = 1.0,
           noise: float = 6.0, blur: bool = True, upside_down: bool = False) -> np.ndarray:
    """A scanner's view of a page: turned, scaled, blurred, noisy (same canvas size, white border)."""
    import cv2

    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle + (180 if upside_down else 0), scale)
    out = cv2.warpAffine(rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if blur:
        out = cv2.GaussianBlur(out, (3, 3), 0.8)
    if noise:
        out = np.clip(out + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    return out


def jpeg(rgb: np.ndarray, quality: int = 60, grayscale: bool = False, dpi: int = 200) -> bytes:
    from PIL import Image

    img = Image.fromarray(rgb)
    if grayscale:
        img = img.convert("L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()
