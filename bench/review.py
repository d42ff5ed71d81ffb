"""Benchmark for review decisions: 5,000 decisions applied to a 1,000-case audit, then the re-audit.

Uses the 1,000-case ledger and 6,000 evidence files of bench/audit.py (generated once, cached
under the system temp folder), hard-linked into a folder of its own (the decisions file is
written into the evidence folder). A first audit fills kcdocs' cache (not part of the target).
The decisions workbook holds 5,000 rows over every pending item of that audit (1,836 items:
each decided two or three times, as when a second reviewer goes over the first one's work —
the last row wins): 签字 / 公章 / 材料 confirmed, one in ten of the final rows 不符合. Then,
timed, the real command lines in a subprocess: `kcdocs review apply` and `kcdocs audit` (from
the cache). Prints wall seconds, CPU seconds and the peak RSS of the process tree for each,
checks that the re-audit left no item pending, and prints the load average.

    .venv/bin/python bench/review.py [--runs 1] [--decisions 5000]

Target: apply + re-audit <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.audit import AS_OF  # noqa: E402
from bench.audit import prepare as prepare_audit  # noqa: E402
from bench.common import load_average, run_kcdocs  # noqa: E402

VERSION = "v1"
CACHE = Path(tempfile.gettempdir()) / f"kcdocs-bench-review-{VERSION}"
CONFIRM = {"签字": "确认已签字", "公章": "确认已盖章", "材料": "确认材料无误"}


def cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, args: list[str]) -> float:
    before = cpu_seconds()
    wall, rss, code, err = run_kcdocs(args)
    print(f"{label:>28}: {wall:6.2f} s, CPU {cpu_seconds() - before:5.1f} s, peak RSS {rss:4.0f} MB, exit {code}, "
          f"load {load_average()}", flush=True)
    if code not in (0, 1):
        sys.stderr.write(err)
        sys.exit(1)
    return wall


def prepare() -> tuple[Path, Path]:
    ledger, evidence = prepare_audit(1, os.cpu_count() or 1)
    work = CACHE / "evidence"
    if not (CACHE / "done").exists():
        shutil.rmtree(CACHE, ignore_errors=True)
        shutil.copytree(evidence, work, copy_function=os.link)
        (CACHE / "done").write_text("ok")
    os.environ["XDG_CACHE_HOME"] = str(CACHE / "xdg-cache")  # kcdocs' cache of our own, kept between runs
    return ledger, work


def decisions_workbook(exported: Path, target: Path, count: int) -> tuple[int, int]:
    """``count`` decision rows cycling over the exported pending items; (items, rejected at the end)."""
    from openpyxl import Workbook, load_workbook

    ws = load_workbook(exported, read_only=True)["待复核"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head, items = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(head)}
    out = Workbook(write_only=True)
    sheet = out.create_sheet("待复核")
    sheet.append(head)
    final_start = count - len(items)  # the last pass over every item decides it
    rejected = 0
    for n in range(count):
        row = list(items[n % len(items)])
        final = n >= final_start
        reject = final and (n % len(items)) % 10 == 0
        rejected += reject
        row[col["决定"]] = "不符合" if reject else CONFIRM.get(row[col["需核验"]], "确认材料无误")
        row[col["复核人"]] = "复核员" + "甲乙丙"[n * 3 // count]
        row[col["备注"]] = "" if not reject else "签字与台账参与人员不符"
        sheet.append(row)
    out.save(target)
    return len(items), rejected


def run(ledger: Path, evidence: Path, count: int) -> float:
    out = CACHE / "out"
    (evidence / "复核记录.jsonl").unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    audit = ["audit", str(ledger), str(evidence), "-o", str(out), "--as-of", AS_OF.isoformat()]
    timed("first audit (fills cache)", audit)
    exported, filled = CACHE / "待复核.xlsx", CACHE / f"决定_{count}.xlsx"
    timed("review export", ["review", "export", str(out), "-o", str(exported)])
    items, rejected = decisions_workbook(exported, filled, count)
    print(f"{count} decision rows over {items} pending items ({rejected} 不符合 in the end)")
    apply = timed(f"review apply ({count} rows)", ["review", "apply", str(filled), "--evidence", str(evidence)])
    again = timed("re-audit from cache", audit)
    data = json.loads((out / "findings.json").read_text("utf-8"))
    pending = sum(len(c["review"]) for c in data["cases"])
    reviewed = sum(len(c.get("reviewed", [])) for c in data["cases"])
    rejects = sum(1 for c in data["cases"] for f in c["findings"] if "review" in (f.get("detail") or {}))
    lines = sum(1 for _ in open(evidence / "复核记录.jsonl", encoding="utf-8"))
    print(f"after: {pending} items pending, {reviewed} decided by review, {rejects} findings from 不符合, "
          f"{lines} lines in 复核记录.jsonl, status {data['summary']['status']}")
    assert pending == 0 and reviewed == items and rejects == rejected, "decisions not all applied"
    print(f"apply + re-audit: {apply + again:.2f} s (target <= 5 s)")
    return apply + again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--decisions", type=int, default=5000)
    args = parser.parse_args()
    ledger, evidence = prepare()
    best = min(run(ledger, evidence, args.decisions) for _ in range(args.runs))
    print(f"best apply + re-audit: {best:.2f} s; machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
