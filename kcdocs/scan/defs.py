"""Scan-back thresholds, each with its unit, named once (design.md "Scan-back").

Figures in comments are what the synthetic scans of tests/test_scan*.py measure
(±3° rotation, 0.95–1.0 scale, noise, blur, JPEG q60, colour and grayscale).
"""

from __future__ import annotations

RENDER_DPI = 200  # dpi: pages of vector PDFs are rendered at this resolution
MIN_SCAN_DPI = 90  # dpi: below this an image is too coarse to read signature boxes
MAX_SCAN_PIXELS = 120_000_000  # pixels: larger images are not decoded (hostile files)

# QR -------------------------------------------------------------------------------------
QR_QUIET_MODULES = 4  # modules of quiet zone inside the layout's QR box (kcdocs.marks.qr draws 4)
QR_CORNER_INSET = 0.0  # modules: zxing reports the symbol's outer corners (to about a pixel)

# registration ---------------------------------------------------------------------------
SNAP_SEARCH_MM = 2.5  # mm: how far from the predicted rule the printed box border is looked for
SNAP_STEP_MM = 0.1  # mm: search step along the normal of each rule
SNAP_MIN_DARKNESS = 0.35  # fraction of samples along an edge that must be dark to accept a rule
MAX_REGISTRATION_ERROR_MM = 4.0  # mm: a snap that moves a box further is rejected (kept predicted)

# ink in signature boxes ------------------------------------------------------------------
INK_INSET_MM = 2.0  # mm: margin inside a box border that is not measured
INK_GRAY = 128  # 0–255: darker pixels are ink
INK_SIGNED = 0.005  # fraction of the measured area: 0.5 % separates signed (1.5–5 %) from blank (0 %)
INK_GRID_MM = 0.25  # mm per sample of the box interior
PRINTED_DILATE_MM = 0.6  # mm: what kcdocs printed in the box is widened by this before subtracting
INK_CONFIDENT_FACTOR = 4.0  # a fraction this many times off the threshold gives confidence 1.0

# seals ------------------------------------------------------------------------------------
SEAL_HUE_DEG = 25  # degrees either side of pure red
SEAL_MIN_SATURATION = 90  # 0–255 (OpenCV HSV)
SEAL_MIN_VALUE = 70  # 0–255
SEAL_MIN_DIAMETER_MM = 18  # mm: smaller red marks are not seals
SEAL_MAX_DIAMETER_MM = 60  # mm
SEAL_MIN_CIRCULARITY = 0.70  # 4πA/P² of the red mark's convex hull (a synthetic seal: 0.99)
SEAL_AREA_MARGIN_MM = 12  # mm around a printed seal area where the seal may overhang
SEAL_SEARCH_DPI = 50  # dpi: whole pages of external documents are searched at this resolution
CHROMA_GRAY = 2  # 0–255: channels differing by no more are colourless (a gray JPEG stored as RGB: ≤ 1)
COLOUR_MIN_FRACTION = 0.0005  # fraction of pixels with chroma: below it a scan counts as grayscale

# decisions ---------------------------------------------------------------------------------
REVIEW_BELOW = 0.5  # confidence (0–1): decisions below it go to the 待人工复核 list

# phone photos (kcdocs.scan.photo) ------------------------------------------------------------
PHOTO_RESIDUAL_MM = 1.0  # mm: a QR fit worse than this on the raw image → try rectifying the sheet
PHOTO_BORDER_GRAY = 170  # 0–255: a frame edge darker than this is a table, not paper (a photo)
PHOTO_MIN_SHEET = 0.2  # fraction of the frame: a smaller bright quadrilateral is not the sheet
PHOTO_SCALE_TOLERANCE = 0.03  # the QR's scale on the rectified page within 3 % of the layout's
PHOTO_CORNER_TOLERANCE_MM = 5.0  # mm: the QR's corners on the rectified page within this of the layout
