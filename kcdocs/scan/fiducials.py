"""Stage 1c — the printed ArUco markers of a phone photo: a homography from the layout.

kcdocs prints three ArUco markers at three corners of every form page (the QR code holds the
fourth; kcdocs.marks.layout ``FIDUCIALS``). When a photo cuts the sheet's edges off, or the
sheet lies on paper of the same colour, the sheet's outline cannot be found — the markers
can: each gives its four corners, the QR its own four, all at known positions in mm.

Contract: ``marks_homography(gray, hit) -> 3×3 array | None`` — the homography from ``gray``'s
px to the A4 page at ``RENDER_DPI`` (px = mm · dpi / 25.4), fitted on the markers found (ids
0–2, each at most once) and the raw QR's corners when it was read; None unless three of the
four anchors were found and the fit agrees with every point within ``MAX_FIT_MM``.
"""

from __future__ import annotations

import numpy as np

from kcdocs.marks.layout import FIDUCIALS
from kcdocs.scan.defs import QR_CORNER_INSET, RENDER_DPI

DETECT_PX = 2000  # px: long side of the copy markers are looked for on
MAX_FIT_MM = 1.5  # mm: a point further from the fitted homography rejects the fit
MIN_ANCHORS = 3  # markers + QR: two anchors on one side of the page do not hold a page


def _detector():
    import cv2

    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), params)


def find_marks(gray: np.ndarray) -> dict[int, np.ndarray]:
    """Markers of the layout found in ``gray``: id → 4×2 corners (px of ``gray``, ArUco's order)."""
    import cv2

    f = min(1.0, DETECT_PX / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    corners, ids, _ = _detector().detectMarkers(small)
    if ids is None:
        return {}
    wanted = {m.id for m in FIDUCIALS}
    ids = [int(i) for i in ids.ravel()]
    return {i: c.reshape(4, 2).astype(np.float64) / f for i, c in zip(ids, corners)
            if i in wanted and ids.count(i) == 1}


def _qr_points(hit) -> tuple[np.ndarray, np.ndarray] | None:
    from kcdocs.marks.layout import page_layout
    from kcdocs.scan.register import qr_corners_mm

    if hit is None or hit.payload is None:
        return None
    outer = getattr(hit, "outer", None)
    mm = qr_corners_mm(page_layout(hit.payload).qr, hit.modules, 0.0 if outer is not None else QR_CORNER_INSET)
    return (outer if outer is not None else hit.corners), mm


def marks_homography(gray: np.ndarray, hit=None) -> np.ndarray | None:
    import cv2

    found = find_marks(gray)
    by_id = {m.id: m for m in FIDUCIALS}
    src = [c for c in found.values()]
    dst = [np.array(by_id[i].corners(), float) for i in found]
    qr = _qr_points(hit)
    if qr is not None:
        src.append(np.asarray(qr[0], float))
        dst.append(qr[1])
    if len(src) < MIN_ANCHORS or len(found) < 2:
        return None
    k = RENDER_DPI / 25.4
    src_px, dst_px = np.concatenate(src).astype(np.float32), (np.concatenate(dst) * k).astype(np.float32)
    m, _ = cv2.findHomography(src_px, dst_px, 0)
    if m is None:
        return None
    fitted = cv2.perspectiveTransform(src_px.reshape(-1, 1, 2), m).reshape(-1, 2)
    if float(np.max(np.hypot(*(fitted - dst_px).T))) > MAX_FIT_MM * k:
        return None
    return m
