"""kcdocs bulletin through the real CLI: the city's 通报 over an audit folder with history, read back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
KCDOCS = REPO / ".venv" / "bin" / "kcdocs"
LEDGER = REPO / "samples" / "ledger.xlsx"
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
STATES = {"complete": "完整", "review": "待复核", "incomplete": "不完整"}


def kcdocs(*args, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [str(KCDOCS)] if KCDOCS.exists() else [sys.executable, "-m", "kcdocs"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def audit(work: Path, as_of: str) -> None:
    done = kcdocs("audit", LEDGER, "ev", "-o", "区县稽核", "--as-of", as_of, cwd=work)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr


def confirm(work: Path, cases: set[str]) -> None:
    """Confirm every pending item of ``cases`` through review export / apply."""
    assert kcdocs("review", "export", "区县稽核", "-o", "待复核.xlsx", cwd=work).returncode == 0
    wb = load_workbook(work / "待复核.xlsx")
    ws = wb["待复核"]
    head = [c.value for c in ws[1]]
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if row[head.index("台账编号")] in cases:
            ws.cell(n, head.index("决定") + 1, "确认材料无误")
    wb.save(work / "待复核.xlsx")
    done = kcdocs("review", "apply", "待复核.xlsx", "--evidence", "ev", "--reviewer", "市督导组", cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    work = tmp_path_factory.mktemp("bulletin")
    shutil.copytree(REPO / "samples" / "evidence", work / "ev")
    audit(work, "2020-06-15")
    confirm(work, {"370402-2020-0001", "370404-2020-0003"})  # 市中区 and 峄城区 move on
    audit(work, "2020-06-29")
    (work / "坏的.json").write_text('{"schema": "kcdocs.audit/1", "cases": [', "utf-8")
    done = kcdocs("bulletin", "区县稽核", "坏的.json", "-o", "通报.pdf", "--xlsx", "通报.xlsx",
                  "--date", "2020-06-30", cwd=work)
    with pdfplumber.open(work / "通报.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    findings = json.loads((work / "区县稽核" / "findings.json").read_text("utf-8"))
    return work, done, text, findings


def expected(findings: dict) -> dict[str, dict]:
    out = {}
    for c in findings["cases"]:
        d = out.setdefault(c["district"], {"cases": 0, "完整": 0, "待复核": 0, "不完整": 0, "open": 0})
        d["cases"] += 1
        d[STATES[c["status"]]] += 1
        d["open"] += len(c["findings"])
    return out


def test_corrupt_source_named_exit_1_others_used(bulletin):
    _, done, text, findings = bulletin
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout + done.stderr
    assert "Traceback" not in out
    assert "坏的.json" in out and "无法读取" in out and "未计入通报" in out
    assert f"{len(expected(findings))} 个区（市）" in out
    assert "关于全市控辍保学工作进展情况的通报" in text


def test_rows_per_district_and_ranking(bulletin):
    _, _, text, findings = bulletin
    want = expected(findings)
    assert len(want) == 6
    ranks = {}
    for name, d in want.items():
        progress = 100 * d["完整"] / d["cases"]
        m = re.search(rf"^(\d) {name} {d['cases']} {d['完整']} {d['待复核']} {d['不完整']} {progress:.1f}% (\S+) "
                      rf"{d['open']} \d+$", text, re.M)
        assert m, (name, d)
        ranks[name] = (int(m.group(1)), progress, m.group(2))
    order = sorted(ranks, key=lambda n: ranks[n][0])
    assert sorted(ranks[n][0] for n in order) == [1, 2, 3, 4, 5, 6]
    assert [ranks[n][1] for n in order] == sorted((ranks[n][1] for n in order), reverse=True)
    assert ranks["市中区"][1] == 25.0 and ranks["市中区"][2] != "持平"  # moved since 2020-06-15
    assert "截至2020年6月29日" in text and "2020年6月30日" in text


def test_no_full_id_number_anywhere(bulletin):
    work, _, text, _ = bulletin
    assert FULL_ID.search((work / "区县稽核" / "findings.json").read_text("utf-8"))  # the source has them
    assert not FULL_ID.search(text)
    wb = load_workbook(work / "通报.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(FULL_ID.search(str(v)) for v in row if v is not None), (ws.title, row)


def test_blocking_cases_named(bulletin):
    _, _, text, findings = bulletin
    assert "阻碍清零的个案" in text
    for c in findings["cases"]:
        if c["status"] != "complete":
            assert c["case_id"] in text, c["case_id"]
    assert "370402-2020-0001" not in text.split("阻碍清零的个案")[-1]  # confirmed: no longer blocks


def test_xlsx_sheets(bulletin):
    work, _, _, findings = bulletin
    wb = load_workbook(work / "通报.xlsx")
    assert wb.sheetnames[:4] == ["各区市进展", "未整改问题按类型", "清零进度", "阻碍清零的个案"]
    rows = list(wb["各区市进展"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 and [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    trend = {r[0]: r[1:] for r in wb["清零进度"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in wb["清零进度"][1]] == ["区市", "6月15日", "6月29日"]
    assert trend["市中区"] == (0, 25) or list(map(float, trend["市中区"])) == [0.0, 25.0]
    blocked = list(wb["阻碍清零的个案"].iter_rows(min_row=2, values_only=True))
    assert len(blocked) == sum(c["status"] != "complete" for c in findings["cases"])


def test_page_one_renders(bulletin, tmp_path):
    work, *_ = bulletin
    done = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(work / "通报.pdf"),
                           str(tmp_path / "page")], capture_output=True, timeout=120)
    assert done.returncode == 0
    from PIL import Image

    for png in sorted(tmp_path.glob("page*.png")):
        img = Image.open(png).convert("L")
        assert img.getextrema()[0] < 100  # something dark (text) on the page
        assert 480 < img.width < 520  # A4 at 60 dpi


def test_missing_source_only(tmp_path):
    done = kcdocs("bulletin", "没有这个文件夹", "-o", "通报.pdf", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and not (tmp_path / "通报.pdf").exists()
    assert "没有这个文件夹" in done.stdout + done.stderr


def test_damaged_findings_files_named_never_half_counted(bulletin, tmp_path):
    work, *_ = bulletin
    bad = {"格式不对.json": {"schema": "kcdocs.audit/1", "as_of": "2020-06-01",
                           "cases": [{"case_id": "x", "district": "某区", "findings": 5, "review": "abc"}]},
           "不是案例.json": {"cases": [1, 2]},
           "日期不对.json": {"as_of": "上周", "cases": [{"case_id": "y", "district": "某区", "findings": []}]}}
    for name, data in bad.items():
        (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    done = kcdocs("bulletin", work / "区县稽核", *bad, "-o", "通报.pdf", cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in out and "内部错误" not in out, out
    for name in bad:
        assert f"{name}：" in out and "未计入通报" in out, (name, out)
    assert "6 个区（市）" in out and "某区" not in out


def test_late_reports_from_a_reports_table(bulletin, tmp_path):
    from openpyxl import Workbook

    work, *_ = bulletin
    wb = Workbook()
    ws = wb.active
    for row in (["区市", "报告", "期次", "报送日期"], ["市中区", "周报", "2020-W24", "2020-06-12"],
                ["薛城区", "周报", "第24周", "2020-06-20"], ["滕州市", "月报", "2020-05", None],
                ["峄城区", "周报", "第99周", "2020-06-12"], ["山亭区", "季报", "2020-05", "2020-06-12"]):
        ws.append(row)
    wb.save(tmp_path / "报送记录.xlsx")
    done = kcdocs("bulletin", work / "区县稽核", "-o", "通报.pdf", "--reports", "报送记录.xlsx", "--date", "2020-06-30",
                  cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in out, out
    assert "第5行 「期次」列" in out and "2020年没有第99周" in out and "第6行 「报告」列" in out, out
    with pdfplumber.open(tmp_path / "通报.pdf") as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    part = text[text.index("四、周报、月报报送"):text.index("五、阻碍清零的个案")]
    assert "共有2份报告逾期报送" in part and "未报送" in part, part
    assert re.search(r"薛城区 周报 (.* )?3$", part, re.M) and re.search(r"滕州市 月报 2020年5月 未报送 28$", part, re.M)
    assert "市中区" not in part
