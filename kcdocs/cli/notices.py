"""kcdocs notices enrollment|return ROSTER -o OUT.pdf"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config, progress_bar
from kcdocs.errors import ExitCode
from kcdocs.notices import NoticeOptions, make_notices


@click.group("notices")
def notices_group() -> None:
    """批量生成义务教育入学通知书、复学通知书（每人一页，合成一个可直接打印的 PDF）。"""


def _notice_command(kind: str, title: str):
    @click.argument("roster", type=click.Path(path_type=Path), metavar="名册")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  metavar="输出.pdf",
                  help="输出的 PDF 文件，例如 out/通知书.pdf。")
    @click.option("--docx", "docx_dir", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
                  help="同时在此文件夹写入可编辑的 Word 文件（每人一个）。")
    @click.option("--unit", metavar="单位名称", help="发文单位（名册中没有“发文单位”列时使用）。")
    @click.option("--date", "issue_date", type=DATE, help="落款日期（默认今天），如 2020-08-01。")
    @click.option("--deadline", type=DATE, help="报到截止日期（名册中没有该列或为空时使用）。")
    @click.option("--sheet", "sheets", metavar="工作表", multiple=True,
                  help="只读取这个工作表（可写多次，如 --sheet 一班 --sheet 二班）；"
                       "默认读取每个带名册表头的工作表。")
    @click.option("--receipt", is_flag=True,
                  help="在每份通知书下方加可剪下的送达回证（带二维码和受送达人、送达人签字框），用于证明已送达。")
    @click.option("--skip-invalid", is_flag=True,
                  help="跳过有错误的行：只为有效行生成通知书，错误行另存为 OUT.rejected.xlsx。")
    @config_option
    def command(roster, output, docx_dir, unit, issue_date, deadline, sheets, receipt, skip_invalid, config_path):
        opts = NoticeOptions(kind=kind, roster=roster, output=output, docx_dir=docx_dir, unit=unit,
                             issue_date=issue_date, deadline=deadline, skip_invalid=skip_invalid,
                             sheet=list(sheets) or None, receipt=receipt, config=get_config(config_path))
        with progress_bar(f"正在排版{title}") as update:
            result = make_notices(opts, progress=update)
        warnings = [p for p in result.problems if not p.is_error]
        errors = [p for p in result.problems if p.is_error]
        echo_problems(errors + warnings)
        line = (f"已生成 {result.count} 份{title} → {result.output}（用时 {result.seconds:.1f} 秒；"
                f"{result.fonts}）")
        if result.docx_count:
            line += f"；Word 文件 {result.docx_count} 个 → {opts.docx_dir}"
        click.echo(line)
        if result.rejected_count:
            click.echo(f"有 {result.rejected_count} 行因错误被跳过，已另存为 {result.rejected_path}，"
                       "改正后可重新生成。", err=True)
        if result.flagged:
            click.echo(f"有 {len(result.flagged)} 处问题需要处理（见上面的提示：未读入的工作表、打印不出的字），"
                       "处理后请重新生成。", err=True)
        return ExitCode.INPUT_PROBLEMS if result.rejected_count or result.flagged else ExitCode.OK

    command.__doc__ = (f"生成{title}：名册为 .xlsx/.xls/.csv 文件，每名学生一页。\n\n"
                       "名册须有列：学生姓名、监护人姓名、学校、报到截止日期（或 --deadline）；"
                       "可选：身份证号、发文单位、落款日期。任何一行有错时默认不生成文件并列出全部错误。"
                       "工作簿中每个带名册表头的工作表（如每班一个）都会读入。")
    return command


notices_group.command("enrollment")(_notice_command("enrollment", "入学通知书"))
notices_group.command("return")(_notice_command("return", "复学通知书"))
