"""kcdocs ingest SCAN… --into EVIDENCE_ROOT"""

from __future__ import annotations

from pathlib import Path

import click

from kcdocs.cli.common import config_option, get_config
from kcdocs.ingest import IngestOptions, ingest


def _pages(sources: list[tuple[str, int]]) -> str:
    by_file: dict[str, list[int]] = {}
    for scan, page in sources:
        by_file.setdefault(Path(scan).name, []).append(page)
    return "；".join(f"{name} 第{'、'.join(map(str, pages))}页" for name, pages in by_file.items())


@click.command("ingest")
@click.argument("scans", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path), metavar="扫描件…")
@click.option("--into", "into", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="佐证材料文件夹", help="佐证材料文件夹（其下每个案例一个文件夹）；归档的页面放入对应案例文件夹。")
@config_option
def ingest_command(scans, into, config_path):
    """把扫描仪输出按页面二维码拆分归档到各案例文件夹。

    扫描件可以是多页 PDF、图片文件或存放图片的文件夹，页面顺序、正反、倒置都不要紧。
    每一页按 kcdocs 打印的二维码识别属于哪个案例、哪份表格、第几次劝返、第几页；
    同一份表格的各页按页码合并为“案例文件夹/<表格名>.pdf”（如 劝返记录_第2次.pdf、书面申请.pdf、
    送达回证.pdf），图片无损嵌入。没有可识读二维码的页面放入“_待识别”文件夹，
    并记入“_待识别/清单.csv”，请人工查看后放入正确的案例文件夹。
    损坏、加密、超过大小或像素上限的文件列为“无法读取”，其余照常归档。

    同一批扫描件重复导入（包括中途被打断后再导入）不会重复归档；扫描仪的原始文件只读不改。

    退出码：0 全部页面已归档；1 有页面待识别或有文件无法读取；2 无法运行。
    """
    config = get_config(config_path)
    result = ingest(IngestOptions(scans=list(scans), into=into, limits=config.limits))
    for filed in result.filed:
        note = f"（缺第{'、'.join(map(str, filed.missing_pages))}页）" if filed.missing_pages else ""
        click.echo(f"归档：{filed.dest} ← {_pages(filed.sources)}{note}")
    for dest, scan, page, reason in result.unidentified:
        click.echo(f"待识别：{dest} ← {Path(scan).name} 第{page}页（{reason}）", err=True)
    for scan, reason in result.problems:
        click.echo(f"无法读取：{scan}：{reason}", err=True)
    for scan, note in result.notes:
        click.echo(f"提示：{scan}：{note}", err=True)
    pages = sum(len(f.sources) for f in result.filed)
    click.echo(f"导入完成：归档 {len(result.filed)} 份（{pages} 页），待识别 {len(result.unidentified)} 页，"
               f"此前已归档而跳过 {result.already} 页，无法读取的文件 {len(result.problems)} 个。")
    if result.unidentified:
        click.echo(f"待识别页面清单：{into / '_待识别' / '清单.csv'}", err=True)
    return result.exit_code
