"""Benchmark for `kcdocs dossier` (and `kcdocs verify`): 500 cases with 5,000 evidence pages.

Generates a synthetic ledger of 500 cases, each with six evidence files of ten pages in all
(text PDFs made with typst, one of them multi-page, and 200 dpi A4 JPEG "scans" of ~150 KB,
from the generators of bench/audit.py), cached under the system temp folder. Runs the real
command line (`python -m kcdocs dossier …`, then `python -m kcdocs verify …`) in a
subprocess and prints wall seconds, CPU seconds (user + system, kcdocs and its workers) and
the peak RSS of the whole process tree, sampled with psutil every 20 ms, with the load
average: other processes on the machine make wall times noisy, CPU seconds less so.

Two states, each with its own row: "first" — nothing audited yet (an empty cache folder), so
the scanned pages are not read and signatures and seals are left 待复核; then `kcdocs audit`
runs once (its own row), and "audited" — the dossier takes the audit's results from its cache.
``--scan`` adds a row for `kcdocs dossier --scan` with an empty cache (every page read).

    .venv/bin/python bench/dossier.py [--cases 500] [--runs 1] [--scan]

Target (issue 6): 500 cases / 5,000 evidence pages in <= 30 s, peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.audit import FILES, make_cases, write_case_folders, write_ledger  # noqa: E402
from bench.common import load_average, run_kcdocs  # noqa: E402

VERSION = "v1"  # bump when the generated data changes
CACHE = Path(tempfile.gettempdir()) / f"kcdocs-bench-dossier-{VERSION}"
PAGES_PER_CASE = 10


def files_of(disp: str) -> list[tuple[str, str, str, int]]:
    """The audit benchmark's six files of a disposition, the last PDF lengthened to ten pages in all."""
    files = list(FILES[disp])
    extra = PAGES_PER_CASE - sum(f[3] for f in files)
    last = max(i for i, f in enumerate(files) if f[1] == "pdf")
    name, kind, title, pages = files[last]
    files[last] = (name, kind, title, pages + extra)
    return files


def prepare(n: int) -> tuple[Path, Path]:
    """(ledger, evidence root) for ``n`` cases, generated once and cached."""
    base = CACHE / f"{n}"
    ledger, evidence = base / "ledger.xlsx", base / "evidence"
    if not (base / "done").exists():
        shutil.rmtree(base, ignore_errors=True)
        evidence.mkdir(parents=True)
        cases = make_cases(n)
        print(f"generating {n} cases, {n * PAGES_PER_CASE} evidence pages in {base} (once) ...", flush=True)
        started = time.perf_counter()
        for i in range(0, n, 50):
            write_case_folders(str(evidence), cases[i:i + 50], files_of)
        write_ledger(ledger, cases)
        (base / "done").write_text("ok")
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return ledger, evidence


def count_pages(folder: Path) -> tuple[int, int]:
    """(dossiers, pages in all) of an output folder."""
    import pikepdf

    files = [p for p in folder.glob("*.pdf") if p.name != "index.pdf"]
    pages = 0
    for p in files:
        with pikepdf.open(p) as pdf:
            pages += len(pdf.pages)
    return len(files), pages


def cpu_seconds() -> float:
    """User + system CPU seconds of all finished child processes (kcdocs and its workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float, int, str, float]:
    before = cpu_seconds()
    wall, rss, code, err = run_kcdocs(args)
    return wall, rss, code, err, cpu_seconds() - before


def row(name: str, cases: int, args: list[str]) -> None:
    wall, rss, code, err, cpu = timed(args)
    print(f"{name:>16} {cases:>6} {wall:>8.2f} {cpu:>7.1f} {rss:>12.0f} {code:>5}  {load_average()}", flush=True)
    if code not in (0, 1):
        sys.stderr.write(err)
        sys.exit(1)


def empty_cache() -> None:
    """A cache folder of our own, emptied: kcdocs has audited nothing yet."""
    folder = CACHE / "xdg-cache"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["XDG_CACHE_HOME"] = str(folder)  # inherited by the kcdocs subprocesses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--scan", action="store_true", help="also time `kcdocs dossier --scan` (slow)")
    opts = parser.parse_args()
    ledger, evidence = prepare(opts.cases)
    out = CACHE / f"out-{opts.cases}"
    dossier = ["dossier", str(ledger), str(evidence), "-o", str(out), "--as-of", "2020-06-15"]
    print(f"{'command':>16} {'cases':>6} {'wall s':>8} {'CPU s':>7} {'peak RSS MB':>12} {'exit':>5}  load avg")
    if opts.scan:
        empty_cache()
        shutil.rmtree(out, ignore_errors=True)
        row("dossier --scan", opts.cases, dossier + ["--scan"])
    empty_cache()
    for _ in range(opts.runs):
        shutil.rmtree(out, ignore_errors=True)
        row("dossier first", opts.cases, dossier)
    row("audit", opts.cases, ["audit", str(ledger), str(evidence), "-o", str(CACHE / "audit-out"),
                              "--as-of", "2020-06-15"])
    for _ in range(opts.runs):
        shutil.rmtree(out, ignore_errors=True)
        row("dossier audited", opts.cases, dossier)
        row("verify", opts.cases, ["verify", str(out), str(evidence)])
    dossiers, pages = count_pages(out)
    print(f"{dossiers} dossiers, {pages} pages in all ({pages - opts.cases * PAGES_PER_CASE} front-matter pages)")


if __name__ == "__main__":
    main()
