"""Hostile files through audit, ingest and dossier, by the real command line.

``python bench/fuzz.py [FOLDER…] [--self-made] [--per-case 40] [--timeout 600] [--keep DIR]`` takes
every regular file below the folders (e.g. a local copy of public test suites; nothing is fetched)
and, with ``--self-made``, the oddities of ``tools.make_fuzz_corpus`` (FIFO, links, GBK names…), puts them as evidence into the case folders of the sample
ledger (each named ``火化证明_<n>_<name>`` so that, if wrongly accepted, it would satisfy a
checklist item), then runs ``audit`` (cold, then again from the cache), ``dossier`` and ``ingest``
(every file as a scan), and prints per command: files, exit code, crashes (exit ≥ 2, a traceback
or 内部错误), hangs (time-outs), peak RSS of the process tree (psutil, every 20 ms); then the
files on which audit and dossier disagree, the cold and cached audits disagree, and the
dossiers that fail ``qpdf --check``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.common import tree_rss  # noqa: E402
LEDGER = REPO / "samples" / "ledger.xlsx"
AS_OF = "2020-06-15"
CRASH_WORDS = ("Traceback", "内部错误", "panicked", "Segmentation")


@dataclass
class Run:
    command: str
    files: int
    code: int | None = None
    seconds: float = 0.0
    peak_mb: float = 0.0
    hung: bool = False
    stderr: str = ""

    @property
    def crashed(self) -> bool:
        return self.hung or self.code is None or self.code >= 2 or any(w in self.stderr for w in CRASH_WORDS)


@dataclass
class Report:
    runs: list[Run] = field(default_factory=list)
    disagree: list[str] = field(default_factory=list)  # audit vs dossier
    cache_disagree: list[str] = field(default_factory=list)  # cold vs cached audit
    qpdf_failed: list[str] = field(default_factory=list)
    audit_unreadable: set[str] = field(default_factory=set)
    dossier_counts: dict[str, int] = field(default_factory=dict)  # attached / described / unreadable


def run_kcdocs(args: list, timeout: float, env: dict | None = None) -> tuple[int | None, float, float, str, bool]:
    """(exit code, seconds, peak RSS MB of the process tree, stderr, hung)."""
    import psutil

    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kcdocs", *map(str, args)], stdout=subprocess.DEVNULL,
                                stderr=err, env={**os.environ, **(env or {})}, start_new_session=True)
        root, peak, hung = psutil.Process(proc.pid), 0, False
        while proc.poll() is None:
            peak = max(peak, tree_rss(root))
            if time.perf_counter() - started > timeout:
                hung = True
                os.killpg(proc.pid, 9)
                proc.wait()
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return (None if hung else proc.returncode), seconds, peak / 2**20, text, hung


def case_folders() -> list[str]:
    """The sample evidence folders of cases in the sample ledger (not the stray one it has on purpose)."""
    from kcdocs.ledger import load_ledger

    ids = {c.case_id for c in load_ledger(LEDGER).cases}
    return sorted(p.name for p in (REPO / "samples" / "evidence").iterdir() if p.is_dir() and p.name.split(" ")[0] in ids)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def build_tree(sources: list[Path], root: Path, per_case: int = 40, self_made: bool = False) -> dict[str, Path]:
    """Copy every regular file of ``sources`` into case folders below ``root``; returns rel -> source.
    ``self_made``: tools.make_fuzz_corpus's oddities (FIFO, links, GBK names included) are made in
    one more case folder."""
    folders, made, n = case_folders(), {}, 0
    if self_made:
        sys.path.insert(0, str(REPO))
        from tools.make_fuzz_corpus import CASE_FOLDER, make_corpus

        made.update({f"{CASE_FOLDER}/{name}": Path(name) for name in make_corpus(root / CASE_FOLDER)})
        folders.remove(CASE_FOLDER)
    for source in sources:
        for path in sorted(p for p in Path(source).rglob("*") if _regular(p)):
            folder = root / folders[(n // per_case) % len(folders)]
            folder.mkdir(parents=True, exist_ok=True)
            name = f"火化证明_{n:04d}_{path.name[-60:]}"
            shutil.copyfile(path, folder / name)
            made[f"{folder.name}/{name}"] = path
            n += 1
    return made


def audit_unreadable(out: Path) -> set[str]:
    data = json.loads((out / "findings.json").read_text("utf-8"))
    return {f for case in data["cases"] for x in case["findings"] if x["kind"] == "unreadable" for f in x["files"]}


def dossier_unreadable(out: Path) -> tuple[set[str], set[str]]:
    """(files the dossier marks unreadable, every file it lists) from manifest.json."""
    data = json.loads((out / "manifest.json").read_text("utf-8"))
    listed = {e["file"] for e in data["evidence"]}
    return {e["file"] for e in data["evidence"] if e.get("dossier") == "unreadable"}, listed


def qpdf_failures(out: Path) -> list[str]:
    if shutil.which("qpdf") is None:
        return []
    bad = []
    for pdf in sorted(out.glob("*.pdf")):
        run = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, timeout=300)
        if run.returncode not in (0, 3):  # 3: warnings only
            bad.append(pdf.name)
    return bad


def fuzz(sources: list[Path], work: Path, per_case: int = 40, timeout: float = 600, self_made: bool = False
         ) -> Report:
    root, report = work / "evidence", Report()
    made = build_tree(sources, root, per_case, self_made)
    env = {"XDG_CACHE_HOME": str(work / "cache")}
    runs = [("audit", ["audit", LEDGER, root, "-o", work / "audit", "--as-of", AS_OF]),
            ("audit（缓存）", ["audit", LEDGER, root, "-o", work / "audit2", "--as-of", AS_OF]),
            ("audit --no-cache", ["audit", LEDGER, root, "-o", work / "audit3", "--as-of", AS_OF, "--no-cache"]),
            ("dossier", ["dossier", LEDGER, root, "-o", work / "dossier", "--as-of", AS_OF]),
            ("ingest", ["ingest", *sorted({root / rel.split("/")[0] for rel in made}), "--into", work / "filed"])]
    for name, args in runs:
        code, seconds, peak, err, hung = run_kcdocs(args, timeout, env)
        report.runs.append(Run(name, len(made), code, seconds, peak, hung, err))
    outs = {r.command: r for r in report.runs}
    if not outs["audit"].crashed and (work / "audit" / "findings.json").exists():
        report.audit_unreadable = cold = audit_unreadable(work / "audit")
        for other in ("audit（缓存）", "audit --no-cache"):
            out = work / ("audit2" if other == "audit（缓存）" else "audit3")
            if (out / "findings.json").exists():
                report.cache_disagree += sorted(cold ^ audit_unreadable(out))
        if (work / "dossier" / "manifest.json").exists():
            unreadable, listed = dossier_unreadable(work / "dossier")
            data = json.loads((work / "dossier" / "manifest.json").read_text("utf-8"))
            for e in data["evidence"]:
                report.dossier_counts[e.get("dossier", "?")] = report.dossier_counts.get(e.get("dossier", "?"), 0) + 1
            report.disagree = sorted((cold & listed) ^ unreadable)
            report.qpdf_failed = qpdf_failures(work / "dossier")
    return report


def print_report(report: Report) -> None:
    print(f"{'命令':<18}{'文件':>6}{'退出码':>7}{'崩溃':>5}{'超时':>5}{'用时(s)':>9}{'峰值内存(MB)':>14}")
    for r in report.runs:
        print(f"{r.command:<18}{r.files:>6}{str(r.code):>7}{int(r.crashed and not r.hung):>5}{int(r.hung):>5}"
              f"{r.seconds:>9.1f}{r.peak_mb:>14.0f}")
        for line in [x for x in r.stderr.splitlines() if any(w in x for w in CRASH_WORDS)][:3]:
            print(f"    {line[:160]}")
    print(f"稽核判为无法读取的文件：{len(report.audit_unreadable)}；卷宗收录：{report.dossier_counts}")
    print(f"稽核与卷宗结论不一致的文件：{len(report.disagree)} {report.disagree[:10]}")
    print(f"有无缓存结论不一致的文件：{len(report.cache_disagree)} {report.cache_disagree[:10]}")
    print(f"未通过 qpdf --check 的卷宗：{len(report.qpdf_failed)} {report.qpdf_failed[:10]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--self-made", action="store_true", help="add tools.make_fuzz_corpus's oddities")
    parser.add_argument("--per-case", type=int, default=40, help="files per case folder")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per command")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = fuzz(args.folders, args.keep, args.per_case, args.timeout, args.self_made)
    else:
        with tempfile.TemporaryDirectory(prefix="kcdocs-fuzz-") as work:
            report = fuzz(args.folders, Path(work), args.per_case, args.timeout, args.self_made)
    print_report(report)
    bad = any(r.crashed for r in report.runs) or report.disagree or report.cache_disagree or report.qpdf_failed
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
