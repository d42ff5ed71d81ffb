"""Docs that cannot drift: every command has Chinese help and appears in README."""

from __future__ import annotations

import re

import click

from kcdocs.cli import cli
from tests.conftest import REPO


def _commands(group: click.Group, prefix: str = "kcdocs"):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


def test_every_command_has_chinese_help_and_readme_entry():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(cli))
    assert commands
    for path, command in commands:
        assert command.help and re.search(r"[\u4e00-\u9fff]", command.help), f"{path} lacks Chinese help"
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                assert re.search(r"[\u4e00-\u9fff]", param.help), f"{path} {param.opts} help not Chinese"
        if not isinstance(command, click.Group):
            assert path in readme, f"README.md does not show `{path}`"
