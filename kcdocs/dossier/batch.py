"""Run the per-case builds, case by case, in short-lived worker processes.

Contract: ``build_all(plans, fonts, jobs, progress) -> list[DossierInfo]`` in plan order.
Cases are compiled in batches of ``BATCH_CASES`` (one Typst compile each). With more than
one job, ``jobs`` worker processes (``python -m kcdocs.dossier._worker``) run at a time;
each builds at most ``CASES_PER_WORKER`` whole dossiers (render, merge, stamp, save),
returns small results and exits, which gives Typst's process-wide cache back to the
system: memory stays bounded whatever the number of cases. Workers are plain
subprocesses, so callers need no ``if __name__ == "__main__"`` guard.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from kcdocs.dossier.assemble import base_info, build_batch
from kcdocs.dossier.models import CasePlan, DossierInfo

BATCH_CASES = 8
EVICT_COMPILES = 10  # empty compiles after each batch: Typst drops cache entries unused for 10 compiles
CASES_PER_WORKER = 100
PARALLEL_MIN_CASES = 2 * BATCH_CASES  # below this, starting workers costs more than it saves

Progress = Callable[[int, int], None]


def build_all(plans: list[CasePlan], fonts, jobs: int | None = None,
              progress: Progress | None = None) -> list[DossierInfo]:
    total = len(plans)
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    if progress:
        progress(0, total)
    batches = [plans[i:i + BATCH_CASES] for i in range(0, total, BATCH_CASES)]
    if jobs <= 1 or total < PARALLEL_MIN_CASES:
        from kcdocs.render.typst_engine import TypstRenderer

        renderer = TypstRenderer(fonts)
        out: list[DossierInfo] = []
        for batch in batches:
            out += build_batch(batch, renderer)
            evict_typst_cache(renderer)
            if progress:
                progress(len(out), total)
        return out
    return _parallel(batches, fonts, jobs, progress, total)


def evict_typst_cache(renderer) -> None:
    """Typst's memoization cache is process-wide and keeps what the last 10 compiles used;
    a few empty compiles push a finished batch out of it (~5 ms each), so a worker's memory
    stays at about one batch's worth instead of ten."""
    for _ in range(EVICT_COMPILES):
        renderer.render("dossier/blank.typ", {})


def _parallel(batches: list[list[CasePlan]], fonts, jobs: int, progress: Progress | None,
              total: int) -> list[DossierInfo]:
    per_worker = max(1, min(CASES_PER_WORKER // BATCH_CASES, -(-len(batches) // jobs)))
    groups = [list(range(i, min(i + per_worker, len(batches)))) for i in range(0, len(batches), per_worker)]
    results: list[list[DossierInfo] | None] = [None] * len(batches)
    lock = threading.Lock()
    done = 0

    def run(group: list[int]) -> None:
        nonlocal done
        job = pickle.dumps({"fonts": fonts, "batches": [batches[n] for n in group]})
        proc = subprocess.Popen([sys.executable, "-m", "kcdocs.dossier._worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_worker_env())
        err = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
        reader.start()
        proc.stdin.write(job)
        proc.stdin.close()
        for n in group:
            try:
                infos = pickle.load(proc.stdout)
            except EOFError:
                break
            with lock:
                results[n] = infos
                done += len(infos)
                if progress:
                    progress(done, total)
        proc.wait()
        reader.join()
        why = (b"".join(err).decode("utf-8", "replace").strip().splitlines() or [str(proc.returncode)])[-1]
        for n in group:  # the worker died before finishing these (e.g. out of memory)
            if results[n] is None:
                results[n] = [_died(plan, why) for plan in batches[n]]

    with ThreadPoolExecutor(max(1, min(jobs, len(groups)))) as pool:
        for future in [pool.submit(run, g) for g in groups]:
            future.result()
    return [info for batch in results for info in batch or []]


def _worker_env() -> dict:
    """Workers are the parallelism: Typst's own thread pool is kept to one thread each, since
    idle pool threads spin and, on a busy machine, burn CPU that the other worker needs."""
    env = dict(os.environ)
    env.setdefault("RAYON_NUM_THREADS", "1")
    return env


def _died(plan: CasePlan, why: str) -> DossierInfo:
    info = base_info(plan)
    info.error = f"生成卷宗的进程意外退出（{why}）。"
    return info
