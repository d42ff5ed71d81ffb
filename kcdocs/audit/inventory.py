"""Stage 1 — inventory: walk EVIDENCE_ROOT, map folders to cases, examine every file.

Contract: ``inventory(root, case_ids) -> Inventory``. Never raises for a bad file: a
corrupt, encrypted, empty, unsupported or linked file is recorded with a Chinese
``problem`` and the walk goes on. Every readable file gets its SHA-256, its kind
(pdf / image / media) and, for PDFs, its page count and the head text of each page; every
image and image-only PDF gets a perceptual hash (:mod:`kcdocs.audit.imagehash`) so that the
same picture saved again under another case is found.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

from kcdocs.audit.imagehash import dhash_image, dhash_pdf_page
from kcdocs.config import LimitsConfig
from kcdocs.evidence_io import current, guard, names
from kcdocs.evidence_io.pool import bounded_map
from kcdocs.evidence_io.probe import open_evidence
from kcdocs.evidence_io.sniff import kind_of
from kcdocs.evidence_io.sniff import (EVIDENCE_SUFFIXES, IMAGE_SUFFIXES, MEDIA_SUFFIXES,  # noqa: F401
                                      PDF_SUFFIXES)
from kcdocs.textnorm import squash

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
MAX_TEXT_PAGES = 60  # pages whose head text is read for titles
HEAD_CHARS = 160  # characters of a page's text kept for title matching
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
    format: str | None = None  # what its first bytes show (evidence_io.sniff): pdf, jpeg, png, …
    notes: list[str] = field(default_factory=list)  # said about the file besides (its name's encoding, warnings)
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
    relative to ``root`` with "/" (names that are not UTF-8 shown decoded, see evidence_io.names);
    links are yielded to be reported. Plain strings: pathlib costs more than the walk itself on a
    tree of 10,000 files."""
    skip = len(os.path.join(root, ""))
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top), followlinks=False):
        dirnames.sort()
        inner = dirpath[skip:].replace(os.sep, "/")
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            if _ignored(name):
                continue
            path, rel = os.path.join(dirpath, name), f"{inner}/{name}"
            shown, note = names.display_rel(rel)
            if note:
                names.remember(shown, path)
            yield path, shown


def _plan(root: Path, case_ids: Collection[str]) -> tuple[list[tuple[str, str, str | None]], Inventory]:
    inv = Inventory(root)
    ids = {squash(c).upper(): c for c in case_ids}
    base = str(root)
    tasks = []
    for top in sorted(root.iterdir(), key=lambda p: p.name):
        if _ignored(top.name):
            continue
        shown = names.display_name(top.name)[0]
        case_id = match_case(shown, ids) if top.is_dir() and not top.is_symlink() else None
        if case_id is None and not top.is_dir() and top.suffix.lower() not in EVIDENCE_SUFFIXES:
            continue  # notes such as expected.yaml or a copy of the ledger beside the case folders
        if case_id is None:
            count = sum(1 for _ in _walk(base, top.name)) if top.is_dir() and not top.is_symlink() else 1
            inv.unmatched.append(Unmatched(shown, count, top.is_dir()))
            continue
        inv.folders.setdefault(case_id, []).append(shown)
        tasks.extend((path, rel, case_id) for path, rel in _walk(base, top.name))
    return tasks, inv


def inventory(root: str | Path, case_ids: Collection[str], *, hash_only: Collection[str] = (),
              progress: Callable[[int, int], None] | None = None, jobs: int | None = None,
              cache: Path | None = None, marks: bool = True, limits: LimitsConfig | None = None) -> Inventory:
    """Examine every file of every case folder under ``root``.

    Files of cases in ``hash_only`` are only hashed (enough to find duplicates). With
    ``marks`` the pages are also read for QR codes, signatures and seals (:mod:`audit.marks`).
    ``cache`` is the on-disk cache file (:mod:`audit.cache`); None: no cache. ``limits``: what
    one file may cost (``kcdocs.toml`` ``[limits]``); over them a file is unreadable.
    """
    from kcdocs.audit.cache import InventoryCache

    root = Path(root)
    tasks, inv = _plan(root, case_ids)
    hash_only = set(hash_only)
    limits = limits or LimitsConfig()
    store = InventoryCache(cache, limits) if cache is not None else None
    found: dict[int, FileEntry] = {}
    work = []
    for n, (path, rel, cid) in enumerate(tasks):
        hit = store.lookup(path, rel, cid, cid in hash_only, marks) if store else None
        if hit is not None:
            found[n] = hit
        else:
            work.append((n, (path, rel, cid, cid in hash_only, marks, limits)))
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
    """FileEntries of ``work`` in order: in worker processes whose tasks are killed when they run
    past the time limit (a decoder stuck in C code), or here for small folders."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if progress:
        progress(done0, total)
    if jobs > 1 and len(work) >= PARALLEL_MIN_FILES:
        limits = work[0][5] if work and len(work[0]) > 5 and work[0][5] is not None else LimitsConfig()
        entries = bounded_map(examine_task, work, jobs, 2 * limits.seconds + 10, _failed_task)
    else:
        entries = map(examine_task, work)
    for done, entry in enumerate(entries, done0 + 1):
        if progress and (done % 25 == 0 or done == total):
            progress(done, total)
        yield entry


def _failed_task(task: tuple, why: str) -> FileEntry:
    """The entry of a file whose worker was stopped (time limit) or died (a crash in a decoder)."""
    path, rel, case_id, *_ = task
    entry = FileEntry(rel, case_id, kind=kind_of(Path(path).suffix))
    if why == "timeout":
        entry.problem = "读取超时（超过时间上限），疑似异常文件，未读取；请重新扫描或另存为 PDF 后再放入。"
    else:
        entry.problem = "读取时解码程序异常退出，疑似异常文件，未读取；请重新扫描或另存为 PDF 后再放入。"
    return entry


def entry_from_dict(data: dict, rel: str, case_id: str | None) -> FileEntry:
    """A FileEntry from the cache (see :func:`kcdocs.audit.cache._to_json`)."""
    from kcdocs.scan.results import PageResult

    data = dict(data)
    if data.get("scan") is not None:
        data["scan"] = [PageResult.from_dict(p) for p in data["scan"]]
    return FileEntry(rel, case_id, **data)


def examine_task(task: tuple) -> FileEntry:
    path, rel, case_id, hash_only, *rest = task
    marks = bool(rest and rest[0])
    limits = rest[1] if len(rest) > 1 and rest[1] is not None else LimitsConfig()
    entry = FileEntry(rel, case_id)
    try:
        examine(Path(path), entry, hash_only, limits)
    except Exception as exc:  # a hostile file must never stop the audit
        entry.problem = f"无法读取（{type(exc).__name__}）。"
    if marks and not hash_only and entry.readable and entry.kind in ("pdf", "image"):
        from kcdocs.audit.marks import measure

        try:
            with guard.captured([]), guard.deadline(limits.seconds), current.using(limits):
                measure(Path(path), entry)
        except guard.FileTimeout:
            entry.scan = None
            entry.notes.append(f"逐页识别二维码、签字和公章超过 {limits.seconds:g} 秒，已停止；签字和公章待人工复核。")
        except Exception:
            entry.scan = None  # marks unmeasured: the checklist puts them in the review list
    return entry


def examine(path: Path, entry: FileEntry, hash_only: bool = False, limits: LimitsConfig | None = None) -> None:
    """Open the file through the one read path (:mod:`kcdocs.evidence_io`) and read what the
    later stages need: page heads (PDF titles), a .docx's text, perceptual hashes."""
    with open_evidence(path, limits) as opened:
        verdict = opened.verdict
        entry.kind, entry.size, entry.sha256 = verdict.kind, verdict.size, verdict.sha256
        entry.format = verdict.format
        if verdict.problem is None:
            if opened.pdf is not None:
                _read_pdf(opened.pdf, entry, hash_only)
            elif opened.image is not None:
                _read_image(opened, entry)
            elif verdict.kind == "document":
                entry.pages = 1
                entry.heads = [_head(opened.text)] if not hash_only else []
    entry.problem = entry.problem or verdict.problem
    if verdict.warnings:
        entry.notes.append(f"读取时的提示：{'；'.join(verdict.warnings)}")
    note = names.note_for(entry.rel)
    if note is not None and note not in entry.notes:
        entry.notes.insert(0, note)
    if entry.problem:
        entry.phash = None


def _head(text: str) -> str:
    lines = [squash(line) for line in text.splitlines() if squash(line)]
    return "\n".join(lines)[:HEAD_CHARS]


def _read_pdf(pdf, entry: FileEntry, hash_only: bool = False) -> None:
    entry.pages = len(pdf)
    for index in range(min(entry.pages, 1 if hash_only else MAX_TEXT_PAGES)):
        page = pdf[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range() or ""
        textpage.close()
        page.close()
        entry.heads.append(_head(text))
    if not entry.heads[0]:  # no text layer on the first page: a scan saved as PDF
        entry.phash = _quietly(dhash_pdf_page, pdf[0])
    if hash_only:
        entry.heads = []


def _quietly(function, *args):
    """A perceptual hash, or None: it only adds a finding, never an unreadable file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args)
    except Exception:
        return None


def _read_image(opened, entry: FileEntry) -> None:
    img = opened.image
    entry.pages = opened.verdict.pages or 1
    entry.phash = _quietly(dhash_image, img)
    mode = opened.verdict.mode or img.mode
    entry.colour = False if mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L") else None
