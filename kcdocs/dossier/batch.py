"""Run the per-case builds, case by case, in short-lived worker processes.

Contract: ``build_all(plans, fonts, jobs, progress) -> list[DossierInfo]`` in plan order.
Each worker builds whole dossiers (render, merge, stamp, save) and returns small results,
so memory stays bounded whatever the number of cases: a worker exits after
``CASES_PER_WORKER`` cases, which returns Typst's process-wide cache to the system.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from kcdocs.dossier.assemble import build_case, base_info
from kcdocs.dossier.models import CasePlan, DossierInfo

CASES_PER_WORKER = 120
PARALLEL_MIN_CASES = 12  # below this, starting workers costs more than it saves

_renderer = None


def _init(fonts) -> None:
    global _renderer
    from kcdocs.render.typst_engine import TypstRenderer

    _renderer = TypstRenderer(fonts)


def _work(plan: CasePlan) -> DossierInfo:
    return build_case(plan, _renderer)


def build_all(plans: list[CasePlan], fonts, jobs: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[DossierInfo]:
    total = len(plans)
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    if progress:
        progress(0, total)
    if jobs <= 1 or total < PARALLEL_MIN_CASES:
        _init(fonts)
        out = []
        for done, plan in enumerate(plans, 1):
            out.append(_work(plan))
            if progress:
                progress(done, total)
        return out
    return _parallel(plans, fonts, jobs, progress)


def _parallel(plans, fonts, jobs, progress) -> list[DossierInfo]:
    import multiprocessing

    results: list[DossierInfo | None] = [None] * len(plans)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                             initargs=(fonts,), max_tasks_per_child=CASES_PER_WORKER) as pool:
        futures = {pool.submit(_work, plan): n for n, plan in enumerate(plans)}
        for done, future in enumerate(_as_completed(futures), 1):
            n = futures[future]
            try:
                results[n] = future.result()
            except Exception as exc:  # the worker itself died (e.g. out of memory)
                info = base_info(plans[n])
                info.error = f"生成卷宗的进程意外退出（{type(exc).__name__}）。"
                results[n] = info
            if progress:
                progress(done, len(plans))
    return results  # type: ignore[return-value]


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(futures)
