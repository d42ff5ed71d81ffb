"""One error model for the whole library.

Library code raises subclasses of :class:`KcdocsError`; only the CLI turns them into
exit codes. Messages are Chinese and say what the user should do next.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT_PROBLEMS = 1  # done, but the input has problems (rows rejected, cases incomplete)
    UNUSABLE = 2  # unusable invocation or unreadable input


class KcdocsError(Exception):
    """Base class. ``message`` is the Chinese text shown to the user."""

    exit_code = ExitCode.UNUSABLE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n处理办法：{self.hint}"


class UsageError(KcdocsError):
    """The command was called in a way that cannot work (missing option, bad value)."""


class InputFileError(KcdocsError):
    """An input file cannot be read at all (missing, corrupt, encrypted, wrong format)."""


class ConfigError(KcdocsError):
    """kcdocs.toml is malformed or has an invalid value."""


class FontError(KcdocsError):
    """No usable CJK font was found."""


class RenderError(KcdocsError):
    """A template failed to compile: a bug or a broken custom template."""


class DataProblems(KcdocsError):
    """Rows of an input table are invalid. Carries every problem, not only the first."""

    exit_code = ExitCode.INPUT_PROBLEMS

    def __init__(self, problems, message: str | None = None, next_step: str | None = None):
        self.problems = list(problems)
        self.next_step = next_step  # what to do, e.g. which option writes the valid rows
        super().__init__(message or f"输入数据有 {len(self.problems)} 处问题，未生成任何文件。")
