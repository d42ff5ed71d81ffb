"""OCR results kept beside the audit cache (``audit-….json`` → ``audit-…-ocr.json``).

Keys are ``sha256:digest`` (see :mod:`kcdocs.ocr.documents`), so a renamed or copied file is
not read again and a change of models, code or checklist words reads it afresh. JSON only,
written atomically; an unreadable memo is ignored (it only costs time).
"""

from __future__ import annotations

import json
from pathlib import Path

from kcdocs.fileio import write_bytes_atomic

FORMAT = "kcdocs.ocr-memo/1"


class OcrMemo:
    def __init__(self, path: Path):
        self.path, self.found, self.dirty = path, {}, False
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") == FORMAT and isinstance(data.get("found"), dict):
                self.found = data["found"]
        except (OSError, ValueError, TypeError, AttributeError):
            pass

    @classmethod
    def beside(cls, audit_cache) -> "OcrMemo | None":
        path = getattr(audit_cache, "path", None)
        return cls(Path(path).with_name(Path(path).stem + "-ocr.json")) if path else None

    def get(self, key: str):
        return self.found.get(key)

    def put(self, key: str, value: dict) -> None:
        self.found[key] = value
        self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write (keeping only ``keep``'s keys when given: files no longer present are forgotten)."""
        if keep is not None and set(self.found) - keep:
            self.found = {k: v for k, v in self.found.items() if k in keep}
            self.dirty = True
        if not self.dirty:
            return
        try:
            write_bytes_atomic(self.path, json.dumps({"format": FORMAT, "found": self.found}, ensure_ascii=False,
                                                     separators=(",", ":")).encode())
        except Exception:
            pass
        self.dirty = False
