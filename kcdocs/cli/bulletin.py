"""kcdocs bulletin FINDINGS… -o 通报.pdf"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config
from kcdocs.errors import ExitCode


@click.command("bulletin")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="稽核结果…")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="通报.pdf",
              help="写入的通报 PDF（公文格式）。")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), metavar="通报.xlsx",
              help="同时写入 Excel 附表（各区市进展、问题类型、清零进度、阻碍清零的个案完整名单）。")
@click.option("--reports", type=click.Path(dir_okay=False, path_type=Path), metavar="报送记录.xlsx",
              help="周报、月报报送记录（列：区市、报告、期次、报送日期），用于统计逾期报送。")
@click.option("--unit", metavar="发文单位", help="落款的发文单位（默认 kcdocs.toml 的 [notices] unit）。")
@click.option("--number", metavar="发文字号", help="发文字号，如 枣教字〔2020〕20号。")
@click.option("--date", "when", type=DATE, help="落款日期，默认今天。")
@config_option
def bulletin_command(sources, output, xlsx, reports, unit, number, when, config_path):
    """全市控辍保学进展通报：汇总各区（市）的稽核结果，生成公文格式的通报。

    稽核结果为各区（市）kcdocs audit 的输出文件夹（含 findings.json 和“历史”文件夹中保留的历次稽核），
    或单个 findings.json；同一份结果中有多个区市的个案时按区市分开统计。各区（市）只需报送这些小文件，不必报送扫描件。

    退出码：0 完成；1 完成但有稽核结果或报送记录的行无法读取（已列出）；2 无法运行。
    """
    from kcdocs.bulletin import BulletinOptions, make_bulletin

    opts = BulletinOptions(sources=list(sources), output=output, xlsx=xlsx, reports=reports, unit=unit,
                           number=number, when=when, config=get_config(config_path))
    result = make_bulletin(opts)
    echo_problems(result.problems)
    cleared = sum(1 for d in result.districts if d.cleared)
    click.echo(f"通报完成：{len(result.districts)} 个区（市），已清零 {cleared} 个；读取稽核结果 {result.audits} 份"
               f"（用时 {result.seconds:.1f} 秒）。")
    if result.late is None:
        click.echo("未给出 --reports 报送记录.xlsx（列：区市、报告、期次、报送日期），通报中未统计周报、月报逾期报送。", err=True)
    click.echo("输出：" + "；".join(str(p) for p in result.outputs))
    return ExitCode.INPUT_PROBLEMS if result.problems else ExitCode.OK
