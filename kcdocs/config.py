"""kcdocs.toml: user configuration, validated on load (unknown keys are errors: typos show)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kcdocs.errors import ConfigError

DEFAULT_CONFIG_NAME = "kcdocs.toml"

# 仿宋 for body text (GB/T 9704 三号仿宋); Windows, macOS, then free fonts.
DEFAULT_BODY_FONTS = [
    "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋",
    "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体", "SimSun", "宋体", "Songti SC",
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Zen Hei",
]
# 小标宋 for titles; a heavy weight of a Song face when no 小标宋 is installed.
DEFAULT_TITLE_FONTS = [
    "FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05", "方正小标宋_GBK",
    "STZhongsong", "华文中宋", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体",
    "SimSun", "宋体", "SimHei", "黑体", "Noto Sans CJK SC", "Microsoft YaHei",
]
# 黑体 for headings inside forms and reports.
DEFAULT_HEADING_FONTS = ["SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
                         "WenQuanYi Zen Hei", "Noto Serif CJK SC"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FontConfig(_Section):
    body: list[str] = DEFAULT_BODY_FONTS
    title: list[str] = DEFAULT_TITLE_FONTS
    heading: list[str] = DEFAULT_HEADING_FONTS
    paths: list[Path] = []  # extra folders (or files) with fonts


class NoticeConfig(_Section):
    province: str = "山东省"  # used in 《山东省义务教育条例》
    unit: str | None = None  # 发文单位 when neither the roster nor --unit gives one


class AgeConfig(_Section):
    cutoff: str = "08-31"  # children born on or before this day of (year − 6) enter school that year

    @field_validator("cutoff")
    @classmethod
    def _cutoff(cls, value: str) -> str:
        from kcdocs.dates import DateError, parse_month_day

        try:
            parse_month_day(value)
        except (DateError, ValueError) as exc:
            raise ValueError("应为“月-日”，例如 08-31") from exc
        return value


class ReportConfig(_Section):
    weekly_due_days_after: int = 3  # the weekly report is due this many days after the week's Sunday (周三)
    monthly_due_day: int = 2  # the monthly report is due on this day of the next month (每月2日前)
    max_listed: int = 200  # cases per list printed in the PDF; full lists go to the companion .xlsx
    unit: str | None = None  # 报送单位 printed on the reports (--unit overrides)


class LimitsConfig(_Section):
    """Per evidence file: what one file may cost before it is an unreadable finding instead."""

    seconds: float = 60  # opening and reading one file (Python-level decoders are interrupted)
    pixels: int = 50_000_000  # pixels of one decoded page or picture (≈ A4 at 700 dpi); pages are rendered smaller
    pages: int = 2000  # pages (or TIFF frames) of one file
    bytes: int = 300_000_000  # size of one PDF or image file (recordings are only hashed, any size)

    @field_validator("seconds", "pixels", "pages", "bytes")
    @classmethod
    def _positive(cls, value):
        if value <= 0:
            raise ValueError("应为正数")
        return value


class RectificationConfig(_Section):
    days: int = 30  # 整改时限: days after a finding was first seen (findings.xlsx 整改台账)


class Config(_Section):
    fonts: FontConfig = FontConfig()
    notices: NoticeConfig = NoticeConfig()
    age: AgeConfig = AgeConfig()
    reports: ReportConfig = ReportConfig()
    rectification: RectificationConfig = RectificationConfig()
    limits: LimitsConfig = LimitsConfig()
    source: Path | None = None  # the file this came from, if any


def load_config(path: str | Path | None = None, *, cwd: Path | None = None) -> Config:
    """Load ``path``, or ``kcdocs.toml`` in the working folder if present, else defaults."""
    explicit = path is not None
    path = Path(path) if explicit else (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
    if not path.exists():
        if explicit:
            raise ConfigError(f"找不到配置文件：{path}", "请检查 --config 后的路径。")
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件 {path} 格式错误：{exc}", "请对照 samples/kcdocs.toml 修改。") from exc
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        lines = [f"配置文件 {path} 有错误："]
        for err in exc.errors():
            where = ".".join(str(x) for x in err["loc"])
            msg = "不认识的设置项（拼写错误？）" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"  {where}：{msg}")
        raise ConfigError("\n".join(lines), "请对照 samples/kcdocs.toml 修改。") from exc
    base = path.resolve().parent
    config.fonts.paths = [p if p.is_absolute() else base / p for p in config.fonts.paths]
    config.source = path
    return config
