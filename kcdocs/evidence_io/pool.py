"""Worker processes with a hard time limit per task: a file whose decoder hangs inside C code
(where no signal reaches it) costs its worker, never the run.

Contract: ``bounded_map(function, tasks, jobs, seconds, on_timeout) -> iterator`` yields
``function(task)`` for every task, in order, computed by ``jobs`` worker processes. A task still
running after ``seconds`` has its worker killed and replaced; ``on_failure(task, why)`` is yielded
in its place (``why``: "timeout", "crash" when the worker died, or the exception's repr). ``function`` must be a module-level function (it is pickled by name); workers start
the same way multiprocessing's default does on the platform ("spawn" when called from a thread other
than the main one).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator


def _serve(conn, function) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        index, task = item
        try:
            conn.send((index, True, function(task)))
        except Exception as exc:  # the function's own failure: the parent decides what it means
            conn.send((index, False, repr(exc)))


class _Worker:
    def __init__(self, context, function):
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=_serve, args=(child, function), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int, task) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send((index, task))

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def bounded_map(function: Callable, tasks: Iterable, jobs: int, seconds: float,
                on_failure: Callable) -> Iterator:
    tasks = list(tasks)
    context = _context()
    workers = [_Worker(context, function) for _ in range(max(1, min(jobs, len(tasks))))]
    done: dict[int, object] = {}
    pending = iter(enumerate(tasks))
    next_out = 0
    try:
        for worker in workers:
            _feed(worker, pending)
        while next_out < len(tasks):
            busy = [w for w in workers if w.index is not None]
            ready = wait([w.conn for w in busy], timeout=0.5) if busy else []
            for worker in busy:
                if worker.conn in ready:
                    try:
                        index, ok, value = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died (a crash in C code)
                        index, ok, value = worker.index, False, "crash"
                        workers[workers.index(worker)] = worker = _restart(worker, context, function)
                    done[index] = value if ok else on_failure(tasks[index], value)
                    worker.index = None
                    _feed(worker, pending)
                elif time.monotonic() - worker.started > seconds:
                    done[worker.index] = on_failure(tasks[worker.index], "timeout")
                    fresh = _restart(worker, context, function)
                    workers[workers.index(worker)] = fresh
                    _feed(fresh, pending)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for worker in workers:
            worker.stop(kill=worker.index is not None)


def _context():
    """The platform's default start method in the main thread; "spawn" from any other thread (the
    web server runs audits in threads, and forking a process that has other threads can leave the
    child waiting forever on a lock one of them held)."""
    import threading

    if threading.current_thread() is threading.main_thread():
        return mp.get_context()
    return mp.get_context("spawn")


def _restart(worker: _Worker, context, function) -> _Worker:
    worker.stop(kill=True)
    return _Worker(context, function)


def _feed(worker: _Worker, pending) -> None:
    item = next(pending, None)
    if item is not None:
        worker.give(*item)
