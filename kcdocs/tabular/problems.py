"""A problem found in an input table, located precisely enough to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REQUIRED = re.compile(r"^必填项「[^」]*」为空")
_VERB_START = ("为", "应", "是", "不", "有", "与", "已", "在", "的")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    sheet: str | None = None
    row: int | None = None  # Excel row number (1-based) or CSV line number
    column: str | None = None  # the header as written in the file
    value: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" rejects the row; "warning" is only reported

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」列")
        return " ".join(parts)

    def format(self) -> str:
        tag = "错误" if self.is_error else "提示"
        text = f"[{tag}] {self.location()}：{self.message}"
        if self.hint:
            text += f" —— {self.hint}"
        return text


def format_problems(problems: list[Problem], limit: int | None = None) -> str:
    shown = problems if limit is None else problems[:limit]
    lines = [p.format() for p in shown]
    if limit is not None and len(problems) > limit:
        lines.append(f"……另有 {len(problems) - limit} 处问题未列出。")
    return "\n".join(lines)


def without_column(message: str, column: str | None, names: tuple[str, ...] = ()) -> str:
    """``message`` for a line that already names ``column`` (「身份证号」列：…): a leading column
    name (``身份证号“…”校验位错误``) or a repeated one (``必填项「学生姓名」为空``) is left out.
    ``names`` are other names of the same column (its canonical header and aliases)."""
    message = message.strip()
    if not column:
        return message
    message = _REQUIRED.sub("必填项为空", message)
    for name in sorted({column, *names}, key=len, reverse=True):
        if message.startswith(name) and len(message) > len(name):
            rest = message[len(name):].lstrip("：:，, ")
            return name + rest if rest[:1] in _VERB_START else rest
    return message
