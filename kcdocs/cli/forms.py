"""kcdocs forms FORM LEDGER -o OUT.pdf [--case ID…] [--docx DIR]"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config, progress_bar
from kcdocs.errors import ExitCode
from kcdocs.forms import FORM_TYPES, FormOptions, make_forms
from kcdocs.ledger.notes import row_lines

MAX_SHOWN = 50

_FORM_HELP = "；".join(f"{k}：{v}" for k, v in FORM_TYPES.items())


@click.command("forms")
@click.argument("form", type=click.Choice(list(FORM_TYPES)), metavar="表单")
@click.argument("ledger", type=click.Path(path_type=Path), metavar="台账.xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="输出.pdf",
              help="输出的 PDF 文件。")
@click.option("--case", "cases", multiple=True, metavar="台账编号", help="只打印这些个案（可重复）。默认全部。")
@click.option("--docx", "docx_dir", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="同时在此文件夹写入可编辑的 Word 文件（每份表单一个）。")
@click.option("--mask-ids", is_flag=True,
              help="遮蔽身份证号（默认完整显示：监护人签字的申请、通知书要写明完整的公民身份号码）。")
@click.option("--unit", metavar="单位", help="发文单位（责令限期改正通知书、提请函、催报通知书的落款）；默认取配置文件。")
@click.option("--date", "issue_date", type=DATE, metavar="日期",
              help="落款日期，如 2020-06-01（默认留空手写）；催报通知书按此日期判断是否逾期（默认今天）。")
@click.option("--deadline", type=DATE, metavar="日期",
              help="限期改正或催报的截止日期；不填时写“自收到本通知书之日起七日内”。")
@click.option("--court", metavar="单位", help="提请函的收函单位，如“滕州市人民法院”（默认留空手写）。")
@click.option("--overdue-days", type=click.IntRange(0, 365), default=7, show_default=True, metavar="天数",
              help="催报通知书：复学通知书下达满多少天仍未复学的算逾期未报到。")
@config_option
def forms_command(form, ledger, output, cases, docx_dir, mask_ids, unit, issue_date, deadline, court, overdue_days,
                  config_path):
    """打印需要签字的表单：每页带二维码和签字框，扫描回来后能自动识别。

    表单：persuasion-record 劝返复学工作记录表（劝返记录中每次劝返一份，每位参与人员和监护人各一个签字框，
    签字框放不下时自动续页）；application 书面申请（P1：引导至中等职业学校接受教育申请书；W7：延缓入学或
    休学申请书）；education-plan 个性化教育方案（P1，帮包责任人签字）；criticism-record 批评教育记录、
    correction-order 责令限期改正通知书、judicial-request 提请发放司法文书的函（P2 强制入学）；
    overdue-reminder 逾期未报到催报通知书（已下达复学通知书、仍未复学的个案）。
    """
    opts = FormOptions(form=form, ledger=ledger, output=output, cases=list(cases), docx_dir=docx_dir,
                       mask_ids=mask_ids, unit=unit, issue_date=issue_date, deadline=deadline, court=court,
                       overdue_days=overdue_days, config=get_config(config_path))
    with progress_bar("正在排版表单") as update:
        result = make_forms(opts, progress=update)
    line = (f"已生成 {result.documents} 份{FORM_TYPES[form].split('（')[0]}，共 {result.pages} 页 → {result.output}"
            f"（用时 {result.seconds:.1f} 秒；{result.fonts}）")
    if result.docx_count:
        line += f"；Word 文件 {result.docx_count} 个 → {docx_dir}"
    click.echo(line)
    if result.skipped:
        click.echo(f"以下个案没有这种表单，已跳过：{'、'.join(result.skipped)}", err=True)
    echo_problems(result.ledger_notices)
    if result.ledger_problems:
        lines = row_lines(result.ledger_problems)
        click.echo(f"台账中有 {len(lines)} 行不能完整读取，没有为这些行打印表单；请按提示改正台账后重新打印：", err=True)
        for text in lines[:MAX_SHOWN]:
            click.echo("  " + text, err=True)
        if len(lines) > MAX_SHOWN:
            click.echo(f"  ……另有 {len(lines) - MAX_SHOWN} 行未显示。", err=True)
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK
