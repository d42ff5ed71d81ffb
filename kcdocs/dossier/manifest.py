"""``manifest.json``: SHA-256 of every evidence file, every dossier and index file, the
ledger's hash, the kcdocs version and the time — and ``verify`` against it.

Contract: ``write_manifest(path, ...) -> sha256 of the manifest``;
``verify(dossier_dir, evidence_root) -> VerifyResult`` lists every evidence file or output
file that changed, went missing or was added since. The evidence in scope is every file
in the folders of the manifest's cases, found the way ``kcdocs audit`` finds them (its
inventory's own walk, without examining the files: hashing is all verify needs).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from kcdocs.audit.inventory import FileEntry, _plan
from kcdocs.dossier.models import Change, VerifyResult
from kcdocs.errors import InputFileError
from kcdocs.evidence_io import names

SCHEMA = "kcdocs.dossier-manifest/1"
MANIFEST = "manifest.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def evidence_record(entry: FileEntry, root: Path, part=None) -> dict:
    """A file's hash as the inventory saw it (empty and unreadable files are hashed too) and, with
    its dossier ``part``, how the dossier holds it: ``attached`` (its pages), ``described`` (a page
    about it: recordings) or ``unreadable`` (a page saying why)."""
    sha = entry.sha256
    path = names.real_path(root, entry.rel)
    if sha is None and not path.is_symlink() and path.is_file():
        try:
            sha = file_sha256(path)
        except OSError:
            sha = None
    record = {"file": entry.rel, "case_id": entry.case_id, "size": entry.size, "sha256": sha}
    if part is not None:
        record["dossier"] = ("unreadable" if part.problem else "attached" if part.attached else "described")
    return record


def write_manifest(path: Path, *, generated: datetime, version: str, as_of, ledger: Path,
                   all_case_ids: list[str], cases: list[dict], evidence: list[dict],
                   outputs: list[Path], known: dict[str, str] | None = None) -> str:
    """Write manifest.json; ``outputs`` are the files written beside it, ``known`` the SHA-256
    of those already hashed (by file name). Returns its SHA-256."""
    known = known or {}
    data = {
        "schema": SCHEMA,
        "generated": generated.isoformat(timespec="seconds"),
        "kcdocs": version,
        "as_of": as_of.isoformat(),
        "ledger": {"file": ledger.name, "sha256": file_sha256(ledger)},
        "ledger_case_ids": all_case_ids,
        "cases": cases,
        "evidence": sorted(evidence, key=lambda e: e["file"]),
        "outputs": [{"file": p.name, "size": p.stat().st_size, "sha256": known.get(p.name) or file_sha256(p)}
                    for p in outputs],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    path.write_bytes(text)
    return hashlib.sha256(text).hexdigest()


def _load(dossier_dir: Path) -> tuple[dict, str]:
    path = dossier_dir / MANIFEST
    if not path.is_file():
        raise InputFileError(f"{dossier_dir} 中没有 {MANIFEST}，无法核对。",
                             "请给出 kcdocs dossier 的输出文件夹（其中有 manifest.json）。")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path} 已损坏，不是有效的 JSON（{exc}）。",
                             "manifest.json 被改动过，卷宗的完整性无法证明；请重新生成卷宗。") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"{path} 不是 kcdocs 卷宗清单（schema 应为 {SCHEMA}）。")
    return data, hashlib.sha256(raw).hexdigest()


def _hash_or_none(path: Path) -> str | None:
    import stat

    try:
        if not stat.S_ISREG(path.lstat().st_mode):  # links, FIFOs, devices: never opened
            return None
    except OSError:
        return None
    try:
        return file_sha256(path)
    except OSError:
        return None


def scan_evidence(root: Path, universe: list[str], cases: set[str]) -> dict[str, str | None]:
    """SHA-256 of every file in the folders of ``cases``, walked exactly as the audit's
    inventory walks them (same folder-to-case matching, same clutter skipped), hashed only."""
    tasks, _ = _plan(root, universe)
    return {rel: _hash_or_none(Path(path)) for path, rel, case_id in tasks if case_id in cases}


def _compare(area: str, recorded: dict[str, str | None], now: dict[str, str | None]) -> list[Change]:
    changes = [Change(area, "missing", f) for f in recorded if f not in now]
    changes += [Change(area, "changed", f) for f in recorded if f in now and now[f] != recorded[f]]
    changes += [Change(area, "added", f) for f in now if f not in recorded]
    return sorted(changes, key=lambda c: (c.file, c.kind))


def verify(dossier_dir: str | Path, evidence_root: str | Path) -> VerifyResult:
    """Compare the output folder and the evidence folders with ``manifest.json``."""
    dossier_dir, root = Path(dossier_dir), Path(evidence_root)
    if not dossier_dir.is_dir():
        raise InputFileError(f"卷宗文件夹不存在：{dossier_dir}")
    if not root.is_dir():
        raise InputFileError(f"佐证材料文件夹不存在或不是文件夹：{root}", "请给出生成卷宗时使用的佐证材料文件夹。")
    data, digest = _load(dossier_dir)
    try:
        cases = {c["case_id"] for c in data["cases"]}
        universe = data.get("ledger_case_ids") or sorted(cases)
        recorded_ev = {e["file"]: e["sha256"] for e in data["evidence"]}
        recorded_out = {o["file"]: o["sha256"] for o in data["outputs"]}
    except (KeyError, TypeError) as exc:
        raise InputFileError(f"{dossier_dir / MANIFEST} 内容不完整（缺少 {exc}）。", "请重新生成卷宗。") from exc
    now_ev = scan_evidence(root, universe, cases)
    now_out = {p.name: file_sha256(p) for p in sorted(dossier_dir.iterdir())
               if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")}
    changes = _compare("evidence", recorded_ev, now_ev) + _compare("dossier", recorded_out, now_out)
    return VerifyResult(manifest_sha256=digest, generated=str(data.get("generated", "")),
                        evidence_files=len(recorded_ev), output_files=len(recorded_out), changes=changes)
