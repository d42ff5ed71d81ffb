"""What resolution a picture really has: file metadata only when it describes a paper page.

Phones write 72 dpi into every JPEG's EXIF block whatever the picture, so a 3000 × 4000 photo
of an A4 form would be a 41 × 55 inch page. ``plausible_dpi(width, height, meta)`` trusts the
metadata when it makes a page between 2 and 17 inches on its short side and at most 24 inches
on its long side (business card to A2); otherwise the picture is taken to show an A4 page
(fitted: its long side on 297 mm, or its short side on 210 mm, whichever gives more dpi).
A QR code of known size on the page is better still: see ``qr_dpi`` callers in scan and ingest.
"""

from __future__ import annotations

A4_IN = (210 / 25.4, 297 / 25.4)


def a4_dpi(width: int, height: int) -> float:
    short, long = sorted((max(1, width), max(1, height)))
    return max(short / A4_IN[0], long / A4_IN[1])


def plausible_dpi(width: int, height: int, meta=None) -> float:
    try:
        dpi = float(meta[0] if isinstance(meta, (tuple, list)) else meta) if meta else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if dpi > 1:
        short, long = sorted((width / dpi, height / dpi))
        if 2 <= short <= 17 and long <= 24:
            return dpi
    return a4_dpi(width, height)
