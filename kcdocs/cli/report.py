"""kcdocs report weekly|monthly LEDGER --week/--month … -o OUT.pdf"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config
from kcdocs.errors import ExitCode
from kcdocs.reports import ReportOptions, make_report


@click.group("report")
def report_group() -> None:
    """控辍保学周报、月报：由台账中的日期计算，带主要负责人签字框、盖章区和二维码。"""


def _options(func):
    func = click.argument("ledger", type=click.Path(path_type=Path), metavar="台账.xlsx")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                        metavar="输出.pdf", help="输出的 PDF 文件。")(func)
    func = click.option("--unit", "--reporter", "unit", metavar="单位全称",
                        help="报送单位（如 滕州市教育和体育局），印在报告抬头；默认取 kcdocs.toml 的 [reports] unit。")(func)
    func = click.option("--district", metavar="区市", help="只统计该区（市）的个案（与台账“区市”列一致），按学校分行。")(func)
    func = click.option("--school", metavar="学校", help="只统计该学校的个案（与台账“学校”列一致），按年级分行。")(func)
    func = click.option("--narrative", type=click.Path(dir_okay=False, path_type=Path), metavar="文本文件",
                        help="工作情况文字（.txt 或 .md，分“工作开展情况”“存在问题”“下步打算”三段，各以标题行开头）。")(func)
    func = click.option("--progress", metavar="文字", help="工作开展情况（优先于 --narrative 中的同名一段）。")(func)
    func = click.option("--issues", metavar="文字", help="存在问题。")(func)
    func = click.option("--plans", metavar="文字", help="下步打算。")(func)
    func = click.option("--date", "generated", type=DATE,
                        help="报告日期（默认今天）；晚于报送截止日时报告上标“逾期”。")(func)
    func = click.option("--docx", "docx_dir", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                        help="同时在此文件夹写入可编辑的 Word 文件（如 2020年5月月报.docx）。")(func)
    return config_option(func)


def _narrative(path, progress, issues, plans) -> dict[str, str] | None:
    from kcdocs.reports.content import read_narrative

    given = read_narrative(path) if path else {}
    for key, text in (("progress", progress), ("issues", issues), ("plans", plans)):
        if text:
            given[key] = text.replace("\\n", "\n")
    return given or None


def _run(kind: str, ledger, period, output, generated: date | None, docx_dir, config_path, unit=None,
         district=None, school=None, narrative=None, progress=None, issues=None, plans=None):
    result = make_report(ReportOptions(kind=kind, ledger=ledger, period=period, output=output, unit=unit,
                                       district=district, school=school,
                                       narrative=_narrative(narrative, progress, issues, plans),
                                       generated=generated, docx_dir=docx_dir, config=get_config(config_path)))
    t = result.totals
    late = f"，已逾期 {result.overdue_days} 天" if result.overdue_days else ""
    click.echo(f"已生成{'周报' if kind == 'weekly' else '月报'}（{result.period.label}，{result.pages} 页）→ {output}："
               f"期初 {t['start']} + 新增 {t['new']} − 劝返复学 {t['returned']} − 特殊劝返 {t['special']} − "
               f"核销 {t['writeoff']} = 期末 {t['end']}{'' if result.balanced else '（核对不一致）'}"
               f"；报送截止 {result.period.due.isoformat()}{late}；名单 → {result.lists}"
               + (f"；Word → {result.docx}" if result.docx else ""))
    echo_problems(result.ledger_notices)
    if result.skipped_rows:
        click.echo(f"台账中有 {result.skipped_rows} 行不能完整读取，未计入本报告；报告的“数据问题”一节逐行列出了原因，"
                   "请改正台账后重新生成。", err=True)
    if result.attempt_rows:
        click.echo(f"劝返记录中有 {len(result.attempt_rows)} 行不能完整读取，这些劝返未计入本报告（有关个案可能被算作“未劝返”）；"
                   "请改正后重新生成：\n" + "\n".join(f"  {line}" for line in result.attempt_rows), err=True)
    if not result.balanced:
        click.echo("台账数据前后矛盾，报告的“数据问题”一节列出了原因。", err=True)
    return ExitCode.INPUT_PROBLEMS if result.skipped_rows or result.attempt_rows or not result.balanced else ExitCode.OK


@report_group.command("weekly")
@_options
@click.option("--week", required=True, metavar="周",
              help="报告的周：2020-W20、2020年第20周、第20周（年份取报告日期的），或该周中的任意一天（如 2020-05-13）。")
def weekly(ledger, output, generated, docx_dir, config_path, week, **scope):
    """周报：本周新增、劝返复学、特殊劝返、核销和期末未销号个案；报送截止为下周三（可配置）。"""
    return _run("weekly", ledger, week, output, generated, docx_dir, config_path, **scope)


@report_group.command("monthly")
@_options
@click.option("--month", required=True, metavar="月份", help="报告的月份：2020-05、2020年5月、2020.5。")
def monthly(ledger, output, generated, docx_dir, config_path, month, **scope):
    """月报：同周报，另有每周末未销号个案数的清零进度图；报送截止为次月2日（可配置）。"""
    return _run("monthly", ledger, month, output, generated, docx_dir, config_path, **scope)
