"""The audit's on-disk cache of examined files.

Contract: ``InventoryCache(path).lookup(file, rel, case_id, hash_only, marks) -> FileEntry | None``
and ``store(file, entry, hash_only, marks)``, ``save()``. A file is known again by its path, size
and modification time (no reading); what was found in it (page texts, scan results) is kept
under its SHA-256, so a renamed or copied file is not read twice either. Stored as JSON
(never pickle: the cache file must not be able to run code), written atomically; an
unreadable or outdated cache is simply ignored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from kcdocs.evidence_io.names import note_for
from kcdocs.fileio import write_bytes_atomic

VERSION = 4  # bump when FileEntry or the scan results change meaning
CODE = ("audit/inventory.py", "evidence_io/probe.py", "evidence_io/sniff.py", "evidence_io/topdf.py",
        "evidence_io/names.py", "audit/imagehash.py", "audit/marks.py", "scan/defs.py", "scan/source.py",
        "scan/qr.py", "scan/results.py", "scan/register.py", "scan/ink.py", "scan/seal.py", "scan/pipeline.py")


def code_version(limits=None) -> str:
    """VERSION plus a digest of the code that examines files and of the per-file limits in force
    (``[limits]``: a file over one limit is unreadable): any change there empties the cache."""
    digest = hashlib.sha1(str(VERSION).encode())
    if limits is not None:
        digest.update(limits.model_dump_json().encode())
    package = Path(__file__).resolve().parent.parent
    for name in CODE:
        try:
            digest.update((package / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def default_path(root: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kcdocs"
    digest = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return base / f"audit-{digest}.json"


_DEPTHS = "hnf"  # hashed only; examined without the scanned pages; examined with them


def _depth(hash_only: bool, marks: bool) -> int:
    return 0 if hash_only else (2 if marks else 1)


def _to_json(entry) -> dict:
    data = dataclasses.asdict(entry)
    for key in ("rel", "case_id"):
        data.pop(key, None)
    return data


def _key(sha256: str, rel: str, depth: str) -> str:
    """Where what was found in a file is kept: its content, what its name says it is (a JPEG
    named .docx is not the JPEG named .jpg) and how thoroughly it was looked at."""
    suffix = rel.rsplit("/", 1)[-1].rpartition(".")[2].lower() if "." in rel.rsplit("/", 1)[-1] else ""
    return f"{sha256}:{suffix}:{depth}"


class InventoryCache:
    def __init__(self, path: Path, limits=None):
        self.path = path
        self.version = code_version(limits)
        self.stats: dict[str, list] = {}  # rel -> [size, mtime_ns, sha256]
        self.found: dict[str, dict] = {}  # "sha256:h|n|f" -> FileEntry fields (see _DEPTHS)
        # look-alike images (audit.evaluate): the perceptual hashes already compared with each
        # other, their near pairs [hash, hash, distance], and confirmed pairs "sha|sha" -> bool
        self.similar: dict = {"hashes": [], "pairs": [], "same": {}}
        self.dirty = False
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("version") == self.version:
                self.stats, self.found = data["stats"], data["found"]
                self.similar = data.get("similar") or self.similar
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def lookup(self, file: str | Path, rel: str, case_id: str | None, hash_only: bool, marks: bool = True):
        """What was found in an unchanged file by a look at least as thorough as this one: a
        hashing (h) is served by any entry, a look without the scanned pages (n) by n or f, a
        full look with QR codes, signatures and seals (f) only by f."""
        from kcdocs.audit.inventory import entry_from_dict

        known = self.stats.get(rel)
        if known is None:
            return None
        try:
            st = os.lstat(file)
        except OSError:
            return None
        if [st.st_size, st.st_mtime_ns] != known[:2]:
            return None
        data = None
        for depth in reversed(_DEPTHS[_depth(hash_only, marks):]):  # the fullest look first
            data = self.found.get(_key(known[2], rel, depth))
            if data is not None:
                break
        if data is None:
            return None
        entry = entry_from_dict(data, rel, case_id)
        note = note_for(rel)
        if note is not None:
            entry.notes.insert(0, note)  # about this copy's name, not kept with the content
        return entry

    def store(self, file: str | Path, entry, hash_only: bool, marks: bool = True) -> None:
        if entry.sha256 is None:
            return  # unreadable before hashing (a link, an empty file): cheap to look at again
        try:
            st = os.lstat(file)
        except OSError:
            return
        self.stats[entry.rel] = [st.st_size, st.st_mtime_ns, entry.sha256]
        data = _to_json(entry)
        data["notes"] = [n for n in data.get("notes") or [] if n != note_for(entry.rel)]
        self.found[_key(entry.sha256, entry.rel, _DEPTHS[_depth(hash_only, marks)])] = data
        self.dirty = True

    def near_pairs(self, hashes: list[str]) -> list[tuple[int, int, int]]:
        """imagehash.near_pairs(hashes), comparing only the hashes not compared before."""
        from kcdocs.audit.imagehash import near_pairs

        known = set(self.similar["hashes"])
        index = {h: n for n, h in enumerate(hashes)}
        pairs = [(index[a], index[b], d) for a, b, d in self.similar["pairs"] if a in index and b in index]
        fresh = [n for n, h in enumerate(hashes) if h not in known]
        if fresh or len(known) != len(index):  # new hashes compared; gone ones forgotten
            pairs += near_pairs(hashes, rows=fresh) if fresh else []
            self.similar["hashes"] = list(hashes)
            self.similar["pairs"] = [[hashes[i], hashes[j], d] for i, j, d in pairs]
            self.dirty = True
        return pairs

    def same_picture(self, sha_a: str, sha_b: str, compare) -> bool:
        """compare() of two files' pictures, remembered by their SHA-256."""
        key = f"{min(sha_a, sha_b)}|{max(sha_a, sha_b)}"
        same = self.similar["same"].get(key)
        if same is None:
            same = self.similar["same"][key] = bool(compare())
            self.dirty = True
        return same

    def save(self) -> None:
        if not self.dirty:
            return
        data = {"version": self.version, "stats": self.stats, "found": self.found, "similar": self.similar}
        try:
            write_bytes_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        except Exception:
            pass  # a cache that cannot be written only costs time
        self.dirty = False
