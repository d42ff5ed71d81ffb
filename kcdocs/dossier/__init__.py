"""一人一案 inspection dossiers (``kcdocs dossier``) and their check (``kcdocs verify``).

Pipeline: the audit's own stages (:func:`~kcdocs.audit.inventory` → :func:`~kcdocs.audit.identify`
→ :func:`~kcdocs.audit.evaluate`) give each case's checklist and evidence; :func:`plan_parts`
orders the files; each case is then built on its own (:mod:`.assemble`: front matter by
Typst in a worker process, evidence pages copied, labels stamped, bookmarks, here);
finally the district index and ``manifest.json``. Everything appears in the output folder
together or not at all; a case that fails is reported and the others go on.

Scanned pages (QR codes, signature boxes, seals) are read by ``kcdocs audit``; the dossier
takes what the audit's cache holds for unchanged files. Files it holds nothing for are
identified by their names and PDF titles only (like ``kcdocs audit --no-scan``) and their
signatures and seals left 待复核, said so in the dossier, unless ``options.scan``.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from kcdocs import __version__
from kcdocs.audit import evaluate, identify, inventory
from kcdocs.audit.models import CaseResult
from kcdocs.checklists import load_checklists
from kcdocs.dossier.assemble import BATCH_CASES, build_all
from kcdocs.dossier.index import write_index
from kcdocs.dossier.manifest import MANIFEST, evidence_record, verify, write_manifest
from kcdocs.dossier.models import (CasePlan, Change, DossierInfo, DossierOptions, DossierResult, Part,
                                   VerifyResult)
from kcdocs.dossier.plan import dossier_file_name, plan_parts
from kcdocs.errors import InputFileError
from kcdocs.evidence_io import current
from kcdocs.fileio import atomic_dir_files
from kcdocs.audit.cache import default_path
from kcdocs.audit.inventory import FileEntry, Inventory
from kcdocs.ledger import load_ledger
from kcdocs.review.apply import apply_decisions

Progress = Callable[[int, int], None]
PARALLEL_MIN_CASES = 2 * BATCH_CASES  # below this, starting a worker costs more than it saves


def unscanned(files: list[FileEntry]) -> int:
    """How many readable PDFs and images of a case had their pages not read for marks."""
    return sum(1 for e in files if e.readable and e.kind in ("pdf", "image") and e.scan is None)


def _inventory(root: Path, all_ids: list[str], hash_only: list[str], options: DossierOptions) -> Inventory:
    """The audit's inventory; scanned pages read only with ``options.scan``. Without it, what
    the audit's cache holds is used (scanned pages included) and the rest is looked at without
    them; the cache keeps such lighter looks apart, so they never pass for scans later."""
    cache = default_path(root) if options.use_cache else None
    return inventory(root, all_ids, hash_only=hash_only, jobs=options.jobs, cache=cache, marks=options.scan,
                     limits=options.config.limits)


def _plans(results: list[CaseResult], by_case: dict, options: DossierOptions, staging: Path, as_of: date,
           generated: datetime) -> list[CasePlan]:
    plans, names = [], set()
    for r in results:
        name = dossier_file_name(r.case.case_id, r.case.name)
        if name.lower() in names:  # two cases whose ids differ only in characters replaced
            name = name[:-4] + f"_{len(names)}.pdf"
        names.add(name.lower())
        plans.append(CasePlan(
            case=r.case, disposition_name=r.disposition_name, state=r.state, items=r.items,
            findings=r.findings, review_count=len(r.review), parts=plan_parts(r, by_case.get(r.case.case_id, [])),
            unscanned=unscanned(by_case.get(r.case.case_id, [])),
            evidence_root=options.evidence_root, output=staging / name, mask_ids=options.mask_ids,
            as_of=as_of, generated=generated, version=__version__))
    return plans


def make_dossiers(options: DossierOptions, progress: Progress | None = None) -> DossierResult:
    """One dossier PDF per case (or per ``options.cases``), index.pdf, index.xlsx and
    manifest.json in ``options.output``."""
    from kcdocs.render.fonts import resolve_fonts
    from kcdocs.render.typst_engine import TypstPool

    started = time.perf_counter()
    as_of = options.as_of or date.today()
    generated = datetime.now().astimezone().replace(microsecond=0)
    root = options.evidence_root
    if not root.is_dir():
        raise InputFileError(f"佐证材料文件夹不存在或不是文件夹：{root}", "请给出存放各案例文件夹的上一级文件夹。")
    fonts = resolve_fonts(options.config.fonts)
    checklists = load_checklists(options.checklists)
    ledger = load_ledger(options.ledger, checklists.disposition_table())
    cases = ledger.select(options.cases)
    chosen = {c.case_id for c in cases}
    all_ids = [c.case_id for c in ledger.all_cases()]  # partly read rows' folders are not strangers
    inv = _inventory(root, all_ids, [i for i in all_ids if i not in chosen], options)
    results = evaluate(cases, inv, identify(inv, checklists), checklists, as_of)
    result_notes = apply_decisions(results, root)  # recorded review decisions (kcdocs.review)
    by_case = inv.by_case()
    result = DossierResult(as_of=as_of, output=options.output, ledger_warnings=ledger.warnings + result_notes,
                           ledger_problems=ledger.problems)
    jobs = options.jobs if options.jobs is not None else min(2, os.cpu_count() or 1)
    # This process merges the evidence while jobs - 1 workers typeset the front matter.
    workers = jobs - 1 if len(cases) >= PARALLEL_MIN_CASES else 0
    with atomic_dir_files(options.output) as staging, TypstPool(fonts, workers) as pool:
        plans = _plans(results, by_case, options, staging, as_of, generated)
        with current.using(options.config.limits):
            result.dossiers = build_all(plans, pool, progress)
        index_files = write_index(result.dossiers, staging, pool, as_of, generated)
        written = [staging / d.file for d in result.dossiers if d.file] + index_files
        parts = {p.rel: p for plan in plans for p in plan.parts}
        evidence = [evidence_record(e, root, parts.get(e.rel)) for c in cases for e in by_case.get(c.case_id, [])]
        cases_info = [{"case_id": d.case_id, "folders": inv.folders.get(d.case_id, []), "dossier": d.file,
                       "pages": d.pages, "state": d.state, "unscanned_files": d.unscanned_files, "error": d.error}
                      for d in result.dossiers]
        result.manifest_sha256 = write_manifest(
            staging / MANIFEST, generated=generated, version=__version__, as_of=as_of, ledger=options.ledger,
            all_case_ids=all_ids, cases=cases_info, evidence=evidence, outputs=written,
            known={d.file: d.sha256 for d in result.dossiers if d.file})
    result.outputs = [options.output / p.name for p in written] + [options.output / MANIFEST]
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["make_dossiers", "verify", "DossierOptions", "DossierResult", "DossierInfo", "VerifyResult",
           "Change", "CasePlan", "Part", "plan_parts"]
