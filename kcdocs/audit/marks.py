"""Inspect marks — the scan-back stage of the audit, run per file inside the inventory.

Contract: ``measure(path, entry)`` reads every page (up to ``MAX_SCAN_PAGES``) of a readable
PDF or image through :mod:`kcdocs.scan`: kcdocs QR codes, signature boxes, seal areas, and a
whole-page search for red seals on pages without a QR (external documents). Results go to
``entry.scan``; a page whose QR fails its checksum makes the file a ``problem`` (a damaged or
forged kcdocs page must be looked at), and ``entry.colour`` becomes False when no scanned
page carries colour. Never raises.
"""

from __future__ import annotations

from pathlib import Path

from kcdocs.scan.pipeline import inspect_file

MAX_SCAN_PAGES = 60  # pages of one file read for QR codes, signatures and seals


def measure(path: Path, entry) -> None:
    scan = inspect_file(path, max_pages=MAX_SCAN_PAGES, seal_search=True, coarse_text=True)
    if scan.error:
        return  # the inventory's own reading decides whether the file is readable
    entry.scan = scan.pages
    forged = [p.index + 1 for p in scan.pages if p.status == "bad_qr"]
    if forged:
        entry.problem = (f"第{'、'.join(map(str, forged))}页的 kcdocs 二维码校验失败（内容被涂改、伪造或严重污损），"
                         "请核对纸质原件。")
    pages = [p for p in scan.pages if p.colour is not None]
    if pages and entry.kind in ("pdf", "image"):
        entry.colour = any(p.colour for p in pages)
