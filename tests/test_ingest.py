"""kcdocs ingest: a shuffled scanner batch (multi-page PDF + a folder of JPEGs, colour and
grayscale, one page upside down, one with its QR under a stain) filed by QR, idempotently."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from kcdocs.ingest import IngestOptions, ingest
from kcdocs.marks.layout import page_layout
from kcdocs.scan import synth
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import page_images
from tests.conftest import REPO, run_cli
from tests.test_forms import _forms

LEDGER = REPO / "samples" / "ledger.xlsx"
DPI = 200


@dataclass
class Batch:
    scans: list[Path]  # what the scanner wrote
    signed: dict[tuple[str, int], list[bool]] = field(default_factory=dict)  # (case, seq) -> per box
    stained: tuple[str, int] | None = None  # (case, seq) of the page whose QR is covered
    grayscale: set[tuple[str, int]] = field(default_factory=set)


def _scan_page(rgb, payload, rng, signed, *, upside_down=False, grayscale=False, stained=False) -> bytes:
    rgb = rgb.copy()
    layout = page_layout(payload)
    for box, sign in zip(layout.signatures, signed):
        if sign:
            synth.sign(rgb, box, DPI, rng)
    if stained:
        synth.stain(rgb, layout.qr, DPI)
    damaged = synth.damage(rgb, rng, angle=rng.uniform(-3, 3), scale=rng.uniform(0.95, 1.0), upside_down=upside_down)
    return synth.jpeg(damaged, 60, grayscale=grayscale)


def build_batch(tmp: Path, seed: int = 11, cases: tuple[str, ...] = ()) -> Batch:
    """Persuasion records of the sample ledger, signed at random, scanned and shuffled."""
    import img2pdf

    rng = np.random.default_rng(seed)
    pdf = _forms(tmp, "persuasion-record", cases=cases)
    jpegs, batch = [], Batch([])
    for n, page in enumerate(page_images(pdf)):
        payload = find_qr(page.gray).payload
        key = (payload.subject, payload.seq)
        signed = [bool(rng.integers(0, 2)) for _ in range(payload.boxes)]
        signed[0] = n % 3 != 0  # some pages with the first staff box blank, some signed
        stained = n == 2
        gray = n % 3 == 1
        batch.signed[key] = signed
        if stained:
            batch.stained = key
        if gray:
            batch.grayscale.add(key)
        jpegs.append(_scan_page(page.rgb, payload, rng, signed, upside_down=(n == 1), grayscale=gray, stained=stained))
    order = rng.permutation(len(jpegs))
    half = len(order) // 2
    out = tmp / "scanner"
    (out / "folder").mkdir(parents=True)
    layout = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
    (out / "batch.pdf").write_bytes(img2pdf.convert([jpegs[i] for i in order[:half]], layout_fun=layout))
    for k, i in enumerate(order[half:]):
        (out / "folder" / f"IMG_{k:04d}.jpg").write_bytes(jpegs[i])
    batch.scans = [out / "batch.pdf", out / "folder"]
    return batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return build_batch(tmp_path_factory.mktemp("scans"))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_batch_is_filed_by_qr_and_idempotent(batch, tmp_path):
    root = tmp_path / "evidence"
    (root / "370402-2020-0003 韩梅").mkdir(parents=True)  # an existing case folder is reused
    before = {str(p): p.read_bytes() for s in batch.scans for p in ([s] if s.is_file() else s.iterdir())}
    result = ingest(IngestOptions(scans=batch.scans, into=root))
    filed = {f.dest for f in result.filed}
    expected = {(case, seq) for case, seq in batch.signed if (case, seq) != batch.stained}
    assert len(filed) == len(expected)
    assert "370402-2020-0003 韩梅/劝返记录_第3次.pdf" in filed
    for case, seq in expected:
        folder = next(p for p in root.iterdir() if p.name.startswith(case))
        target = folder / f"劝返记录_第{seq}次.pdf"
        assert target.exists(), target
        (page,) = list(page_images(target))
        hit = find_qr(page.gray)
        assert (hit.payload.subject, hit.payload.seq) == (case, seq)
    assert [u[3] for u in result.unidentified] == ["没有可识读的 kcdocs 二维码"]
    assert "清单" in (root / "_待识别" / "清单.csv").name and (root / "_待识别" / "清单.csv").read_text("utf-8-sig")
    assert result.exit_code == 1
    after_first = _tree(root)
    again = ingest(IngestOptions(scans=batch.scans, into=root))
    assert not again.filed and not again.unidentified and again.already == len(batch.signed)
    assert _tree(root) == after_first
    assert before == {str(p): p.read_bytes() for s in batch.scans for p in ([s] if s.is_file() else s.iterdir())}


def test_upside_down_page_is_filed_upright(batch, tmp_path):
    root = tmp_path / "ev"
    ingest(IngestOptions(scans=batch.scans, into=root))
    rotations = []
    for pdf in root.rglob("劝返记录_*.pdf"):
        doc = pdfium.PdfDocument(str(pdf))
        rotations.append(doc[0].get_rotation())
        doc.close()
    assert sorted(rotations).count(180) == 1 and set(rotations) <= {0, 180}


def test_images_are_embedded_losslessly(tmp_path):
    from PIL import Image

    img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 200, 3), dtype=np.uint8))
    src = tmp_path / "in" / "x.png"
    src.parent.mkdir()
    img.save(src, dpi=(200, 200))
    result = ingest(IngestOptions(scans=[src], into=tmp_path / "root"))
    (dest, *_), = result.unidentified
    (page,) = list(page_images(tmp_path / "root" / dest))
    assert page.embedded and np.array_equal(page.rgb, np.asarray(img))


def test_cli_prints_where_pages_went_and_survives_junk(batch, tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    (junk / "half.jpg").write_bytes(synth.jpeg(np.zeros((50, 50, 3), np.uint8))[:100])
    r = run_cli("ingest", *batch.scans, junk, "--into", tmp_path / "root")
    assert r.returncode == 1, r.stderr
    assert "归档：" in r.stdout and "劝返记录_第" in r.stdout and "导入完成" in r.stdout
    assert "待识别：" in r.stderr and "无法读取：" in r.stderr and "broken.pdf" in r.stderr
    r = run_cli("ingest", "-h")
    assert r.returncode == 0 and "二维码" in r.stdout
