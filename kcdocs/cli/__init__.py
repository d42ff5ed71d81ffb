"""The command line: thin. Each command builds options, calls one library function,
prints the result and returns an exit code. Errors become exit codes only here."""

from __future__ import annotations

import importlib
import sys
import traceback

import click

from kcdocs import __version__
from kcdocs.cli import i18n
from kcdocs.errors import DataProblems, ExitCode, KcdocsError

i18n.install()  # before the decorators below build their help texts
_state = {"verbose": False}


class LazyGroup(click.Group):
    """Subcommands imported only when used: quick start-up, and one command's import problem
    cannot break the others."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}

    def add_lazy(self, name: str, target: str) -> None:
        self.lazy[name] = target

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            module, _, attr = self.lazy[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kcdocs", help="显示版本号并退出。")
@click.option("-v", "--verbose", is_flag=True, help="出错时显示详细的技术信息。")
def cli(verbose: bool) -> None:
    """kcdocs 控辍保学文书工具：通知书、台账表单、稽核与卷宗。

    每个命令都可以加 -h 查看说明，例如：kcdocs notices enrollment -h
    """
    _state["verbose"] = verbose
    from kcdocs.cli.common import install_signal_handlers

    install_signal_handlers(verbose)  # SIGTERM cleans up like Ctrl+C; -v shows library warnings


def _register() -> None:
    """Every command: its name and where it lives (module:object)."""
    cli.add_lazy("notices", "kcdocs.cli.notices:notices_group")
    cli.add_lazy("forms", "kcdocs.cli.forms:forms_command")
    cli.add_lazy("report", "kcdocs.cli.report:report_group")
    cli.add_lazy("audit", "kcdocs.cli.audit:audit_command")
    cli.add_lazy("reconcile", "kcdocs.cli.reconcile:reconcile_command")
    cli.add_lazy("dossier", "kcdocs.cli.dossier:dossier_command")
    cli.add_lazy("verify", "kcdocs.cli.dossier:verify_command")
    cli.add_lazy("ingest", "kcdocs.cli.ingest:ingest_command")
    cli.add_lazy("serve", "kcdocs.cli.serve:serve_command")
    cli.add_lazy("template", "kcdocs.cli.template:template_command")
    cli.add_lazy("review", "kcdocs.cli.review:review_group")
    cli.add_lazy("bulletin", "kcdocs.cli.bulletin:bulletin_command")


_register()


def _report(exc: KcdocsError) -> None:
    from kcdocs.cli.common import echo_problems

    click.echo(f"错误：{exc.message}", err=True)
    if isinstance(exc, DataProblems):
        echo_problems(exc.problems)
        if exc.next_step:
            click.echo(exc.next_step, err=True)
    if exc.hint:
        click.echo(f"处理办法：{exc.hint}", err=True)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="kcdocs", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.UNUSABLE
    except click.Abort:
        click.echo("已中止。", err=True)
        code = ExitCode.UNUSABLE
    except KcdocsError as exc:
        if _state["verbose"]:
            traceback.print_exc()
        _report(exc)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("\n已中断，未写入不完整的文件。", err=True)
        code = ExitCode.UNUSABLE
    except Exception as exc:  # a bug: say so plainly, details with -v
        if _state["verbose"]:
            traceback.print_exc()
        click.echo(f"内部错误：{type(exc).__name__}: {exc}\n请加 -v 重新运行，并把输出发给维护人员。", err=True)
        code = ExitCode.UNUSABLE
    sys.exit(int(code or 0))
