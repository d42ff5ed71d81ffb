"""Atomic outputs: a file appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from kcdocs.errors import UsageError


MAX_NAME_BYTES = 255  # a file name on ext4, NTFS (UTF-16 units, fewer), APFS
TEMP_NAME_BYTES = 120  # of the final name kept in a temporary file's name


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut (at a character boundary) to at most ``limit`` bytes of UTF-8."""
    data = text.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def fit_name(name: str, limit: int = MAX_NAME_BYTES - 40) -> str:
    """A file name of at most ``limit`` bytes, its extension kept (room left for "_2" and temp names)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        return fit_bytes(name, limit)
    return fit_bytes(stem, limit - len(ext.encode()) - 1) + "." + ext


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise UsageError(f"输出路径 {path} 是一个文件夹。", "请给出文件名，例如 out/通知书.pdf。")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` on success only."""
    path = Path(path)
    _check_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{fit_bytes(path.name, TEMP_NAME_BYTES)}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def atomic_dir_files(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``target`` (created if needed).

    On failure the staging folder is removed and ``target`` is untouched.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 已存在且不是文件夹。", "请换一个输出文件夹名。")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{fit_bytes(target.name, TEMP_NAME_BYTES)}.", suffix=".part",
                                    dir=target.parent))
    try:
        yield staging
        target.mkdir(exist_ok=True)
        for item in sorted(staging.iterdir()):
            os.replace(item, target / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
