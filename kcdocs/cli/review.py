"""kcdocs review list|export|apply — human review decisions that last."""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import echo_problems
from kcdocs.errors import ExitCode


@click.group("review")
def review_group():
    """人工复核：列出待复核项目，导出复核工作簿，读回复核决定。

    复核决定（确认已签字 / 确认已盖章 / 确认材料无误 / 不符合，复核人、时间、备注）记入佐证材料文件夹中的
    “复核记录.jsonl”，与文件的 SHA-256 和页码、签名框绑定；文件改动后决定自动失效。之后的稽核和迎检卷宗都采用这些决定。
    """


@review_group.command("list")
@click.argument("audit_dir", type=click.Path(path_type=Path), metavar="稽核输出文件夹")
def list_command(audit_dir):
    """列出一次稽核的全部待复核项目（读取稽核输出文件夹中的 findings.json）。"""
    from kcdocs.audit.report import mask_text
    from kcdocs.review import load_findings, pending_items

    items = pending_items(load_findings(audit_dir))
    if not items:
        click.echo("没有待复核的项目。")
        return ExitCode.OK
    for n, p in enumerate(items, start=1):
        where = f"{p.file} 第{p.page or 1}页" if p.file else "台账"
        click.echo(mask_text(f"{n}. {p.case_id} {p.name}｜{p.item_name}｜{where}｜{p.reason}"))
    click.echo(f"共 {len(items)} 项待复核，涉及 {len({p.case_id for p in items})} 个案例。"
               f"导出复核工作簿：kcdocs review export {audit_dir} -o 待复核.xlsx")
    return ExitCode.OK


@review_group.command("export")
@click.argument("audit_dir", type=click.Path(path_type=Path), metavar="稽核输出文件夹")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="待复核.xlsx",
              help="写入的复核工作簿（每个待复核项目一行，“决定”列为下拉列表）。")
def export_command(audit_dir, output):
    """导出待复核工作簿：逐项查看材料后在“决定”列选择，填写复核人、备注，再用 kcdocs review apply 读回。"""
    from kcdocs.review import load_findings, pending_items, write_pending_workbook

    items = pending_items(load_findings(audit_dir))
    write_pending_workbook(items, output)
    click.echo(f"已导出 {len(items)} 个待复核项目：{output}")
    return ExitCode.OK


@review_group.command("apply")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path), metavar="填好的工作簿.xlsx")
@click.option("--evidence", "evidence_root", type=click.Path(file_okay=False, path_type=Path), required=True,
              metavar="佐证材料文件夹", help="稽核时用的佐证材料文件夹；复核记录写入其中的“复核记录.jsonl”。")
@click.option("--reviewer", metavar="姓名", help="复核人（工作簿中“复核人”列为空的行用这个姓名）。")
def apply_command(workbook, evidence_root, reviewer):
    """读回填好的复核工作簿（或稽核生成、区（市）填好“整改情况”的 findings.xlsx），记录每个决定。

    “决定”为空的行不记录（仍待复核）；无法使用的行逐一列出（工作表、行、列、原因），其余照常记录，退出码 1。
    之后重新运行 kcdocs audit，报告即采用这些决定。
    """
    from kcdocs.review import record_workbook

    done = record_workbook(workbook, evidence_root, reviewer)
    echo_problems(done.problems)
    click.echo(f"已记录 {done.decisions} 个复核决定、{done.rectifications} 条整改情况（{done.store}）；"
               f"{done.blank} 行未填写决定，仍待复核；{len(done.problems)} 行无法使用。")
    if done.decisions or done.rectifications:
        click.echo("请重新运行 kcdocs audit，报告和整改台账即采用这些决定。")
    return ExitCode.INPUT_PROBLEMS if done.problems else ExitCode.OK
