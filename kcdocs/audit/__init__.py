"""Audit a ledger and its evidence folders (``kcdocs audit``).

Pipeline (one module, one public function each): :func:`inventory` → :func:`identify`
→ :func:`evaluate` → :func:`write_reports`. ``audit(options)`` runs them all; findings
are results, not errors — only an unusable ledger, checklist or folder raises.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ConfigDict

from kcdocs.audit import history
from kcdocs.audit.evaluate import evaluate
from kcdocs.audit.identify import identify
from kcdocs.audit.inventory import inventory
from kcdocs.audit.models import SCHEMA, AuditResult, unattached, CaseResult, Evidence, Finding
from kcdocs.audit.report import write_reports
from kcdocs.checklists import load_checklists
from kcdocs.config import Config
from kcdocs.errors import InputFileError
from kcdocs.ledger import load_ledger
from kcdocs.review.apply import apply_decisions


class AuditOptions(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    ledger: Path
    evidence_root: Path
    output: Path
    as_of: date | None = None  # reference date (default: today)
    cases: list[str] = []  # only these case ids (default: all)
    checklists: Path | None = None  # another checklist folder (default: the built-in one)
    config: Config = Config()
    mask_ids: bool = True  # mask ID numbers in report.html and findings.xlsx
    jobs: int | None = None  # processes for the inventory (default: all cores)
    use_cache: bool = True  # reuse what earlier audits found in unchanged files
    cache: Path | None = None  # cache file (default: kcdocs.audit.cache.default_path(evidence_root))
    marks: bool = True  # read QR codes, signature boxes and seals on scanned pages
    compare: Path | None = None  # findings.json to compare with (default: the one already in ``output``)
    keep_history: bool = True  # keep a copy of findings.json under output/历史/


def audit(options: AuditOptions, progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Audit every case (or ``options.cases``) and write findings.json, report.html and
    findings.xlsx into ``options.output`` (all or nothing)."""
    started = time.perf_counter()
    as_of = options.as_of or date.today()
    root = options.evidence_root
    if not root.is_dir():
        raise InputFileError(f"佐证材料文件夹不存在或不是文件夹：{root}",
                             "请给出存放各案例文件夹的上一级文件夹。")
    checklists = load_checklists(options.checklists)
    ledger = load_ledger(options.ledger, checklists.disposition_table())
    cases = ledger.select(options.cases, partial=True)  # partly read rows are audited too
    chosen = {c.case_id for c in cases}
    all_cases = ledger.all_cases()
    others = [c.case_id for c in all_cases if c.case_id not in chosen]
    from kcdocs.audit.cache import default_path

    cache = (options.cache or default_path(root)) if options.use_cache else None
    inv = inventory(root, [c.case_id for c in all_cases], hash_only=others, progress=progress,
                    jobs=options.jobs, cache=cache, marks=options.marks,
                    limits=options.config.limits)
    documents = identify(inv, checklists)
    results = evaluate(cases, inv, documents, checklists, as_of)
    noted = apply_decisions(results, root)  # recorded review decisions (kcdocs.review)
    if inv.cache is not None:
        inv.cache.save()  # what evaluate remembered (look-alike images)
    unmatched = inv.unmatched if not options.cases else []
    result = AuditResult(as_of, results, unmatched, ledger.warnings + noted,
                         files=sum(1 for f in inv.files if f.case_id in chosen))
    result.ledger_problems = unattached(ledger, all_cases)
    result.partial = bool(options.cases)
    result.changes, noted = history.compare(result, options.output, options.compare,
                                            options.config.rectification.days, root)
    result.ledger_warnings += noted
    result.outputs = write_reports(result, checklists, options.output, mask_ids=options.mask_ids)
    if options.keep_history:
        history.keep(options.output, as_of)
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["audit", "AuditOptions", "AuditResult", "CaseResult", "Finding", "Evidence", "SCHEMA",
           "inventory", "identify", "evaluate", "write_reports"]
