"""Run the per-case builds, case by case, in short-lived worker processes.

Contract: ``build_all(plans, fonts, jobs, progress) -> list[DossierInfo]`` in plan order.
Cases go to workers in batches of ``BATCH_CASES`` (one Typst compile each); a worker builds
whole dossiers (render, merge, stamp, save) and returns small results, so memory stays
bounded whatever the number of cases: a worker exits after ``CASES_PER_WORKER`` cases,
which returns Typst's process-wide cache to the system.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from kcdocs.dossier.assemble import base_info, build_batch
from kcdocs.dossier.models import CasePlan, DossierInfo

BATCH_CASES = 10
CASES_PER_WORKER = 150
PARALLEL_MIN_CASES = 2 * BATCH_CASES  # below this, starting workers costs more than it saves

_renderer = None


def _init(fonts) -> None:
    global _renderer
    from kcdocs.render.typst_engine import TypstRenderer

    _renderer = TypstRenderer(fonts)


def _work(plans: list[CasePlan]) -> list[DossierInfo]:
    return build_batch(plans, _renderer)


def build_all(plans: list[CasePlan], fonts, jobs: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[DossierInfo]:
    total = len(plans)
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    if progress:
        progress(0, total)
    batches = [plans[i:i + BATCH_CASES] for i in range(0, total, BATCH_CASES)]
    if jobs <= 1 or total < PARALLEL_MIN_CASES:
        _init(fonts)
        out = []
        for batch in batches:
            out += _work(batch)
            if progress:
                progress(len(out), total)
        return out
    return _parallel(batches, fonts, jobs, progress, total)


def _parallel(batches, fonts, jobs, progress, total) -> list[DossierInfo]:
    import multiprocessing

    results: list[list[DossierInfo]] = [[] for _ in batches]
    done = 0
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                             initargs=(fonts,), max_tasks_per_child=max(1, CASES_PER_WORKER // BATCH_CASES)) as pool:
        futures = {pool.submit(_work, batch): n for n, batch in enumerate(batches)}
        for future in _as_completed(futures):
            n = futures[future]
            try:
                results[n] = future.result()
            except Exception as exc:  # the worker itself died (e.g. out of memory)
                results[n] = [_died(plan, exc) for plan in batches[n]]
            done += len(results[n])
            if progress:
                progress(done, total)
    return [info for batch in results for info in batch]


def _died(plan: CasePlan, exc: Exception) -> DossierInfo:
    info = base_info(plan)
    info.error = f"生成卷宗的进程意外退出（{type(exc).__name__}）。"
    return info


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(futures)
