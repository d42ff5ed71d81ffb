"""Plan one case's dossier from the audit's results: which files, in which order, under
which checklist item.

Contract: ``plan_parts(result, files) -> list[Part]``. Every file of the case's folders is
kept — readable or not, identified or not. Files go in checklist order (the first item
any of their documents evidences), then unidentified files, then unreadable files that
no item claims; within a group, by path.
"""

from __future__ import annotations

import re

from kcdocs.audit.inventory import FileEntry
from kcdocs.audit.models import CaseResult
from kcdocs.dossier.models import OTHER_GROUP, UNREADABLE_GROUP, Doc, Part

_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def dossier_file_name(case_id: str, name: str) -> str:
    """``<台账编号>_<姓名>.pdf`` with characters no file system accepts replaced."""
    stem = f"{case_id}_{name}".strip()
    stem = _BAD_NAME.sub("_", stem).strip(" .") or "dossier"
    from kcdocs.fileio import fit_bytes

    return fit_bytes(stem, 180) + ".pdf"  # bytes, not characters: 台账编号_姓名 of 100 汉字 is 300 bytes


def _docs_by_file(result: CaseResult) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = {}
    for ev in result.evidence:
        if ev.rule is not None:
            out.setdefault(ev.file, []).append(Doc(ev.rule, ev.document, ev.page or 1))
    return out


def plan_parts(result: CaseResult, files: list[FileEntry]) -> list[Part]:
    order = {item.rule: n for n, item in enumerate(result.items)}
    names = {item.rule: item.name for item in result.items}
    docs = _docs_by_file(result)
    parts = []
    for entry in files:
        file_docs = sorted(docs.get(entry.rel, []), key=lambda d: d.page)
        rules = [d.rule for d in file_docs if d.rule in order]
        item = min(rules, key=order.__getitem__) if rules else None
        if item is not None:
            group = names[item]
        else:
            group = UNREADABLE_GROUP if not entry.readable else OTHER_GROUP
        parts.append(Part(rel=entry.rel, name=entry.inner, kind=entry.kind, size=entry.size,
                          sha256=entry.sha256, problem=entry.problem, item=item, group=group,
                          docs=file_docs))
    last = len(order)

    def key(p: Part):
        rank = order[p.item] if p.item is not None else (last if p.group == OTHER_GROUP else last + 1)
        return rank, p.rel

    return sorted(parts, key=key)


def assign_offsets(parts: list[Part]) -> int:
    """Number the evidence pages (1-based within the evidence section); returns their count."""
    page = 1
    for p in parts:
        p.offset = page
        page += p.pages
    return page - 1
