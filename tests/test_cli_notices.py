"""The real command line, as a clerk runs it: exit codes, outputs, messages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from tests.conftest import GOOD_ROWS, HEADER, REPO, run_cli, write_xlsx

SAMPLES = REPO / "samples"


def _pages(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [re.sub(r"\s+", "", p.extract_text()) for p in doc.pages]


def test_sample_rosters(tmp_path):
    out = tmp_path / "入学.pdf"
    r = run_cli("notices", "enrollment", SAMPLES / "enrollment_roster.xlsx", "-o", out, "--date", "2020-08-01")
    assert r.returncode == 0, r.stderr
    assert "已生成 60 份入学通知书" in r.stdout
    assert len(_pages(out)) == 60
    out2 = tmp_path / "复学.pdf"
    r = run_cli("notices", "return", SAMPLES / "return_roster.csv", "-o", out2, "--date", "2020-05-10")
    assert r.returncode == 0, r.stderr
    pages = _pages(out2)
    assert len(pages) == 30 and all("5月20日前" in p and "报到入读" in p for p in pages)


def _bad_roster(tmp_path: Path) -> Path:
    rows = [HEADER, *GOOD_ROWS,
            ["赵小六", "370402201408310011", "赵四", "实验小学", date(2020, 8, 25), "某局"],
            ["钱小七", "370404201408310013", "", "实验小学", "2020-13-01", "某局"]]
    return write_xlsx(tmp_path / "bad.xlsx", rows, text_columns=(1,))


def test_strict_lists_every_error_and_writes_nothing(tmp_path):
    out = tmp_path / "out" / "n.pdf"
    r = run_cli("notices", "enrollment", _bad_roster(tmp_path), "-o", out, "--date", "2020-08-01")
    assert r.returncode == 1
    assert not out.exists() and not out.with_name("n.rejected.xlsx").exists()
    for expected in ("第5行 「身份证号」列", "校验位", "第6行 「监护人姓名」列", "第6行 「报到截止日期」列",
                     "--skip-invalid"):
        assert expected in r.stderr
    assert "未生成任何文件" in r.stderr


def test_skip_invalid_writes_valid_rows_and_rejects(tmp_path):
    out = tmp_path / "n.pdf"
    r = run_cli("notices", "enrollment", _bad_roster(tmp_path), "-o", out, "--date", "2020-08-01", "--skip-invalid")
    assert r.returncode == 1
    assert len(_pages(out)) == 3
    rejected = out.with_name("n.rejected.xlsx")
    ws = load_workbook(rejected).active
    rows = list(ws.values)
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert [row[0] for row in rows[1:]] == [5, 6]
    assert rows[1][2] == "370402201408310011"  # kept as text, not a number
    assert "校验位" in rows[1][-1] and "监护人姓名" in rows[2][-1] and "报到截止日期" in rows[2][-1]


def test_deadline_and_unit_from_options(tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [HEADER[:4], *[r[:4] for r in GOOD_ROWS]], text_columns=(1,))
    out = tmp_path / "n.pdf"
    r = run_cli("notices", "return", roster, "-o", out, "--deadline", "2020年9月1日", "--unit", "山亭区教育和体育局",
                "--date", "2020/8/20")
    assert r.returncode == 0, r.stderr
    assert all("9月1日前" in p and p.endswith("山亭区教育和体育局2020年8月20日") for p in _pages(out))


def test_missing_unit_everywhere_is_unusable(tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [HEADER[:5], *[r[:5] for r in GOOD_ROWS]], text_columns=(1,))
    r = run_cli("notices", "return", roster, "-o", tmp_path / "n.pdf", cwd=tmp_path)
    assert r.returncode == 2
    assert "发文单位" in r.stderr and "--unit" in r.stderr
    assert not (tmp_path / "n.pdf").exists()


def test_docx_files_match_the_pdf(tmp_path, good_roster):
    from docx import Document

    out, docx_dir = tmp_path / "n.pdf", tmp_path / "word"
    r = run_cli("notices", "enrollment", good_roster, "-o", out, "--docx", docx_dir, "--date", "2020-08-01")
    assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in docx_dir.iterdir())
    assert files == ["001_张小明_入学通知书.docx", "002_李小红_入学通知书.docx", "003_王一诺_入学通知书.docx"]
    for name, page in zip(files, _pages(out)):
        text = "".join(p.text for p in Document(docx_dir / name).paragraphs)
        assert re.sub(r"\s+", "", text) == page


@pytest.mark.parametrize("args, message", [
    (["notices", "enrollment", "nope.xlsx", "-o", "x.pdf"], "找不到文件"),
    (["notices", "enrollment", "r.xlsx"], "缺少选项"),
    (["notices", "enrollment", "r.xlsx", "-o", "x.pdf", "--date", "昨天"], "不是可识别的日期"),
    (["notices", "transfer", "r.xlsx", "-o", "x.pdf"], "没有命令"),
    (["notices", "enrollment", "r.xlsx", "-o", "x.pdf", "--config", "bad.toml"], "不认识的设置项"),
    (["notices", "enrollment", "r.xlsx", "-o", "x.pdf", "--config", "nofont.toml"], "fonts-noto-cjk"),
])
def test_unusable_invocations_exit_2_in_chinese(tmp_path, good_roster, args, message):
    good_roster.rename(tmp_path / "r.xlsx")
    (tmp_path / "bad.toml").write_text("[notices]\nprovnce = '山东省'\n", encoding="utf-8")
    (tmp_path / "nofont.toml").write_text("[fonts]\nbody = ['无此字体']\ntitle = ['无此字体']\n", encoding="utf-8")
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_config_in_working_folder_is_used(tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", [HEADER[:5], *[r[:5] for r in GOOD_ROWS]], text_columns=(1,))
    (tmp_path / "kcdocs.toml").write_text("[notices]\nprovince = '江苏省'\nunit = '某县教育局'\n", encoding="utf-8")
    r = run_cli("notices", "enrollment", "r.xlsx", "-o", "n.pdf", "--date", "2020-08-01", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = _pages(tmp_path / "n.pdf")[0]
    assert "《江苏省义务教育条例》" in page and "某县教育局" in page


def test_existing_output_survives_a_failed_run(tmp_path):
    out = tmp_path / "n.pdf"
    out.write_bytes(b"previous")
    r = run_cli("notices", "enrollment", _bad_roster(tmp_path), "-o", out)
    assert r.returncode == 1 and out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
