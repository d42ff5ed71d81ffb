"""Load and validate ``checklists/*.yaml``; a bad checklist is a clear Chinese error."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from kcdocs.checklists.models import ALL, ChecklistFile, ChecklistSet
from kcdocs.errors import KcdocsError
from kcdocs.resources import checklists_dir
from kcdocs.textnorm import squash


class ChecklistError(KcdocsError):
    """A checklist file is malformed: the audit cannot run (exit 2)."""


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _yaml_loader():
    """A safe loader with YAML 1.2 booleans: only true/false, so ``on:``/``no`` stay words."""
    import re

    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:bool"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    return Loader


def load_file(path: Path) -> ChecklistFile:
    import yaml

    try:
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_yaml_loader())
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise ChecklistError(f"清单文件 {path.name} 无法解析：{exc}", "请检查 YAML 缩进和冒号。") from exc
    if not isinstance(raw, dict):
        raise ChecklistError(f"清单文件 {path.name} 不是键值映射。", "请参照 checklists/ 中已有的文件书写。")
    try:
        checklist = ChecklistFile.model_validate(raw)
    except ValidationError as exc:
        lines = [f"清单文件 {path.name} 有错误："]
        for err in exc.errors():
            msg = "不认识的键（拼写错误？）" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"  {_where(err['loc'])}：{msg.removeprefix('Value error, ')}")
        raise ChecklistError("\n".join(lines), "请对照 checklists/README.md 与 docs/audit.md 修改。") from exc
    return checklist.model_copy(update={"path": path})


def _cross_check(files: list[ChecklistFile]) -> list[str]:
    """Problems that span files: duplicate ids, unknown targets, undeclared or ambiguous documents."""
    problems, seen = [], {}
    codes = {f.disposition.code for f in files if f.disposition}
    groups = {f.disposition.group for f in files if f.disposition}
    if not codes:
        problems.append("没有任何处置类型清单（带 disposition: 的文件）。")
    alias_owner: dict[str, str] = {}
    for f in files:
        name = f.path.name if f.path else f.title
        for item in f.items:
            if item.id in seen:
                problems.append(f"{name}：条目 {item.id} 与 {seen[item.id]} 重复。")
            seen[item.id] = name
            if f.disposition and not item.id.startswith(f.disposition.code + "."):
                problems.append(f"{name}：条目 {item.id} 应以“{f.disposition.code}.”开头。")
            for target in item.applies_to + item.except_:
                if target not in codes | groups | {ALL}:
                    problems.append(f"{name}：条目 {item.id} 的 applies_to/except 中“{target}”不是已知的处置类型或分组。")
            for doc in item.documents:
                for word in (doc.name, *doc.aliases):
                    owner = alias_owner.setdefault(squash(word), doc.name)
                    if owner != doc.name:
                        problems.append(f"{name}：“{word}”同时指向《{owner}》和《{doc.name}》，无法区分。")
        for rule in f.overrides:
            if rule not in seen and not any(rule == i.id for g in files for i in g.items):
                problems.append(f"{name}：overrides 中的 {rule} 不是已有条目。")
    problems += _disposition_clashes(files)
    declared = set(alias_owner.values())
    for f in files:
        for item in f.items:
            for req in item.require:
                for doc in sorted(req.documents() - declared):
                    problems.append(f"{f.path.name if f.path else f.title}：条目 {item.id} 要求的《{doc}》"
                                    "没有在任何条目的 documents 中声明（名称与别名）。")
    return problems


def _disposition_clashes(files: list[ChecklistFile]) -> list[str]:
    """Two dispositions whose words read the same once spelling is normalised cannot be told apart."""
    from kcdocs.checklists.models import title_words
    from kcdocs.ledger.models import disposition_key

    owner: dict[str, tuple[str, str]] = {}  # key -> (code, word)
    problems = {}
    for f in files:
        d = f.disposition
        if d is None:
            continue
        short = d.name.split("·")[-1]
        for word in (d.name, short, *d.aliases, *title_words(f.title, d.code)):
            key = disposition_key(word)
            code, first = owner.setdefault(key, (d.code, word)) if key else (d.code, word)
            if code != d.code and (code, d.code) not in problems:
                problems[(code, d.code)] = (f"{f.path.name if f.path else f.title}：{d.code} 的名称“{word}”与 {code} 的"
                                            f"“{first}”相同（不计括号、分隔符、“的”和“核销”“特殊劝返”前缀），无法区分。")
    return list(problems.values())


def load_checklists(directory: str | Path | None = None) -> ChecklistSet:
    """Every ``*.yaml`` in ``directory`` (default: the built-in ``checklists/``), validated."""
    if directory is None:
        return _default()
    return _load(Path(directory))


def _load(directory: Path) -> ChecklistSet:
    if not directory.is_dir():
        raise ChecklistError(f"找不到清单文件夹：{directory}", "请检查 --checklists 后的路径。")
    paths = sorted(list(directory.glob("*.yaml")) + list(directory.glob("*.yml")))
    if not paths:
        raise ChecklistError(f"清单文件夹 {directory} 中没有 .yaml 文件。")
    files = [load_file(p) for p in paths]
    problems = _cross_check(files)
    if problems:
        raise ChecklistError("清单有错误：\n  " + "\n  ".join(problems),
                             "请对照 checklists/README.md 与 docs/audit.md 修改。")
    return ChecklistSet(files)


@lru_cache(maxsize=1)
def _default() -> ChecklistSet:
    return _load(checklists_dir())
