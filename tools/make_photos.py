"""Phone photos of signed kcdocs forms, for tests and benchmarks (deterministic for a seed).

``photo(rgb, payload, ...)`` takes a rendered 200 dpi form, signs some of its boxes, lays the
sheet on a darker table larger than it, photographs it with a camera tilted ``tilt`` degrees
(perspective by ``cv2.warpPerspective``), turned a little in the frame, under uneven light (a
gradient and a soft shadow), and returns the JPEG bytes (12 MP, 4000×3000, or a WeChat copy:
1280 px long side, quality 70, no EXIF) and the truth per box. ``exif_orientation=6`` stores
the pixels turned as a phone held sideways does and writes Orientation 6.

Command line: ``python -m tools.make_photos LEDGER OUT_DIR [--count N]`` writes photos of the
persuasion records printed from LEDGER and ``truth.json`` beside them.
"""

from __future__ import annotations

import io
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIZES = {"12mp": (3000, 4000), "wechat": (960, 1280)}  # (w, h) of a portrait photo


@dataclass
class Photo:
    data: bytes  # JPEG
    signed: list[bool]  # truth per signature box, layout order
    tilt: float
    size: str


def _sign(rgb, payload, rng, sign_all: bool = False) -> list[bool]:
    from kcdocs.marks.layout import page_layout
    from kcdocs.scan import synth

    truth = []
    for box in page_layout(payload).signatures:
        truth.append(sign_all or bool(rng.integers(0, 2)))
        if truth[-1]:
            synth.sign(rgb, box, 200, rng)
    return truth


def _sheet_corners(w, h, size, tilt, rng, fill=None) -> np.ndarray:
    """Where the sheet's corners land in the photo: tilted about the horizontal axis, turned.
    ``fill`` > 1: the sheet is larger than the frame (its edges cut off)."""
    fw, fh = size
    fill = fill or rng.uniform(0.78, 0.9)
    sh = fh * fill
    sw = sh * w / h
    t = math.radians(tilt)
    near, far = 1.0, 1.0 - 0.9 * math.sin(t) * 0.7  # the far edge looks shorter
    sh *= math.cos(t) ** 0.5
    pts = np.array([[-sw * far / 2, -sh / 2], [sw * far / 2, -sh / 2], [sw * near / 2, sh / 2],
                    [-sw * near / 2, sh / 2]])
    a = math.radians(rng.uniform(-4, 4))
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    centre = np.array([fw / 2 + rng.uniform(-0.03, 0.03) * fw, fh / 2 + rng.uniform(-0.03, 0.03) * fh])
    return (pts @ rot.T + centre).astype(np.float32)


def _light(img, rng) -> np.ndarray:
    """Uneven light: a linear gradient across the frame and a soft shadow."""
    import cv2

    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    g = (xx / w - 0.5) * math.cos(a) + (yy / h - 0.5) * math.sin(a)
    light = 0.85 + 0.3 * g  # 0.7–1.0
    shadow = np.zeros((h // 8, w // 8), np.float32)
    cx, cy = int(rng.uniform(0.2, 0.8) * w / 8), int(rng.uniform(0.2, 0.8) * h / 8)
    cv2.ellipse(shadow, (cx, cy), (w // 20, h // 10), float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shadow, (0, 0), w / 80)
    shadow = cv2.resize(shadow, (w, h))
    light = light * (1 - 0.3 * shadow)
    out = img.astype(np.float32) * (light[..., None] if img.ndim == 3 else light)
    return np.clip(out, 0, 255).astype(np.uint8)


def photo(rgb: np.ndarray, payload, *, tilt: float, size: str = "12mp", seed: int = 0,
          exif_orientation: int = 1, sign_all: bool = False, quality: int = 90, fill: float | None = None) -> Photo:
    """One phone photo of the form ``rgb`` (200 dpi, its QR's ``payload``); see the module doc."""
    import cv2
    from PIL import Image

    rng = np.random.default_rng(seed)
    rgb = rgb.copy()
    truth = _sign(rgb, payload, rng, sign_all)
    h, w = rgb.shape[:2]
    fw, fh = SIZES["12mp"]  # shot at 12 MP; a WeChat copy is scaled down from it
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, _sheet_corners(w, h, (fw, fh), tilt, rng, fill))
    table = np.array([rng.integers(70, 120), rng.integers(60, 100), rng.integers(40, 80)], np.uint8)
    canvas = np.empty((fh, fw, 3), np.uint8)
    canvas[:] = table
    out = cv2.warpPerspective(rgb, m, (fw, fh), dst=canvas, borderMode=cv2.BORDER_TRANSPARENT,
                              flags=cv2.INTER_LINEAR)
    out = _light(cv2.GaussianBlur(out, (3, 3), 0.7), rng)
    out = np.clip(out + rng.normal(0, 3, out.shape), 0, 255).astype(np.uint8)
    img = Image.fromarray(out)
    if size == "wechat":
        img.thumbnail((SIZES["wechat"][1], SIZES["wechat"][1]), Image.LANCZOS)
    buf = io.BytesIO()
    if exif_orientation == 6 and size == "12mp":  # phone held sideways: pixels turned 90° anticlockwise, viewer turns back
        img = img.transpose(Image.ROTATE_90)
        exif = Image.Exif()
        exif[0x0112] = 6
        img.save(buf, "JPEG", quality=quality, exif=exif.tobytes(), dpi=(72, 72))
    else:
        img.save(buf, "JPEG", quality=70 if size == "wechat" else quality,
                 **({} if size == "wechat" else {"dpi": (72, 72)}))
    return Photo(buf.getvalue(), truth, tilt, size)


def rendered_forms(ledger: Path, tmp: Path) -> list[tuple[object, np.ndarray]]:
    """(payload, 200 dpi RGB) of every persuasion record page printed from ``ledger``."""
    from kcdocs.forms import FormOptions, make_forms
    from kcdocs.scan.qr import find_qr
    from kcdocs.scan.source import page_images

    pdf = tmp / "persuasion-record.pdf"
    make_forms(FormOptions(form="persuasion-record", ledger=ledger, output=pdf, cases=[]))
    return [(find_qr(p.gray).payload, p.rgb.copy()) for p in page_images(pdf)]


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> int:
    """``LEDGER OUT_DIR [--count N] [--case ID --name FILE.jpg]``: with ``--case``, one fully
    signed 12 MP photo (EXIF orientation 6) of that case's first persuasion record."""
    import tempfile

    ledger, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        forms = rendered_forms(ledger, Path(tmp))
    if "--case" in argv:
        payload, rgb = next(f for f in forms if f[0].subject == _option(argv, "--case", ""))
        shot = photo(rgb, payload, tilt=12, size="12mp", seed=2020, exif_orientation=6, sign_all=True, quality=60)
        (out / _option(argv, "--name", "IMG_0001.jpg")).write_bytes(shot.data)
        return 0
    count = int(_option(argv, "--count", "6"))
    truth = {}
    for n in range(count):
        payload, rgb = forms[n % len(forms)]
        shot = photo(rgb, payload, tilt=30 * n / max(1, count - 1), size="wechat" if n % 2 else "12mp", seed=n,
                     exif_orientation=6 if n == 0 else 1)
        name = f"IMG_{n + 1:04d}.jpg"
        (out / name).write_bytes(shot.data)
        truth[name] = {"qr": payload.encode(), "signed": shot.signed, "tilt": round(shot.tilt, 1), "size": shot.size}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
