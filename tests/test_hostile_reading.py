"""The one read path (kcdocs.evidence_io): special files, limits, names that are not UTF-8, the
cache, SIGTERM, and evidence formats beyond PDF/JPEG (docx, webp, heic, multi-page TIFF)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from kcdocs.audit import AuditOptions, audit
from kcdocs.audit.inventory import FileEntry, examine
from kcdocs.config import Config, LimitsConfig, load_config
from kcdocs.evidence_io import check
from kcdocs.evidence_io.resolution import plausible_dpi
from kcdocs.scan.source import page_images
from tests.conftest import REPO, run_cli
from tools.make_fuzz_corpus import _docx, _jpeg

LEDGER = REPO / "samples" / "ledger.xlsx"
CASE = "370405-2020-0001"  # W4: 火化证明 required


def _audit(root: Path, out: Path, cache: Path | None = None, config: Config | None = None) -> dict:
    audit(AuditOptions(ledger=LEDGER, evidence_root=root, output=out, as_of=date(2020, 6, 15), cases=[CASE],
                       use_cache=cache is not None, cache=cache, config=config or Config()))
    return json.loads((out / "findings.json").read_text("utf-8"))["cases"][0]


def _unreadable(case: dict) -> set[str]:
    return {f.rsplit("/", 1)[-1] for x in case["findings"] if x["kind"] == "unreadable" for f in x["files"]}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_a_finding_and_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "火化证明.pdf")
    started = time.monotonic()
    verdict = check(tmp_path / "火化证明.pdf")
    assert time.monotonic() - started < 2 and "命名管道" in verdict.problem


def test_limits_from_kcdocs_toml_make_a_file_unreadable(tmp_path):
    (tmp_path / "kcdocs.toml").write_text("[limits]\npixels = 10000\nbytes = 5000000\n", "utf-8")
    config = load_config(cwd=tmp_path)
    assert config.limits.pixels == 10000 and config.limits.seconds == LimitsConfig().seconds
    path = tmp_path / "火化证明.jpg"
    path.write_bytes(_jpeg((300, 200)))
    assert check(path).readable
    assert "巨大" in check(path, config.limits).problem
    (tmp_path / "kcdocs.toml").write_text("[limits]\npixel = 1\n", "utf-8")
    with pytest.raises(Exception, match="不认识"):
        load_config(cwd=tmp_path)


def test_jpeg_named_docx_same_verdict_with_and_without_cache(tmp_path):
    folder = tmp_path / "ev" / f"{CASE} 王芳"
    folder.mkdir(parents=True)
    (folder / "火化证明.jpg").write_bytes(_jpeg())
    cache = tmp_path / "cache.json"
    first = _audit(tmp_path / "ev", tmp_path / "a", cache)
    assert "火化证明.jpg" not in _unreadable(first)
    (folder / "火化证明.jpg").rename(folder / "火化证明.docx")  # same bytes, another name
    cached = _audit(tmp_path / "ev", tmp_path / "b", cache)
    fresh = _audit(tmp_path / "ev", tmp_path / "c")
    assert _unreadable(cached) == _unreadable(fresh) == {"火化证明.docx"}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names are Unicode there")
def test_gbk_file_name_is_shown_decoded_and_reports_are_written(tmp_path):
    folder = tmp_path / "ev" / f"{CASE} 王芳"
    folder.mkdir(parents=True)
    with open(os.fsencode(folder) + b"/" + "火化证明_王芳.jpg".encode("gbk"), "wb") as fh:
        fh.write(_jpeg())
    with open(os.fsencode(folder) + b"/" + "坏的.pdf".encode("gbk"), "wb") as fh:
        fh.write(b"%PDF-1.4 broken")
    run = run_cli("audit", LEDGER, tmp_path / "ev", "-o", tmp_path / "out", "--as-of", "2020-06-15", "--case", CASE)
    assert run.returncode in (0, 1), run.stderr
    text = (tmp_path / "out" / "findings.json").read_text("utf-8")
    assert "坏的.pdf" in text and "火化证明_王芳.jpg" in text
    html = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert "火化证明_王芳.jpg" in html
    # what reading said about the file (its name was decoded from GBK) reaches the user
    notes = json.loads(text)["cases"][0]["file_notes"]
    assert any(f.endswith("火化证明_王芳.jpg") and any("GBK" in n for n in ns) for f, ns in notes.items())
    assert "读取文件时的提示" in html and "GBK" in html
    run = run_cli("dossier", LEDGER, tmp_path / "ev", "-o", tmp_path / "d", "--as-of", "2020-06-15", "--case", CASE)
    assert run.returncode in (0, 1), run.stderr
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text("utf-8"))
    records = {e["file"].rsplit("/", 1)[-1]: e for e in manifest["evidence"]}
    assert records["火化证明_王芳.jpg"]["dossier"] == "attached" and records["坏的.pdf"]["dossier"] == "unreadable"
    entry = FileEntry("x", CASE)
    from kcdocs.audit.inventory import inventory

    inv = inventory(tmp_path / "ev", [CASE], jobs=1)
    (jpeg,) = [e for e in inv.files if e.rel.endswith(".jpg")]
    assert any("GBK" in n for n in jpeg.notes) and entry.problem is None


def test_docx_text_identifies_it(tmp_path):
    folder = tmp_path / "ev" / f"{CASE} 王芳"
    folder.mkdir(parents=True)
    (folder / "情况说明.docx").write_bytes(_docx("火化证明"))
    case = _audit(tmp_path / "ev", tmp_path / "out")
    assert not _unreadable(case)
    assert [e["document"] for e in case["evidence"] if e["file"].endswith(".docx")] == ["火化证明"]


def test_ofd_is_named_with_the_fix(tmp_path):
    """OFD (the national e-document format) cannot be read: the finding names the file and says to
    export it to PDF; it is never silently skipped or taken for an unknown zip."""
    import zipfile

    folder = tmp_path / "ev" / f"{CASE} 王芳"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "火化证明_电子证照.ofd", "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD"/>')
    case = _audit(tmp_path / "ev", tmp_path / "out")
    (finding,) = [x for x in case["findings"] if x["kind"] == "unreadable"]
    assert finding["files"] == [f"{CASE} 王芳/火化证明_电子证照.ofd"]
    assert "OFD" in finding["message"] and "导出为 PDF" in finding["message"], finding


def test_webp_heic_and_multipage_tiff_are_images(tmp_path):
    rgb = Image.new("RGB", (210, 297), (250, 250, 250))
    made = {"a.webp": ("WEBP", {}), "b.tif": ("TIFF", {"save_all": True, "append_images": [rgb, rgb]})}
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        made["c.heic"] = ("HEIF", {})
    except ImportError:
        pass
    for name, (fmt, kw) in made.items():
        rgb.save(tmp_path / name, fmt, **kw)
        entry = FileEntry(name, CASE)
        examine(tmp_path / name, entry)
        assert entry.problem is None and entry.kind == "image", (name, entry.problem)
    assert len(list(page_images(tmp_path / "b.tif"))) == 3


def test_phone_jpeg_at_72_dpi_is_not_too_coarse(tmp_path):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(_jpeg((1500, 2000), dpi=(72, 72)))
    (page,) = list(page_images(path))
    assert 170 < page.dpi < 190  # 1500 px across an A4 page, not 72 dpi
    assert plausible_dpi(1654, 2339, (200, 200)) == 200  # a scanner's own figure is kept


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    out = tmp_path / "dossiers"
    before = set(Path(tempfile.gettempdir()).glob("kcdocs-*"))
    proc = subprocess.Popen([sys.executable, "-m", "kcdocs", "dossier", LEDGER, REPO / "samples" / "evidence",
                             "-o", out, "--as-of", "2020-06-15", "--no-cache"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".dossiers.*.part")):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err.decode()
    assert ("已中断" in err.decode() or "已中止" in err.decode()) and "Traceback" not in err.decode()
    assert not list(tmp_path.glob(".*.part")) and not out.exists()
    assert set(Path(tempfile.gettempdir()).glob("kcdocs-*")) <= before


def test_warnings_are_kept_in_the_verdict_not_printed(tmp_path, capfd):
    data = bytearray(io.BytesIO().getvalue())
    img = Image.new("RGB", (64, 64))
    exif = Image.Exif()
    exif[0x0112] = 1
    buf = io.BytesIO()
    img.save(buf, "TIFF", exif=exif.tobytes())
    data = bytearray(buf.getvalue())
    path = tmp_path / "x.tif"
    path.write_bytes(bytes(data[:-20]))
    check(path)
    captured = capfd.readouterr()
    assert captured.err == ""


def _stuck_on_two(n: int) -> int:
    if n == 2:
        while True:  # a decoder that never returns
            pass
    if n == 3:
        os._exit(3)  # a decoder that crashes its process
    return n * 10


def test_bounded_pool_kills_a_stuck_task_and_goes_on():
    from kcdocs.evidence_io.pool import bounded_map

    started = time.monotonic()
    out = list(bounded_map(_stuck_on_two, range(6), 2, 1.0, lambda task, why: (task, why)))
    assert out == [0, 10, (2, "timeout"), (3, "crash"), 40, 50]
    assert time.monotonic() - started < 10


def test_bounded_pool_from_a_server_thread_starts_clean_workers():
    """The web server audits in a thread: its workers are spawned, not forked from a process
    with other threads (a fork there can hang on a lock another thread held)."""
    import threading

    from kcdocs.evidence_io import pool

    out, contexts = [], []
    real = pool._context
    thread = threading.Thread(target=lambda: (contexts.append(real().get_start_method()),
                                              out.extend(pool.bounded_map(_stuck_on_two, [0, 1, 4], 2, 20.0,
                                                                          lambda t, why: why))))
    thread.start()
    thread.join(60)
    assert contexts == ["spawn"] and out == [0, 10, 40]
