"""kcdocs report weekly|monthly LEDGER --week/--month … -o OUT.pdf"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, get_config
from kcdocs.errors import ExitCode
from kcdocs.reports import ReportOptions, make_report


@click.group("report")
def report_group() -> None:
    """控辍保学周报、月报：由台账中的日期计算，带主要负责人签字框、盖章区和二维码。"""


def _options(func):
    func = click.argument("ledger", type=click.Path(path_type=Path), metavar="台账.xlsx")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                        metavar="输出.pdf", help="输出的 PDF 文件。")(func)
    func = click.option("--unit", metavar="区市或学校",
                        help="只统计该区（市）或学校（与台账“区市”或“学校”列一致）；默认全部。")(func)
    func = click.option("--date", "generated", type=DATE,
                        help="报告日期（默认今天）；晚于报送截止日时报告上标“逾期”。")(func)
    func = click.option("--docx", "docx_dir", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                        help="同时在此文件夹写入可编辑的 Word 文件。")(func)
    return config_option(func)


def _run(kind: str, ledger, period, output, unit, generated: date | None, docx_dir, config_path):
    result = make_report(ReportOptions(kind=kind, ledger=ledger, period=period, output=output, unit=unit,
                                       generated=generated, docx_dir=docx_dir, config=get_config(config_path)))
    t = result.totals
    late = f"，已逾期 {result.overdue_days} 天" if result.overdue_days else ""
    click.echo(f"已生成{'周报' if kind == 'weekly' else '月报'}（{result.period.label}，{result.pages} 页）→ {output}："
               f"期初 {t['start']} + 新增 {t['new']} − 劝返复学 {t['returned']} − 特殊劝返 {t['special']} − "
               f"核销 {t['writeoff']} = 期末 {t['end']}{'' if result.balanced else '（核对不一致）'}"
               f"；报送截止 {result.period.due.isoformat()}{late}；名单 → {result.lists}")
    if not result.balanced:
        click.echo("台账数据前后矛盾，报告的“数据问题”一节列出了原因。", err=True)
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK


@report_group.command("weekly")
@_options
@click.option("--week", required=True, metavar="2020-W20", help="报告的周（ISO 周），如 2020-W20。")
def weekly(ledger, output, unit, generated, docx_dir, config_path, week):
    """周报：本周新增、劝返复学、特殊劝返、核销和期末未销号个案；报送截止为下周三（可配置）。"""
    return _run("weekly", ledger, week, output, unit, generated, docx_dir, config_path)


@report_group.command("monthly")
@_options
@click.option("--month", required=True, metavar="2020-05", help="报告的月份，如 2020-05。")
def monthly(ledger, output, unit, generated, docx_dir, config_path, month):
    """月报：同周报，另有每周末未销号个案数的清零进度图；报送截止为次月2日（可配置）。"""
    return _run("monthly", ledger, month, output, unit, generated, docx_dir, config_path)
