"""The audit's OCR step: documents of files that QR, name and text layer left unidentified.

Contract: ``ocr_documents(inv, entries, checklists) -> dict[rel, list[ReadDoc]]``. Only the
pages without a text layer and without a kcdocs QR are read. Results are kept in the audit
cache under the file's SHA-256 (and a digest of the models, the code and the checklist words,
so a new alias or a new model reads again). Many files are read in a process pool, one
onnxruntime thread per process. A file OCR cannot identify maps to no document: the report
lists it as unidentified, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from kcdocs.audit.models import ScannedDoc
from kcdocs.ocr.memo import OcrMemo

MAX_OCR_PAGES = 12  # pages of one unidentified file that are read
PARALLEL_MIN_FILES = 4
FILE_SECONDS = 60.0  # OCR of one file (at most MAX_OCR_PAGES pages) in a worker
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ReadDoc(ScannedDoc):
    """A document identified by OCR (``by == "ocr"``), or one whose text was read for its facts."""

    confidence: float | None = None  # of the identification (0–1)
    how: str | None = None  # exact | fuzzy | keywords
    facts_json: str | None = None  # content.facts() of the page: names, ID numbers, dates

    @property
    def facts(self) -> dict:
        return json.loads(self.facts_json) if self.facts_json else {}


def keywords() -> dict[str, list[str]]:
    return yaml.safe_load((_HERE / "keywords.yaml").read_text("utf-8")) or {}


def _words(checklists) -> list[tuple[str, str]]:
    return sorted({(w, d.name) for d in checklists.documents.values() for w in (d.name, *d.aliases)})


def _digest(words, kw) -> str:
    from kcdocs.ocr.engine import SHA256

    h = hashlib.sha1(json.dumps([words, kw, sorted(SHA256.values())], ensure_ascii=False).encode())
    for name in ("engine.py", "read.py", "titles.py", "content.py"):
        h.update((_HERE / name).read_bytes())
    return h.hexdigest()[:16]


def _wanted(entry) -> list[int]:
    """0-based pages to read: no text layer, no kcdocs QR."""
    qr = {p.index for p in entry.scan or [] if getattr(p, "payload", None) is not None}
    count = min(entry.pages or 1, MAX_OCR_PAGES)
    heads = entry.heads or []
    return [i for i in range(count) if i not in qr and not (i < len(heads) and heads[i])]


def _task(args) -> dict:
    from kcdocs.ocr.read import read_file

    return read_file(*args)


def _failed(task: tuple, why: str) -> dict:
    return {"pages": [], "error": "文字识别超时" if why == "timeout" else f"文字识别失败（{why}）"[:200]}


def _run(tasks: list[tuple]) -> list[dict]:
    """Workers with a hard time limit per file: a page whose decoding hangs costs its worker only."""
    jobs = min(os.cpu_count() or 1, len(tasks))
    if jobs > 1 and len(tasks) >= PARALLEL_MIN_FILES:
        from kcdocs.evidence_io.pool import bounded_map

        return list(bounded_map(_task, tasks, jobs, FILE_SECONDS, _failed))
    return [_task(t) for t in tasks]


def ocr_documents(inv, entries, checklists, seals=None) -> dict[str, list[ReadDoc]]:
    """``seals(entry, first_page, pages) -> (count, confidence)``: the seal search's verdict."""
    words, kw = _words(checklists), keywords()
    digest, store = _digest(words, kw), OcrMemo.beside(getattr(inv, "cache", None))
    results, todo = {}, []
    for entry in entries:
        pages = _wanted(entry)
        if not pages or not entry.sha256:
            continue
        key = f"{entry.sha256}:{digest}"
        known = store.get(key) if store is not None else None
        if known is not None:
            results[entry.rel] = known
        else:
            todo.append((entry, key, (str(inv.root / entry.rel), pages, words, kw)))
    for (entry, key, _), result in zip(todo, _run([t for _, _, t in todo])):
        results[entry.rel] = result
        if store is not None and "error" not in result:
            store.put(key, result)
    if store is not None:
        store.save(keep={k for k in store.found if k.endswith(digest)})
    by_rel = {e.rel: e for e in entries}
    return {rel: docs for rel, result in results.items() if (docs := _docs(by_rel[rel], result, seals))}


def _docs(entry, result: dict, seals=None) -> list[ReadDoc]:
    """Each titled page starts a document; untitled pages after it continue it."""
    pages = [p for p in result.get("pages", []) if p.get("document")]
    total = entry.pages or 1
    docs = []
    for n, page in enumerate(pages):
        end = pages[n + 1]["page"] - 1 if n + 1 < len(pages) else total
        count = max(1, end - page["page"] + 1)
        found, sure = seals(entry, page["page"], count) if seals else (None, None)
        docs.append(ReadDoc(entry.rel, page["document"], entry.sha256 or "", "ocr", page["page"], count,
                            seals=found, colour=entry.colour, seal_confidence=sure,
                            confidence=page["confidence"], how=page["how"],
                            facts_json=json.dumps(dict(page.get("facts") or {}, text=page.get("text", "")),
                                                  ensure_ascii=False)))
    return docs
