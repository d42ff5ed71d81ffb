"""The verdict on one evidence file (see the package docstring).

Order: ``lstat`` (links and special files refused without opening them: a FIFO would block)
→ size (empty; over ``limits.bytes`` for a PDF or image) → the bytes read once, hashed
(recordings are hashed in blocks, never held) → format sniffed from the first bytes and
checked against the name → the first page decoded within ``limits.seconds`` with the page
and pixel budgets checked from the headers before any pixel is decoded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kcdocs.config import LimitsConfig
from kcdocs.evidence_io.guard import FileTimeout, captured, deadline, summary
from kcdocs.evidence_io.sniff import kind_of, mismatch, sniff

BLOCK = 1 << 20
LINK = "是指向其他位置的链接（快捷方式），未读取；请放入文件本身。"
SPECIAL = "不是普通文件（{what}），未读取；请放入文件本身。"
EMPTY = "是空文件（0 字节）。"
UNSUPPORTED = ("文件类型“{suffix}”不受支持；请扫描为 PDF/JPG/PNG/TIF，录音录像用 mp3/m4a/wav/amr/mp4/mov。")
OFD = "是 OFD 版式文件，kcdocs 暂不能读取；请导出为 PDF 后再放入。"
TOO_BIG = "文件过大（{mb:.0f} MB，超过每个文件 {limit:.0f} MB 的上限），疑似异常文件，未读取；请压缩或分拆后再放入。"
TIMEOUT = "读取超时（超过 {s:g} 秒），疑似异常文件，未读取；请重新扫描或另存为 PDF 后再放入。"
HUGE = "图片尺寸异常巨大（{w}×{h} 像素），疑似异常文件，未读取；请重新扫描（200—300 dpi 即可）。"
PDF_HUGE = "PDF 第1页中的图片尺寸异常巨大（{w}×{h} 像素），疑似异常文件，未读取；请重新扫描（200—300 dpi 即可）。"
MANY_PAGES = "页数过多（{n} 页，超过每个文件 {limit} 页的上限），未读取；请分拆后再放入。"
BAD_IMAGE = "图片文件已损坏或不是真正的图片，无法打开；请重新扫描或拍照。"
BAD_PDF = "PDF 文件已损坏，无法打开；请重新扫描或导出。"
LOCKED_PDF = "PDF 已加密（设有打开密码），无法读取；请提供未加密的扫描件。"
BAD_DOCX = "Word 文件已损坏，无法打开；请另存为 PDF 后再放入。"


@dataclass
class Verdict:
    kind: str  # by the name: pdf | image | media | document | other
    format: str | None = None  # by the content (sniff)
    size: int = 0
    sha256: str | None = None
    pages: int | None = None
    problem: str | None = None  # Chinese reason it is not evidence; None: readable
    warnings: list[str] = field(default_factory=list)  # library warnings, summarised
    width: int | None = None  # pixels of the first page (images)
    height: int | None = None
    mode: str | None = None  # Pillow mode of the picture as stored (before any reduced decoding)

    @property
    def readable(self) -> bool:
        return self.problem is None


@dataclass
class Opened:
    verdict: Verdict
    data: bytes | None = None
    pdf: object | None = None  # pypdfium2.PdfDocument
    image: object | None = None  # PIL.Image.Image, first frame loaded
    text: str = ""  # .docx: its paragraphs

    def close(self) -> None:
        for thing in (self.pdf, self.image):
            with contextlib.suppress(Exception):
                thing.close()
        self.pdf = self.image = None


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def _open_fd(path: str) -> int:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between lstat and open
        os.close(fd)
        raise OSError(0, "不是普通文件")
    return fd


def _read(path: Path, opened: Opened, limits: LimitsConfig) -> None:
    v = opened.verdict
    try:
        st = os.lstat(path)
    except OSError as exc:
        v.problem = f"无法读取：{exc.strerror or exc}。"
        return
    if stat.S_ISLNK(st.st_mode):
        v.problem = LINK
        return
    if not stat.S_ISREG(st.st_mode):
        v.problem = SPECIAL.format(what=_special(st.st_mode))
        return
    v.size = st.st_size
    if not v.size:
        v.problem = EMPTY
        return
    fd = _open_fd(str(path))
    with os.fdopen(fd, "rb") as fh:
        head = fh.read(1024)
        v.format = sniff(head)
        keep = v.kind in ("pdf", "image", "document") and v.size <= limits.bytes
        digest = hashlib.sha256(head)
        blocks = [head]
        for block in iter(lambda: fh.read(BLOCK), b""):
            digest.update(block)
            if keep:
                blocks.append(block)
        v.sha256 = digest.hexdigest()
        opened.data = b"".join(blocks) if keep else None
    suffix = path.suffix.lower()
    v.problem = mismatch(v.kind, suffix, v.format)
    if v.problem is None and v.kind == "other":
        v.problem = OFD if suffix == ".ofd" else UNSUPPORTED.format(suffix=path.suffix or "无扩展名")
    if v.problem is None and v.kind in ("pdf", "image", "document") and v.size > limits.bytes:
        v.problem = TOO_BIG.format(mb=v.size / 1e6, limit=limits.bytes / 1e6)


def _decode_pdf(opened: Opened, limits: LimitsConfig) -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    v = opened.verdict
    try:
        pdf = pdfium.PdfDocument(opened.data)
    except pdfium.PdfiumError as exc:
        v.problem = LOCKED_PDF if "password" in str(exc).lower() else BAD_PDF
        return
    opened.pdf = pdf
    v.pages = len(pdf)
    if v.pages == 0:
        v.problem = "PDF 文件没有任何页面。"
        return
    if v.pages > limits.pages:
        v.problem = MANY_PAGES.format(n=v.pages, limit=limits.pages)
        return
    page = pdf[0]
    try:
        width, height = page.get_size()
        if not (width > 0 and height > 0):
            v.problem = "PDF 第1页的页面尺寸无效，文件可能已损坏；请重新扫描或导出。"
            return
        for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            w, h = obj.get_px_size()
            if w * h > limits.pixels:
                v.problem = PDF_HUGE.format(w=w, h=h)
                return
    finally:
        page.close()


@functools.cache
def _pillow():
    from PIL import Image

    with contextlib.suppress(ImportError):  # HEIC/HEIF photos (iPhone), when pillow-heif is installed
        import pillow_heif

        pillow_heif.register_heif_opener()
    return Image


def _complete(fmt: str | None, data: bytes) -> bool:
    """False for a JPEG or PNG whose end marker is missing (a truncated file)."""
    if fmt == "jpeg":
        return b"\xff\xd9" in data[-4096:]
    if fmt == "png":
        return b"IEND" in data[-64:]
    return True


def _decode_image(opened: Opened, limits: LimitsConfig) -> None:
    Image = _pillow()
    v = opened.verdict
    try:
        img = Image.open(io.BytesIO(opened.data))
    except Image.DecompressionBombError:
        v.problem = "图片尺寸异常巨大，疑似异常文件，未读取；请重新扫描（200—300 dpi 即可）。"
        return
    opened.image = img
    v.width, v.height = img.size
    if v.width * v.height > limits.pixels:
        v.problem = HUGE.format(w=v.width, h=v.height)
        return
    if not _complete(v.format, opened.data):
        v.problem = ("JPEG 图片不完整（文件被截断），请重新扫描或拍照。" if v.format == "jpeg"
                     else "PNG 图片不完整（文件被截断），请重新扫描。")
        return
    from kcdocs.evidence_io.topdf import page_count

    v.pages = page_count(img)
    if v.pages > limits.pages:
        v.problem = MANY_PAGES.format(n=v.pages, limit=limits.pages)
        return
    v.mode = img.mode
    if img.format == "JPEG":  # every coefficient decoded, at 1/8 scale: as cheap as the image hash needs
        from kcdocs.audit.imagehash import _DRAFT

        img.draft("L", _DRAFT)
    img.load()


def _decode_docx(opened: Opened) -> None:
    import docx

    document = docx.Document(io.BytesIO(opened.data))
    lines = [p.text.strip() for p in document.paragraphs[:200] if p.text.strip()]
    opened.text = "\n".join(lines)
    opened.verdict.pages = 1


def _reason(v: Verdict, exc: BaseException, limits: LimitsConfig) -> str:
    if isinstance(exc, FileTimeout):
        return TIMEOUT.format(s=limits.seconds)
    if isinstance(exc, MemoryError):
        return "文件需要的内存过多，疑似异常文件，未读取；请重新扫描或另存后再放入。"
    if isinstance(exc, OSError) and exc.errno is not None and not v.sha256:
        return f"无法读取：{exc.strerror or exc}。"
    if v.kind == "image":
        return BAD_IMAGE
    if v.kind == "document":
        return BAD_DOCX
    if v.kind == "pdf":
        return BAD_PDF
    return f"无法读取（{type(exc).__name__}）。"


@contextlib.contextmanager
def open_evidence(path: str | Path, limits: LimitsConfig | None = None, *, decode: bool = True
                  ) -> Iterator[Opened]:
    """The file opened within the limits (see the package docstring). ``decode=False``: only
    the checks up to the hash (enough for a case whose files are only hashed)."""
    path, limits = Path(path), limits or LimitsConfig()
    opened = Opened(Verdict(kind_of(path.suffix)))
    v, lines = opened.verdict, []
    try:
        with captured(lines), deadline(limits.seconds):
            try:
                _read(path, opened, limits)
                if decode and v.problem is None:
                    if v.kind == "pdf":
                        _decode_pdf(opened, limits)
                    elif v.kind == "image":
                        _decode_image(opened, limits)
                    elif v.kind == "document":
                        _decode_docx(opened)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:
                v.problem = _reason(v, exc, limits)
            if v.problem is not None:
                opened.close()
            yield opened
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # raised by the caller's reading inside the block
        if v.problem is None:
            v.problem = _reason(v, exc, limits)
    finally:
        opened.close()
        v.warnings = summary(lines)


def check(path: str | Path, limits: LimitsConfig | None = None) -> Verdict:
    """The verdict alone (nothing kept open)."""
    with open_evidence(path, limits) as opened:
        pass
    return opened.verdict
