"""Build one dossier: front matter (Typst) + evidence pages, labels stamped, bookmarks.

Contract: ``build_case(plan, renderer) -> DossierInfo``. Never raises: a case that cannot
be built comes back with ``error`` set and nothing written (the PDF is written atomically).
Pages are copied with qpdf (pikepdf), never re-rendered.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from kcdocs.dossier.evidence import close_all, open_parts
from kcdocs.dossier.front import front_payload
from kcdocs.dossier.models import OTHER_GROUP, UNREADABLE_GROUP, CasePlan, DossierInfo, Part
from kcdocs.dossier.plan import assign_offsets
from kcdocs.dossier.stamp import stamp
from kcdocs.errors import KcdocsError
from kcdocs.fileio import atomic_path

TEMPLATE = "dossier/dossier.typ"


def base_info(plan: CasePlan) -> DossierInfo:
    from kcdocs.audit.report import KIND_LABELS
    from kcdocs.ledger import label

    case = plan.case
    names = {item.rule: item.name for item in plan.items}
    return DossierInfo(case_id=case.case_id, name=case.name, district=case.district or "",
                       school=case.school or "", disposition=f"{case.disposition} {plan.disposition_name}",
                       status=label(case.status), state=plan.state,
                       findings=[f"{names.get(f.rule, f.rule)}（{KIND_LABELS.get(f.kind, f.kind)}）"
                                 for f in plan.findings], review_count=plan.review_count,
                       evidence_files=len(plan.parts))


def build_case(plan: CasePlan, renderer) -> DossierInfo:
    info = base_info(plan)
    try:
        _build(plan, renderer, info)
    except KcdocsError as exc:
        info.error = exc.message
    except Exception as exc:  # one case must never stop the others
        info.error = f"生成卷宗时出错（{type(exc).__name__}: {exc}）。"
    return info


def _build(plan: CasePlan, renderer, info: DossierInfo) -> None:
    opened = open_parts(plan.parts, plan.evidence_root)
    try:
        evidence_pages = assign_offsets(plan.parts)
        payload = front_payload(plan, evidence_pages)
        front = renderer.render(TEMPLATE, payload)
        with atomic_path(plan.output) as tmp:
            info.front_pages, info.pages = merge(front, plan, opened, payload, tmp)
        data = plan.output.read_bytes()
    finally:
        close_all(opened)
    info.file = plan.output.name
    info.evidence_pages = evidence_pages
    info.unreadable_files = sum(1 for p in plan.parts if p.problem)
    info.sha256 = hashlib.sha256(data).hexdigest()
    info.size = len(data)


def merge(front_bytes: bytes, plan: CasePlan, opened: list, payload: dict, output: Path) -> tuple[int, int]:
    """Write the dossier to ``output``; returns (front pages, all pages)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(front_bytes)) as front, pikepdf.new() as out:
        n_stamps, n_aside = len(payload["stamps"]), len(payload["placeholders"])
        n_front = len(front.pages) - n_stamps - n_aside
        sections = _sections(front, n_front)
        out.pages.extend(front.pages[:n_front])
        aside = iter(front.pages[n_front:n_front + n_aside])
        for part, pdf in zip(plan.parts, opened):
            if part.attached:
                out.pages.extend(pdf.pages)
            else:
                out.pages.append(next(aside))
        labels = front.pages[n_front + n_aside:]
        for offset, label in zip(payload["stamps"], labels):
            form = out.copy_foreign(label.as_form_xobject())
            stamp(out, out.pages[n_front + offset - 1], form)
        _outline(out, sections, plan, n_front)
        out.docinfo["/Title"] = f"控辍保学一人一案卷宗 {plan.case_id} {plan.case.name}"
        out.docinfo["/Creator"] = f"kcdocs {plan.version}"
        out.save(output)
        return n_front, len(out.pages)


def _sections(front, n_front: int) -> list[tuple[str, int]]:
    """(title, page index) of the front matter's headings, from Typst's own outline."""
    import pikepdf

    index = {p.objgen: i for i, p in enumerate(front.pages)}
    found = []
    with front.open_outline() as outline:
        for item in outline.root:
            dest = item.destination
            if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].objgen in index:
                page = index[dest[0].objgen]
                if page < n_front:
                    found.append((item.title, page))
    return found


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


def part_pages(part: Part, n_front: int) -> range:
    """0-based page indexes of a part in its dossier."""
    return range(n_front + part.offset - 1, n_front + part.offset - 1 + part.pages)
