"""Stage 2 — identify: which checklist document each file (or run of PDF pages) is.

Contract: ``identify(inventory, checklists) -> dict[rel, list[DocRef]]`` for readable
files, and ``name_of(entry, matcher)`` for any file. Order of trust (interfaces.md §3):
the project's QR code (scan-back work, later), the file name containing a document's
name or alias, then the title in a PDF's text layer page by page. A file identified by
its name is that one document, except that pages titled with the same name start new
copies (a PDF of three 劝返记录). A file known by text alone may hold several documents:
each titled page starts one, untitled pages continue the previous one.
"""

from __future__ import annotations

from kcdocs.audit.inventory import FileEntry, Inventory
from kcdocs.checklists import ChecklistSet, DocRef
from kcdocs.textnorm import squash

TITLE_LINES = 3  # a title is looked for in the first lines of a page


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


def identify(inv: Inventory, checklists: ChecklistSet) -> dict[str, list[DocRef]]:
    """Documents per readable file (an unidentified file maps to an empty list)."""
    matcher = Matcher(checklists)
    found: dict[str, list[DocRef]] = {}
    for entry in inv.files:
        if not entry.readable or entry.kind not in ("pdf", "image"):
            continue
        segments = _segments(entry, matcher, name_of(entry, matcher))
        refs = []
        total = entry.pages or 1
        for n, (document, page, by) in enumerate(segments):
            end = segments[n + 1][1] - 1 if n + 1 < len(segments) else total
            refs.append(DocRef(entry.rel, document, entry.sha256 or "", by, page, max(1, end - page + 1),
                               colour=entry.colour))
        found[entry.rel] = refs
    return found
