"""Shared by the benchmarks: run kcdocs as a subprocess and sample the RSS of its process tree."""

from __future__ import annotations

import subprocess
import sys
import time


def tree_rss(root) -> int:
    """Bytes resident in ``root`` (a psutil.Process) and all its children now; 0 when it is gone."""
    import psutil

    try:
        tree = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in tree if p.is_running())
    except psutil.Error:
        return 0


def run_kcdocs(args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) of kcdocs and its workers (sampled every 20 ms), exit code, stderr."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kcdocs", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(root))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    return wall, peak / 2**20, proc.returncode, proc.stderr.read().decode()


def load_average() -> str:
    import os

    return "/".join(f"{x:.1f}" for x in os.getloadavg())
