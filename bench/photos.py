"""Benchmark for phone photos of signed kcdocs forms (kcdocs.scan.photo).

Renders the persuasion records of samples/ledger.xlsx at 200 dpi, makes phone photos of them
with tools/make_photos (signed at random, tilted 0–30°, turned, uneven light; 12 MP and WeChat
size), runs each through the page pipeline and compares every box with the truth. Prints per
tilt bucket and size: boxes decided / right / wrong / to review, photos without a reading, and
CPU ms per photo, with and without the photo steps (sheet, homography, light, validation).
The last bucket photographs the sheet too close: its edges are cut off by the frame.

    .venv/bin/python bench/photos.py [--per-bucket 8]

Targets: 0 wrong; ≥ 95 % of boxes decided at ≤ 15° tilt; ≤ 150 ms CPU added per photo.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
BUCKETS = [(0, 5, None), (5, 15, None), (15, 30, None), (0, 30, "cut")]  # cut: sheet edges out of the frame


def _run(path: Path, truth: list[bool], rectifying: bool) -> tuple[dict, float]:
    import kcdocs.scan.pipeline as pipeline
    from kcdocs.scan.defs import REVIEW_BELOW
    from kcdocs.scan.source import page_images

    real = pipeline.looks_like_photo, pipeline.rectify
    if not rectifying:
        pipeline.looks_like_photo, pipeline.rectify = (lambda gray, residual: False), (lambda gray, hit=None: None)
    try:
        t = time.process_time()
        result = pipeline.inspect_page(next(iter(page_images(path))))
        ms = (time.process_time() - t) * 1000
    finally:
        pipeline.looks_like_photo, pipeline.rectify = real
    c = defaultdict(int)
    c["photos"] = 1
    c["boxes"] = len(truth)
    if result.status != "ok":
        c["unread"] += 1
        c["review"] += len(truth)
        return c, ms
    for want, mark in zip(truth, result.boxes):
        if mark.confidence < REVIEW_BELOW:
            c["review"] += 1
        else:
            c["decided"] += 1
            c["right" if mark.signed == want else "wrong"] += 1
    return c, ms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-bucket", type=int, default=8)
    args = parser.parse_args()
    from tools.make_photos import photo, rendered_forms

    tmp = Path(tempfile.mkdtemp(prefix="kcdocs-bench-photos-"))
    forms = rendered_forms(ROOT / "samples" / "ledger.xlsx", tmp)
    rng = np.random.default_rng(2026)
    rows = []
    for lo, hi, cut in BUCKETS:
        for size in ("12mp", "wechat"):
            total, ms_with, ms_without = defaultdict(int), [], []
            for n in range(args.per_bucket):
                payload, rgb = forms[int(rng.integers(len(forms)))]
                tilt = float(rng.uniform(lo, hi))
                shot = photo(rgb, payload, tilt=tilt, size=size, seed=int(rng.integers(1 << 30)),
                             exif_orientation=6 if n == 0 else 1, fill=float(rng.uniform(0.98, 1.12)) if cut else None)
                path = tmp / f"{lo}_{size}_{n}.jpg"
                path.write_bytes(shot.data)
                counts, ms = _run(path, shot.signed, True)
                ms_with.append(ms)
                ms_without.append(_run(path, shot.signed, False)[1])
                for k, v in counts.items():
                    total[k] += v
            rows.append((f"{lo}–{hi}°" + ("裁边" if cut else ""), size, total, float(np.median(ms_with)), float(np.median(ms_without))))
    print("倾斜  尺寸     照片 签名框 判定 正确 错误 复核 未读出 判定率  ms/张(含校正) ms/张(不校正) 增加")
    for bucket, size, t, with_, without in rows:
        rate = t["decided"] / t["boxes"] if t["boxes"] else 0
        print(f"{bucket:7} {size:7} {t['photos']:4} {t['boxes']:5} {t['decided']:4} {t['right']:4} {t['wrong']:4} "
              f"{t['review']:4} {t['unread']:5} {rate:7.1%} {with_:10.0f} {without:12.0f} {with_ - without:8.0f}")
    wrong = sum(t["wrong"] for *_, t, _a, _b in rows)
    print(f"错误判定合计：{wrong}")
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
