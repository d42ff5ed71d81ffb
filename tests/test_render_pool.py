"""TypstPool: templates compiled in worker processes, read back from the PDFs they wrote."""

from __future__ import annotations

import sys
from pathlib import Path

import pdfplumber
import pytest

from kcdocs.errors import RenderError
from kcdocs.render import typst_engine
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstPool

TEMPLATE = """#let data = json(bytes(sys.inputs.data))
#set page(width: 80mm, height: 40mm)
#set text(font: data.fonts.body)
#if data.at("bad", default: false) { panic("坏数据") }
第 #data.n 份：#data.name
"""


@pytest.fixture()
def root(tmp_path):
    (tmp_path / "t.typ").write_text(TEMPLATE, encoding="utf-8")
    return tmp_path


def text_of(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")


@pytest.mark.parametrize("workers", [0, 2])
def test_each_compile_fails_alone(root, workers):
    out = root / "out"
    out.mkdir()
    with TypstPool(resolve_fonts(), workers, root) as pool:
        futures = [pool.submit("t.typ", {"n": n, "name": f"学生{n}", "bad": n == 2}, out / f"{n}.pdf")
                   for n in range(5)]
        with pytest.raises(RenderError, match="坏数据"):
            futures[2].result()
        for n in (0, 1, 3, 4):
            assert futures[n].result() == out / f"{n}.pdf"
            assert text_of(out / f"{n}.pdf") == f"第{n}份：学生{n}"
    assert not (out / "2.pdf").exists()


DIES_ONCE = """import sys, pathlib
flag = pathlib.Path(sys.argv[1])
if not flag.exists():
    flag.write_text("x")
    sys.stdin.buffer.readline(); sys.stdin.buffer.readline()
    sys.stderr.write("worker killed\\n")
    sys.exit(9)
from kcdocs.render._worker import main
sys.exit(main())
"""


def test_a_worker_that_dies_fails_its_compile_and_a_new_one_goes_on(root, monkeypatch):
    script = root / "dies_once.py"
    script.write_text(DIES_ONCE, encoding="utf-8")
    monkeypatch.setattr(typst_engine._Worker, "command", [sys.executable, str(script), str(root / "died")])
    with TypstPool(resolve_fonts(), 1, root) as pool:
        first = pool.submit("t.typ", {"n": 1, "name": "甲"}, root / "1.pdf")
        second = pool.submit("t.typ", {"n": 2, "name": "乙"}, root / "2.pdf")
        with pytest.raises(RenderError, match="排版进程意外退出（worker killed）"):
            first.result()
        assert text_of(second.result()) == "第2份：乙"


def test_urgent_compiles_go_first_and_an_error_drops_what_has_not_started(root):
    order = []
    with pytest.raises(ValueError):
        with TypstPool(resolve_fonts(), 1, root) as pool:
            futures = [pool.submit("t.typ", {"n": n, "name": "丙"}, root / f"{n}.pdf") for n in range(8)]
            urgent = pool.submit("t.typ", {"n": 9, "name": "急"}, root / "9.pdf", urgent=True)
            for n, f in enumerate(futures + [urgent]):
                f.add_done_callback(lambda f, n=n: order.append(n))
            urgent.result()
            raise ValueError("stop")
    assert text_of(urgent.result()) == "第9份：急"
    assert order.index(8) <= 1  # at most the compile already running went before it
    assert sum(f.cancelled() for f in futures) >= 5  # the rest never ran
    assert not any((root / f"{n}.pdf").exists() for n, f in enumerate(futures) if f.cancelled())
