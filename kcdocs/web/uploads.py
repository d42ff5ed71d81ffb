"""Uploads: the browser's file name is only ever shown, never used as a path as given.

Werkzeug streams the request body to temporary files (the size limit is checked before the body
is read); :func:`save_upload` copies one upload into a task folder under a cleaned name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePath

from kcdocs.errors import UsageError

ROSTER_TYPES = (".xlsx", ".xls", ".csv")
LEDGER_TYPES = (".xlsx",)
SCAN_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME = 80


def safe_name(filename: str | None, fallback: str) -> str:
    """A file name that is safe on Windows and Linux: last path part only, no separators, no
    control or reserved characters, no leading dots, not a device name, at most 80 characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    if not stem or stem.lower() in _RESERVED:
        stem = PurePath(fallback).stem
    if len(suffix) > 8:
        suffix = ""
    return stem[: MAX_NAME - len(suffix)] + suffix


def save_upload(storage, folder: Path, allowed: tuple[str, ...], fallback: str) -> Path:
    """Save a werkzeug ``FileStorage`` into ``folder`` under :func:`safe_name`; check its type."""
    if storage is None or not storage.filename:
        raise UsageError("没有选择文件。", "请先选择文件（或把文件拖到虚线框里），再点按钮。")
    name = safe_name(storage.filename, fallback)
    if PurePath(name).suffix.lower() not in allowed:
        raise UsageError(f"不支持这种文件：{storage.filename}", f"请选择 {'、'.join(allowed)} 文件。")
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    n = 1
    while dest.exists():  # two uploads with the same name
        n += 1
        dest = folder / f"{PurePath(name).stem}_{n}{PurePath(name).suffix}"
    assert dest.resolve().parent == folder.resolve()
    storage.save(dest)
    return dest


def local_path(text: str | None, what: str, *, folder: bool) -> Path:
    """A path typed by the user for a file or folder on this computer (must exist)."""
    text = (text or "").strip().strip('"').strip("'")
    if not text:
        example = "D:\\控辍保学\\佐证材料" if folder else "D:\\控辍保学\\台账.xlsx"
        raise UsageError(f"没有填写{what}。", f"请填写{what}在本机上的位置，例如 {example}。")
    path = Path(text).expanduser()
    if folder and not path.is_dir():
        raise UsageError(f"{what}不存在或不是文件夹：{path}", "请核对位置（可以从资源管理器的地址栏复制）。")
    if not folder and not path.is_file():
        raise UsageError(f"{what}不存在：{path}", "请核对位置（可以在资源管理器中按住 Shift 右击文件，选“复制为路径”）。")
    return path.resolve()


def as_uploaded(problems, names: dict[str, str]) -> list:
    """Problems naming a saved upload by the name the user gave it (not the private folder's path).

    ``names`` maps a saved path (file or folder) to the name shown; a path below a saved folder is
    shown as that name plus the rest of the path. Applied to the file, the message and the hint."""
    from dataclasses import replace

    order = sorted(names.items(), key=lambda kv: -len(kv[0]))

    def shown(text):
        if not text:
            return text
        for saved, name in order:
            text = text.replace(saved, name)
        return text

    return [replace(p, file=shown(p.file), message=shown(p.message), hint=shown(p.hint)) for p in problems]
