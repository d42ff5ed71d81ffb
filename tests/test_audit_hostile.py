"""Hostile and broken evidence files become `unreadable` findings; the run always completes."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest

from kcdocs.audit import AuditOptions, audit
from kcdocs.audit.inventory import FileEntry, examine, inventory, match_case

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
AS_OF = date(2020, 6, 15)


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def huge_png(width=20000, height=20000) -> bytes:
    """A real PNG header for a 20,000 × 20,000 image (the pixels would be 400 million)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 100, 50)).save(buf, "JPEG")
    return buf.getvalue()[:-400]


HOSTILE = {
    "劝返记录.pdf": lambda: blank_pdf()[:150],  # truncated: named after a document of R0
    "扫描件.pdf": encrypted_pdf,
    "照片.jpg": lambda: b"",
    "..\\..\\x.jpg": lambda: b"\xff\xd8\xff garbage",
    "大图.png": huge_png,
    "截断.jpg": truncated_jpeg,
    "说明.exe": lambda: b"MZ\x90\x00",
}
REASONS = {"劝返记录.pdf": "损坏", "扫描件.pdf": "加密", "照片.jpg": "空文件", "..\\..\\x.jpg": "损坏",
           "大图.png": "巨大", "截断.jpg": "截断", "说明.exe": "不受支持", "link.jpg": "链接"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_unreadable(tmp_path, name):
    path = tmp_path / "f"
    path.write_bytes(HOSTILE[name]())
    path = path.rename(tmp_path / name)
    entry = FileEntry(name, "c")
    examine(path, entry)
    assert entry.problem and REASONS[name] in entry.problem, entry.problem


def test_hostile_folder_gives_findings_and_completes(tmp_path):
    root = tmp_path / "evidence"
    folder = root / "370402-2020-0001 李明"
    folder.mkdir(parents=True)
    for name, make in HOSTILE.items():
        (folder / name).write_bytes(make())
    (tmp_path / "x").write_bytes(b"outside the evidence root")
    os.symlink("../../x", folder / "link.jpg")
    result = audit(AuditOptions(ledger=SAMPLES / "ledger.xlsx", evidence_root=root, output=tmp_path / "out",
                                as_of=AS_OF, cases=["370402-2020-0001"]))
    assert result.exit_code == 1
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    findings = data["cases"][0]["findings"]
    unreadable = {f: x["rule"] for x in findings if x["kind"] == "unreadable" for f in x["files"]}
    expected = {f"370402-2020-0001 李明/{n}" for n in [*HOSTILE, "link.jpg"]}
    assert set(unreadable) == expected
    assert unreadable["370402-2020-0001 李明/劝返记录.pdf"] == "R0.persuasion_records"
    assert not any(x["rule"] == "R0.persuasion_records" and x["kind"] == "missing" for x in findings)
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "findings.xlsx").exists()


def test_folder_matching_and_unmatched(tmp_path):
    ids = {"370402-2020-0007": "370402-2020-0007", "370402-2020-000": "370402-2020-000"}
    assert match_case("370402-2020-0007 张三", ids) == "370402-2020-0007"
    assert match_case("370402-2020-0007", ids) == "370402-2020-0007"
    assert match_case("370402-2020-00071 李四", ids) is None
    assert match_case("３７０４０２-2020-0007张三", ids) == "370402-2020-0007"  # full-width digits
    root = tmp_path / "ev"
    (root / "370402-2020-0007 张三" / "劝返记录").mkdir(parents=True)
    (root / "370402-2020-0007 张三" / "劝返记录" / "1.jpg").write_bytes(b"x")
    (root / "370402-2020-0007 补充材料").mkdir()
    (root / "370402-2020-0099 王五").mkdir()
    (root / "370402-2020-0099 王五" / "a.pdf").write_bytes(b"x")
    (root / "落在根目录的扫描件.jpg").write_bytes(b"x")
    (root / "expected.yaml").write_text("notes")
    inv = inventory(root, ["370402-2020-0007"], jobs=1)
    assert inv.folders["370402-2020-0007"] == ["370402-2020-0007 张三", "370402-2020-0007 补充材料"]
    assert [f.rel for f in inv.files] == ["370402-2020-0007 张三/劝返记录/1.jpg"]
    assert [(u.path, u.files) for u in inv.unmatched] == [("370402-2020-0099 王五", 1), ("落在根目录的扫描件.jpg", 1)]


def test_parallel_inventory_matches_serial(tmp_path):
    from kcdocs.audit import inventory as inv_fn

    root = SAMPLES / "evidence"
    ids = [f.name.split(" ")[0] for f in root.iterdir() if f.is_dir()]
    serial = inv_fn(root, ids, jobs=1)
    import sys

    module = sys.modules["kcdocs.audit.inventory"]

    old = module.PARALLEL_MIN_FILES
    module.PARALLEL_MIN_FILES = 1
    try:
        parallel = inv_fn(root, ids, jobs=2)
    finally:
        module.PARALLEL_MIN_FILES = old
    assert [(f.rel, f.sha256, f.pages, f.heads, f.problem) for f in serial.files] == \
           [(f.rel, f.sha256, f.pages, f.heads, f.problem) for f in parallel.files]
