"""Text normalisation shared by ID numbers, dates and header matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, （）…) to half-width; the ideographic space to a space."""
    return unicodedata.normalize("NFKC", text)


def squash(text: str) -> str:
    """Half-width, without any whitespace: the form used to compare headers and codes."""
    return _SPACES.sub("", to_halfwidth(text))


def clean_cell(value: object) -> str:
    """A cell as trimmed text ('' for empty); keeps inner spaces of names.

    str.strip() already removes the ideographic and no-break spaces; BOMs and zero-width
    spaces (pasted from web pages) are removed too. Hot path: called for every cell."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\ufeff" in text or "\u200b" in text:
        text = text.replace("\ufeff", "").replace("\u200b", "")
    return text.strip()
