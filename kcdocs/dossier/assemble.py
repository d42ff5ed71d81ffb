"""Build dossiers: front matter (Typst) + evidence pages, labels stamped, bookmarks.

Contract: ``build_all(plans, pool, progress) -> list[DossierInfo]`` (plan order). Cases go in
batches of ``BATCH_CASES``: the front matter of a batch is compiled at once (one compile
costs about as much as one case's worth of pages) by a :class:`~kcdocs.render.typst_engine.TypstPool`,
split by the one level-1 bookmark on each case's cover, and each dossier is merged and
written on its own (atomically) in this process, while the pool's worker compiles the next
batches. Never raises: a case that cannot be built comes back with ``error`` set and
nothing written; if a batch cannot be compiled, its cases are compiled one by one so that
only the faulty one fails. Pages are copied with qpdf (pikepdf), never re-rendered.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kcdocs.dossier.evidence import close_all, open_parts
from kcdocs.dossier.front import batch_payload, front_payload
from kcdocs.dossier.models import OTHER_GROUP, UNREADABLE_GROUP, CasePlan, DossierInfo
from kcdocs.dossier.plan import assign_offsets
from kcdocs.dossier.stamp import SHARED_PIECES, Labels, stamp
from kcdocs.errors import KcdocsError
from kcdocs.fileio import atomic_path

TEMPLATE = "dossier/dossier.typ"
BATCH_CASES = 8
MAX_ATTEMPTS = 3  # compiles of a case whose front matter keeps changing its page count

Progress = Callable[[int, int], None]


@dataclass
class _Job:
    plan: CasePlan
    info: DossierInfo
    payload: dict | None = None
    opened: list = field(default_factory=list)


def base_info(plan: CasePlan) -> DossierInfo:
    from kcdocs.audit.report import KIND_LABELS
    from kcdocs.ledger import label

    case = plan.case
    names = {item.rule: item.name for item in plan.items}
    return DossierInfo(case_id=case.case_id, name=case.name, district=case.district or "",
                       school=case.school or "", disposition=f"{case.disposition} {plan.disposition_name}",
                       status=label(case.status), state=plan.state,
                       findings=[f"{names.get(f.rule, f.rule)}（{KIND_LABELS.get(f.kind, f.kind)}）"
                                 for f in plan.findings],
                       review_count=plan.review_count, evidence_files=len(plan.parts),
                       unscanned_files=plan.unscanned)


def _fail(info: DossierInfo, exc: Exception) -> None:
    info.error = exc.message if isinstance(exc, KcdocsError) else f"生成卷宗时出错（{type(exc).__name__}: {exc}）。"


class _Builder:
    def __init__(self, pool, folder: Path):
        self.pool, self.folder, self.names = pool, folder, itertools.count()

    def prepare(self, plans: list[CasePlan]) -> list[_Job]:
        """Open the evidence of each case (kept open until its dossier is written) and make its
        front-matter data."""
        jobs = [_Job(plan, base_info(plan)) for plan in plans]
        for job in jobs:
            try:
                job.opened = open_parts(job.plan.parts, job.plan.evidence_root)
                job.payload = front_payload(job.plan, assign_offsets(job.plan.parts))
            except Exception as exc:  # one case must never stop the others
                _fail(job.info, exc)
        return jobs

    def submit(self, jobs: list[_Job], urgent: bool = False):
        """Start compiling the front matter of ``jobs`` (those with data); None if there are none."""
        jobs = [j for j in jobs if j.payload is not None]
        if not jobs:
            return None
        output = self.folder / f"front{next(self.names):06d}.pdf"
        return jobs, self.pool.submit(TEMPLATE, batch_payload([j.payload for j in jobs]), output, urgent=urgent)

    def finish(self, compiling, attempt: int = 0) -> None:
        """Wait for a compile, merge its cases; compile again, now, those it could not settle."""
        if compiling is None:
            return
        jobs, future = compiling
        try:
            front = future.result()
        except Exception as exc:
            if len(jobs) == 1:
                _fail(jobs[0].info, exc)
                return
            for job in jobs:  # find the case that breaks the batch; the others go on
                self.finish(self.submit([job], urgent=True), attempt)
            return
        try:
            again = _split_and_merge(front, jobs)
        except Exception as exc:
            for job in jobs:
                _fail(job.info, exc)
            return
        finally:
            front.unlink(missing_ok=True)
        if again and attempt < MAX_ATTEMPTS:
            self.finish(self.submit(again, urgent=True), attempt + 1)
        for job in again if attempt >= MAX_ATTEMPTS else []:
            job.info.error = "卷宗前部的页数无法确定（排版反复变化），未生成。"


def build_all(plans: list[CasePlan], pool, progress: Progress | None = None, ahead: int = 2) -> list[DossierInfo]:
    """Every dossier of ``plans``; ``ahead`` batches are compiling while one is merged."""
    total, done = len(plans), 0
    if progress:
        progress(0, total)
    batches = deque(plans[i:i + BATCH_CASES] for i in range(0, total, BATCH_CASES))
    infos: list[DossierInfo] = []
    compiling: deque[tuple[list[_Job], object]] = deque()
    with tempfile.TemporaryDirectory(prefix="kcdocs-dossier-") as folder:
        builder = _Builder(pool, Path(folder))
        while batches or compiling:
            while batches and len(compiling) <= ahead:
                jobs = builder.prepare(batches.popleft())
                infos += [j.info for j in jobs]
                compiling.append((jobs, builder.submit(jobs)))
            jobs, started = compiling.popleft()
            try:
                builder.finish(started)
            finally:
                for job in jobs:
                    close_all(job.opened)
                    job.opened = []
            done += len(jobs)
            if progress:
                progress(done, total)
    return infos


def _split_and_merge(front_path: Path, jobs: list[_Job]) -> list[_Job]:
    """Merge every case whose front matter took the pages expected; return the others, their
    expected page count corrected, to be compiled again."""
    import pikepdf

    again = []
    with pikepdf.open(front_path) as front:
        starts, sections = _case_starts(front)
        if len(starts) != len(jobs) or starts[0] != SHARED_PIECES:
            raise RuntimeError(f"template gave {len(starts)} covers for {len(jobs)} cases")
        shared = list(front.pages[:SHARED_PIECES])
        ends = starts[1:] + [len(front.pages)]
        for job, start, end, secs in zip(jobs, starts, ends, sections):
            n_front = end - start - len(job.payload["placeholders"]) - 1
            if n_front != job.payload["front_pages"]:
                job.payload["front_pages"] = n_front
                again.append(job)
                continue
            try:
                _merge_case(front, range(start, end), shared, [(t, p - start) for t, p in secs], job)
            except Exception as exc:  # one case must never stop the others
                _fail(job.info, exc)
    return again


def _case_starts(front) -> tuple[list[int], list[list[tuple[str, int]]]]:
    """First page of each case (its level-1 bookmark) and its sections (level-2 bookmarks)."""
    import pikepdf

    index = {p.objgen: i for i, p in enumerate(front.pages)}

    def page_of(item) -> int | None:
        dest = item.destination
        if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].objgen in index:
            return index[dest[0].objgen]
        return None

    starts, sections = [], []
    outline = front.open_outline()  # read only: no "with", which would write it back (and cost time)
    for item in outline.root:
        starts.append(page_of(item))
        sections.append([(child.title, page_of(child)) for child in item.children if page_of(child) is not None])
    return starts, sections


def _merge_case(front, pages: range, shared: list, sections: list[tuple[str, int]], job: _Job) -> None:
    import pikepdf

    plan, info, payload = job.plan, job.info, job.payload
    n_front, n_aside = payload["front_pages"], len(payload["placeholders"])
    mine = [front.pages[i] for i in pages]
    with atomic_path(plan.output) as tmp:
        with pikepdf.new() as out:
            out.pages.extend(mine[:n_front])
            aside = iter(mine[n_front:n_front + n_aside])
            for part, pdf in zip(plan.parts, job.opened):
                if part.attached:
                    out.pages.extend(pdf.pages)
                else:
                    out.pages.append(next(aside))
            labels = Labels(out, mine[n_front + n_aside], shared)
            total = n_front + payload["evidence_pages"]
            for n, page in enumerate(out.pages, 1):  # every page, front matter and evidence alike
                stamp(out, page, labels.form(n, total))
            _outline(out, sections, plan, n_front)
            out.docinfo["/Title"] = f"控辍保学一人一案卷宗 {plan.case_id} {plan.case.name}"
            out.docinfo["/Creator"] = f"kcdocs {plan.version}"
            out.save(tmp)
            info.pages = len(out.pages)
        data = tmp.read_bytes()
    info.file, info.front_pages = plan.output.name, n_front
    info.evidence_pages = payload["evidence_pages"]
    info.unreadable_files = sum(1 for p in plan.parts if p.problem)
    info.sha256, info.size = hashlib.sha256(data).hexdigest(), len(data)


def evidence_bookmarks(plan: CasePlan) -> list[tuple[str, list[tuple[str, int]]]]:
    """(group title, [(entry title, evidence offset)]) in checklist order: one group per item
    that has documents, then unidentified and unreadable files."""
    names = {item.rule: item.name for item in plan.items}
    groups: dict[str, list[tuple[str, int]]] = {rule: [] for rule in names}
    extra: dict[str, list[tuple[str, int]]] = {OTHER_GROUP: [], UNREADABLE_GROUP: []}
    for part in plan.parts:
        docs = [d for d in part.docs if d.rule in groups]
        if not docs:
            extra[part.group].append((part.name, part.offset))
        for n, d in enumerate(docs):
            title = part.name + (f"（第{n + 1}份）" if len(docs) > 1 and part.attached else "")
            groups[d.rule].append((title, part.offset + (d.page - 1 if part.attached else 0)))
    out = [(names[rule], sorted(entries, key=lambda e: e[1])) for rule, entries in groups.items() if entries]
    return out + [(title, entries) for title, entries in extra.items() if entries]


def _outline(out, sections: list[tuple[str, int]], plan: CasePlan, n_front: int) -> None:
    from pikepdf import OutlineItem

    with out.open_outline() as outline:
        outline.root.append(OutlineItem("封面", 0))
        for title, page in sections:
            outline.root.append(OutlineItem(title, page))
        groups = evidence_bookmarks(plan)
        if not groups:
            return
        top = OutlineItem("六、佐证材料", n_front)
        for title, entries in groups:
            group = OutlineItem(title, n_front + entries[0][1] - 1)
            group.children.extend(OutlineItem(t, n_front + o - 1) for t, o in entries)
            top.children.append(group)
        outline.root.append(top)
