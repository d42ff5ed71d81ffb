"""kcdocs template ledger|roster -o FILE.xlsx"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.errors import ExitCode

DEFAULTS = {"ledger": "控辍保学台账模板.xlsx", "roster": "名册模板.xlsx"}


@click.command("template")
@click.argument("kind", type=click.Choice(["ledger", "roster"]), metavar="ledger|roster")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="输出.xlsx",
              help="输出的 Excel 文件（默认：控辍保学台账模板.xlsx / 名册模板.xlsx）。")
def template_command(kind: str, output: Path | None) -> int:
    """空白模板：ledger 为控辍保学台账（学生台账、劝返记录两个工作表），roster 为通知书名册。
    表头带填写说明（批注），固定选项有下拉列表，身份证号等列为文本格式，日期列为日期格式。"""
    from kcdocs.templates_xlsx import write_ledger_template, write_roster_template

    path = output or Path(DEFAULTS[kind])
    (write_ledger_template if kind == "ledger" else write_roster_template)(path)
    click.echo(f"已生成{'台账' if kind == 'ledger' else '名册'}模板 → {path}")
    return ExitCode.OK
