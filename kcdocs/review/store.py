"""Review decisions kept next to the evidence: ``EVIDENCE_ROOT/复核记录.jsonl``.

One JSON object per line, appended, never rewritten: the file is the history of every
decision (who, when, what, why) and diffs line by line under version control. A decision
is bound to one review item by :func:`item_key` — the SHA-256 of the file, the page, the
checklist item, what is checked (签字 / 公章 / 材料), the signature box (the signer it
names) and the case (a byte-identical scan in two case folders is decided per case). When the file changes its SHA-256 changes, the key no longer matches and the item
is pending again. For the same key the last line wins (a reviewer can change a decision).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kcdocs.errors import InputFileError
from kcdocs.tabular import Problem

STORE_NAME = "复核记录.jsonl"
RECTIFICATION = "整改情况"  # lines of this 类型 carry a district's report on an open finding
CONFIRM_SIGNED, CONFIRM_SEALED, CONFIRM_OK, REJECT = "确认已签字", "确认已盖章", "确认材料无误", "不符合"
DECISIONS = (CONFIRM_SIGNED, CONFIRM_SEALED, CONFIRM_OK, REJECT)
SIGN, SEAL, MATERIAL = "签字", "公章", "材料"
# which confirmations fit which check ("确认材料无误" fits any: the reviewer looked at the page)
FITS = {SIGN: (CONFIRM_SIGNED, CONFIRM_OK, REJECT), SEAL: (CONFIRM_SEALED, CONFIRM_OK, REJECT),
        MATERIAL: (CONFIRM_OK, REJECT)}
REJECT_KIND = {SIGN: "unsigned", SEAL: "unsealed", MATERIAL: "data"}
_BOX = re.compile(r"(?:置信度低：|，)((?:工作人员|监护人|学生本人|帮包责任人)[^（，的]*)")


def mark_of(reason: str) -> str:
    """What a review note asks a person to look at."""
    if "公章" in reason:
        return SEAL
    if "签名" in reason or "签字" in reason:
        return SIGN
    return MATERIAL


def box_of(reason: str) -> str:
    """The signer a note about one signature box names (工作人员刘芳), or ""."""
    m = _BOX.search(reason)
    return m.group(1) if m and "签" in reason else ""


def item_key(case_id: str, sha256: str | None, page: int | None, rule: str, reason: str) -> str:
    """The identity of a review item: a decision recorded for it applies while this holds."""
    mark = mark_of(reason)
    box = box_of(reason)
    if not sha256:  # a note about ledger data only: bound to its case and exact wording
        return f"台账:{case_id}|{rule}|{mark}|{reason}"
    return f"{case_id}|{sha256}|{page or 1}|{rule}|{mark}|{box}"


@dataclass
class Decision:
    case_id: str
    file: str | None
    sha256: str | None
    page: int | None
    rule: str
    mark: str
    box: str
    decision: str
    reviewer: str
    at: str  # ISO date-time
    note: str = ""
    reason: str = ""  # the review item's text when decided

    @property
    def key(self) -> str:
        if not self.sha256:
            return f"台账:{self.case_id}|{self.rule}|{self.mark}|{self.reason}"
        return f"{self.case_id}|{self.sha256}|{self.page or 1}|{self.rule}|{self.mark}|{self.box}"

    @property
    def confirmed(self) -> bool:
        return self.decision != REJECT

    @property
    def day(self) -> str:
        return self.at[:10]

    def as_line(self) -> str:
        data = {"台账编号": self.case_id, "文件": self.file, "页": self.page, "规则": self.rule, "核验": self.mark,
                "签名框": self.box, "决定": self.decision, "复核人": self.reviewer, "时间": self.at,
                "备注": self.note, "事项": self.reason, "SHA256": self.sha256}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_line(cls, data: dict) -> "Decision":
        decision = data["决定"]
        if decision not in DECISIONS:
            raise ValueError(f"决定“{decision}”不是 {'、'.join(DECISIONS)} 之一")
        if not str(data.get("复核人") or "").strip():
            raise ValueError("没有写复核人")
        mark = data.get("核验") or MATERIAL
        if mark not in FITS or decision not in FITS[mark]:
            raise ValueError(f"“{decision}”不适用于{mark}的核验")
        return cls(str(data["台账编号"]), data.get("文件"), data.get("SHA256"), data.get("页"), str(data["规则"]),
                   data.get("核验") or MATERIAL, data.get("签名框") or "", decision, str(data["复核人"]).strip(),
                   str(data.get("时间") or ""), str(data.get("备注") or ""), str(data.get("事项") or ""))


@dataclass
class Store:
    path: Path
    decisions: dict[str, Decision] = field(default_factory=dict)  # key -> the latest decision
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    # (case id, rule, kind) -> the latest 整改情况 a district reported: {"整改情况", "填报人", "时间"}
    rectifications: dict[tuple[str, str, str], dict] = field(default_factory=dict)


def store_path(evidence_root: Path) -> Path:
    return Path(evidence_root) / STORE_NAME


def load_store(evidence_root: Path) -> Store:
    """Every decision of ``EVIDENCE_ROOT/复核记录.jsonl`` (none when there is no such file);
    a line that cannot be read is named in ``problems`` and the others still count."""
    path = store_path(evidence_root)
    store = Store(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        return store
    except (OSError, UnicodeDecodeError) as exc:
        store.problems.append(Problem(str(path), f"复核记录无法读取（{exc}），本次稽核未采用任何复核决定",
                                      hint="请检查文件是否被占用或损坏。", severity="warning"))
        return store
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        store.lines += 1
        try:
            data = json.loads(line)
            if isinstance(data, dict) and data.get("类型") == RECTIFICATION:
                key = (str(data["台账编号"]), str(data["规则"]), str(data.get("问题类型") or ""))
                store.rectifications[key] = data
                continue
            d = Decision.from_line(data)
        except (ValueError, KeyError, TypeError) as exc:
            store.problems.append(Problem(str(path), f"复核记录第{n}行无法识别（{exc}），该行未采用", row=n,
                                          hint="请勿手工改动该文件；可删除该行后重新复核。", severity="warning"))
            continue
        store.decisions[d.key] = d
    return store


def rectification_line(case_id: str, rule: str, kind: str, text: str, who: str, at: str) -> str:
    return json.dumps({"类型": RECTIFICATION, "台账编号": case_id, "规则": rule, "问题类型": kind,
                       "整改情况": text, "填报人": who, "时间": at}, ensure_ascii=False)


def now_text() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def append_decisions(evidence_root: Path, decisions: list[Decision], extra: list[str] = ()) -> Path:
    """Append ``decisions`` to the store in one write, each line whole (a reader never sees
    half a decision); the file is created when absent. The format is in docs/review.md."""
    path = store_path(evidence_root)
    if not Path(evidence_root).is_dir():
        raise InputFileError(f"佐证材料文件夹不存在：{evidence_root}", "请给出稽核时用的佐证材料文件夹。")
    data = "".join([d.as_line() + "\n" for d in decisions] + [x + "\n" for x in extra]).encode("utf-8")
    try:
        prefix = b""
        if path.exists() and path.stat().st_size:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                prefix = b"" if f.read(1) == b"\n" else b"\n"  # a line cut short stays apart
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, prefix + data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputFileError(f"无法写入复核记录 {path}：{exc}",
                             "请确认佐证材料文件夹可以写入（不是只读光盘或网络共享的只读目录）。") from exc
    return path
