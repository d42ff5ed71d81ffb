"""Benchmark: forms and reports from a synthetic ledger, end to end through the real CLI.

python bench/forms.py [--cases 1000] [--attempts 4] [--report-cases 50000]
- persuasion records for CASES × ATTEMPTS (one page each, each with its QR code);
- a monthly report over a ledger of REPORT_CASES cases.

Each line gives wall seconds, CPU seconds (user + system of kcdocs and its workers), peak RSS
of the process tree and the load average (other work on the machine makes wall times noisy).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, run_kcdocs  # noqa: E402
from tools.synth import DISTRICTS, birth_between, id_number, person_name  # noqa: E402

HEAD = ["台账编号", "姓名", "性别", "身份证号", "区市", "学校", "监护人", "处置类型", "状态", "登记日期", "复学日期",
        "核销日期", "核销原因", "原因分析", "责任人"]


def make_ledger(path: Path, cases: int, attempts: int, seed: int = 1) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学生台账")
    at = wb.create_sheet("劝返记录")
    ws.append(HEAD)
    at.append(["台账编号", "序号", "日期", "方式", "参与人员", "内容", "结果"])
    counters: dict[str, int] = {}
    for n in range(cases):
        region = rng.choice(list(DISTRICTS))
        counters[region] = counters.get(region, 0) + 1
        case_id = f"{region}-2020-{counters[region]:05d}"
        born = birth_between(rng, date(2005, 1, 1), date(2013, 12, 31))
        name = person_name(rng)
        registered = date(2020, 1, 1) + timedelta(days=rng.randrange(150))
        disp, status, back, wdate, why = rng.choice([("R0", "劝返中", None, None, None)] * 2 + [
            ("R0", "已复学", registered + timedelta(days=rng.randrange(1, 60)), None, None),
            ("W4", "已核销", None, registered + timedelta(days=rng.randrange(1, 60)), "已死亡，有火化证明")])
        ws.append([case_id, name, rng.choice("男女"), id_number(region, born, n % 400, True), DISTRICTS[region][0],
                   rng.choice(DISTRICTS[region][1]), name[0] + "某", disp, status, registered, back, wdate, why,
                   "父母外出务工，孩子厌学，长期不到校。", "张伟"])
        for seq in range(1, attempts + 1):
            at.append([case_id, seq, registered + timedelta(days=7 * seq), "入户", "张伟、刘芳、王强",
                       "宣讲义务教育法，了解家庭困难，动员返校。", "无效"])
    wb.save(path)


def timed(args: list[str]) -> tuple[float, float, float, int, str]:
    """Wall s, CPU s of the whole process tree, peak RSS MB, exit code, stderr of one kcdocs run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, rss, code, err = run_kcdocs(args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, rss, code, err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=4)
    parser.add_argument("--report-cases", type=int, default=50000)
    opts = parser.parse_args()
    work = Path(tempfile.gettempdir()) / "kcdocs-bench"
    work.mkdir(exist_ok=True)
    forms_ledger = work / f"ledger_{opts.cases}x{opts.attempts}.xlsx"
    if not forms_ledger.exists():
        make_ledger(forms_ledger, opts.cases, opts.attempts)
    wall, cpu, rss, code, err = timed(["forms", "persuasion-record", str(forms_ledger), "-o", str(work / "forms.pdf")])
    pages = opts.cases * opts.attempts
    print(f"forms: {pages} pages with QR codes in {wall:.2f} s ({pages / wall:.0f} pages/s), "
          f"CPU {cpu:.2f} s, peak RSS {rss:.0f} MB, exit {code}, load {load_average()}")
    if code:
        sys.stderr.write(err)
    report_ledger = work / f"ledger_{opts.report_cases}x0.xlsx"
    if not report_ledger.exists():
        make_ledger(report_ledger, opts.report_cases, 0)
    wall, cpu, rss, code, err = timed(["report", "monthly", str(report_ledger), "--month", "2020-05",
                                       "-o", str(work / "report.pdf"), "--date", "2020-06-01"])
    print(f"monthly report over {opts.report_cases} cases: {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB, exit {code}, "
          f"load {load_average()}")
    if code not in (0, 1):
        sys.stderr.write(err)


if __name__ == "__main__":
    main()
