"""Stage 1 of ingest — every page of the scans, with what its QR code says.

Contract: ``read_pages(sources, limits) -> (pages, problems)``. ``sources`` are files or folders
(searched recursively for PDF and image files, in name order). Every file is first judged by
the one read path (:func:`kcdocs.evidence_io.check`: links, FIFOs, mismatched contents, files
over the limits are problems, never opened) and its pages read within the time limit. Each page
gets its payload (or the Chinese reason it has none), how far it is turned, so it can be filed
upright, and its resolution measured on the QR code when there is one (phones write 72 dpi into
every photo). A file that cannot be read at all is a problem ``(file, reason)``, never an exception.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from kcdocs.config import LimitsConfig
from kcdocs.evidence_io import check, current, guard, names
from kcdocs.evidence_io.sniff import IMAGE_SUFFIXES, PDF_SUFFIXES
from kcdocs.marks.payload import PagePayload
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import ScanSourceError, page_images

SCAN_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES
EXIF_TURN = {3: 180, 6: 90, 8: 270}  # EXIF orientation -> clockwise /Rotate that shows it upright


@dataclass
class ScannedPage:
    source: Path
    index: int  # 0-based page of the source file
    digest: str  # SHA-256 of the source file
    payload: PagePayload | None
    reason: str | None = None  # why there is no payload (Chinese)
    turn: int = 0  # clockwise degrees (0/90/180/270) that show the page upright
    dpi: float | None = None  # measured on the QR code (None: not measured)

    @property
    def key(self) -> str:
        return f"{self.digest}:{self.index}"


def scan_files(sources: list[Path]) -> list[Path]:
    """Every file below ``sources`` (system clutter aside): what is not a readable scan — a Word
    file, a link, a FIFO — is named as a problem rather than skipped."""
    out: list[Path] = []
    for source in sources:
        if source.is_dir() and not source.is_symlink():
            for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
                dirnames.sort()
                for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                    path = Path(dirpath) / name
                    if name.startswith((".", "~$")) or name.lower() in ("thumbs.db", "desktop.ini"):
                        continue
                    out.append(path)  # not a scan (a .docx, a link, a FIFO): named as a problem
        else:
            out.append(source)
    return list(dict.fromkeys(out))


def upright_turn(corners) -> int:
    """Clockwise /Rotate that shows a page upright, from its QR's top edge direction."""
    (x0, y0), (x1, y1) = corners[0], corners[1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    quarter = int(round(angle / 90)) % 4  # 0 upright, 1 top edge pointing down, 2 upside down, 3 up
    return (-90 * quarter) % 360


def shown(path: Path) -> str:
    """A path as it can be printed (a GBK file name decoded)."""
    return names.safe_text(str(path))


def exif_turn(path: Path) -> int:
    """The /Rotate an image's EXIF orientation asks for (0 for PDFs and unturned pictures)."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return 0
    try:
        from kcdocs.evidence_io.probe import _pillow

        with _pillow().open(path) as img:
            return EXIF_TURN.get(img.getexif().get(0x0112, 1), 0)
    except Exception:
        return 0


def _read_file(path: Path, limits: LimitsConfig) -> tuple[list[ScannedPage], str | None]:
    verdict = check(path, limits)
    if verdict.problem is not None:
        return [], verdict.problem
    if verdict.kind not in ("pdf", "image"):
        return [], "不是扫描件（PDF 或图片），未导入。"
    pages: list[ScannedPage] = []
    no_qr_turn = exif_turn(path)
    with guard.captured([]), guard.deadline(limits.seconds), current.using(limits):
        for image in page_images(path, limits.pages):
            pages.append(_identify(path, verdict.sha256, image, no_qr_turn))
    return pages, None


def read_pages(sources: list[Path], limits: LimitsConfig | None = None
               ) -> tuple[list[ScannedPage], list[tuple[Path, str]]]:
    limits = limits or LimitsConfig()
    pages: list[ScannedPage] = []
    problems: list[tuple[Path, str]] = []
    for path in scan_files(sources):
        if not os.path.lexists(path):
            problems.append((path, "文件不存在。"))
            continue
        try:
            found, problem = _read_file(path, limits)
        except guard.FileTimeout:
            found, problem = [], f"读取超时（超过 {limits.seconds:g} 秒），疑似异常文件，未导入。"
        except ScanSourceError as exc:
            found, problem = [], str(exc)
        except Exception as exc:  # a hostile scan must not stop the batch
            found, problem = [], f"无法读取（{type(exc).__name__}）。"
        pages.extend(found)
        if problem is not None:
            problems.append((path, problem))
    return pages, problems


def _qr_dpi(hit, shape) -> float | None:
    """The page's resolution measured on its QR code (whose printed size kcdocs knows)."""
    try:
        from kcdocs.marks.layout import page_layout
        from kcdocs.scan.register import register

        dpi = register(hit, page_layout(hit.payload)).dpi
        return dpi if 20 <= dpi <= 2400 else None
    except Exception:
        return None


def _identify(path: Path, digest: str, image, no_qr_turn: int = 0) -> ScannedPage:
    hit = find_qr(image.gray, retry=True)
    if hit is None:
        return ScannedPage(path, image.index, digest, None, "没有可识读的 kcdocs 二维码", turn=no_qr_turn)
    if hit.payload is None:
        return ScannedPage(path, image.index, digest, None, hit.error or "二维码内容无效", turn=no_qr_turn)
    return ScannedPage(path, image.index, digest, hit.payload, turn=upright_turn(hit.corners),
                       dpi=_qr_dpi(hit, image.gray.shape))
