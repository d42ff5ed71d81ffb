"""kcdocs reconcile [标签=]POPULATION… STUDENTS -o OUT.xlsx"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config, progress_bar
from kcdocs.errors import ExitCode
from kcdocs.reconcile import ReconcileOptions, ReconcileResult, reconcile

PROBLEMS_SHOWN = 20


@click.command("reconcile")
@click.argument("files", nargs=-1, required=True, metavar="户籍名单... 学籍")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出的比对结果工作簿（.xlsx），例如 out/底数比对.xlsx。")
@click.option("--as-of", "as_of", type=DATE, help="比对基准日（默认今天），例如 2020-05-15。")
@click.option("--cutoff", metavar="月-日",
              help="入学年龄截止日（默认取配置文件 [age] cutoff，即 08-31：8月31日前满6周岁当年入学）。")
@click.option("--ledger", type=click.Path(dir_okay=False, path_type=Path),
              help="把疑似失学辍学儿童作为新案件（状态“未劝返”）追加到此台账工作簿；先自动备份，"
                   "已有的行不改动，已在台账中的身份证号不重复追加；文件不存在时新建。")
@click.option("--mask", is_flag=True, help="结果中的身份证号打码（默认完整显示：结果是内部工作文件）。")
@config_option
def reconcile_command(files, output, as_of, cutoff, ledger, mask, config_path):
    """底数比对：在户籍名单中找出 6—15 周岁、没有学籍的儿童少年。

    \b
    参数：先写一个或多个户籍名单（公安户籍、扶贫办建档立卡、残联残疾儿童等），最后写学籍导出文件。
    名单前可加“标签=”标明来源，例如：
      kcdocs reconcile 公安=户籍.xlsx 建档立卡=扶贫办名单.xlsx 残疾=残联名单.xlsx 学籍.xlsx -o 比对结果.xlsx
    标签（或文件名）含“建档立卡/贫困/扶贫”“残疾/残联”“留守”“随迁”“新落户”时，
    名单中的儿童带上相应的重点群体标记。

    \b
    户籍名单须有列：姓名、身份证号（或残疾证号）；可选：性别、出生日期、区市、乡镇街道、
    村居社区、户籍地址、监护人（或父亲姓名、母亲姓名）、联系电话、来源、重点群体。
    学籍须有列：姓名，以及学籍号或身份证号；可选：性别、出生日期、学校、年级、班级、监护人、学籍状态。
    表头可在标题行之下；支持 .xlsx/.xls/.csv，一个工作簿中每个符合的工作表都会读入。

    \b
    结果工作簿：汇总、疑似失学辍学、待核实（姓名+出生日期相近的候选，须人工确认，不自动合并）、
    重复户籍、学籍无户籍、不在适龄（计数）、数据问题。

    \b
    退出码：0 完成；1 完成但有数据问题（见“数据问题”表，错误行未参与比对）；2 无法运行。
    """
    if len(files) < 2:
        raise click.UsageError("至少需要两个文件：一个或多个户籍名单，最后是学籍文件。")
    opts = ReconcileOptions(population=list(files[:-1]), students=Path(files[-1]), output=output, as_of=as_of,
                            cutoff=cutoff, ledger=ledger, mask=mask, config=get_config(config_path))
    with progress_bar("正在比对") as update:
        result = reconcile(opts, progress=update)
    _print(result)
    return ExitCode.INPUT_PROBLEMS if result.errors else ExitCode.OK


def _print(r: ReconcileResult) -> None:
    errors = r.errors
    if errors:
        echo_problems(errors, limit=PROBLEMS_SHOWN)
    click.echo(f"底数比对完成 → {r.output}（用时 {r.seconds:.1f} 秒）")
    click.echo(f"  户籍名单 {r.people} 人（去重后），其中适龄 {r.in_scope} 人；学籍 {r.students} 条")
    groups = "，".join(f"{g} {r.count_group(g)} 人" for g in ("建档立卡", "残疾") if r.count_group(g))
    click.echo(f"  疑似失学辍学 {len(r.suspected)} 人" + (f"（其中{groups}）" if groups else ""))
    click.echo(f"  待核实 {r.review_people} 人（{r.review_pairs} 个候选）；重复户籍 {r.duplicates} 组；"
               f"学籍无户籍 {r.students_only} 条")
    warnings = len(r.problems) - len(errors)
    if r.problems:
        click.echo(f"  数据问题 {len(r.problems)} 处（错误 {len(errors)}，提示 {warnings}），详见“数据问题”工作表",
                   err=bool(errors))
    if r.ledger is not None:
        led = r.ledger
        line = f"台账 {led.path}：新增 {len(led.added)} 个案件"
        if led.added:
            line += f"（{led.added[0][0]} 起）"
        if led.already:
            line += f"；{led.already} 人已在台账中，未重复追加"
        if led.backup:
            line += f"；原台账已备份为 {led.backup.name}"
        elif led.created:
            line += "；台账为新建"
        click.echo(line)
        if led.missing_columns:
            click.echo("  提示：台账缺少以下列，相应信息未写入：" + "、".join(led.missing_columns), err=True)
