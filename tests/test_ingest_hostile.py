"""ingest with hostile files in the batch, interrupted runs, phone photos and unnumbered receipts."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from kcdocs.ingest import IngestOptions, ingest
from kcdocs.ingest import file as ingest_file
from kcdocs.marks.payload import PagePayload
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import page_images
from tests.conftest import run_cli
from tests.test_forms import _forms
from tools.make_fuzz_corpus import make_corpus


@pytest.fixture(scope="module")
def form_pages(tmp_path_factory):
    """Three rendered persuasion-record pages (200 dpi RGB) and their QR payloads."""
    pdf = _forms(tmp_path_factory.mktemp("forms"), "persuasion-record", cases=("370402-2020-0003",))
    pages = list(page_images(pdf))[:3]
    return [(p.rgb, find_qr(p.gray).payload) for p in pages]


def _jpeg(rgb, **save) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=85, **save)
    return buf.getvalue()


def _scans(folder: Path, form_pages) -> Path:
    folder.mkdir(parents=True)
    for n, (rgb, _) in enumerate(form_pages):
        (folder / f"IMG_{n}.jpg").write_bytes(_jpeg(rgb, dpi=(200, 200)))
    return folder


def _pdfs(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.pdf"))


def test_bad_files_are_listed_and_the_rest_filed(form_pages, tmp_path):
    scans = _scans(tmp_path / "scans", form_pages)
    make_corpus(tmp_path / "scans" / "怪文件")
    run = run_cli("ingest", scans, "--into", tmp_path / "ev")
    assert run.returncode == 1, run.stderr
    assert "内部错误" not in run.stderr and "Traceback" not in run.stderr
    filed = [p for p in _pdfs(tmp_path / "ev") if not p.startswith("_待识别/")]
    assert len(filed) == 3 and all("/劝返记录_第" in p for p in filed)
    assert "火化证明_jp2伪装.jpg" in run.stderr and "JPEG 2000" in run.stderr
    assert "火化证明_管道.pdf" in run.stderr and "命名管道" in run.stderr
    assert "火化证明_文字.docx" in run.stderr  # not a scan: named, not skipped
    assert (tmp_path / "ev" / ".kcdocs-ingest.json").exists() and (tmp_path / "ev" / "_待识别" / "清单.csv").exists()
    first = _pdfs(tmp_path / "ev")
    again = run_cli("ingest", scans, "--into", tmp_path / "ev")
    assert again.returncode == 1 and "此前已归档而跳过" in again.stdout
    assert _pdfs(tmp_path / "ev") == first  # nothing filed twice


def test_an_interrupted_run_is_resumed_without_duplicates(form_pages, tmp_path, monkeypatch):
    scans = _scans(tmp_path / "scans", form_pages)
    write, calls = ingest_file._write, []

    def stop_after_two(pages, source, dest):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(dest)
        write(pages, source, dest)

    monkeypatch.setattr(ingest_file, "_write", stop_after_two)
    with pytest.raises(KeyboardInterrupt):
        ingest(IngestOptions(scans=[scans], into=tmp_path / "ev"))
    assert len(_pdfs(tmp_path / "ev")) == 2
    monkeypatch.setattr(ingest_file, "_write", write)
    result = ingest(IngestOptions(scans=[scans], into=tmp_path / "ev"))
    assert result.already == 2 and len(result.filed) == 1
    assert len(_pdfs(tmp_path / "ev")) == 3 and not [p for p in _pdfs(tmp_path / "ev") if p.endswith("_2.pdf")]


def test_phone_photo_turned_once_and_sized_from_its_qr(form_pages, tmp_path):
    """A photo stored sideways with EXIF orientation 6 and the 72 dpi every phone writes."""
    rgb, payload = form_pages[0]
    exif = Image.Exif()
    exif[0x0112] = 6
    src = tmp_path / "scans" / "IMG_0001.jpg"
    src.parent.mkdir()
    src.write_bytes(_jpeg(np.ascontiguousarray(np.rot90(rgb)), dpi=(72, 72), exif=exif.tobytes()))
    result = ingest(IngestOptions(scans=[src], into=tmp_path / "ev"))
    (filed,) = result.filed
    doc = pdfium.PdfDocument(str(tmp_path / "ev" / filed.dest))
    page = doc[0]
    width, height = page.get_size()
    rotation = page.get_rotation()
    shown = np.asarray(page.render(scale=100 / 72).to_pil().convert("L"))
    doc.close()
    assert rotation == 90  # the QR's turn, once (img2pdf adds no EXIF turn of its own)
    assert abs(width - 595) < 25 and abs(height - 842) < 25, (width, height)  # A4 as shown, not 41 × 55 inch
    hit = find_qr(shown)
    assert hit is not None and hit.payload == payload
    assert hit.corners[1][0] > hit.corners[0][0]  # the QR's top edge runs left to right: upright


def test_receipts_without_case_id_are_filed_by_name():
    root = Path("/evidence")
    named = PagePayload("receipt", "未编号", seq=2, boxes=2, name="王强", sheet="一班", row=5)
    folder = ingest_file._case_folder(root, named)
    assert folder.parent.name == "未编号" and "王强" in folder.name and "5" in folder.name
    assert ingest_file.form_stem(named) == "送达回证"
    anonymous = PagePayload("receipt", "未编号", seq=0)
    assert ingest_file._case_folder(root, anonymous) == root / "_待识别"
    assert ingest_file.form_stem(PagePayload("application", "370402-2020-0003")) == "书面申请"
    assert ingest_file.form_stem(PagePayload("persuasion-record", "370402-2020-0003", seq=2)) == "劝返记录_第2次"
