"""The pending review items of an audit, read from its findings.json.

Contract: ``load_findings(path)`` (an audit folder or its findings.json) and
``pending_items(findings) -> [PendingItem]``, each with the key a decision binds to.
Works on findings.json written before and after the fields added for reviews
(``name``, ``reviewed``): everything optional is read with ``.get``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kcdocs.errors import InputFileError
from kcdocs.review.store import box_of, item_key, mark_of


@dataclass
class PendingItem:
    case_id: str
    name: str
    district: str
    rule: str
    item_name: str
    file: str | None
    sha256: str | None
    page: int | None
    reason: str
    confidence: float | None
    thumb: str | None = None

    @property
    def mark(self) -> str:
        return mark_of(self.reason)

    @property
    def box(self) -> str:
        return box_of(self.reason)

    @property
    def key(self) -> str:
        return item_key(self.case_id, self.sha256, self.page, self.rule, self.reason)


def load_findings(path: Path) -> dict:
    """findings.json of an audit folder (or the file itself), checked to be one."""
    path = Path(path)
    file = path / "findings.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise InputFileError(f"找不到稽核结果：{file}", "请先运行 kcdocs audit，并给出它的输出文件夹。") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputFileError(f"稽核结果 {file} 无法读取：{exc}", "请重新运行 kcdocs audit 生成。") from None
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith("kcdocs.audit/"):
        raise InputFileError(f"{file} 不是 kcdocs 稽核结果（findings.json）。", "请给出 kcdocs audit 的输出文件夹。")
    return data


def _item_names() -> dict[str, str]:
    from kcdocs.checklists import load_checklists

    try:
        checklists = load_checklists(None)
    except Exception:  # the built-in checklists only name items; without them rule ids are shown
        return {}
    return {i.id: i.name for d in checklists.dispositions for i in checklists.items_for(d)}


def pending_items(findings: dict, names: dict[str, str] | None = None) -> list[PendingItem]:
    names = _item_names() if names is None else names
    out = []
    for case in findings.get("cases", []):
        sha = {e.get("file"): e.get("sha256") for e in case.get("evidence", [])}
        for r in case.get("review", []):
            if r.get("absent"):
                continue  # a document that is not there: nothing to confirm
            rule = r.get("rule") or ""
            out.append(PendingItem(case.get("case_id", ""), case.get("name") or "", case.get("district") or "",
                                   rule, names.get(rule, rule), r.get("file"), sha.get(r.get("file")), r.get("page"),
                                   r.get("reason") or "", r.get("confidence"), r.get("thumb")))
    return out
