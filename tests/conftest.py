"""Shared fixtures: roster writers and a helper to run the real CLI."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m kcdocs`` as a user would; returns the completed process."""
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def write_xlsx(path: Path, rows: list[list], *, title_row: str | None = None, sheet: str = "名册",
               text_columns: tuple[int, ...] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title_row:
        ws.append([title_row])
    for row in rows:
        ws.append(row)
        for idx in text_columns:
            ws.cell(ws.max_row, idx + 1).number_format = "@"
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["学生姓名", "身份证号", "监护人姓名", "学校", "报到截止日期", "发文单位"]
GOOD_ROWS = [
    ["张小明", "370402201408310010", "张建国", "枣庄市市中区实验小学", date(2020, 8, 25), "枣庄市市中区教育和体育局"],
    ["李小红", "370403201408310017", "李卫东", "薛城区临城实验小学", date(2020, 8, 26), "枣庄市薛城区教育和体育局"],
    ["王一诺", "370481201408310016", "王海涛", "滕州市育才", date(2020, 8, 27), "滕州市教育和体育局"],
]


@pytest.fixture
def good_roster(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "roster.xlsx", [HEADER, *GOOD_ROWS], text_columns=(1,))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests (and the CLI runs they start) keep kcdocs' on-disk cache out of the user's home;
    session-wide, so that module-scoped fixtures are covered too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
        yield
