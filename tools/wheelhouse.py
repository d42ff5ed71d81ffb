"""An offline install for Windows office PCs: every wheel kcdocs needs on win_amd64, Python 3.11–3.13.

    python -m tools.wheelhouse [-o dist/kcdocs_离线安装包] [--python 3.11 3.12 3.13]
    python -m tools.wheelhouse --check          # only resolve, download nothing

The folder it makes (copy it to the PC on a USB stick)::

    kcdocs_离线安装包/
      安装.bat          creates venv\\ from wheels\\ with pip install --no-index --find-links
      启动网页.bat      runs kcdocs serve --open
      wheels/           kcdocs-….whl built from this repository and every dependency, wheels only

How completeness is ensured: pip resolves for the target (``--platform win_amd64 --python-version
3.1x --only-binary=:all:``), but it evaluates environment markers for the machine it runs on, so
a requirement that only Windows has (``colorama; platform_system == "Windows"``) would be left
out. Every resolved package's requirements are therefore evaluated again with the markers of a
Windows PC, and anything missing is added and resolved again until nothing is missing. The
.bat files are written in the code page of Chinese Windows (GBK) with CRLF line ends.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
BATS = ROOT / "tools" / "windows"
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"
DEFAULT_OUT = ROOT / "dist" / "kcdocs_离线安装包"
MAX_ROUNDS = 5


class WheelhouseError(RuntimeError):
    """pip could not resolve or download the set (message in Chinese for `make wheelhouse`)."""


def windows_env(python: str) -> dict[str, str]:
    """The environment markers of a 64-bit CPython ``python`` (e.g. "3.12") on Windows."""
    return {"implementation_name": "cpython", "implementation_version": f"{python}.0", "os_name": "nt",
            "platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
            "platform_system": "Windows", "platform_version": "10.0.19045", "python_full_version": f"{python}.0",
            "python_version": python, "sys_platform": "win32"}


def _target(python: str) -> list[str]:
    return ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", python.replace(".", ""),
            "--implementation", "cp"]


def _pip(args: list[str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def resolve(requirements: list[str], python: str) -> dict:
    """pip's installation report for ``requirements`` on Windows / ``python`` (nothing installed)."""
    with tempfile.TemporaryDirectory() as target:
        proc = _pip(["install", "--dry-run", "--ignore-installed", "--quiet", "--report", "-", *_target(python),
                     "--target", target, *requirements])
    if proc.returncode != 0:
        raise WheelhouseError(f"Python {python} 的安装包无法全部解析（pip 退出码 {proc.returncode}）：\n"
                              + proc.stderr.strip()[-3000:])
    return json.loads(proc.stdout)


def names(report: dict) -> set[str]:
    return {canonicalize_name(item["metadata"]["name"]) for item in report["install"]}


def missing_on_windows(report: dict, python: str) -> list[str]:
    """Requirements of resolved packages that hold on Windows but are not in the set (markers pip
    evaluated for this machine, e.g. ``platform_system == "Windows"``)."""
    have = names(report)
    env = windows_env(python)
    missing: dict[str, str] = {}
    for item in report["install"]:
        extras = [""] + list(item.get("requested_extras") or [])
        for text in item["metadata"].get("requires_dist") or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e}) for e in extras):
                continue
            name = canonicalize_name(req.name)
            if name not in have and name not in missing:
                extra = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
                missing[name] = f"{req.name}{extra}{req.specifier}"
    return list(missing.values())


def resolve_complete(requirements: list[str], python: str) -> tuple[dict, list[str]]:
    """The report with every Windows-only requirement added, and what had to be added."""
    added: list[str] = []
    for _ in range(MAX_ROUNDS):
        report = resolve(requirements + added, python)
        more = missing_on_windows(report, python)
        if not more:
            return report, added
        added += more
    raise WheelhouseError(f"Python {python}：{MAX_ROUNDS} 轮之后仍有 Windows 专用的依赖没有解析：{', '.join(more)}")


def target_tags(python: str) -> set:
    version = tuple(int(x) for x in python.split("."))
    tags = set(cpython_tags(version, platforms=[PLATFORM]))
    tags |= set(compatible_tags(version, f"cp{version[0]}{version[1]}", platforms=[PLATFORM]))
    return tags


def not_installable(report: dict, python: str) -> list[str]:
    """Every item of the report that is not a wheel for Windows / ``python`` (an sdist, a wrong tag)."""
    tags = target_tags(python)
    bad = []
    for item in report["install"]:
        url = item["download_info"]["url"]
        if "dir_info" in item["download_info"]:
            continue  # the project itself (built into a wheel by build())
        filename = url.rsplit("/", 1)[-1]
        if not filename.endswith(".whl"):
            bad.append(f"{filename}（不是 wheel，Windows 上需要编译）")
        elif not set(parse_wheel_filename(filename)[3]) & tags:
            bad.append(f"{filename}（不适用于 Python {python} / {PLATFORM}）")
    return bad


def build_kcdocs_wheel(out: Path) -> Path:
    proc = _pip(["wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)])
    if proc.returncode != 0:
        raise WheelhouseError("无法构建 kcdocs 的 wheel：\n" + proc.stderr.strip()[-3000:])
    return max(out.glob("kcdocs-*.whl"), key=lambda p: p.stat().st_mtime)


def write_bats(folder: Path) -> list[Path]:
    """The .bat files in the code page of Chinese Windows (GBK), CRLF line ends."""
    written = []
    for source in sorted(BATS.glob("*.bat")):
        text = source.read_text(encoding="utf-8").replace("\r\n", "\n")
        target = folder / source.name
        target.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
        written.append(target)
    return written


def build(out: Path, pythons: tuple[str, ...] = PYTHONS) -> dict[str, int]:
    """Make the offline folder ``out``; returns the number of wheels per Python version."""
    wheels = out / "wheels"
    if out.exists():
        shutil.rmtree(out)
    wheels.mkdir(parents=True)
    own = build_kcdocs_wheel(wheels)
    counts = {}
    for python in pythons:
        report, added = resolve_complete([str(own)], python)
        bad = not_installable(report, python)
        if bad:
            raise WheelhouseError(f"Python {python} 有依赖没有 Windows 的 wheel：" + "；".join(bad))
        proc = _pip(["download", "--quiet", *_target(python), "-d", str(wheels), str(own), *added], timeout=1800)
        if proc.returncode != 0:
            raise WheelhouseError(f"Python {python} 的安装包下载失败：\n" + proc.stderr.strip()[-3000:])
        counts[python] = len(report["install"])
    strays = [p.name for p in wheels.iterdir() if p.suffix != ".whl"]
    if strays:
        raise WheelhouseError("下载结果中有不是 wheel 的文件：" + "、".join(strays))
    write_bats(out)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="为没有网络的 Windows 电脑准备离线安装包（win_amd64，Python 3.11—3.13）。")
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="输出文件夹（会先清空）")
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), help="目标 Python 版本，默认 3.11 3.12 3.13")
    parser.add_argument("--check", action="store_true", help="只检查能否全部解析为 Windows 的 wheel，不下载")
    args = parser.parse_args(argv)
    try:
        if args.check:
            for python in args.python:
                report, added = resolve_complete(["."], python)
                bad = not_installable(report, python)
                print(f"Python {python}：{len(report['install'])} 个包" + (f"（另加 Windows 专用：{', '.join(added)}）"
                                                                         if added else "")
                      + ("；没有 Windows wheel：" + "；".join(bad) if bad else "，全部有 Windows wheel"))
                if bad:
                    return 1
            return 0
        counts = build(args.out, tuple(args.python))
    except (WheelhouseError, subprocess.TimeoutExpired) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in (args.out / "wheels").iterdir()) / 1e6
    total = len(list((args.out / "wheels").glob("*.whl")))
    print(f"离线安装包 → {args.out}：{total} 个 wheel，共 {size:.0f} MB（"
          + "，".join(f"Python {v} 需要 {n} 个" for v, n in counts.items()) + "）")
    print("把整个文件夹拷到 Windows 电脑上，双击“安装.bat”，再双击“启动网页.bat”。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
