"""Pieces shared by the commands: options, progress bar, printing problems."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from kcdocs import dates
from kcdocs.config import Config, load_config
from kcdocs.tabular import Problem

MAX_PROBLEMS_SHOWN = 200


class DateParam(click.ParamType):
    name = "日期"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return dates.parse_date(value)
        except dates.DateError as exc:
            self.fail(f"{exc.message}{exc.hint}", param, ctx)


DATE = DateParam()

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), metavar="配置文件",
    help="配置文件（默认：当前文件夹下的 kcdocs.toml）。",
)


def get_config(config_path: Path | None) -> Config:
    return load_config(config_path)


@contextmanager
def progress_bar(label: str):
    """``with progress_bar("正在……") as update:`` — a progress bar on a terminal (stderr), closed
    on leaving; ``update`` is None (no bar) when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def echo_problems(problems: list[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> None:
    for p in problems[:limit]:
        click.echo(p.format(), err=True)
    if len(problems) > limit:
        click.echo(f"……另有 {len(problems) - limit} 处问题未显示。", err=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service stopping, ``kill``): unwinds like Ctrl+C, so every ``with`` block cleans
    up (``.part`` files, ``/tmp/kcdocs-*`` folders) before the command exits."""


def _terminate(signum, frame) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated()


def install_signal_handlers(verbose: bool = False) -> None:
    """SIGTERM as Ctrl+C (see :class:`Terminated`); ``verbose``: library warnings are shown as they
    come instead of being summarised per file (KCDOCS_VERBOSE, read by kcdocs.evidence_io.guard)."""
    import os
    import signal
    import threading

    if verbose:
        os.environ["KCDOCS_VERBOSE"] = "1"
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)
