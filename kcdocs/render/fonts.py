"""Find CJK fonts on this machine (system folders, fontconfig folders, configured paths).

The first available family of each fallback chain is the one used; the whole available
chain is handed to Typst so that rare characters fall back glyph by glyph.
"""

from __future__ import annotations

import functools
import platform
import re
from dataclasses import dataclass
from pathlib import Path

from kcdocs.config import FontConfig
from kcdocs.errors import FontError
from kcdocs.textnorm import squash

# Faces that are already heavy (小标宋/中宋): used at regular weight for titles.
HEAVY_TITLE_FACES = {squash(n).lower() for n in (
    "FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05", "方正小标宋_GBK", "STZhongsong", "华文中宋",
    "SimHei", "黑体")}
# Faces that are not 仿宋 although they stand in for it.
FANGSONG_FACES = {squash(n).lower() for n in (
    "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋")}


# Fonts covering the CJK extensions (生僻字 of Ext B and beyond), appended to every chain where
# present: Windows ships SimSun-ExtB (and SimSun-ExtG); Debian/Ubuntu has fonts-hanazono.
EXTENSION_FONTS = ("SimSun-ExtB", "SimSun-ExtG", "SimSunExtG", "Plangothic P1", "Plangothic P2",
                   "TH-Tshyn-P0", "TH-Tshyn-P1", "TH-Tshyn-P2", "BabelStone Han", "HanaMinA", "HanaMinB",
                   "Jigmo", "Jigmo2", "Jigmo3")
# Families whose glyphs have Japanese forms: used only for what no Chinese font has, and said.
JAPANESE_FORM = re.compile(r"(?i)(\bJP\b|japan|hanamin|mincho|jigmo|\bipa|hiragino|meiryo|yu ?gothic|"
                           r"ms p?gothic|takao|kozuka)")
EXTENSION_FONT_FIX = ("请安装含该字的字体：Windows 自带“SimSun-ExtB”（控制面板→字体中确认未被删除），"
                      "更新的字符（扩展C—G区）可装“SimSun-ExtG”；Debian/Ubuntu：sudo apt-get install "
                      "fonts-hanazono；也可把含该字的字体文件所在文件夹写入 kcdocs.toml 的 [fonts] paths，然后重新生成。")


def is_japanese_form(family: str) -> bool:
    return bool(JAPANESE_FORM.search(family))


@dataclass(frozen=True)
class FontChoice:
    body: tuple[str, ...]  # available families, preferred first
    title: tuple[str, ...]
    heading: tuple[str, ...]
    title_weight: str  # "regular" for a real 小标宋, "bold" for a stand-in
    search_paths: tuple[str, ...]

    @property
    def body_is_fangsong(self) -> bool:
        return squash(self.body[0]).lower() in FANGSONG_FACES

    def describe(self) -> str:
        note = "" if self.body_is_fangsong else "（本机无仿宋，已用替代字体）"
        return f"正文字体：{self.body[0]}{note}；标题字体：{self.title[0]}"

    def coverage(self) -> "Coverage":
        """The body chain's character maps (every filled-in text is set in the body font)."""
        return Coverage(self.body, self.search_paths)

    def typst_fonts(self) -> dict:
        return {"body": list(self.body), "title": list(self.title), "heading": list(self.heading),
                "title_weight": self.title_weight}


def _extra_paths(config: FontConfig) -> list[str]:
    paths = [str(p) for p in config.paths]
    if platform.system() == "Windows":  # per-user fonts are not in the system folder
        import os

        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        if local.is_dir():
            paths.append(str(local))
    return paths


@functools.lru_cache(maxsize=8)
def _typst_fonts(paths: tuple[str, ...]):
    import typst

    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=list(paths))


def available_families(paths: tuple[str, ...] = ()) -> dict[str, str]:
    """{normalised name: family name as Typst knows it} of every font Typst can see."""
    return {squash(f).lower(): f for f in _typst_fonts(paths).families()}


def resolve_fonts(config: FontConfig | None = None) -> FontChoice:
    """Pick the fonts for body, title and headings; raise :class:`FontError` if none is CJK."""
    config = config or FontConfig()
    for p in config.paths:
        if not Path(p).exists():
            raise FontError(f"配置的字体路径不存在：{p}", "请修改 kcdocs.toml 中 [fonts] paths。")
    paths = tuple(_extra_paths(config))
    known = available_families(paths)

    def pick(chain: list[str]) -> tuple[str, ...]:
        found: list[str] = []
        for name in chain:
            family = known.get(squash(name).lower())
            if family and family not in found:
                found.append(family)
        return tuple(found)

    body, title, heading = pick(config.body), pick(config.title), pick(config.heading)
    if not body or not title:
        raise FontError(
            "没有找到可用的中文字体，无法排版中文文书。",
            "Windows 自带仿宋/宋体，一般无需处理；Debian/Ubuntu 请执行 sudo apt install fonts-noto-cjk；"
            "也可以把字体文件（.ttf/.otf/.ttc）放进一个文件夹，在 kcdocs.toml 的 [fonts] 中写 "
            "paths = [\"该文件夹\"]。",
        )
    weight = "regular" if squash(title[0]).lower() in HEAVY_TITLE_FACES else "bold"
    # Body families last in each chain, so every glyph the body font has is reachable; then the
    # fonts of the CJK extensions; Japanese-form families after every Chinese one.
    extension = pick(list(EXTENSION_FONTS))
    title = _ordered(title + tuple(f for f in body if f not in title), extension)
    heading = _ordered((heading or title) + tuple(f for f in body if f not in heading), extension)
    return FontChoice(_ordered(body, extension), title, heading, weight, paths)


def _ordered(chain: tuple[str, ...], extension: tuple[str, ...]) -> tuple[str, ...]:
    chain = chain + tuple(f for f in extension if f not in chain)
    first = [f for f in chain if not is_japanese_form(f)]
    return tuple(first + [f for f in chain if f not in first]) if first else chain


@functools.lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except Exception:  # a damaged font file: treated as covering nothing
        return frozenset()


class Coverage:
    """Which font of a chain draws each character, from the fonts' own character maps."""

    def __init__(self, chain: tuple[str, ...], paths: tuple[str, ...]):
        faces: dict[str, tuple[str, int]] = {}
        for info in sorted(_typst_fonts(paths).fonts(), key=lambda f: (f.style != "normal", abs(f.weight - 400))):
            if info.path and info.family not in faces:
                faces[info.family] = (str(info.path), int(info.index))
        self.chain = tuple(f for f in chain if f in faces)
        self._maps = [_cmap(*faces[f]) for f in self.chain]
        self._others = {f: faces[f] for f in faces if f not in self.chain}

    def font_for(self, ch: str) -> str | None:
        """The family that draws ``ch`` (the first of the chain with a glyph), or None."""
        cp = ord(ch)
        for family, cmap in zip(self.chain, self._maps):
            if cp in cmap:
                return family
        return None

    def elsewhere(self, ch: str) -> list[str]:
        """Installed families outside the chain that have ``ch`` (for the fix)."""
        cp = ord(ch)
        return [f for f, face in self._others.items() if cp in _cmap(*face)]


def needs_glyph(ch: str) -> bool:
    """Characters that must come from a font (not spaces, controls or variation selectors)."""
    cp = ord(ch)
    return not (ch.isspace() or cp < 0x20 or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
                or 0x200B <= cp <= 0x200F)
