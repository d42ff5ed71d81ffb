"""The real command line: kcdocs dossier and kcdocs verify, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CASES = ["370405-2020-0001", "370402-2020-0003", "370403-2020-0001"]


def kcdocs(*args):
    return subprocess.run([sys.executable, "-m", "kcdocs", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


@pytest.fixture()
def made(tmp_path):
    """A copy of the evidence of three cases and their dossiers."""
    root = tmp_path / "ev"
    for case in CASES:
        folder = next(p for p in (SAMPLES / "evidence").iterdir() if p.name.startswith(case + " "))
        shutil.copytree(folder, root / folder.name)
    out = tmp_path / "out"
    args = ["dossier", SAMPLES / "ledger.xlsx", root, "-o", out, "--as-of", "2020-06-15"]
    run = kcdocs(*args, *[a for case in CASES for a in ("--case", case)])
    assert run.returncode == 1, run.stderr  # two of the three cases are incomplete
    assert "卷宗生成完成：3 份" in run.stdout and "manifest.json 的 SHA-256" in run.stdout
    # nothing audited yet: the scanned pages were not read, and the console says what to do
    assert "签字和公章尚未核验" in run.stderr and f"kcdocs audit {SAMPLES / 'ledger.xlsx'} {root}" in run.stderr
    return root, out, run


def test_outputs_and_manifest(made):
    root, out, _ = made
    names = sorted(p.name for p in out.iterdir())
    assert names == ["370402-2020-0003_韩梅.pdf", "370403-2020-0001_孙浩.pdf", "370405-2020-0001_王芳.pdf",
                     "index.pdf", "index.xlsx", "manifest.json"]
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["schema"] == "kcdocs.dossier-manifest/1" and data["kcdocs"]
    assert len(data["ledger"]["sha256"]) == 64
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert sorted(e["file"] for e in data["evidence"]) == files
    assert all(len(e["sha256"]) == 64 for e in data["evidence"])  # the corrupt PDF is hashed too
    assert sorted(o["file"] for o in data["outputs"]) == names[:-1]


def test_verify_intact_then_every_kind_of_change(made):
    root, out, generated = made
    run = kcdocs("verify", out, root)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "全部完好" in run.stdout
    digest = generated.stdout.split("manifest.json 的 SHA-256：")[1].split()[0]
    assert digest in run.stdout

    victim = root / "370405-2020-0001 王芳" / "火化证明_王芳.jpg"
    original = victim.read_bytes()
    victim.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])  # one byte
    run = kcdocs("verify", out, root)
    assert run.returncode == 1 and "佐证材料已改变：370405-2020-0001 王芳/火化证明_王芳.jpg" in run.stdout
    victim.write_bytes(original)
    assert kcdocs("verify", out, root).returncode == 0

    removed = root / "370402-2020-0003 韩梅" / "接收证明.jpg"
    removed.unlink()
    (root / "370403-2020-0001 孙浩" / "补充材料.pdf").write_bytes(b"%PDF-1.4 new")
    dossier = out / "370405-2020-0001_王芳.pdf"
    dossier.write_bytes(dossier.read_bytes() + b"\n")
    run = kcdocs("verify", out, root)
    assert run.returncode == 1
    assert "佐证材料已缺失：370402-2020-0003 韩梅/接收证明.jpg" in run.stdout
    assert "佐证材料新增：370403-2020-0001 孙浩/补充材料.pdf" in run.stdout
    assert "卷宗文件已改变：370405-2020-0001_王芳.pdf" in run.stdout
    assert "3 处不一致" in run.stderr


def test_verify_without_manifest_exits_2(tmp_path):
    run = kcdocs("verify", tmp_path, SAMPLES / "evidence")
    assert run.returncode == 2 and "manifest.json" in run.stderr


def test_complete_case_exits_0_and_bad_input_exits_2_writing_nothing(tmp_path):
    run = kcdocs("dossier", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "ok",
                 "--as-of", "2020-06-15", "--case", "370405-2020-0001", "--mask")
    assert run.returncode == 0, run.stdout + run.stderr
    run = kcdocs("dossier", SAMPLES / "ledger.xlsx", tmp_path / "nowhere", "-o", tmp_path / "bad")
    assert run.returncode == 2 and "佐证材料文件夹不存在" in run.stderr
    run = kcdocs("dossier", SAMPLES / "ledger.xlsx", SAMPLES / "evidence", "-o", tmp_path / "bad",
                 "--case", "no-such-case")
    assert run.returncode == 2 and "台账中没有这些台账编号" in run.stderr
    assert not (tmp_path / "bad").exists()


def test_help_is_chinese():
    for command in ("dossier", "verify"):
        run = kcdocs(command, "--help")
        assert run.returncode == 0 and "退出码" in run.stdout and "用法" in run.stdout
    assert "--scan" in kcdocs("dossier", "--help").stdout
