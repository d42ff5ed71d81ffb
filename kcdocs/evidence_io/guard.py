"""Bounds around reading one file: a time limit and captured library warnings.

Contract: ``deadline(seconds)`` raises :class:`FileTimeout` inside its block when the time is
up (SIGALRM; on Windows or outside the main thread no limit is set — the size, page and pixel
limits still hold). ``captured(sink)`` collects Python warnings and what C libraries (libtiff,
qpdf, pdfium) print on stderr into ``sink`` (a list of lines) instead of the terminal, unless
``KCDOCS_VERBOSE`` is set (``kcdocs -v``), and puts back ``sys.stdout``/``sys.stderr`` if a library
swapped them. ``summary(lines)`` is their short Chinese summary.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
import warnings
from typing import Iterator

MAX_WARNINGS_KEPT = 5


class FileTimeout(Exception):
    """Reading one file took longer than ``[limits] seconds``."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    if not seconds or not _can_alarm():
        yield
        return

    def expired(signum, frame):
        raise FileTimeout(seconds)

    old_handler = signal.signal(signal.SIGALRM, expired)
    old_left, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, seconds if not old_left else min(seconds, old_left))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_left:  # an outer deadline goes on (what is left of it, at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(0.001, old_left - seconds))


_FD_LOCK = threading.Lock()


@contextlib.contextmanager
def _stderr_into(sink: list[str]) -> Iterator[None]:
    """fd 2 redirected into a temporary file for the block (C libraries write there)."""
    if os.environ.get("KCDOCS_VERBOSE") or not _FD_LOCK.acquire(blocking=False):
        yield
        return
    try:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                tmp.seek(0)
                text = tmp.read(64 * 1024).decode("utf-8", "replace")
                sink.extend(line.strip() for line in text.splitlines() if line.strip())
    finally:
        _FD_LOCK.release()


@contextlib.contextmanager
def captured(sink: list[str]) -> Iterator[None]:
    streams = sys.stdout, sys.stderr  # pikepdf's syntax check leaves sys.stderr swapped for a StringIO
    with warnings.catch_warnings(record=True) as caught, _stderr_into(sink):
        warnings.simplefilter("always")
        try:
            yield
        finally:
            sink.extend(str(w.message) for w in caught)
            if (sys.stdout, sys.stderr) != streams:
                swapped = sys.stderr if sys.stderr is not streams[1] else None
                sys.stdout, sys.stderr = streams
                if hasattr(swapped, "getvalue"):
                    sink.extend(line for line in swapped.getvalue().splitlines() if line.strip())


def summary(lines: list[str]) -> list[str]:
    """Distinct warning lines, at most MAX_WARNINGS_KEPT, and how many more there were."""
    seen = list(dict.fromkeys(line[:200] for line in lines))
    out = seen[:MAX_WARNINGS_KEPT]
    if len(seen) > MAX_WARNINGS_KEPT:
        out.append(f"……另有 {len(seen) - MAX_WARNINGS_KEPT} 条")
    return out
