"""kcdocs dossier LEDGER EVIDENCE_ROOT -o DIR; kcdocs verify DIR EVIDENCE_ROOT"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import DATE, config_option, echo_problems, get_config, progress_bar
from kcdocs.dossier import DossierOptions, make_dossiers, verify
from kcdocs.errors import ExitCode
from kcdocs.ledger.notes import row_lines

MAX_SHOWN = 50


@click.command("dossier")
@click.argument("ledger", type=click.Path(path_type=Path), metavar="台账.xlsx")
@click.argument("evidence_root", type=click.Path(path_type=Path), metavar="佐证材料文件夹")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="输出文件夹",
              help="输出文件夹：每个案例一份“台账编号_姓名.pdf”，另有 index.pdf、index.xlsx、manifest.json。")
@click.option("--case", "cases", multiple=True, metavar="台账编号",
              help="只生成这些案例的卷宗（可重复使用），例如 --case 370402-2020-0007。")
@click.option("--mask", "mask_ids", is_flag=True,
              help="卷宗中的身份证号脱敏（默认显示完整号码；索引 index.pdf/index.xlsx 始终脱敏）。")
@click.option("--as-of", "as_of", type=DATE, help="稽核基准日（计算年龄、核对日期），默认今天，如 2020-06-15。")
@click.option("--checklists", "checklists", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="使用另一套清单（*.yaml）代替内置的枣庄清单，用于其他地区。")
@click.option("--scan", is_flag=True,
              help="生成卷宗时逐页读取扫描件，核验二维码、签字和公章（较慢，5,000 页约一分半钟）。"
                   "默认采用此前 kcdocs audit 的核验结果；没有核验结果的文件只按文件名和标题识别，签字和公章标为待复核。")
@click.option("--no-cache", is_flag=True,
              help="不使用缓存，重新读取全部文件（默认复用此前稽核时未改动文件的识别结果）。")
@config_option
def dossier_command(ledger, evidence_root, output, cases, mask_ids, as_of, checklists, scan, no_cache,
                    config_path):
    """生成一人一案迎检卷宗：每个案例一份 PDF，另附区（市）索引和防篡改清单。

    每份卷宗依次为：封面、案例基本信息、原因分析、劝返过程、清单核对（每项的结论、材料和页码）、
    佐证材料目录，然后按清单顺序附上全部佐证材料（PDF 原样、图片无损转为页面、录音录像和无法读取的
    文件各一页说明），每页加注“台账编号 第几页 共几页”，并有按清单项的书签。
    manifest.json 记录全部佐证材料和卷宗的 SHA-256，之后可用 kcdocs verify 核对。

    签字和公章：请先运行 kcdocs audit，卷宗直接采用其核验结论；未经稽核的文件在卷宗中标为待复核（或加 --scan）。

    台账中的合计行、制表人等说明行自动跳过；不能完整读取的行不生成卷宗，逐行列出原因。

    退出码：0 全部卷宗已生成且案例完整；1 有不完整的案例、有卷宗未能生成或台账有错误行；2 无法运行。
    """
    opts = DossierOptions(ledger=ledger, evidence_root=evidence_root, output=output, cases=list(cases),
                          as_of=as_of, mask_ids=mask_ids, checklists=checklists, config=get_config(config_path),
                          use_cache=not no_cache, scan=scan)
    with progress_bar("正在生成卷宗") as update:
        result = make_dossiers(opts, progress=update)
    echo_problems(result.ledger_warnings)
    skipped = row_lines(result.ledger_problems)
    if skipped:
        click.echo(f"台账中有 {len(skipped)} 行不能完整读取，这些行的案例没有生成卷宗（劝返记录中的错误行未列入卷宗）；"
                   "请按提示改正台账后重新生成：", err=True)
        for line in skipped[:MAX_SHOWN]:
            click.echo("  " + line, err=True)
    made = [d for d in result.dossiers if d.ok]
    by_state = {s: sum(1 for d in made if d.state == s) for s in ("完整", "待复核", "不完整")}
    click.echo(f"卷宗生成完成：{len(made)} 份（完整 {by_state['完整']}，待复核 {by_state['待复核']}，"
               f"不完整 {by_state['不完整']}），共 {sum(d.pages for d in made)} 页，"
               f"用时 {result.seconds:.1f} 秒（基准日 {result.as_of.isoformat()}）。")
    for d in result.failed:
        click.echo(f"未能生成卷宗：{d.case_id} {d.name}：{d.error}", err=True)
    unreadable = sum(d.unreadable_files for d in made)
    if unreadable:
        click.echo(f"有 {unreadable} 个佐证材料文件无法读取，已在卷宗中逐一列出（见各卷宗“五、佐证材料目录”）。", err=True)
    if result.unscanned_files:
        click.echo(f"提示：有 {result.unscanned_files} 个佐证材料文件的签字和公章尚未核验（卷宗中标为“待复核”）。"
                   f"先运行 kcdocs audit {ledger} {evidence_root} -o 稽核结果文件夹，再重新生成卷宗，"
                   "卷宗将写明核验结论；或加 --scan 在生成卷宗时核验（较慢）。", err=True)
    click.echo(f"输出文件夹：{output}（索引 index.pdf、index.xlsx；清单 manifest.json）")
    click.echo(f"manifest.json 的 SHA-256：{result.manifest_sha256}")
    click.echo("请将此值记入移交记录；核对时运行：kcdocs verify 输出文件夹 佐证材料文件夹")
    return max(result.exit_code, ExitCode.INPUT_PROBLEMS) if skipped else result.exit_code


@click.command("verify")
@click.argument("dossier_dir", type=click.Path(path_type=Path), metavar="卷宗文件夹")
@click.argument("evidence_root", type=click.Path(path_type=Path), metavar="佐证材料文件夹")
def verify_command(dossier_dir, evidence_root):
    """核对卷宗和佐证材料自生成以来是否被改动。

    按卷宗文件夹中的 manifest.json，逐一比对卷宗、索引和各案例佐证材料文件的 SHA-256，
    列出改变、缺失和新增的文件。

    退出码：0 全部完好；1 有改变、缺失或新增的文件；2 无法核对（没有 manifest.json、文件夹不存在等）。
    """
    result = verify(dossier_dir, evidence_root)
    click.echo(f"manifest.json 的 SHA-256：{result.manifest_sha256}（生成于 {result.generated}）")
    if result.intact:
        click.echo(f"核对完成：{result.output_files} 个卷宗文件、{result.evidence_files} 个佐证材料文件全部完好，"
                   "与生成时一致。")
        return result.exit_code
    for change in result.changes[:MAX_SHOWN]:
        click.echo(change.text)
    if len(result.changes) > MAX_SHOWN:
        click.echo(f"……另有 {len(result.changes) - MAX_SHOWN} 处未显示。")
    counts = {k: sum(1 for c in result.changes if c.kind == k) for k in ("changed", "missing", "added")}
    click.echo(f"核对发现 {len(result.changes)} 处不一致：改变 {counts['changed']}，缺失 {counts['missing']}，"
               f"新增 {counts['added']}。卷宗或佐证材料在生成后被改动过，请查明原因；"
               "如确需更新材料，请重新生成卷宗。", err=True)
    return result.exit_code
