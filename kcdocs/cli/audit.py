"""kcdocs audit LEDGER EVIDENCE_ROOT -o DIR"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.audit import AuditOptions, audit
from kcdocs.cli.common import DATE, config_option, echo_problems, get_config, progress_bar
from kcdocs.errors import ExitCode


def summary_line(result) -> str:
    """The closing line: the three statuses in the words of the report (完整 / 待复核 / 不完整)."""
    return (f"稽核完成：{len(result.cases)} 个案例，完整 {result.count('complete')} 个，"
            f"待复核 {result.count('review')} 个，不完整 {result.count('incomplete')} 个"
            f"（{result.files} 个文件，用时 {result.seconds:.1f} 秒，基准日 {result.as_of.isoformat()}）。")


@click.command("audit")
@click.argument("ledger", type=click.Path(path_type=Path), metavar="台账.xlsx")
@click.argument("evidence_root", type=click.Path(path_type=Path), metavar="佐证材料文件夹")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="输出文件夹",
              help="输出文件夹：写入 findings.json、report.html、findings.xlsx。")
@click.option("--as-of", "as_of", type=DATE, help="稽核基准日（计算年龄、核对日期），默认今天，如 2020-06-15。")
@click.option("--case", "cases", multiple=True, metavar="台账编号",
              help="只稽核这些案例（可重复使用），例如 --case 370402-2020-0007。")
@click.option("--checklists", "checklists", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="使用另一套清单（*.yaml）代替内置的枣庄清单，用于其他地区。")
@click.option("--jobs", "jobs", type=click.IntRange(1, 64), metavar="N",
              help="同时检查文件的进程数，默认为本机全部 CPU 核数。")
@click.option("--no-cache", is_flag=True,
              help="不使用缓存，重新读取全部文件（默认复用上次稽核时未改动文件的识别结果）。")
@click.option("--no-scan", is_flag=True,
              help="不读取扫描件上的二维码、签字和公章（只按文件名和 PDF 标题识别材料；快得多，签字、公章全部列入待人工复核）。")
@click.option("--show-ids", is_flag=True, help="在 report.html 和 findings.xlsx 中显示完整身份证号（默认脱敏）。")
@config_option
def audit_command(ledger, evidence_root, output, as_of, cases, checklists, jobs, no_cache, no_scan, show_ids,
                  config_path):
    """稽核台账与佐证材料：逐案核对清单要求的材料和台账数据是否齐全。

    台账.xlsx 含“学生台账”“劝返记录”两个工作表；佐证材料文件夹下每个案例一个文件夹，
    文件夹名以台账编号开头（如“370402-2020-0007 张三”）。结果写入输出文件夹：
    findings.json（供其他程序读取）、report.html（浏览器打开的报告）、findings.xlsx（问题清单）。

    台账中的合计行、制表人等说明行自动跳过；有错误的行仍作为案例稽核，错误列为“台账数据问题”。

    退出码：0 全部案例完整；1 有案例不完整、台账有错误行或有对不上的文件夹；
    2 无法运行（台账打不开、缺少「学生台账」工作表或「台账编号」列、清单有错误等）。
    """
    opts = AuditOptions(ledger=ledger, evidence_root=evidence_root, output=output, as_of=as_of,
                        cases=list(cases), checklists=checklists, config=get_config(config_path),
                        mask_ids=not show_ids, jobs=jobs, use_cache=not no_cache, marks=not no_scan)
    with progress_bar("正在检查佐证材料") as update:
        result = audit(opts, progress=update)
    echo_problems(result.ledger_warnings)
    partly = [c for c in result.cases if c.case.problems]
    if partly:
        click.echo(f"台账中有 {len(partly)} 个案例的行不能完整读取，已按能读出的内容稽核，问题列为“台账数据问题”："
                   + "、".join(c.case.case_id for c in partly[:10]) + ("……" if len(partly) > 10 else ""), err=True)
        echo_problems([p for c in partly for p in c.case.problems])
    if result.ledger_problems:
        click.echo(f"台账中有 {len(result.ledger_problems)} 处问题不属于任何案例（没有台账编号、编号重复或不存在），"
                   "这些行未能稽核，报告中列为“台账中无法稽核的行”：", err=True)
        echo_problems(result.ledger_problems)
    click.echo(summary_line(result))
    if result.unmatched:
        click.echo(f"有 {len(result.unmatched)} 个文件夹（或文件）在台账中找不到对应的台账编号："
                   + "、".join(u.path for u in result.unmatched[:10]) + ("……" if len(result.unmatched) > 10 else ""),
                   err=True)
    click.echo(f"报告：{output / 'report.html'}；问题清单：{output / 'findings.xlsx'}；数据：{output / 'findings.json'}")
    return result.exit_code if result.exit_code != ExitCode.OK else ExitCode.OK
