"""Benchmark for `kcdocs bulletin`: the city's 通报 over 6 districts × 2,000 cases × 10 kept audits.

Generates, once (cached under the system temp folder), one audit output folder per district
as `kcdocs audit -o` leaves it after ten weekly audits: findings.json (the latest) and
历史/<基准日>_<时刻>/findings.json for each of the ten. Every case has six evidence entries
(file, SHA-256, rule, pages) like a real audit; incomplete cases carry one to three findings,
some naming an ID number; 待复核 cases one or two review items; the share of complete cases
grows from audit to audit at a pace of each district's own. Runs the real command line
(`python -m kcdocs bulletin … -o 通报.pdf --xlsx 通报.xlsx`) in a subprocess and prints wall
seconds, CPU seconds, the peak RSS of the process (sampled with psutil every 20 ms), the size
of the JSON read and the pages of the PDF.

    .venv/bin/python bench/bulletin.py [--cases 2000] [--audits 10] [--runs 1]

Target: <= 5 s, peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.audit import DISTRICTS, SURNAMES, GIVEN, check_char  # noqa: E402
from bench.common import load_average, run_kcdocs  # noqa: E402

VERSION = "v1"
CACHE = Path(tempfile.gettempdir()) / f"kcdocs-bench-bulletin-{VERSION}"
FIRST = date(2020, 4, 6)
KINDS = [("R0.persuasion_records", "missing", "《劝返记录》应至少 2 份，实际 1 份。"),
         ("R0.persuasion_records", "unsigned", "第1次劝返的《劝返记录》缺少工作人员刘芳的签字。"),
         ("W4.death_proof", "unsealed", "《户口注销证明》缺少公安派出所公章。"),
         ("C.id_number", "data", "台账「身份证号」{idn} 与出生日期不一致。"),
         ("C.reason", "data", "台账「原因分析」只写了“家庭原因”，没有具体内容。"),
         ("L.duplicate_evidence", "duplicate", "与其他案例的材料完全相同。"),
         ("L.unreadable", "unreadable", "有 1 个文件无法读取：PDF 文件已损坏，无法打开；请重新扫描或导出。")]
FILES = ["劝返记录_第1次.pdf", "劝返记录_第2次.jpg", "复学通知书回执.jpg", "一人一案劝返方案.pdf", "家访照片.jpg",
         "情况说明.pdf"]
REVIEW = "签名待核验：需参与工作人员签字。扫描分辨率过低（约 51 dpi），请用 200 dpi 以上重新扫描，签名框位置未知，请人工查看。"


def people(code: str, n: int) -> list[tuple[str, str, str]]:
    """(case id, name, ID number) of n fictional cases of one district."""
    rng = random.Random(code)
    out = []
    for k in range(1, n + 1):
        born = date(2006, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        body = f"{code}{born:%Y%m%d}{rng.randrange(1000):03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append((f"{code}-2020-{k:05d}", name, body + check_char(body)))
    return out


def case(cid: str, name: str, idn: str, district: str, state: str, rng: random.Random) -> dict:
    folder = f"{cid} {name}"
    evidence = [{"file": f"{folder}/{f}", "sha256": "%064x" % rng.getrandbits(256), "rule": "R0.persuasion_records",
                 "by": "name", "pages": 1, "signatures": None, "seals": None, "document": f[:-4], "page": None}
                for f in FILES]
    findings, review = [], []
    if state == "incomplete":
        for rule, kind, text in rng.sample(KINDS, rng.randint(1, 3)):
            findings.append({"rule": rule, "kind": kind, "message": text.format(idn=idn), "files": []})
    if state == "review" or (state == "incomplete" and rng.random() < 0.6):
        review = [{"rule": "R0.persuasion_records", "file": evidence[1]["file"], "page": 1, "reason": REVIEW,
                   "confidence": None} for _ in range(rng.randint(1, 2))]
    status = "incomplete" if findings else ("review" if review else "complete")
    return {"case_id": cid, "disposition": "R0", "complete": not findings, "status": status, "unidentified": [],
            "findings": findings, "evidence": evidence, "review": review, "name": name, "district": district,
            "responsible": "张伟"}


def audit_data(code: str, district: str, cases: list, k: int, audits: int) -> dict:
    """The k-th of ``audits`` weekly audits of one district: the share complete grows with k."""
    pace = 0.3 + 0.1 * (int(code[-1]) % 6)
    done = min(0.98, 0.2 + pace * k / audits)
    rows = []
    for n, (cid, name, idn) in enumerate(cases):
        rng = random.Random(f"{cid}/{k}")
        fixed = random.Random(cid).random() < done  # once complete, it stays complete
        state = "complete" if fixed else ("review" if rng.random() < 0.3 else "incomplete")
        rows.append(case(cid, name, idn, district, state, random.Random(f"{cid}/{k}/c")))
    status = {s: sum(1 for c in rows if c["status"] == s) for s in ("complete", "review", "incomplete")}
    return {"schema": "kcdocs.audit/1", "as_of": (FIRST + timedelta(days=7 * k)).isoformat(),
            "summary": {"cases": len(rows), "complete": status["complete"] + status["review"],
                        "incomplete": status["incomplete"], "review": status["review"], "unmatched_folders": 0,
                        "status": status, "ledger_problems": 0},
            "cases": rows, "unmatched_folders": [], "ledger_problems": []}


def prepare(n: int, audits: int) -> list[Path]:
    base = CACHE / f"{n}x{audits}"
    folders = [base / f"{name}稽核" for name in DISTRICTS.values()]
    if (base / "done").exists():
        return folders
    shutil.rmtree(base, ignore_errors=True)
    print(f"generating {len(folders)} districts × {n} cases × {audits} audits in {base} (once) ...", flush=True)
    for (code, district), folder in zip(DISTRICTS.items(), folders):
        cases = people(code, n)
        for k in range(audits):
            text = json.dumps(audit_data(code, district, cases, k, audits), ensure_ascii=False, indent=1)
            day = (FIRST + timedelta(days=7 * k)).isoformat()
            kept = folder / "历史" / f"{day}_09000000" / "findings.json"
            kept.parent.mkdir(parents=True)
            kept.write_text(text, "utf-8")
            if k == audits - 1:
                (folder / "findings.json").write_text(text, "utf-8")
    (base / "done").write_text("ok")
    return folders


def cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per district")
    parser.add_argument("--audits", type=int, default=10, help="audits kept per district")
    parser.add_argument("--runs", type=int, default=1, help="runs (the best is reported)")
    args = parser.parse_args()
    folders = prepare(args.cases, args.audits)
    size = sum(p.stat().st_size for f in folders for p in f.rglob("findings.json"))
    out = CACHE / "out"
    out.mkdir(parents=True, exist_ok=True)
    cmd = ["bulletin", *map(str, folders), "-o", str(out / "通报.pdf"), "--xlsx", str(out / "通报.xlsx"),
           "--date", (FIRST + timedelta(days=7 * args.audits)).isoformat()]
    best = None
    for _ in range(args.runs):
        before = cpu_seconds()
        wall, rss, code, err = run_kcdocs(cmd)
        if code not in (0, 1):
            sys.stderr.write(err)
            sys.exit(1)
        if best is None or wall < best[0]:
            best = (wall, rss, code, cpu_seconds() - before, load_average())
    wall, rss, code, cpu, load = best
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(str(out / "通报.pdf")))
    print(f"{len(folders)} districts × {args.cases} cases × {args.audits} audits "
          f"({len(folders) * (args.audits + 1)} findings.json, {size / 2**20:.0f} MB): {wall:.2f} s, CPU {cpu:.1f} s, "
          f"peak RSS {rss:.0f} MB, exit {code}, {pages} pages, load average before {load}")
    print(f"target: <= 5 s, <= 300 MB; machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
