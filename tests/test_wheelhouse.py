"""The offline Windows install (tools/wheelhouse.py, `make wheelhouse`): the set of wheels resolves
completely for win_amd64 on Python 3.11–3.13 with no sdist, Windows-only requirements included, the
folder installs with --no-index, and the .bat files are what cmd.exe on a Chinese Windows reads.

The resolution needs the package index; those tests are skipped, saying so, when it is unreachable.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import lru_cache

import pytest

from tools import wheelhouse as wh


@lru_cache(maxsize=1)
def _index_problem() -> str | None:
    """None when the package index answers; else why not."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp,
                                   "--only-binary=:all:", "--platform", "win_amd64", "--python-version", "311",
                                   "click"], capture_output=True, text=True, timeout=90)
        except subprocess.TimeoutExpired:
            return "package index did not answer within 90 s"
    return None if proc.returncode == 0 else "package index unreachable: " + proc.stderr.strip()[-300:]


@pytest.fixture
def index():
    problem = _index_problem()
    if problem:
        pytest.skip(problem)


def _report(*items) -> dict:
    return {"install": [{"metadata": {"name": n, "requires_dist": reqs}, "requested_extras": extras,
                         "download_info": {"url": f"https://files.example/{n}-1.0-py3-none-any.whl"}}
                        for n, reqs, extras in items]}


def test_requirements_that_only_windows_has_are_found():
    report = _report(("click", ['colorama; platform_system == "Windows"'], None),
                     ("tool", ['pywin32>=300; sys_platform == "win32"', 'uvloop; sys_platform != "win32"',
                               'tomli>=1.1; python_version < "3.11"', 'exceptiongroup; python_version < "3.13"',
                               'rich; extra == "pretty"', 'pytest; extra == "test"'], ["pretty"]),
                     ("colorama-user", ["click"], None))
    assert wh.missing_on_windows(report, "3.11") == ["colorama", "pywin32>=300", "exceptiongroup", "rich"]
    assert "exceptiongroup" not in wh.missing_on_windows(report, "3.13")  # markers of the target version


def test_wheels_for_other_platforms_and_sdists_are_refused():
    report = {"install": [
        {"download_info": {"url": "https://f/numpy-2.0-cp311-cp311-win_amd64.whl"}},
        {"download_info": {"url": "https://f/typst-0.15-cp39-abi3-win_amd64.whl"}},
        {"download_info": {"url": "https://f/click-8.1-py3-none-any.whl"}},
        {"download_info": {"url": "https://f/lxml-6.0-cp312-cp312-win_amd64.whl"}},
        {"download_info": {"url": "https://f/pikepdf-9.0-cp311-cp311-manylinux_2_28_x86_64.whl"}},
        {"download_info": {"url": "https://f/docopt-0.6.2.tar.gz"}},
        {"download_info": {"url": "file:///repo", "dir_info": {}}},
    ]}
    bad = wh.not_installable(report, "3.11")
    assert [b.split("（")[0] for b in bad] == ["lxml-6.0-cp312-cp312-win_amd64.whl",
                                              "pikepdf-9.0-cp311-cp311-manylinux_2_28_x86_64.whl", "docopt-0.6.2.tar.gz"]
    assert "需要编译" in bad[2]


def test_bat_files_are_gbk_with_crlf_and_install_from_the_folder_only(tmp_path):
    written = {p.name: p.read_bytes() for p in wh.write_bats(tmp_path)}
    assert set(written) == {"安装.bat", "启动网页.bat"}
    for name, data in written.items():
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), name  # CRLF only
        text = data.decode("gbk")  # the code page of cmd.exe on Chinese Windows
        assert text.startswith("@echo off\r\n") and "REM " in text
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 50  # Chinese comments and messages
    install = written["安装.bat"].decode("gbk")
    assert '-m venv "%~dp0venv"' in install
    assert '-m pip install --no-index --find-links "%~dp0wheels"' in install and "kcdocs" in install
    assert "Visual C++" in install and "vc_redist.x64.exe" in install and "import onnxruntime" in install
    for version in ("3.11", "3.12", "3.13"):
        assert version in install
    serve = written["启动网页.bat"].decode("gbk")
    assert '"%~dp0venv\\Scripts\\kcdocs.exe" serve' in serve and "安装.bat" in serve


@pytest.mark.parametrize("python", wh.PYTHONS)
def test_the_set_resolves_completely_for_windows(index, python):
    report, added = wh.resolve_complete(["."], python)
    resolved = wh.names(report)
    assert {"kcdocs", "onnxruntime", "numpy", "opencv-python-headless", "pikepdf", "typst"} <= resolved
    assert wh.not_installable(report, python) == []  # every package a wheel for win_amd64 / this Python
    assert wh.missing_on_windows(report, python) == []  # and nothing a Windows PC needs left out
    for item in report["install"]:
        if "dir_info" not in item["download_info"]:
            assert item["download_info"]["url"].endswith(".whl")


def test_the_folder_installs_with_no_index(index, tmp_path):
    out = tmp_path / "离线安装包"
    counts = wh.build(out, ("3.11",))
    wheels = sorted(p.name for p in (out / "wheels").iterdir())
    assert wheels and all(name.endswith(".whl") for name in wheels)
    assert any(name.startswith("kcdocs-") for name in wheels)
    assert {p.name for p in out.iterdir()} == {"wheels", "安装.bat", "启动网页.bat"}
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                           "--report", "-", "--no-index", "--find-links", str(out / "wheels"),
                           "--only-binary=:all:", "--platform", "win_amd64", "--python-version", "311",
                           "--implementation", "cp", "--target", str(tmp_path / "t"), "kcdocs"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert len(report["install"]) == counts["3.11"]
    assert all(item["download_info"]["url"].startswith("file:") for item in report["install"])
