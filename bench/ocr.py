"""Benchmark for OCR identification of unnamed scans (kcdocs.ocr).

Generates fictional certificates with tools/certificates (every kind of KINDS in turn, including
the documents that are on no checklist and must never be taken for one) as JPEG files, on two
sets with fixed seeds: a realistic one (150–200 dpi scans) and a hard one (100–200 dpi, faded,
seals over titles, phone photos with perspective and shadows). Each file is read by
``kcdocs.ocr.read.read_file`` exactly as the audit's OCR step reads an unidentified image (the
checklist names and aliases, the body keywords, one onnxruntime thread), in this process.

Prints per set: pages; titles identified right with confidence ≥ the review threshold; wrong
document type with that confidence; sent to review; not identified; pages on no checklist that
were identified (false positives); median and p90 CPU ms per page (time.process_time, decoding
the JPEG included); then the model load time, the peak RSS and the install size OCR adds.

    .venv/bin/python bench/ocr.py [--n 60] [--quick] [--seed 0]

Targets: ≥ 98 % of specific titles right on the realistic set, 0 wrong document types,
0 false positives, ≤ 160 ms CPU per page.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SETS = [("真实", False, 2026), ("困难", True, 2027)]  # (name, hard, seed)
OCR_DISTRIBUTIONS = ("onnxruntime", "flatbuffers", "protobuf")  # installed only for OCR


def _person(rng: random.Random):
    from tools.certificates import Person
    from tools.synth import id_number, person_name

    male = rng.random() < 0.5
    born = date(2006, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    day = date(2019, 1, 1) + timedelta(days=rng.randrange(4 * 365))
    return Person(person_name(rng), "男" if male else "女", id_number("370402", born, rng.randrange(500), male), day)


def _outcome(expected: str | None, got: str | None, confidence: float, confident: float) -> str:
    if expected is None:
        return "fp_sure" if got and confidence >= confident else "fp_review" if got else "none_ok"
    if got is None:
        return "unidentified"
    if confidence < confident:
        return "review" if got == expected else "review_other"
    return "right" if got == expected else "wrong"


def make_set(hard: bool, seed: int, n: int, tmp: str) -> list[tuple[str, str | None, str]]:
    """(JPEG file, expected document or None, printed title) of each page; run in a child
    process, so that drawing the pages counts neither in the CPU times nor in the peak RSS."""
    from tools.certificates import sample

    rng, people = np.random.default_rng(seed), random.Random(seed)
    out = []
    for k in range(n):
        person = _person(people)
        data, expected, title = sample(k, rng, person, hard=hard)
        path = Path(tmp) / f"IMG_{seed}_{k:04d}.jpg"
        path.write_bytes(data)
        out.append((str(path), expected, title, person.name, person.id_number))
    return out


def run_set(pages, words, kw) -> tuple[Counter, list[float], list[str]]:
    from kcdocs.ocr.read import CONFIDENT, read_file
    from kcdocs.ocr.titles import generic

    counts, cpu_ms, wrong = Counter(), [], []
    for k, (path, expected, title, name, id_number) in enumerate(pages):
        started = time.process_time()
        result = read_file(path, [0], words, kw)
        cpu_ms.append((time.process_time() - started) * 1000)
        page = (result.get("pages") or [{}])[0]
        got, confidence = page.get("document"), float(page.get("confidence") or 0.0)
        kind = "none" if expected is None else "generic" if generic(title) else "specific"
        outcome = _outcome(expected, got, confidence, CONFIDENT)
        counts[kind] += 1
        counts[f"{kind}:{outcome}"] += 1
        if expected is not None and got is not None and "{id}" in _body(title, expected):
            found = page.get("facts") or {}
            counts["facts"] += 1
            counts["facts:id"] += id_number in found.get("ids", [])
            counts["facts:name"] += name in found.get("names", [])
            mismatch, unread = _subject_verdict(page, name, id_number)
            counts["facts:other"] += mismatch is not None
            counts["facts:review"] += unread is not None
            if mismatch:
                wrong.append(f"  ！误报 {Path(path).name}：{mismatch}")
        if outcome in ("wrong", "review_other", "fp_sure", "fp_review", "unidentified") or "error" in result:
            mark = "未认出" if outcome == "unidentified" else "！认错" if outcome in ("wrong", "fp_sure") else "复核"
            wrong.append(f"  {mark} {Path(path).name} 标题“{title}”（应为 {expected}）→ {got} 置信度 {confidence:.3f} "
                         f"{page.get('how')} 读到“{page.get('line', '')}” 倒放={page.get('flipped')} "
                         f"{result.get('error', '')}")
    return counts, cpu_ms, wrong


def _subject_verdict(page: dict, name: str, id_number: str):
    """What the audit's C.subject check says of this page for the child it is about."""
    from types import SimpleNamespace

    from kcdocs.ocr.checks import _subject

    doc = SimpleNamespace(document=page.get("document"), file="x.jpg", page=1)
    facts = dict(page.get("facts") or {}, text=page.get("text", ""))
    return _subject(doc, facts, SimpleNamespace(name=name, id_number=id_number))


def _body(title: str, expected: str) -> str:
    from tools.certificates import KINDS

    return next((b for t, d, b in KINDS if t == title and d == expected), "")


def _print_set(name: str, counts: Counter, cpu_ms: list[float]) -> None:
    spec, gen, none = counts["specific"], counts["generic"], counts["none"]
    c = lambda key: counts[f"specific:{key}"] + counts[f"generic:{key}"]  # noqa: E731
    right = counts["specific:right"]
    print(f"【{name}集】{spec + gen + none} 页：具体标题 {spec}，泛称标题（证明/情况说明）{gen}，不在清单上的材料 {none}")
    print(f"  具体标题认对（置信度达标）{right}/{spec} = {right / spec if spec else 0:.1%}；"
          f"泛称标题按正文关键词认出、待复核 {counts['generic:review']}/{gen}")
    print(f"  认错材料种类（置信度达标）{c('wrong')}；待复核 {c('review') + c('review_other')}"
          f"（其中建议的种类不对 {c('review_other')}）；未认出 {c('unidentified')}")
    print(f"  不在清单上的材料被认作清单材料：置信度达标 {counts['none:fp_sure']}，待复核 {counts['none:fp_review']}"
          f"（{none} 页中 {counts['none:none_ok']} 页正确地未认出）")
    print(f"  认出的材料中（{counts['facts']} 页印有姓名、身份证号）：身份证号读出 {counts['facts:id']}，"
          f"姓名读出 {counts['facts:name']}；核对是否本人：误报“不是本人” {counts['facts:other']}，"
          f"读不出、交人工复核 {counts['facts:review']}")
    print(f"  每页 CPU：中位数 {np.median(cpu_ms):.0f} ms，p90 {np.percentile(cpu_ms, 90):.0f} ms，"
          f"最多 {max(cpu_ms):.0f} ms")


def _installed_mb() -> tuple[float, str]:
    import importlib.metadata as metadata

    parts, total = [], 0.0
    for name in OCR_DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        size = sum((p.stat().st_size for p in map(dist.locate_file, dist.files or []) if p.is_file()), 0) / 1e6
        parts.append(f"{name} {dist.version} {size:.1f} MB")
        total += size
    models = sum(p.stat().st_size for p in (ROOT / "kcdocs" / "ocr" / "models").iterdir()) / 1e6
    parts.append(f"模型 {models:.1f} MB")
    return total + models, "，".join(parts)


def _peak_rss_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:  # Windows
        import psutil

        return getattr(psutil.Process().memory_info(), "peak_wset", 0) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="pages per set")
    parser.add_argument("--quick", action="store_true", help="one page of each kind per set")
    parser.add_argument("--seed", type=int, default=0, help="added to the sets' seeds (other pages)")
    args = parser.parse_args()
    from bench.common import load_average
    from kcdocs.checklists import load_checklists
    from kcdocs.ocr.documents import _words, keywords
    from kcdocs.ocr.engine import engine
    from kcdocs.ocr.read import CONFIDENT
    from tools.certificates import KINDS, fonts

    if not fonts():
        print("没有可用的中文字体（fc-list :lang=zh-cn 为空），无法生成证明材料。")
        return 2
    n = len(KINDS) if args.quick else args.n
    words, kw = _words(load_checklists()), keywords()
    print(f"负载 {load_average()}；字体 {len(fonts())} 种；置信度门槛 {CONFIDENT}；每集 {n} 页")
    rss_before = _peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    engine()
    print(f"加载模型：{(time.perf_counter() - wall) * 1000:.0f} ms（CPU {(time.process_time() - cpu) * 1000:.0f} ms）")
    started, wrong_total = time.perf_counter(), 0
    with tempfile.TemporaryDirectory(prefix="kcdocs-bench-ocr-") as tmp:
        with ProcessPoolExecutor(1) as pool:
            made = list(pool.map(make_set, *zip(*[(hard, seed + args.seed, n, tmp) for _, hard, seed in SETS])))
        print(f"生成 {n * len(SETS)} 页：{time.perf_counter() - started:.0f} s")
        for (name, _, _), pages in zip(SETS, made):
            counts, cpu_ms, wrong = run_set(pages, words, kw)
            _print_set(name, counts, cpu_ms)
            for line in wrong:
                print(line)
            wrong_total += counts["specific:wrong"] + counts["generic:wrong"] + counts["none:fp_sure"]
    size, parts = _installed_mb()
    print(f"内存峰值 {_peak_rss_mb():.0f} MB（加载模型前 {rss_before:.0f} MB）；总用时 {time.perf_counter() - started:.0f} s")
    print(f"文字识别增加的安装大小：{size:.1f} MB（{parts}）")
    print(f"认错合计（含不在清单上的材料被认出）：{wrong_total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
