"""Find CJK fonts on this machine (system folders, fontconfig folders, configured paths).

The first available family of each fallback chain is the one used; the whole available
chain is handed to Typst so that rare characters fall back glyph by glyph.
"""

from __future__ import annotations

import functools
import platform
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
    # Body families last in each chain, so every glyph the body font has is reachable.
    title = title + tuple(f for f in body if f not in title)
    heading = (heading or title) + tuple(f for f in body if f not in heading)
    return FontChoice(body, title, heading, weight, paths)
