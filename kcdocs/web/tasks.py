"""Tasks of the web pages: a private working folder per upload, and runs off the request thread.

A :class:`Task` is what one page works on (an uploaded roster, a chosen ledger…). Its runs call
the library in a worker thread and report progress through the library's own progress callback;
the page polls :meth:`Run.as_dict`. A failing run keeps the library's Chinese message and hint
(exactly what the CLI would print) and never stops the server.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from kcdocs.errors import DataProblems, KcdocsError

MAX_TASKS = 40  # older tasks (and their folders) are dropped beyond this
ROOT_PREFIX = "kcdocs-web-"
STALE_DAYS = 3  # folders of servers that were killed (window closed) are removed after this long


def _remove_stale_roots() -> None:
    cutoff = time.time() - STALE_DAYS * 86400
    for old in Path(tempfile.gettempdir()).glob(ROOT_PREFIX + "*"):
        try:
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


@dataclass
class Output:
    """A file a run produced, offered for download under ``name`` (no path from the user)."""

    name: str
    path: Path
    label: str


@dataclass
class Run:
    id: str
    label: str
    state: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    outputs: list[Output] = field(default_factory=list)
    result: Any = None  # the library's result object
    summary: str = ""  # one Chinese line for the page
    error: str = ""
    hint: str = ""
    problems: list = field(default_factory=list)

    def output(self, name: str) -> Output | None:
        """The output called ``name`` — looked up, never joined onto a path."""
        return next((o for o in self.outputs if o.name == name), None)

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def as_dict(self) -> dict:
        return {"id": self.id, "state": self.state, "done": self.done, "total": self.total,
                "seconds": round(time.time() - self.started if self.state == "running" else self.seconds, 1),
                "summary": self.summary, "error": self.error}


@dataclass
class Task:
    id: str
    kind: str  # notices | ledger | audit | ingest
    folder: Path
    data: dict = field(default_factory=dict)  # what the page needs (display names, choices, check results)
    runs: list[Run] = field(default_factory=list)
    created: float = field(default_factory=time.time)

    def run(self, run_id: str) -> Run | None:
        return next((r for r in self.runs if r.id == run_id), None)

    @property
    def busy(self) -> bool:
        return any(r.state in ("queued", "running") for r in self.runs)


Work = Callable[[Run], None]


class TaskStore:
    """All tasks of one server, each in its own folder under one temporary root."""

    def __init__(self, root: Path | None = None, workers: int = 1):
        if root is None:
            _remove_stale_roots()
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        self.root.mkdir(parents=True, exist_ok=True)
        self._owns_root = root is None
        self._tasks: dict[str, Task] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kcdocs-job")

    def new(self, kind: str) -> Task:
        task_id = secrets.token_urlsafe(12)
        folder = self.root / task_id
        folder.mkdir()
        task = Task(task_id, kind, folder)
        with self._lock:
            self._tasks[task_id] = task
            self._evict()
        return task

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            return self._tasks.get(task_id)

    def of_kind(self, kind: str) -> list[Task]:
        """This server's tasks of one kind, newest first (e.g. the audits a 复核 can start from)."""
        with self._lock:
            return sorted((t for t in self._tasks.values() if t.kind == kind), key=lambda t: -t.created)

    def discard(self, task: Task) -> None:
        with self._lock:
            self._tasks.pop(task.id, None)
        shutil.rmtree(task.folder, ignore_errors=True)

    def _evict(self) -> None:
        idle = sorted((t for t in self._tasks.values() if not t.busy), key=lambda t: t.created)
        while len(self._tasks) > MAX_TASKS and idle:
            old = idle.pop(0)
            self._tasks.pop(old.id, None)
            shutil.rmtree(old.folder, ignore_errors=True)

    def start(self, task: Task, label: str, work: Work) -> Run:
        """Run ``work(run)`` in the worker thread; it fills ``run.outputs``/``summary``."""
        run = Run(secrets.token_urlsafe(6), label)
        task.runs.append(run)
        self._pool.submit(self._execute, run, work)
        return run

    @staticmethod
    def _execute(run: Run, work: Work) -> None:
        run.state, run.started = "running", time.time()
        try:
            work(run)
            run.state = "done"
        except KcdocsError as exc:
            run.error, run.hint = exc.message, exc.hint or ""
            if isinstance(exc, DataProblems):
                run.problems = exc.problems
                if exc.next_step:
                    run.hint = " ".join(filter(None, [exc.next_step, run.hint]))
            run.state = "failed"
        except Exception as exc:  # a bug: say so plainly, keep serving
            traceback.print_exc()
            run.error = f"内部错误：{type(exc).__name__}: {exc}"
            run.hint = "请把这段文字和操作步骤发给维护人员。"
            run.state = "failed"
        finally:
            run.seconds = time.time() - run.started

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)
