"""Stage 1 of ingest — every page of the scans, with what its QR code says.

Contract: ``read_pages(sources) -> (pages, problems)``. ``sources`` are files or folders
(searched recursively for PDF and image files, in name order). Each page gets its payload
(or the Chinese reason it has none) and how far it is turned, so it can be filed upright.
A file that cannot be read at all is a problem ``(file, reason)``, never an exception.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from kcdocs.marks.payload import PagePayload
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import IMAGE_SUFFIXES, PDF_SUFFIXES, ScanSourceError, page_images

SCAN_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES


@dataclass
class ScannedPage:
    source: Path
    index: int  # 0-based page of the source file
    digest: str  # SHA-256 of the source file
    payload: PagePayload | None
    reason: str | None = None  # why there is no payload (Chinese)
    turn: int = 0  # clockwise degrees (0/90/180/270) that show the page upright

    @property
    def key(self) -> str:
        return f"{self.digest}:{self.index}"


def scan_files(sources: list[Path]) -> list[Path]:
    out: list[Path] = []
    for source in sources:
        if source.is_dir():
            out.extend(sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES
                              and not p.name.startswith((".", "~$"))))
        else:
            out.append(source)
    return list(dict.fromkeys(out))


def upright_turn(corners) -> int:
    """Clockwise /Rotate that shows a page upright, from its QR's top edge direction."""
    (x0, y0), (x1, y1) = corners[0], corners[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    quarter = int(round(angle / 90)) % 4  # 0 upright, 1 top edge pointing down, 2 upside down, 3 up
    return (-90 * quarter) % 360


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_pages(sources: list[Path]) -> tuple[list[ScannedPage], list[tuple[Path, str]]]:
    pages: list[ScannedPage] = []
    problems: list[tuple[Path, str]] = []
    for path in scan_files(sources):
        if not path.is_file():
            problems.append((path, "文件不存在。"))
            continue
        try:
            digest = _sha256(path)
            for image in page_images(path):
                pages.append(_identify(path, digest, image))
        except ScanSourceError as exc:
            problems.append((path, str(exc)))
        except Exception as exc:  # a hostile scan must not stop the batch
            problems.append((path, f"无法读取（{type(exc).__name__}）。"))
    return pages, problems


def _identify(path: Path, digest: str, image) -> ScannedPage:
    hit = find_qr(image.gray, retry=True)
    if hit is None:
        return ScannedPage(path, image.index, digest, None, "没有可识读的 kcdocs 二维码")
    if hit.payload is None:
        return ScannedPage(path, image.index, digest, None, hit.error or "二维码内容无效")
    return ScannedPage(path, image.index, digest, hit.payload, turn=upright_turn(hit.corners))
