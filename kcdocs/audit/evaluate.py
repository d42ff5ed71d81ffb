"""Stage 3 — evaluate: run each case's checklist items against its ledger data and evidence.

Contract: ``evaluate(cases, inventory, documents, checklists, as_of) -> list[CaseResult]``.
For each item the ``require:`` list is run in order; the first failing requirement gives
the item's one finding (or a review note when the item's severity is ``review``); review
notes of passing requirements (e.g. signatures not yet measurable) are kept. Unreadable
files named after a document of the case's checklist become that item's ``unreadable``
finding; the others fall to ``L.readable``. Identical files under two cases are
``duplicate`` findings of ``L.duplicate_evidence``, and so are images that look identical
(the same photo or scan saved again at another quality or size: near perceptual hashes).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from kcdocs.audit.identify import Matcher, name_of
from kcdocs.audit.imagehash import fine_picture, informative, near_pairs, same_picture
from kcdocs.audit.inventory import FileEntry, Inventory
from kcdocs.audit.models import CaseResult, Evidence, Finding, ItemStatus
from kcdocs.checklists import CaseContext, ChecklistSet, DocRef, Item, Requirement, ReviewNote
from kcdocs.ledger import Case

READABLE_RULE = "L.readable"
READABLE_CHECK = "readable_evidence"
UNIQUE_CHECK = "unique_evidence"
UNKNOWN_DISPOSITION = "处置类型无法识别"
UNIDENTIFIED_SHOWN = 5  # unidentified files named in a missing finding's message
PICTURE_CACHE = 48  # decoded pictures kept while confirming look-alike candidates (~1 MB each)


def _duplicates(inv: Inventory) -> dict[str, list[tuple[str, str]]]:
    by_hash: dict[str, list[tuple[str, str]]] = {}
    for entry in inv.files:
        if entry.readable and entry.sha256 and entry.case_id:
            by_hash.setdefault(entry.sha256, []).append((entry.case_id, entry.rel))
    return {h: places for h, places in by_hash.items() if len({c for c, _ in places}) > 1}


def _near_duplicates(inv: Inventory) -> dict[str, list[tuple[str, str, int]]]:
    """file -> [(other case id, other file, hash distance)] for images under other cases that
    look the same as it without being the same bytes (those are exact duplicates): candidates by
    perceptual hash, each confirmed on finer pictures decoded only for the candidates."""
    entries = [e for e in inv.files if e.readable and informative(e.phash) and e.case_id]
    unique = list(dict.fromkeys(e.phash for e in entries))
    index = {h: n for n, h in enumerate(unique)}
    members: dict[int, list[FileEntry]] = {}
    for entry in entries:
        members.setdefault(index[entry.phash], []).append(entry)
    memo = inv.cache  # remembers pairs and comparisons of unchanged files (audit.cache)
    found = memo.near_pairs(unique) if memo is not None else near_pairs(unique)
    pairs = [(i, i, 0) for i, group in members.items() if len(group) > 1] + found
    pictures: OrderedDict[str, object] = OrderedDict()  # the most recently used, by SHA-256

    def picture(entry: FileEntry):
        if entry.sha256 in pictures:
            pictures.move_to_end(entry.sha256)
        else:
            try:
                data = (inv.root / entry.rel).read_bytes()
            except OSError:
                data = b""
            pictures[entry.sha256] = fine_picture(data, pdf=entry.kind == "pdf") if data else None
            if len(pictures) > PICTURE_CACHE:
                pictures.popitem(last=False)
        return pictures[entry.sha256]

    out: dict[str, list[tuple[str, str, int]]] = {}
    for i, j, dist in pairs:
        for a in members[i]:
            for b in members[j]:
                if a.case_id == b.case_id or a.sha256 == b.sha256:
                    continue
                def compare(a=a, b=b) -> bool:
                    pa, pb = picture(a), picture(b)
                    return pa is not None and pb is not None and same_picture(pa, pb)

                if not (memo.same_picture(a.sha256, b.sha256, compare) if memo is not None else compare()):
                    continue
                out.setdefault(a.rel, []).append((b.case_id, b.rel, dist))
                out.setdefault(b.rel, []).append((a.case_id, a.rel, dist))
    return {f: sorted(set(places)) for f, places in out.items()}


def _walk(req: Requirement):
    yield req
    if req.op == "any_of":
        for option in req.params.options:
            yield from _walk(option)


def _uses(item: Item, op: str, test=lambda params: True) -> bool:
    return any(r.op == op and test(r.params) for top in item.require for r in _walk(top))


def evaluate(cases: list[Case], inv: Inventory, documents: dict[str, list[DocRef]],
             checklists: ChecklistSet, as_of: date) -> list[CaseResult]:
    matcher = Matcher(checklists)
    duplicates = _duplicates(inv)
    near = _near_duplicates(inv)
    by_case = inv.by_case()
    plans: dict[str, _Plan] = {}
    for case in cases:
        if case.disposition not in plans:  # an unreadable 处置类型 ("") gets the common items only
            items = (checklists.items_for(case.disposition) if case.disposition in checklists.dispositions
                     else checklists.common_items())
            plans[case.disposition] = _Plan(items)
    return [_case(case, by_case.get(case.case_id, []), inv, documents, checklists, matcher, duplicates, near,
                  as_of, plans[case.disposition]) for case in cases]


class _Plan:
    """What a disposition's checklist needs, worked out once for all its cases."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.item_of_doc: dict[str, Item] = {}
        for item in items:
            for doc in item.documents:
                self.item_of_doc.setdefault(doc.name, item)
        self.checks_readable = any(_uses(i, "condition", lambda p: p.check == READABLE_CHECK) for i in items)
        self.unique = {i.id for i in items if _uses(i, "condition", lambda p: p.check == UNIQUE_CHECK)}
        self.media_item = next((i.id for i in items if _uses(i, "min_count", lambda p: p.of == "media")), None)


def _case(case, files: list[FileEntry], inv, documents, checklists, matcher, duplicates, near, as_of,
          plan: _Plan) -> CaseResult:
    items, item_of_doc = plan.items, plan.item_of_doc
    named_bad: dict[str, list[tuple[str, str]]] = {}
    unclaimed = []
    for entry in files:
        if not entry.readable:
            name = name_of(entry, matcher)
            if name in item_of_doc:
                named_bad.setdefault(item_of_doc[name].id, []).append((entry.rel, entry.problem))
            else:
                unclaimed.append((entry.rel, entry.problem))
    ctx = CaseContext(
        case, as_of,
        docs=[d for e in files if e.readable for d in documents.get(e.rel, [])],
        media=[e.rel for e in files if e.readable and e.kind == "media"],
        duplicates={e.rel: [p for p in duplicates.get(e.sha256, []) if p[0] != case.case_id]
                    for e in files if e.sha256 in duplicates},
        unreadable=unclaimed,
    )
    spec = checklists.dispositions.get(case.disposition)
    result = CaseResult(case, spec.name if spec else UNKNOWN_DISPOSITION, folders=inv.folders.get(case.case_id, []))
    look_alike = {e.rel: near[e.rel] for e in files if e.rel in near}
    for item in items:
        _item(item, ctx, result, named_bad.get(item.id, []), look_alike if item.id in plan.unique else {})
    if unclaimed and not plan.checks_readable:
        result.findings.append(Finding(READABLE_RULE, "unreadable", "有文件无法读取：" + "；".join(
            f"{f}：{why}" for f, why in unclaimed), [f for f, _ in unclaimed]))
    result.evidence = _evidence(files, documents, item_of_doc, named_bad, plan.media_item)
    result.unidentified = [e.rel for e in files if e.readable and e.kind != "media" and not documents.get(e.rel)]
    result.file_notes = {e.rel: list(e.notes) for e in files if getattr(e, "notes", None)}
    if result.unidentified:
        _hint_unidentified(result, checklists)
    return result


def _hint_unidentified(result: CaseResult, checklists: ChecklistSet) -> None:
    """A missing document while the folder holds files kcdocs did not recognise: name them and
    say how to make them count (a phone's 微信图片_….jpg may well be the document)."""
    names = [f.rsplit("/", 1)[-1] for f in result.unidentified]
    shown = "、".join(names[:UNIDENTIFIED_SHOWN]) + (f"等 {len(names)} 个文件" if len(names) > UNIDENTIFIED_SHOWN
                                                     else "")
    for finding in result.findings:
        if finding.kind != "missing":
            continue
        item = checklists.item(finding.rule)
        doc = item.documents[0].name if item and item.documents else (item.name if item else "材料")
        finding.message += (f"另外，文件夹中有未能识别的文件：{shown}。如果其中有这份材料，请把文件改名为含材料名称"
                            f"（如“{doc}_{result.case.name or '姓名'}.jpg”）；kcdocs 打印的表单扫描件请用 kcdocs ingest 归档。")
        finding.detail = {**(finding.detail or {}), "unidentified": list(result.unidentified)}


def _item(item: Item, ctx: CaseContext, result: CaseResult, bad_files: list[tuple[str, str]],
          look_alike: dict[str, list[tuple[str, str, int]]]) -> None:
    if not item.applies(ctx):
        result.items.append(ItemStatus(item.id, item.name, "na", "不适用", guidance=item.guidance))
        return
    run = item.run(ctx)
    names = {d.name for d in item.documents}
    files = list(dict.fromkeys([d.file for d in run.used] + [d.file for d in ctx.docs if d.document in names]))
    reviews = run.reviews
    result.review.extend(reviews)
    finding = None
    if run.failure:
        check = run.failure
        finding = Finding(item.id, run.kind, check.message, check.files, check.detail)
    if look_alike:  # only passed to the item that checks that evidence is unique
        finding = _look_alike(item, finding, look_alike)
    extra = None  # an unreadable file is always reported, even beside another finding of the item
    if bad_files:
        text = "；".join(f"{f}：{why}" for f, why in bad_files)
        bad = Finding(item.id, "unreadable", f"{item.name}的文件无法读取：{text}", [f for f, _ in bad_files])
        if finding is None or finding.kind == "missing":
            finding = bad
        else:
            extra = bad
    if extra:
        result.findings.append(extra)
    if finding and item.severity == "review":
        result.review.append(ReviewNote(item.id, finding.message, (finding.files or [None])[0],
                                        absent=finding.kind == "missing"))
        result.items.append(ItemStatus(item.id, item.name, "review", finding.message, files, item.guidance))
    elif finding:
        result.findings.extend(_each_problem(finding))
        result.items.append(ItemStatus(item.id, item.name, "fail", finding.message, files, item.guidance))
    else:
        status = "review" if reviews else "ok"
        message = "；".join(n.reason for n in reviews)
        result.items.append(ItemStatus(item.id, item.name, status, message, files, item.guidance))


def _each_problem(finding: Finding) -> list[Finding]:
    """A finding that lists several ledger problems (detail.problems) as one finding per problem,
    each naming its sheet, row, column and fix."""
    problems = (finding.detail or {}).get("problems")
    if not problems or len(problems) < 2:
        return [finding]
    return [Finding(finding.rule, finding.kind, p["text"], [], {"problems": [p]}) for p in problems]


def _look_alike(item: Item, finding: Finding | None, look_alike) -> Finding:
    """The duplicate finding of ``item`` with the images that look identical to images filed
    under other cases added to it (or made of them alone)."""
    places = sorted({f"{case_id}（{other}）" for pairs in look_alike.values() for case_id, other, _ in pairs})
    text = ("图片与其他案例的材料图片看起来完全一样（同一张照片或扫描件另存、压缩或缩放后的副本），"
            "请核实是否冒用：" + "、".join(places) + "。")
    same_as = [{"file": f, "case_id": c, "other_file": o, "match": "image", "distance": d}
               for f in sorted(look_alike) for c, o, d in look_alike[f]]
    if finding is None:
        return Finding(item.id, "duplicate", text, sorted(look_alike), {"same_as": same_as})
    detail = dict(finding.detail or {})
    detail["same_as"] = list(detail.get("same_as", [])) + same_as
    files = list(dict.fromkeys([*finding.files, *sorted(look_alike)]))
    return Finding(finding.rule, finding.kind, f"{finding.message}另外，{text}", files, detail)


def _evidence(files, documents, item_of_doc, named_bad, media_item) -> list[Evidence]:
    bad_rule = {f: rule for rule, pairs in named_bad.items() for f, _ in pairs}
    out = []
    for entry in files:
        refs = documents.get(entry.rel, []) if entry.readable else []
        for ref in refs:
            item = item_of_doc.get(ref.document)
            out.append(Evidence(entry.rel, entry.sha256, item.id if item else None, ref.by, ref.pages,
                                ref.document, ref.page, ref.signatures, ref.seals))
        if not refs:
            rule = media_item if entry.kind == "media" and entry.readable else bad_rule.get(entry.rel)
            out.append(Evidence(entry.rel, entry.sha256, rule, None, entry.pages))
    return out
