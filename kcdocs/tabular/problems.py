"""A problem found in an input table, located precisely enough to fix it."""

from __future__ import annotations

from dataclasses import dataclass


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
