"""Stage 1 — inventory: walk EVIDENCE_ROOT, map folders to cases, examine every file.

Contract: ``inventory(root, case_ids) -> Inventory``. Never raises for a bad file: a
corrupt, encrypted, empty, unsupported or linked file is recorded with a Chinese
``problem`` and the walk goes on. Every readable file gets its SHA-256, its kind
(pdf / image / media) and, for PDFs, its page count and the head text of each page; every
image and image-only PDF gets a perceptual hash (:mod:`kcdocs.audit.imagehash`) so that the
same picture saved again under another case is found.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

from kcdocs.audit.imagehash import dhash_image, dhash_pdf_page
from kcdocs.textnorm import squash

PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
MEDIA_SUFFIXES = {".mp3", ".m4a", ".wav", ".amr", ".mp4", ".mov"}
EVIDENCE_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES | MEDIA_SUFFIXES
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
MAX_TEXT_PAGES = 60  # pages whose head text is read for titles
HEAD_CHARS = 160  # characters of a page's text kept for title matching
MAX_IMAGE_PIXELS = 120_000_000  # above this an image is treated as hostile (e.g. 20,000 × 20,000)
PARALLEL_MIN_FILES = 200  # below this, a process pool costs more than it saves
_BOUNDARY = re.compile(r"[A-Za-z0-9]")


@dataclass
class FileEntry:
    rel: str  # relative to EVIDENCE_ROOT, with /
    case_id: str | None
    size: int = 0
    kind: str = "other"  # pdf | image | media | other
    sha256: str | None = None
    pages: int | None = None
    heads: list[str] = field(default_factory=list)  # per PDF page: the first lines of text
    colour: bool | None = None  # images: False for a grayscale scan
    phash: str | None = None  # images and image-only PDFs: perceptual hash (hex), see imagehash
    problem: str | None = None  # why the file is unreadable (Chinese); None when readable
    scan: list | None = None  # scan-back results per page (kcdocs.scan.PageResult), see audit.marks

    @property
    def readable(self) -> bool:
        return self.problem is None

    @property
    def inner(self) -> str:
        """The path below the case folder (sub-folders and file name)."""
        return self.rel.split("/", 1)[1] if "/" in self.rel else self.rel


@dataclass
class Unmatched:
    path: str  # folder or file directly under EVIDENCE_ROOT
    files: int
    is_dir: bool


@dataclass
class Inventory:
    root: Path
    files: list[FileEntry] = field(default_factory=list)
    folders: dict[str, list[str]] = field(default_factory=dict)  # case id -> its folder names
    unmatched: list[Unmatched] = field(default_factory=list)
    cache: object | None = None  # the audit.cache.InventoryCache it was read with (for later stages' memos)

    def by_case(self) -> dict[str, list[FileEntry]]:
        out: dict[str, list[FileEntry]] = {}
        for entry in self.files:
            if entry.case_id is not None:
                out.setdefault(entry.case_id, []).append(entry)
        return out


def match_case(folder: str, ids: dict[str, str]) -> str | None:
    """The case id a folder name starts with (longest match, ending at a word boundary)."""
    name = squash(folder)
    best = None
    for end in range(1, len(name) + 1):
        if end < len(name) and _BOUNDARY.match(name[end]) and _BOUNDARY.match(name[end - 1]):
            continue  # 0007 must not match inside 00071
        hit = ids.get(name[:end].upper())
        if hit is not None:
            best = hit
    return best


def _ignored(name: str) -> bool:
    """System clutter: Thumbs.db, .DS_Store, macOS ._ forks, Office ~$ lock files, .git."""
    return name.lower() in IGNORED_NAMES or name.startswith(("._", "~$")) or name in (".git", ".svn")


def _walk(root: str, top: str):
    """(path, rel) of the files below ``root/top`` (no symlinks followed), sorted, with ``rel``
    relative to ``root`` with "/"; links are yielded to be reported. Plain strings: pathlib
    costs more than the walk itself on a tree of 10,000 files."""
    skip = len(os.path.join(root, ""))
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=False):
        dirnames.sort()
        inner = dirpath[skip:].replace(os.sep, "/")
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            if _ignored(name):
                continue
            yield os.path.join(dirpath, name), f"{inner}/{name}"


def _plan(root: Path, case_ids: Collection[str]) -> tuple[list[tuple[str, str, str | None]], Inventory]:
    inv = Inventory(root)
    ids = {squash(c).upper(): c for c in case_ids}
    base = str(root)
    tasks = []
    for top in sorted(root.iterdir(), key=lambda p: p.name):
        if _ignored(top.name):
            continue
        case_id = match_case(top.name, ids) if top.is_dir() and not top.is_symlink() else None
        if case_id is None and not top.is_dir() and top.suffix.lower() not in EVIDENCE_SUFFIXES:
            continue  # notes such as expected.yaml or a copy of the ledger beside the case folders
        if case_id is None:
            count = sum(1 for _ in _walk(base, top.name)) if top.is_dir() and not top.is_symlink() else 1
            inv.unmatched.append(Unmatched(top.name, count, top.is_dir()))
            continue
        inv.folders.setdefault(case_id, []).append(top.name)
        tasks.extend((path, rel, case_id) for path, rel in _walk(base, top.name))
    return tasks, inv


def inventory(root: str | Path, case_ids: Collection[str], *, hash_only: Collection[str] = (),
              progress: Callable[[int, int], None] | None = None, jobs: int | None = None,
              cache: Path | None = None, marks: bool = True) -> Inventory:
    """Examine every file of every case folder under ``root``.

    Files of cases in ``hash_only`` are only hashed (enough to find duplicates). With
    ``marks`` the pages are also read for QR codes, signatures and seals (:mod:`audit.marks`).
    ``cache`` is the on-disk cache file (:mod:`audit.cache`); None: no cache.
    """
    from kcdocs.audit.cache import InventoryCache

    root = Path(root)
    tasks, inv = _plan(root, case_ids)
    hash_only = set(hash_only)
    store = InventoryCache(cache) if cache is not None else None
    found: dict[int, FileEntry] = {}
    work = []
    for n, (path, rel, cid) in enumerate(tasks):
        hit = store.lookup(path, rel, cid, cid in hash_only, marks) if store else None
        if hit is not None:
            found[n] = hit
        else:
            work.append((n, (path, rel, cid, cid in hash_only, marks)))
    for n, entry in zip([n for n, _ in work], _examine_all([t for _, t in work], len(tasks) - len(work),
                                                            len(tasks), progress, jobs)):
        found[n] = entry
        if store is not None:
            store.store(tasks[n][0], entry, tasks[n][2] in hash_only, marks)
    inv.files = [found[n] for n in range(len(tasks))]
    if store is not None:
        store.save()
        inv.cache = store
    return inv


def _examine_all(work, done0: int, total: int, progress, jobs):
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if progress:
        progress(done0, total)
    if jobs > 1 and len(work) >= PARALLEL_MIN_FILES:
        with ProcessPoolExecutor(jobs) as pool:
            for done, entry in enumerate(pool.map(examine_task, work, chunksize=8), done0 + 1):
                if progress and (done % 25 == 0 or done == total):
                    progress(done, total)
                yield entry
    else:
        for done, task in enumerate(work, done0 + 1):
            entry = examine_task(task)
            if progress and (done % 25 == 0 or done == total):
                progress(done, total)
            yield entry


def entry_from_dict(data: dict, rel: str, case_id: str | None) -> FileEntry:
    """A FileEntry from the cache (see :func:`kcdocs.audit.cache._to_json`)."""
    from kcdocs.scan.results import PageResult

    data = dict(data)
    if data.get("scan") is not None:
        data["scan"] = [PageResult.from_dict(p) for p in data["scan"]]
    return FileEntry(rel, case_id, **data)


def examine_task(task: tuple) -> FileEntry:
    path, rel, case_id, hash_only, *rest = task
    entry = FileEntry(rel, case_id)
    try:
        examine(Path(path), entry, hash_only)
    except Exception as exc:  # a hostile file must never stop the audit
        entry.problem = f"无法读取（{type(exc).__name__}）。"
    if rest and rest[0] and not hash_only and entry.readable and entry.kind in ("pdf", "image"):
        from kcdocs.audit.marks import measure

        try:
            measure(Path(path), entry)
        except Exception:
            entry.scan = None  # marks unmeasured: the checklist puts them in the review list
    return entry


def examine(path: Path, entry: FileEntry, hash_only: bool = False) -> None:
    suffix = path.suffix.lower()
    entry.kind = ("pdf" if suffix in PDF_SUFFIXES else "image" if suffix in IMAGE_SUFFIXES
                  else "media" if suffix in MEDIA_SUFFIXES else "other")
    if path.is_symlink():
        entry.problem = "是指向其他位置的链接（快捷方式），未读取；请放入文件本身。"
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        entry.problem = f"无法读取：{exc.strerror or exc}。"
        return
    entry.size = len(data)
    if not data:
        entry.problem = "是空文件（0 字节）。"
        return
    entry.sha256 = hashlib.sha256(data).hexdigest()
    if entry.kind == "other":
        entry.problem = (f"文件类型“{path.suffix or '无扩展名'}”不受支持；"
                         "请扫描为 PDF/JPG/PNG/TIF，录音录像用 mp3/m4a/wav/amr/mp4/mov。")
    elif entry.kind == "media":
        return
    elif entry.kind == "pdf":
        _examine_pdf(data, entry, hash_only)
    else:
        _examine_image(data, entry)


def _examine_pdf(data: bytes, entry: FileEntry, hash_only: bool = False) -> None:
    import pypdfium2 as pdfium

    if b"%PDF" not in data[:1024]:
        entry.problem = "不是有效的 PDF 文件（文件头不对），可能已损坏或扩展名有误。"
        return
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        entry.problem = ("PDF 已加密（设有打开密码），无法读取；请提供未加密的扫描件。" if "password" in text
                         else "PDF 文件已损坏，无法打开；请重新扫描或导出。")
        return
    try:
        entry.pages = len(pdf)
        if entry.pages == 0:
            entry.problem = "PDF 文件没有任何页面。"
            return
        for index in range(min(entry.pages, 1 if hash_only else MAX_TEXT_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range() or ""
            textpage.close()
            page.close()
            lines = [squash(line) for line in text.splitlines() if squash(line)]
            entry.heads.append("\n".join(lines)[:HEAD_CHARS])
        if not entry.heads[0]:  # no text layer on the first page: a scan saved as PDF
            entry.phash = _quietly(dhash_pdf_page, pdf[0])
        if hash_only:
            entry.heads = []
    finally:
        pdf.close()


def _quietly(function, *args):
    """A perceptual hash, or None: it only adds a finding, never an unreadable file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception:
        return None


def _examine_image(data: bytes, entry: FileEntry) -> None:
    import io

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                fmt, mode = img.format, img.mode
                if width * height <= MAX_IMAGE_PIXELS and _complete(fmt, data):
                    entry.phash = _quietly(dhash_image, img)
    except Image.DecompressionBombError:
        entry.problem = "图片尺寸异常巨大，疑似异常文件，未读取；请重新扫描（200—300 dpi 即可）。"
        return
    except Exception:
        entry.problem = "图片文件已损坏或不是真正的图片，无法打开；请重新扫描或拍照。"
        return
    entry.pages = 1
    if width * height > MAX_IMAGE_PIXELS:
        entry.problem = (f"图片尺寸异常巨大（{width}×{height} 像素），疑似异常文件，未读取；"
                         "请重新扫描（200—300 dpi 即可）。")
    elif not _complete(fmt, data):
        entry.problem = ("JPEG 图片不完整（文件被截断），请重新扫描或拍照。" if fmt == "JPEG"
                         else "PNG 图片不完整（文件被截断），请重新扫描。")
    entry.colour = False if mode in ("1", "L", "LA", "I", "I;16") else None
    if entry.problem:
        entry.phash = None


def _complete(fmt: str | None, data: bytes) -> bool:
    """False for a JPEG or PNG whose end marker is missing (a truncated file)."""
    if fmt == "JPEG":
        return b"\xff\xd9" in data[-4096:]
    if fmt == "PNG":
        return b"IEND" in data[-64:]
    return True
