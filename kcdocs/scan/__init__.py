"""Scan-back: read kcdocs' own pages after they were printed, signed and scanned.

Stages (one module, one public function each): :mod:`source` (page images) → :mod:`qr`
(find and check the QR code) → :mod:`register` (layout mm → image px, snapped to printed
rules) → :mod:`ink` (signed or blank, with a confidence) → :mod:`seal` (red seals; grayscale
→ not checkable). :mod:`pipeline` runs them on a page or a file. Thresholds: :mod:`defs`.
"""

from importlib import import_module

_WHERE = {"BoxMark": "results", "FileScan": "results", "PageResult": "results", "inspect_file": "pipeline",
          "inspect_page": "pipeline", "PageImage": "source", "ScanSourceError": "source", "page_images": "source"}


def __getattr__(name: str):
    """Loaded on first use: reading cached results back needs no image libraries."""
    if name in _WHERE:
        return getattr(import_module(f"kcdocs.scan.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'kcdocs.scan' has no attribute {name!r}")

__all__ = ["BoxMark", "FileScan", "PageResult", "inspect_file", "inspect_page", "PageImage",
           "ScanSourceError", "page_images"]
