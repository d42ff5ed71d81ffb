"""A copy of the sample ledger and evidence where one case's document is replaced by files under
the names phones and scanner apps give them, with content kcdocs cannot identify (noise)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
CASE = "370405-2020-0001"
FOLDER = "370405-2020-0001 王芳"
REMOVED = "火化证明_王芳.jpg"
PHONE_FILES = ("微信图片_20200516093012.jpg", "IMG_0001.jpg", "扫描全能王 2020-05-13.pdf")


def _noise(seed: int) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("L", (480, 360))
    image.putdata([rng.randrange(256) for _ in range(480 * 360)])
    return image.convert("RGB")


def phone_named_copy(root: Path) -> tuple[Path, Path]:
    """(ledger, evidence folder) under ``root``."""
    ledger = root / "ledger.xlsx"
    shutil.copy(REPO / "samples" / "ledger.xlsx", ledger)
    evidence = root / "evidence"
    shutil.copytree(REPO / "samples" / "evidence", evidence, ignore=shutil.ignore_patterns("expected.yaml"))
    folder = evidence / FOLDER
    (folder / REMOVED).unlink()
    for n, name in enumerate(PHONE_FILES):
        _noise(n).save(folder / name, "PDF" if name.endswith(".pdf") else "JPEG", resolution=200)
    return ledger, evidence
