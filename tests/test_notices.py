"""Notices rendered to real PDFs and read back: wording, geometry, fonts, pixels."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from kcdocs.config import Config, FontConfig
from kcdocs.errors import DataProblems, FontError
from kcdocs.notices import NoticeOptions, make_notices
from kcdocs.notices.build import school_word
from kcdocs.render.fonts import resolve_fonts
from kcdocs.render.typst_engine import TypstRenderer

MM = 72 / 25.4
SEED_ENROLLMENT = ("{g}（父母或法定监护人）：按照《中华人民共和国义务教育法》《山东省义务教育条例》有关规定和要求，"
                   "接受义务教育是法律赋予每个适龄儿童的权利和义务。您的孩子（被监护人）{c}已经达到接受义务教育年龄，"
                   "请您于{m}月{d}日前送其到{s}学校报到入学。感谢您的支持和配合。")
SEED_RETURN = ("{g}（父母或法定监护人）：按照《中华人民共和国义务教育法》《山东省义务教育条例》有关规定和要求，"
               "接受义务教育是法律赋予每个适龄儿童的权利和义务。您的孩子（被监护人）{c}处于接受义务教育年龄，"
               "请您于{m}月{d}日前送其到{s}学校报到入读。感谢您的支持和配合。")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _make(tmp_path, roster, kind="enrollment", **kw) -> Path:
    out = tmp_path / f"{kind}.pdf"
    make_notices(NoticeOptions(kind=kind, roster=roster, output=out, issue_date=date(2020, 8, 1), **kw))
    return out


@pytest.mark.parametrize("kind, seed, title", [("enrollment", SEED_ENROLLMENT, "义务教育入学通知书"),
                                               ("return", SEED_RETURN, "义务教育复学通知书")])
def test_exact_wording_read_back(tmp_path, good_roster, kind, seed, title):
    pdf = _make(tmp_path, good_roster, kind)
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 3
        texts = [_flat(p.extract_text()) for p in doc.pages]
    # 育才 gets the form's word 学校; 实验小学 already names a school.
    expected = [
        ("张建国", "张小明", "8", "25", "枣庄市市中区实验小学", "枣庄市市中区教育和体育局"),
        ("李卫东", "李小红", "8", "26", "薛城区临城实验小学", "枣庄市薛城区教育和体育局"),
        ("王海涛", "王一诺", "8", "27", "滕州市育才学校", "滕州市教育和体育局"),
    ]
    for text, (g, c, m, d, s, unit) in zip(texts, expected):
        body = seed.format(g=g, c=c, m=m, d=d, s=s).replace("学校学校", "学校").replace("小学学校", "小学")
        assert text == title + body + unit + "2020年8月1日"


def test_school_word_rule():
    assert school_word("枣庄市实验小学") == "" and school_word("枣庄八中") == ""
    assert school_word("滕州市育才") == "学校" and school_word("市中区实验学校") == ""


def test_province_from_config(tmp_path, good_roster):
    config = Config.model_validate({"notices": {"province": "河南省"}})
    pdf = _make(tmp_path, good_roster, config=config)
    with pdfplumber.open(pdf) as doc:
        assert "《河南省义务教育条例》" in _flat(doc.pages[0].extract_text())


def test_gbt9704_page_geometry_and_type_sizes(tmp_path, good_roster):
    pdf = _make(tmp_path, good_roster)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert page.width == pytest.approx(210 * MM, abs=0.5) and page.height == pytest.approx(297 * MM, abs=0.5)
        chars = [c for c in page.chars if c["text"].strip()]
        assert min(c["x0"] for c in chars) / MM == pytest.approx(28, abs=1)
        assert min(c["top"] for c in chars) / MM == pytest.approx(37, abs=1)
        title = [c for c in chars if c["top"] < 40 * MM]
        assert {round(c["size"]) for c in title} == {22}
        body = [c for c in chars if c["top"] > 50 * MM]
        assert {round(c["size"]) for c in body} == {16}
        # 28 characters per line: the pitch of adjacent ideographs is 156 mm / 28
        lines: dict[float, list] = {}
        for c in body:
            lines.setdefault(round(c["top"], 0), []).append(c)
        pitches = [b["x0"] - a["x0"] for line in lines.values() for a, b in zip(line, line[1:])
                   if "\u4e00" <= a["text"] <= "\u9fff" and "\u4e00" <= b["text"] <= "\u9fff"]
        exact = [p for p in pitches if p / MM == pytest.approx(156 / 28, abs=0.02)]
        assert len(exact) > 0.8 * len(pitches)  # the rest are stretched by justification
        tops = sorted(lines)
        pitch = min(b - a for a, b in zip(tops, tops[1:]))
        assert pitch / MM == pytest.approx(225 / 22, abs=0.3)  # 22 lines per page


def test_fonts_embedded_as_subsets_and_qpdf_check(tmp_path, good_roster):
    pdf = _make(tmp_path, good_roster)
    with pdfplumber.open(pdf) as doc:
        names = {c["fontname"] for c in doc.pages[0].chars}
    assert names and all(re.match(r"^[A-Z]{6}\+", n) for n in names)
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_rendered_page_is_not_blank(tmp_path, good_roster):
    import numpy as np
    import pypdfium2 as pdfium

    pdf = _make(tmp_path, good_roster)
    doc = pdfium.PdfDocument(str(pdf))
    image = np.asarray(doc[0].render(scale=100 / 72).to_pil().convert("L"))
    ink = (image < 128).mean()
    assert 0.005 < ink < 0.2
    # margins are empty paper: above 36 mm, left of 27 mm, right of 185 mm (GB/T 9704: 37/28/26 mm)
    px = 100 / 25.4
    assert (image[: int(36 * px)] < 128).sum() == 0
    assert (image[:, : int(27 * px)] < 128).sum() == 0
    assert (image[:, int(185 * px):] < 128).sum() == 0


def test_markup_in_names_prints_literally(tmp_path):
    from tests.conftest import HEADER, write_xlsx

    names = ["#import \"x\"", "$x^2$", "*粗体* _斜体_", "\\u{41} @ref <lab> [链]", "- 列表 + 项 // 注释"]
    rows = [HEADER] + [[n, "", "王某", "实验小学", date(2020, 8, 25), "某局"] for n in names]
    roster = write_xlsx(tmp_path / "m.xlsx", rows)
    pdf = _make(tmp_path, roster)
    with pdfplumber.open(pdf) as doc:
        texts = [_flat(p.extract_text()) for p in doc.pages]
    for name, text in zip(names, texts):
        assert f"（被监护人）{_flat(name)}已经达到" in text


def test_strict_mode_writes_nothing(tmp_path):
    from tests.conftest import HEADER, write_xlsx

    roster = write_xlsx(tmp_path / "bad.xlsx", [HEADER, ["张三", "370402201408310011", "张父", "实验小学",
                                                         date(2020, 8, 25), "某局"]], text_columns=(1,))
    out = tmp_path / "x.pdf"
    with pytest.raises(DataProblems) as exc:
        make_notices(NoticeOptions(kind="return", roster=roster, output=out))
    assert exc.value.problems[0].row == 2
    assert not out.exists() and list(tmp_path.iterdir()) == [roster]


def test_chunked_batch_keeps_order_and_count(tmp_path):
    fonts = resolve_fonts()
    renderer = TypstRenderer(fonts)
    records = [dict(guardian=f"监护人{i}", child=f"孩子{i:02d}", month="8", day="1", school="实验小学",
                    school_word="", unit="某局", date="2020年8月1日") for i in range(7)]
    out = tmp_path / "chunked.pdf"
    seen = []
    renderer.render_batch("notices/enrollment.typ", {"province": "山东省"}, records, out, chunk_size=3,
                          jobs=2, progress=lambda done, total: seen.append((done, total)))
    with pdfplumber.open(out) as doc:
        children = [re.search(r"孩子\d\d", _flat(p.extract_text())).group() for p in doc.pages]
    assert children == [f"孩子{i:02d}" for i in range(7)]
    assert seen[-1] == (7, 7)


def test_missing_cjk_font_is_a_clear_chinese_error(tmp_path):
    with pytest.raises(FontError) as exc:
        resolve_fonts(FontConfig(body=["没有这种字体"], title=["也没有"], heading=[]))
    assert "fonts-noto-cjk" in str(exc.value) and "kcdocs.toml" in str(exc.value)


def test_font_choice_is_reported():
    fonts = resolve_fonts()
    assert fonts.body[0] in fonts.describe()
