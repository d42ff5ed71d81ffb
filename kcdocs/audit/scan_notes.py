"""Why the scan-back decided nothing about a document's signature boxes, in the user's words.

A document known by its file name, text layer or OCR but carrying no box measurements goes to
review; the review reason says the true cause: the picture is too coarse (a 420 × 594 image),
the pages carry no readable kcdocs QR code (a form kcdocs did not print, or a damaged code),
the file is a text PDF, or its pages were not read at all (``--no-scan``)."""

from __future__ import annotations


def scan_note(entry, first: int, count: int) -> str | None:
    """The cause for pages first…first+count-1 of ``entry`` (None when nothing is known)."""
    if entry.scan is None:
        return "本次稽核没有读取扫描页（--no-scan），签字未核验" if entry.kind in ("pdf", "image") else None
    pages = [p for p in entry.scan if first - 1 <= p.index < first - 1 + count]
    coarse = [p for p in pages if p.status == "too_coarse"]
    if coarse:
        return coarse[0].error.rstrip("。") if coarse[0].error else "扫描分辨率过低"
    if pages and all(p.status == "no_qr" for p in pages):
        if any(p.error and "文字版" in p.error for p in pages):
            return "文字版 PDF，不是签字后扫描的表格，无法自动识别签字"
        return "页面上没有可识读的 kcdocs 二维码（不是 kcdocs 打印的表格，或二维码污损），无法自动识别签字"
    return None
