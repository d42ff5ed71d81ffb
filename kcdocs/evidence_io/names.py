"""File names that are not UTF-8: what unzip makes of a zip from Chinese Windows (GBK bytes).

Contract: ``display_name(name) -> (shown, note)``: a name as Python sees it (undecodable
bytes as surrogates) turned into text that can be written anywhere (reports, JSON, xlsx):
GB18030 bytes decoded, anything else escaped; ``note`` says so (Chinese) or is None.
``remember(shown_rel, real_path)`` / ``real_path(root, rel)`` map a shown relative path back to
the file on disk (walks register their names; a name not registered is used as it is).
"""

from __future__ import annotations

import os
from pathlib import Path

_REAL: dict[str, str] = {}  # shown relative path -> real path on disk
GBK_NOTE = "文件名不是 UTF-8 编码（常见于在中文 Windows 上压缩、在其他系统上解压的文件），已按 GBK 编码显示"


def _has_surrogates(name: str) -> bool:
    try:
        name.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def display_name(name: str) -> tuple[str, str | None]:
    if not _has_surrogates(name):
        return name, None
    raw = os.fsencode(name)
    try:
        return raw.decode("gb18030"), GBK_NOTE
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), "文件名含有无法识别的字符，已按原始字节显示"


def display_rel(rel: str) -> tuple[str, str | None]:
    """A relative path with "/" separators, each part shown by :func:`display_name`."""
    parts, notes = [], None
    for part in rel.split("/"):
        shown, note = display_name(part)
        parts.append(shown)
        notes = notes or note
    return "/".join(parts), notes


def safe_text(text: str) -> str:
    """Any text made writable as UTF-8 (surrogates decoded as GBK, or escaped)."""
    return display_rel(text)[0] if _has_surrogates(text) else text


def remember(shown_rel: str, real: str) -> None:
    if _has_surrogates(real) or shown_rel != real[-len(shown_rel):]:
        _REAL[shown_rel] = real


def note_for(rel: str) -> str | None:
    """What to say about a shown path whose real name was not UTF-8 (None: nothing)."""
    real = _REAL.get(rel)
    if real is None or not _has_surrogates(real):
        return None
    return display_name(os.path.basename(real))[1] or GBK_NOTE


def real_path(root: Path, rel: str) -> Path:
    """The file on disk that ``rel`` (a shown path below ``root``) stands for."""
    real = _REAL.get(rel)
    return Path(real) if real is not None else Path(root) / rel
