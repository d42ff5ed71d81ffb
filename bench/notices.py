"""Benchmark: roster .xlsx → one PDF of notices, end to end through the real CLI.

python bench/notices.py [--sizes 1000 10000] [--docx]
Prints wall seconds, notices per second and peak RSS of the kcdocs process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, run_kcdocs  # noqa: E402
from tools.synth import bureau, roster_rows  # noqa: E402


def make_roster(path: Path, count: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(["学生姓名", "身份证号", "监护人姓名", "学校", "报到截止日期", "发文单位"])
    for r in roster_rows(count, seed=count):
        ws.append([r["name"], r["id"], r["guardian"], r["school"], date(2020, 8, 25), bureau(r["region"])])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--docx", action="store_true", help="also time --docx (slow: one Word file each)")
    opts = parser.parse_args()
    work = Path(tempfile.gettempdir()) / "kcdocs-bench"
    work.mkdir(exist_ok=True)
    print(f"{'notices':>8} {'wall s':>8} {'per s':>8} {'peak RSS MB':>12}  {'pages':>6}")
    for n in opts.sizes:
        roster = work / f"roster_{n}.xlsx"
        if not roster.exists():
            make_roster(roster, n)
        out = work / f"notices_{n}.pdf"
        cmd = ["notices", "enrollment", str(roster), "-o", str(out), "--date", "2020-08-01"]
        if opts.docx:
            cmd += ["--docx", str(work / f"docx_{n}")]
        wall, rss, code, err = run_kcdocs(cmd)
        if code:
            sys.stderr.write(err)
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(str(out))) if code == 0 else 0
        print(f"{n:>8} {wall:>8.2f} {n / wall:>8.0f} {rss:>12.0f}  {pages:>6}   load {load_average()}")


if __name__ == "__main__":
    main()
