"""Scan-back: read kcdocs' own pages after they were printed, signed and scanned.

Stages (one module, one public function each): :mod:`source` (page images) → :mod:`qr`
(find and check the QR code) → :mod:`register` (layout mm → image px, snapped to printed
rules) → :mod:`ink` (signed or blank, with a confidence) → :mod:`seal` (red seals; grayscale
→ not checkable). :mod:`pipeline` runs them on a page or a file. Thresholds: :mod:`defs`.
"""

from kcdocs.scan.pipeline import BoxMark, FileScan, PageResult, inspect_file, inspect_page
from kcdocs.scan.source import PageImage, ScanSourceError, page_images

__all__ = ["BoxMark", "FileScan", "PageResult", "inspect_file", "inspect_page", "PageImage",
           "ScanSourceError", "page_images"]
