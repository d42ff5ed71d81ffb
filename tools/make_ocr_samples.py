"""Unnamed scans and phone photos of external certificates for the OCR demo (all fictional).

    python -m tools.make_ocr_samples [--out samples/ocr]

Writes case folders that ``make demo`` copies over a copy of samples/evidence:
- 冯军 (W4, the sample's missing death proof): ``IMG_0001.jpg``, a 死亡医学证明 scanned at 150 dpi
  with the seal over the title — a name that says nothing; the audit identifies it by OCR;
- 王芳 (W4): ``微信图片_20200601093512.jpg``, a 火化证明 photographed with a phone, about 李强 —
  the audit reports that it is not about this child;
- 郑磊 (W5): ``扫描件001.jpg``, a 情况说明 whose body says the child is missing — a generic title,
  identified by its words and left to review.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tools.certificates import degrade, fonts, render

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ("370405-2020-0002 冯军", "IMG_0001.jpg", "居民死亡医学证明（推断）书",
     "死者冯军，性别男，公民身份号码370405200708080178，于2020年4月2日因病经抢救无效死亡。死亡日期：2020年4月2日。",
     "滕州市人民医院", dict(seal_over_title=True), dict(quality=55, dpi=150)),
    ("370405-2020-0001 王芳", "微信图片_20200601093512.jpg", "火化证明",
     "兹有李强（男）遗体于2020年4月9日在本馆火化。火化日期：2020年4月9日。特此证明。",
     "枣庄市殡仪馆", {}, dict(quality=60, dpi=150, photo=True)),
    ("370404-2020-0002 郑磊", "扫描件001.jpg", "情况说明",
     "学生郑磊自2020年3月离家后失踪，下落不明，家长已报警，至今联系不上。",
     "薛城区公安分局", {}, dict(quality=50, dpi=150, grayscale=True)),
]


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else ROOT / "samples" / "ocr"
    if not fonts():
        print("没有找到中文字体，无法生成证明材料样例。", file=sys.stderr)
        return 2
    for seed, (folder, name, title, body, unit, page_kw, scan_kw) in enumerate(FILES, start=11):
        rng = np.random.default_rng(seed)
        page = render(title, body, unit, rng, dpi=scan_kw["dpi"], **page_kw)
        (out / folder).mkdir(parents=True, exist_ok=True)
        (out / folder / name).write_bytes(degrade(page, rng, **scan_kw))
        print(out / folder / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
