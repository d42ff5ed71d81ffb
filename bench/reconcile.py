"""Benchmark for `kcdocs reconcile` (底数比对): a whole city's cohort.

Generates 500,000 population rows and 450,000 student rows as .xlsx (cached under the system
temp folder, regenerated when the sizes change), runs the real command line end to end in a
subprocess and prints the wall time and the peak RSS of that subprocess.

    .venv/bin/python bench/reconcile.py [--population 500000] [--students 450000] [--runs 1]

Target (issue 7): ≤ 30 s and ≤ 2 GB peak RSS on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SEED = 20200515
AS_OF = date(2020, 5, 15)
COUNTIES = {
    "370402": ("市中区", ["中心街街道", "各塔埠街道", "矿区街道", "文化路街道", "税郭镇", "孟庄镇"]),
    "370403": ("薛城区", ["临城街道", "兴仁街道", "常庄街道", "沙沟镇", "周营镇"]),
    "370404": ("峄城区", ["坛山街道", "吴林街道", "古邵镇", "阴平镇", "底阁镇"]),
    "370405": ("台儿庄区", ["运河街道", "邳庄镇", "张山子镇", "泥沟镇"]),
    "370406": ("山亭区", ["山城街道", "店子镇", "西集镇", "桑村镇", "北庄镇"]),
    "370481": ("滕州市", ["荆河街道", "龙泉街道", "北辛街道", "善南街道", "洪绪镇", "南沙河镇", "大坞镇"]),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文博宇浩然子轩梓涵一诺欣怡雨泽思远佳琪俊熙晨阳诗涵"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(body: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def make_people(n: int, rng: random.Random) -> list[tuple]:
    """n distinct children: (id, name, sex, birth, county code, township, guardian)."""
    start = date(2003, 3, 1)  # ~91 % school age on AS_OF (born 2003-09-01 … 2013-08-31)
    span = (date(2014, 2, 28) - start).days
    seen: set[str] = set()
    people = []
    codes = list(COUNTIES)
    while len(people) < n:
        code = rng.choice(codes)
        birth = start + timedelta(days=rng.randrange(span))
        seq = rng.randrange(1000)
        body = f"{code}{birth:%Y%m%d}{seq:03d}"
        number = body + check_char(body)
        if number in seen:
            continue
        seen.add(number)
        surname = rng.choice(SURNAMES)
        name = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        guardian = surname + "".join(rng.choice(GIVEN) for _ in range(2))
        sex = "男" if seq % 2 else "女"
        people.append((number, name, sex, birth, code, rng.choice(COUNTIES[code][1]), guardian))
    return people


def write_xlsx(path: Path, headers: list[str], rows) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    os.replace(tmp, path)


def generate(folder: Path, n_pop: int, n_students: int) -> tuple[Path, Path]:
    pop_path = folder / f"户籍_{n_pop}_v2.xlsx"
    stu_path = folder / f"学籍_{n_students}_v2.xlsx"
    if pop_path.exists() and stu_path.exists():
        return pop_path, stu_path
    rng = random.Random(SEED)
    n_outside = max(1, n_students // 90)  # students registered elsewhere (学籍无户籍)
    people = make_people(n_pop + n_outside, rng)
    population, outsiders = people[:n_pop], people[n_pop:]
    for i in range(len(outsiders)):  # other cities' children
        number, *rest = outsiders[i]
        body = "3701" + number[4:17]
        outsiders[i] = (body + check_char(body), *rest)

    def pop_rows():
        for i, (number, name, sex, birth, code, town, guardian) in enumerate(population):
            shown = number.lower() if i % 53 == 0 else number  # lower-case x, as typed
            yield [name, sex, shown, birth.isoformat(), COUNTIES[code][0], town, f"{town}某村",
                   guardian, f"13{rng.randrange(10**9):09d}"]

    write_xlsx(pop_path, ["姓名", "性别", "身份证号", "出生日期", "区市", "乡镇街道", "村居社区", "监护人",
                          "联系电话"], pop_rows())
    enrolled = [p for p in population if date(2003, 9, 1) <= p[3] <= date(2013, 8, 31)]
    rng.shuffle(enrolled)
    take = n_students - len(outsiders)
    enrolled = enrolled[:take]
    if len(enrolled) < take:  # pad with younger children (kindergarten age) to reach the size
        enrolled += [p for p in population if not date(2003, 9, 1) <= p[3] <= date(2013, 8, 31)][
            : take - len(enrolled)]

    def student_rows():
        for i, (number, name, sex, birth, code, town, guardian) in enumerate(enrolled + outsiders):
            grade = max(1, min(9, 2020 - birth.year - 6))
            ident = number if i % 40 else ""  # some exports carry only the 学籍号
            record = f"G{number}"
            if i % 1000 == 7:  # no ID number on the record: only a name + birth date candidate
                ident, record = "", f"J{code}{birth:%Y%m%d}{i % 1000:03d}0"
            yield [record, ident, name, sex, birth.isoformat(), f"{COUNTIES.get(code, ('外市',))[0]}实验学校",
                   f"{grade}年级", f"{rng.randrange(1, 9)}班"]

    write_xlsx(stu_path, ["学籍号", "身份证号", "姓名", "性别", "出生日期", "学校", "年级", "班级"], student_rows())
    return pop_path, stu_path


def run_once(pop: Path, stu: Path, out: Path) -> tuple[float, float, float, int]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one run of the real CLI."""
    cmd = [sys.executable, "-m", "kcdocs", "reconcile", str(pop), str(stu), "-o", str(out),
           "--as-of", AS_OF.isoformat()]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if proc.returncode not in (0, 1):
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise SystemExit(f"reconcile failed with exit code {proc.returncode}")
    print(proc.stdout.strip())
    return wall, max(peak_kb, before) / 1024, cpu, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=500_000)
    parser.add_argument("--students", type=int, default=450_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kcdocs-bench-reconcile")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pop, stu = generate(args.cache, args.population, args.students)
    print(f"inputs: {pop} ({pop.stat().st_size / 2**20:.1f} MB), {stu} ({stu.stat().st_size / 2**20:.1f} MB);"
          f" ready in {time.perf_counter() - started:.1f} s")
    walls = []
    for i in range(args.runs):
        out = args.cache / f"比对结果_{i}.xlsx"
        wall, peak_mb, cpu, code = run_once(pop, stu, out)
        walls.append(wall)
        print(f"run {i + 1}: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {peak_mb:.0f} MB (exit {code}), "
              f"output {out.stat().st_size / 2**20:.1f} MB, load average {os.getloadavg()[0]:.1f}")
    walls.sort()
    print(f"median wall {walls[len(walls) // 2]:.1f} s over {len(walls)} run(s); target ≤ 30 s, ≤ 2048 MB")


if __name__ == "__main__":
    main()
