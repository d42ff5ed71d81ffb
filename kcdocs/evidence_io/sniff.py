"""What a file really is: its kind by name, its format by its first bytes, and whether the two fit.

Contract: ``kind_of(suffix) -> pdf | image | media | document | other`` and
``sniff(head) -> format`` (``pdf``, ``jpeg``, ``png``, ``tiff``, ``webp``, ``heif``, ``gif``, ``bmp``,
``jp2``, ``zip``, ``ole``, ``exe``, ``media`` or None) from the first bytes; ``mismatch(kind,
suffix, fmt, head)`` is the Chinese reason a file cannot be used as what its name says, or None.
"""

from __future__ import annotations

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif"}
MEDIA_SUFFIXES = {".mp3", ".m4a", ".wav", ".amr", ".mp4", ".mov"}
DOCUMENT_SUFFIXES = {".docx"}
EVIDENCE_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | MEDIA_SUFFIXES | DOCUMENT_SUFFIXES
IMAGE_FORMATS = {"jpeg", "png", "tiff", "webp", "heif", "gif", "bmp"}
FORMAT_NAMES = {"pdf": "PDF", "jpeg": "JPEG 图片", "png": "PNG 图片", "tiff": "TIFF 图片", "webp": "WebP 图片",
                "heif": "HEIC 图片", "gif": "GIF 图片", "bmp": "BMP 图片", "jp2": "JPEG 2000 图片",
                "zip": "压缩包（或 Word/OFD 文件）", "ole": "旧版 Office 文件（.doc/.xls）", "exe": "程序文件"}
SUFFIX_FOR = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif", "webp": ".webp", "heif": ".heic"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}


def kind_of(suffix: str) -> str:
    suffix = suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in MEDIA_SUFFIXES:
        return "media"
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    return "other"


def sniff(head: bytes) -> str | None:
    """The format the first bytes (up to 1 KB) show."""
    if b"%PDF" in head[:1024]:
        return "pdf"
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51":
        return "jp2"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "heif" if head[8:12] in _HEIF_BRANDS else "media"
    if head[:4] in (b"GIF8",):
        return "gif"
    if head[:2] == b"BM" and len(head) > 14:
        return "bmp"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if head[:2] == b"MZ":
        return "exe"
    if head[:3] == b"ID3" or head[:6] == b"#!AMR\n" or (head[:4] == b"RIFF" and head[8:12] == b"WAVE"):
        return "media"
    return None


def _rename_hint(fmt: str) -> str:
    suffix = SUFFIX_FOR.get(fmt)
    return f"请把扩展名改为 {suffix} 后再放入" if suffix else "请另存为 PDF 或 JPG 后再放入"


def mismatch(kind: str, suffix: str, fmt: str | None) -> str | None:
    """Why the content cannot be read as what the name says (Chinese), or None."""
    shown = suffix or "无扩展名"
    what = FORMAT_NAMES.get(fmt or "", "")
    if kind == "pdf":
        if fmt == "pdf":
            return None
        if fmt in IMAGE_FORMATS:
            return f"文件内容是{what}，扩展名却是 {shown}；{_rename_hint(fmt)}。"
        return "不是有效的 PDF 文件（文件头不对），可能已损坏或扩展名有误。"
    if kind == "image":
        if fmt in IMAGE_FORMATS:
            return None
        if fmt == "jp2":
            return "图片是 JPEG 2000 格式（扩展名是 " + shown + "），kcdocs 不读取这种格式；请另存为 JPG 或 PDF 后再放入。"
        if fmt == "pdf":
            return f"文件内容是 PDF，扩展名却是 {shown}；请把扩展名改为 .pdf 后再放入。"
        return "图片文件已损坏或不是真正的图片，无法打开；请重新扫描或拍照。"
    if kind in ("media", "document", "other") and (fmt in IMAGE_FORMATS or fmt == "pdf"):
        return f"文件内容是{what}，扩展名却是 {shown}；{_rename_hint(fmt)}。"
    return None
