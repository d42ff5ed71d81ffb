"""What click itself prints (usage line, suggestions, range errors) reads in Chinese."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kcdocs.cli import cli

ENGLISH = re.compile(r"\b(OPTIONS|COMMAND|ARGS|Did you mean|Usage|Error|Invalid|is not in the range)\b")


@pytest.mark.parametrize("args", [
    ["audit", "samples/ledger.xlsx", "samples/evidence", "--cache", "x"],  # a near-miss option
    ["forms", "persuasion-record", "samples/ledger.xlsx", "-o", "x.pdf", "--overdue-days", "999"],
    ["review", "-h"],
    ["-h"],
    ["audit"],
])
def test_click_words_are_chinese(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 2)
    assert "用法：" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_suggestion_names_the_options():
    result = CliRunner().invoke(cli, ["audit", "a.xlsx", "b", "--cache", "x"])
    assert "是不是" in result.output and "--no-cache" in result.output
