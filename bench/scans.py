"""Benchmark for the scan-back: scanned pages through QR + signature boxes + seals, and the
re-audit of an unchanged evidence tree served from the on-disk cache.

1. Renders kcdocs forms (persuasion records, applications, the monthly report), signs some
   boxes, seals some report pages, damages them like a scanner (±3°, 0.95–1.0 scale, blur,
   noise) and saves 200 dpi colour JPEGs (q60) — generated once under the temp folder.
2. Times each stage on one process (decode, QR, registration + ink, seal), then the whole
   pipeline over all pages with N worker processes, and checks every box decision against
   the truth (accuracy on the synthetic set).
3. Audits the synthetic tree of bench/audit.py (1x = 6,000 files, 2x = 12,000) twice through
   the command line: the first run fills the cache, the second must take ≤ 3 s.

    .venv/bin/python bench/scans.py [--pages 240] [--jobs 2] [--scale 2] [--skip-audit]

Targets (issue 5): ≥ 60 pages/s; re-audit of ≥ 10,000 unchanged files ≤ 3 s; 100 % of blank
boxes reported, 0 signed boxes reported blank.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, run_kcdocs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "kcdocs-bench-scans-v1"
DPI = 200


def _clean_pages() -> list[tuple[object, object]]:
    from kcdocs.forms import FormOptions, make_forms
    from kcdocs.reports import ReportOptions, make_report
    from kcdocs.scan.qr import find_qr
    from kcdocs.scan.source import page_images

    ledger = ROOT / "samples" / "ledger.xlsx"
    CACHE.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for form in ("persuasion-record", "application"):
        out = CACHE / f"{form}.pdf"
        make_forms(FormOptions(form=form, ledger=ledger, output=out))
        pdfs.append(out)
    report = CACHE / "monthly.pdf"
    make_report(ReportOptions(kind="monthly", ledger=ledger, period="2020-05", output=report))
    pdfs.append(report)
    return [(find_qr(p.gray).payload, p.rgb) for pdf in pdfs for p in page_images(pdf)]


def generate(n: int) -> list[dict]:
    """n damaged JPEG pages with their truth (generated once)."""
    import numpy as np

    from kcdocs.marks.layout import page_layout
    from kcdocs.scan import synth

    truth_file = CACHE / f"truth-{n}.json"
    if truth_file.exists():
        return json.loads(truth_file.read_text())
    print(f"generating {n} scanned pages in {CACHE} (once) ...", flush=True)
    rng = np.random.default_rng(2020)
    clean = _clean_pages()
    truth = []
    for i in range(n):
        payload, rgb = clean[i % len(clean)]
        rgb, layout = rgb.copy(), page_layout(payload)
        signed = [bool(rng.integers(0, 2)) for _ in layout.signatures]
        for box, s in zip(layout.signatures, signed):
            if s:
                synth.sign(rgb, box, DPI, rng)
        sealed = bool(layout.seals) and bool(rng.integers(0, 2))
        if sealed:
            a = layout.seals[0]
            synth.seal(rgb, (a.x + a.w / 2, a.y + a.h / 2), DPI)
        page = synth.damage(rgb, rng, angle=rng.uniform(-3, 3), scale=rng.uniform(0.95, 1.0),
                            upside_down=(i % 17 == 5))
        path = CACHE / f"page-{i:05d}.jpg"
        path.write_bytes(synth.jpeg(page, 60))
        truth.append({"file": str(path), "text": payload.encode(), "signed": signed,
                      "sealed": sealed if layout.seals else None})
    truth_file.write_text(json.dumps(truth))
    return truth


def _inspect(path: str) -> dict:
    from kcdocs.scan.pipeline import inspect_file

    (page,) = inspect_file(path).pages
    return {"text": page.qr_text, "boxes": [(b.signed, b.confidence) for b in page.boxes],
            "seal": page.seal.status if page.seal else None}


def stages(truth: list[dict], count: int = 40) -> dict[str, float]:
    """Milliseconds per page for each stage, one process."""
    from kcdocs.marks.layout import page_layout
    from kcdocs.scan.ink import measure_box
    from kcdocs.scan.qr import find_qr
    from kcdocs.scan.register import register, snap_box
    from kcdocs.scan.seal import find_seal, is_colour
    from kcdocs.scan.source import page_images

    spent = dict.fromkeys(("decode", "qr", "register+ink", "seal"), 0.0)
    for item in truth[:count]:
        t0 = time.perf_counter()
        (page,) = list(page_images(item["file"]))
        gray = page.gray
        t1 = time.perf_counter()
        hit = find_qr(gray)
        t2 = time.perf_counter()
        layout = page_layout(hit.payload)
        reg = register(hit, layout)
        for box in layout.signatures:
            measure_box(gray, reg, snap_box(gray, reg, box)[0])
        t3 = time.perf_counter()
        view, view_dpi = page.colour_view()  # colour check + seal search in a third of the page
        find_seal(view, view_dpi / 25.4, (0, 0, view.shape[1], view.shape[0] // 3), colour=is_colour(view))
        t4 = time.perf_counter()
        for key, dt in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            spent[key] += dt
    return {k: 1000 * v / count for k, v in spent.items()}


def throughput(truth: list[dict], jobs: int) -> tuple[float, list[dict]]:
    files = [t["file"] for t in truth]
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(_inspect, files, chunksize=8))
    return len(files) / (time.perf_counter() - started), results


def accuracy(truth: list[dict], results: list[dict]) -> dict:
    from kcdocs.scan.defs import REVIEW_BELOW

    out = dict(boxes=0, blank=0, blank_reported=0, signed_called_blank=0, review=0, unread=0,
               seals=0, seals_found=0, seal_false=0)
    for t, r in zip(truth, results):
        if r["text"] != t["text"]:
            out["unread"] += 1
            continue
        for truly, (signed, conf) in zip(t["signed"], r["boxes"]):
            out["boxes"] += 1
            out["review"] += conf < REVIEW_BELOW
            out["blank"] += not truly
            out["blank_reported"] += (not truly) and (not signed) and conf >= REVIEW_BELOW
            out["signed_called_blank"] += truly and not signed
        if t["sealed"] is not None:
            out["seals"] += t["sealed"]
            out["seals_found"] += t["sealed"] and r["seal"] == "found"
            out["seal_false"] += (not t["sealed"]) and r["seal"] == "found"
    return out


def reaudit(scale: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench.audit import prepare

    ledger, evidence = prepare(scale, os.cpu_count() or 1)
    files = sum(len(f) for _, _, f in os.walk(evidence))
    args = ["audit", str(ledger), str(evidence), "-o", str(CACHE / "audit-out"), "--as-of", "2020-06-15"]
    env_cache = {"XDG_CACHE_HOME": str(CACHE / "xdg")}
    os.environ.update(env_cache)
    for label in ("first (fills the cache)", "re-audit (unchanged)", "re-audit again"):
        wall, rss, code, err = run_kcdocs(args)
        print(f"  audit {label}: {files} files, {wall:.2f} s, peak RSS {rss:.0f} MB, exit {code}"
              + (f"\n{err[-400:]}" if code == 2 else ""))


def cpu_per_page(truth: list[dict], count: int = 60) -> float:
    """CPU milliseconds per page of the whole pipeline in this process (load-independent)."""
    from kcdocs.scan.pipeline import inspect_file

    for t in truth[:3]:
        inspect_file(t["file"])
    started = time.process_time()
    for t in truth[:count]:
        inspect_file(t["file"])
    return 1000 * (time.process_time() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scale", type=int, default=2, help="audit tree: 1 = 6,000 files, 2 = 12,000")
    parser.add_argument("--skip-audit", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load_average()} ({os.cpu_count()} cores)")
    truth = generate(args.pages)
    per = stages(truth)
    print("per page, one process: " + ", ".join(f"{k} {v:.1f} ms" for k, v in per.items())
          + f" (total {sum(per.values()):.1f} ms)")
    cpu = cpu_per_page(truth)
    print(f"whole pipeline: {cpu:.1f} ms CPU per page → {1000 / cpu * args.jobs:.0f} pages/s on {args.jobs} idle cores")
    rate, results = throughput(truth, args.jobs)
    print(f"pipeline: {rate:.1f} pages/s with {args.jobs} processes ({len(truth)} colour JPEG pages, 200 dpi) "
          f"— target ≥ 60")
    acc = accuracy(truth, results)
    print(f"accuracy: {acc['boxes']} boxes, blank {acc['blank']} of which reported {acc['blank_reported']}, "
          f"signed called blank {acc['signed_called_blank']}, to review {acc['review']}, QR unread {acc['unread']}; "
          f"seals {acc['seals_found']}/{acc['seals']} found, {acc['seal_false']} false")
    if not args.skip_audit:
        reaudit(args.scale)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
