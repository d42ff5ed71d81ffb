"""checklists/README.md, generated from the YAML so that it cannot drift (a test compares)."""

from __future__ import annotations

from pathlib import Path

from kcdocs.checklists.checks import CHECKS
from kcdocs.checklists.loader import load_checklists
from kcdocs.checklists.models import ChecklistSet
from kcdocs.checklists.operators import OPERATORS

EVIDENCE = {"scan": "扫描件", "data": "台账数据", "file": "文件", "data+scan": "台账数据或扫描件"}
OPERATOR_TEXT = {
    "document": "须有某种材料（按文件名、PDF 标题识别）",
    "any_of": "以下任一满足即可",
    "min_count": "某种材料至少几份；`per: attempts` 表示每次劝返一份；`of: media` 计录音录像文件",
    "field": "台账某列必填，可限定占位词、最少字数、格式、应等于的值、须含的词",
    "condition": "命名条件（见下表）",
    "signatures": "某材料须有签字（暂不能自动识别时列入“待人工复核”）",
    "seal": "某材料须加盖公章（暂不能自动识别或灰度扫描时列入“待人工复核”）",
}

CHECK_TEXT = {
    "identity": "身份证号有效（校验位正确），出生日期、性别与号码一致",
    "age": "年龄（周岁）在 `min`—`max` 之间；`on:` 为稽核基准日（默认）或台账某日期列，如 安置日期",
    "attempts": "结果为 `results`（默认 无效）的劝返不少于 `min` 次；`before:` 只计某日期列之前的",
    "attempt_details": "每次劝返都登记了 `fields` 中的各项（默认：日期、方式、参与人员、内容、结果）",
    "dates": "日期前后一致：劝返不晚于基准日、不早于辍学日期，复学、安置在辍学之后",
    "unique_evidence": "同一份材料（内容完全相同的文件）不得出现在两个案例中",
    "readable_evidence": "案例文件夹中的文件都能打开（不损坏、不加密、不为空、类型受支持）",
    "ledger_row": "台账中本案例的行（学生台账、劝返记录）都能读取；读不出的单元格逐一列为台账数据问题",
    "evidence_subject": "文字识别读出的材料上的姓名、身份证号与台账一致；读不出的、识别把握不大的列入待人工复核",
    "evidence_dates": "材料上某日期（`labels` 之后的日期）不晚于 `not_after` / 不早于 `not_before` 所指的台账日期列",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def generate_readme(checklists: ChecklistSet | None = None) -> str:
    """The Markdown text of checklists/README.md."""
    cs = checklists or load_checklists()
    out = ["# 稽核清单（checklists/）", "",
           "> 本文件由 `python -m kcdocs.checklists` 根据各 YAML 文件生成，请勿手工修改；测试会检查它是否最新。", "",
           "条目编号（如 `W4.death_proof`）供 findings.json 和其他程序使用，报告和卷宗中显示条目名称。"
           "`require:` 只能使用下列要求类型：", "",
           "| 要求类型 | 含义 |", "|---|---|"]
    out += [f"| `{name}` | {OPERATOR_TEXT.get(name, '')} |" for name in OPERATORS]
    out += ["", "`condition:` 可用的条件：", "", "| 条件 | 含义 |", "|---|---|"]
    out += [f"| `{name}` | {CHECK_TEXT.get(name, '')} |" for name in CHECKS]
    for f in cs.files:
        out += ["", f"## {f.title}（{f.path.name if f.path else ''}）", ""]
        if f.source:
            out.append(f"依据：{f.source}")
        if f.disposition:
            d = f.disposition
            out.append(f"处置类型代码 `{d.code}`，台账中也可写：" + "、".join([d.name, *d.aliases]))
        out += ["", "| 编号 | 名称 | 材料 | 要求 | 识别的材料名称（含别名） | 整改建议 |", "|---|---|---|---|---|---|"]
        for item in f.items:
            docs = "；".join(f"{d.name}（{'、'.join(d.aliases)}）" if d.aliases else d.name for d in item.documents)
            scope = ""
            if item.applies_to:
                scope += "适用：" + "、".join(item.applies_to) + "。"
            if item.except_:
                scope += "不适用：" + "、".join(item.except_) + "。"
            if item.when:
                scope += "仅当" + "、".join(f"{k}为{'/'.join(v)}" for k, v in item.when.items()) + "。"
            out.append(f"| `{item.id}` | {_cell(item.name)} | {EVIDENCE[item.evidence]} | "
                       f"{_cell(scope + item.requirement_text())} | {_cell(docs) or '—'} | {_cell(item.guidance)} |")
        if f.overrides:
            out.append("")
            out += [f"本处置类型调整：`{rule}` {o.model_dump(exclude_none=True)}" for rule, o in f.overrides.items()]
    return "\n".join(out) + "\n"


def write_readme(directory: Path | None = None) -> Path:
    from kcdocs.resources import checklists_dir

    directory = Path(directory or checklists_dir())
    target = directory / "README.md"
    target.write_text(generate_readme(load_checklists(directory) if directory else None), encoding="utf-8")
    return target
