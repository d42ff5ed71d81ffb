"""The limits in force for the file being read, for code far down the read path (the scan
stages) that is not handed them: ``with using(limits):`` … ``get()``."""

from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

from kcdocs.config import LimitsConfig

_LIMITS: contextvars.ContextVar[LimitsConfig | None] = contextvars.ContextVar("kcdocs_limits", default=None)


def get() -> LimitsConfig:
    return _LIMITS.get() or LimitsConfig()


@contextlib.contextmanager
def using(limits: LimitsConfig | None) -> Iterator[None]:
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)
