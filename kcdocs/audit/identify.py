"""Stage 2 — identify: which checklist document each file (or run of PDF pages) is.

Contract: ``identify(inventory, checklists) -> dict[rel, list[DocRef]]`` for readable
files, and ``name_of(entry, matcher)`` for any file. Order of trust (interfaces.md §3):
the project's QR code (pages of one form copy — same form, case and sequence — make one
:class:`ScannedDoc` with its signature boxes as measured), the file name containing a document's
name or alias, then the title in a PDF's text layer page by page. A file identified by
its name is that one document, except that pages titled with the same name start new
copies (a PDF of three 劝返记录). A file known by text alone may hold several documents:
each titled page starts one, untitled pages continue the previous one. Scanned files still
unidentified are read by OCR (:mod:`kcdocs.ocr.documents`, ``by: "ocr"``).
"""

from __future__ import annotations

from kcdocs.audit.inventory import FileEntry, Inventory
from kcdocs.audit.models import BoxCheck, ScannedDoc
from kcdocs.audit.scan_notes import scan_note
from kcdocs.checklists import ChecklistSet, DocRef
from kcdocs.scan.defs import REVIEW_BELOW
from kcdocs.textnorm import squash

TITLE_LINES = 3  # a title is looked for in the first lines of a page
FORM_DOCUMENTS = {  # kcdocs form -> checklist document it is
    "persuasion-record": "劝返记录",
    "application": "书面申请",
    "education-plan": "个性化教育方案",
    "receipt": "送达回证",
    "criticism-record": "批评教育记录",
    "correction-order": "责令限期改正通知书",  # an alias of 责令改正通知书
    "judicial-request": "提请发放司法文书的函",
    "overdue-reminder": "逾期未报到催报通知书",  # no checklist asks for it: listed as evidence
}


class Matcher:
    """Finds the longest document name or alias contained in a text."""

    def __init__(self, checklists: ChecklistSet):
        words = {}
        for doc in checklists.documents.values():
            for word in (doc.name, *doc.aliases):
                words.setdefault(squash(word).lower(), doc.name)
        self.words = sorted(words.items(), key=lambda kv: -len(kv[0]))

    def find(self, text: str) -> str | None:
        text = squash(text).lower()
        for word, name in self.words:
            if word in text:
                return name
        return None

    def title(self, head: str) -> str | None:
        for line in head.split("\n")[:TITLE_LINES]:
            found = self.find(line)
            if found:
                return found
        return None


def name_of(entry: FileEntry, matcher: Matcher) -> str | None:
    """The document a file's name (and sub-folder names below the case folder) says it is."""
    inner = entry.inner
    stem = inner.rsplit(".", 1)[0] if "." in inner.rsplit("/", 1)[-1] else inner
    return matcher.find(stem.replace("/", " "))


def _segments(entry: FileEntry, matcher: Matcher, named: str | None) -> list[tuple[str, int, str]]:
    """(document, first page, by) for each document found in the file."""
    titles = [matcher.title(head) for head in entry.heads]
    if named is not None:
        starts = [i for i, t in enumerate(titles) if t == named and i > 0]
        return [(named, 1, "filename")] + [(named, i + 1, "text") for i in starts]
    out: list[tuple[str, int, str]] = []
    for index, title in enumerate(titles):
        if title is not None:
            out.append((title, index + 1, "text"))
    return out


def _qr_docs(entry: FileEntry, matcher: Matcher) -> list[DocRef]:
    """One ScannedDoc per form copy found by QR in the file (file order of first pages)."""
    copies: dict[tuple, list] = {}
    for result in entry.scan or []:
        payload = result.payload
        if payload is not None and payload.form in FORM_DOCUMENTS:
            copies.setdefault((payload.form, payload.subject, payload.seq), []).append((payload, result))
    docs = []
    for (form, subject, seq), pages in copies.items():
        pages.sort(key=lambda pr: pr[0].page)
        boxes, offset, seen = [], 0, []
        for payload, result in pages:
            if payload.page in seen:
                continue  # the same page scanned twice: the first one counts
            seen.append(payload.page)
            boxes += [BoxCheck(offset + b.index, result.index + 1, b.signed, b.confidence, b.thumb, result.error)
                      for b in result.boxes]
            offset += payload.boxes
        signed = sum(1 for b in boxes if b.signed and b.confidence >= REVIEW_BELOW)
        missing = tuple(n for n in range(1, pages[0][0].pages + 1) if n not in seen)
        name = matcher.find(FORM_DOCUMENTS[form]) or FORM_DOCUMENTS[form]  # 送达回证 is a 复学通知书 alias
        docs.append(ScannedDoc(entry.rel, name, entry.sha256 or "", "qr", pages[0][1].index + 1,
                               len(seen), signatures=signed, colour=entry.colour, form=form, subject=subject,
                               seq=seq, boxes=tuple(boxes), missing_pages=missing,
                               layout_fixed=all(p.fixed for p, _ in pages)))
    return docs


def _seals(entry: FileEntry, first: int, count: int) -> tuple[int | None, float | None]:
    """Seals found by the whole-page search on pages first…first+count-1, and the confidence."""
    pages = [p for p in entry.scan or [] if first - 1 <= p.index < first - 1 + count and p.seal is not None]
    if not pages:
        return None, None
    found = [p.seal for p in pages if p.seal.status == "found"]
    if found:
        return len(found), max(s.confidence for s in found)
    if all(p.seal.status == "not_checkable" for p in pages):
        return 0, 0.0
    return 0, min(p.seal.confidence for p in pages)


def identify(inv: Inventory, checklists: ChecklistSet) -> dict[str, list[DocRef]]:
    """Documents per readable file (an unidentified file maps to an empty list)."""
    matcher = Matcher(checklists)
    found: dict[str, list[DocRef]] = {}
    unread = []  # scanned files still unidentified: read by OCR below
    for entry in inv.files:
        if not entry.readable or entry.kind not in ("pdf", "image", "document"):
            continue
        refs = _qr_docs(entry, matcher)
        if refs:
            found[entry.rel] = refs
            continue
        segments = _segments(entry, matcher, name_of(entry, matcher))
        total = entry.pages or 1
        for n, (document, page, by) in enumerate(segments):
            end = segments[n + 1][1] - 1 if n + 1 < len(segments) else total
            pages = max(1, end - page + 1)
            seals, confidence = _seals(entry, page, pages)
            refs.append(ScannedDoc(entry.rel, document, entry.sha256 or "", by, page, pages, seals=seals,
                                   colour=entry.colour, seal_confidence=confidence,
                                   scan_note=scan_note(entry, page, pages)))
        found[entry.rel] = refs
        if not refs and entry.scan is not None:
            unread.append(entry)
    from kcdocs.ocr.documents import ocr_documents

    found.update(ocr_documents(inv, unread, checklists, seals=_seals))
    return found
