"""Where packaged data lives: installed wheels carry it in ``kcdocs/_data``,
a source checkout keeps it at the top level (``templates/``, ``checklists/``)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kcdocs data folder {name!r} not found; the installation is incomplete")


def templates_dir() -> Path:
    return data_dir("templates")


def checklists_dir() -> Path:
    return data_dir("checklists")
