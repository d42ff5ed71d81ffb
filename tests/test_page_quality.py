"""Every printed document type, made by the real CLI from the sample ledger and read back as a
clerk would read it: no text printed over other text, the labels each document must carry, the
signature block kept with the text it attests, no program name on a form, dates written solid."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"
LEDGER = SAMPLES / "ledger.xlsx"
FORMS = ("persuasion-record", "application", "education-plan", "criticism-record",
         "correction-order", "judicial-request", "overdue-reminder")

# document -> (labels every copy carries, attestation text, signature label kept with it)
DOCS = {
    "persuasion-record": (("劝返复学工作记录表", "地点", "起止时间", "记录人", "录音", "劝返内容",
                           "下一步措施", "监护人签字"), "以上记录属实", "签字"),
    "application": (("申请书", "申请人", "特此申请", "申请人（监护人）签字"), "特此申请", "签字"),
    "education-plan": (("个性化教育方案", "帮包责任人", "教学计划方案", "落实保障措施"),
                       "落实保障措施", "帮包责任人签字"),
    "criticism-record": (("批评教育记录", "地点", "起止时间", "记录人", "批评教育内容", "监护人态度",
                          "监护人签字"), "以上记录经监护人核对无误", "监护人签字"),
    "correction-order": (("责令限期改正通知书", "义务教育法", "第五十八条", "逾期不改正", "受送达人",
                          "送达人签字"), "特此通知", "受送达人"),
    "judicial-request": (("提请依法发放司法文书的函", "人民法院", "历次劝返情况", "经办人签字",
                          "单位负责人签字"), "特此函告", "经办人签字"),
    "overdue-reminder": (("逾期未报到催报通知书", "未报到原因", "受送达人", "送达人签字"), "特此催告",
                         "受送达人"),
    "weekly": (("控辍保学工作周报", "报送单位", "以上情况属实", "主要负责人", "填报人", "审核人", "联系电话"),
               "以上情况属实", "主要负责人"),
    "monthly": (("控辍保学工作月报", "报送单位", "以上情况属实", "主要负责人", "填报人", "审核人", "联系电话"),
                "以上情况属实", "主要负责人"),
    "notices": (("义务教育复学通知书", "送达文书", "受送达人", "送达地点", "送达方式", "送达人", "见证人",
                 "拒收原因"), "感谢您的支持和配合", "受送达人签收"),
    "dossier": (("一人一案卷宗", "台账编号", "学生姓名", "卷宗结论", "目录", "清单核对", "劝返过程"), None, None),
    "index": (("一人一案卷宗索引", "汇总", "卷宗一览", "未解决的问题"), None, None),
}
PRINTED_FOR_SIGNING = set(FORMS) | {"weekly", "monthly", "notices"}
_S = r"[ \t\u3000]*"
DATE = re.compile(rf"\d{{4}}{_S}年{_S}\d{{1,2}}{_S}月(?:{_S}\d{{1,2}}{_S}日)?")
# a date cut inside a table cell (“2020年2月20 / 日”); running text may break anywhere
WRAPPED_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}\n日|\d{4}年\d{1,2}\n月|\d{4}\n年")
TABLES = {"dossier", "index", "weekly", "monthly"}
CUT_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}|\d{4}年\d{1,2}月?|\d{4}年")
# table headers and values a narrow cell must not cut in two
WHOLE = {"dossier": ("次序", "序号", "清单项", "材料及页码"),
         "index": ("生成失败", "总页数", "强制程序中", "P2 特殊劝返·强制劝返", "未解决的问题")}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    docs: dict[str, Path] = {}
    for form in FORMS:
        docs[form] = out / f"{form}.pdf"
        r = run_cli("forms", form, LEDGER, "-o", docs[form], "--date", "2020-06-20")
        assert r.returncode == 0, r.stderr
    for kind, opt, value in (("weekly", "--week", "2020-W20"), ("monthly", "--month", "2020-05")):
        docs[kind] = out / f"{kind}.pdf"
        r = run_cli("report", kind, LEDGER, opt, value, "-o", docs[kind])
        assert r.returncode == 0, r.stderr
    docs["notices"] = out / "notices.pdf"
    r = run_cli("notices", "return", SAMPLES / "return_roster.csv", "--receipt", "--date", "2020-05-10",
                "-o", docs["notices"])
    assert r.returncode in (0, 1), r.stderr
    folder = out / "dossier"
    r = run_cli("dossier", LEDGER, SAMPLES / "evidence", "-o", folder, "--as-of", "2020-06-15")
    assert r.returncode in (0, 1), r.stderr
    docs["index"] = folder / "index.pdf"
    # a P1 case: the longest process table and checklist
    docs["dossier"] = folder / "370402-2020-0003_韩梅.pdf"
    return docs


def _pages(doc: str, path: Path):
    """The pages a check applies to: of a dossier, the pages kcdocs typesets (the cover's contents
    give the page where the attached material starts)."""
    pdf = pdfplumber.open(path)
    if doc != "dossier":
        return pdf, pdf.pages
    start = re.search(r"佐证材料（[^）]*）[ ·]*第(\d+)页", pdf.pages[0].extract_text())
    return pdf, pdf.pages[: int(start.group(1)) - 1]


def _copies(doc: str, pages) -> list[list]:
    """Pages grouped by printed copy: a form starts again at “第1页”, a notice is one page."""
    if doc in ("notices",):
        return [[p] for p in pages]
    if doc not in FORMS:
        return [list(pages)]
    copies: list[list] = []
    for page in pages:
        if re.search(r"第1页\s*共\d+页", page.extract_text()) or not copies:
            copies.append([])
        copies[-1].append(page)
    return copies


def overlapping_words(page) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than a tenth of the smaller one (the glyphs of
    one word are one box, so touching letters inside a word never count)."""
    words = page.extract_words(use_text_flow=True)
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w <= 0.5 or h <= 0.5:
                continue
            smaller = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]),
                          (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
            if w * h > 0.1 * smaller:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("doc", list(DOCS))
def test_no_text_printed_over_other_text(rendered, doc):
    pdf, pages = _pages(doc, rendered[doc])
    with pdf:
        assert pages
        for n, page in enumerate(pages, 1):
            assert page.extract_words(), f"{doc} 第{n}页 没有文字"
            assert overlapping_words(page) == [], f"{doc} 第{n}页"


@pytest.mark.parametrize("doc", list(DOCS))
def test_labels_dates_and_wording(rendered, doc):
    labels = DOCS[doc][0]
    pdf, pages = _pages(doc, rendered[doc])
    with pdf:
        for copy in _copies(doc, pages):
            text = "\n".join(p.extract_text() for p in copy)
            missing = [label for label in labels if label not in text.replace("\n", "").replace(" ", "")]
            assert missing == [], (doc, text[:200])
            spaced = [d for d in DATE.findall(text) if re.search(r"\s", d)]
            assert spaced == [], doc
            if doc in TABLES:
                assert not WRAPPED_DATE.search(text), (doc, WRAPPED_DATE.search(text).group())
            words = [w["text"] for p in copy for w in p.extract_words(keep_blank_chars=True)]
            if doc in ("dossier", "index"):
                assert [w for w in words if CUT_DATE.fullmatch(w.strip())] == [], doc
                for term in WHOLE[doc]:
                    assert any(term in w for w in words), (doc, term)
            if doc in PRINTED_FOR_SIGNING:
                assert "kcdocs" not in text.lower(), doc


def _lines_above(page, phrase: str) -> tuple[int, float] | None:
    """Number of text lines above the line holding ``phrase`` and that line's top, or None."""
    lines = page.extract_text_lines()
    for line in lines:
        if phrase in line["text"].replace(" ", ""):
            return sum(1 for other in lines if other["bottom"] <= line["top"] + 1), line["top"]
    return None


@pytest.mark.parametrize("doc", [d for d, (_, attest, _) in DOCS.items() if attest])
def test_signature_block_stays_with_what_it_attests(rendered, doc):
    _, attest, signer = DOCS[doc]
    pdf, pages = _pages(doc, rendered[doc])
    with pdf:
        for copy in _copies(doc, pages):
            found = [(page, _lines_above(page, attest)) for page in copy]
            found = [(page, hit) for page, hit in found if hit]
            assert found, (doc, attest)
            page, (above, top) = found[-1]
            # the attestation follows at least the last rows of the text, never alone at the top
            assert above >= 3, (doc, page.page_number, above)
            below = [w for w in page.extract_words() if w["top"] > top and signer in w["text"]]
            assert below, (doc, page.page_number, "签字框不在同一页")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm 不可用")
def test_every_page_renders_to_an_image(rendered, tmp_path):
    from PIL import Image

    for doc, path in rendered.items():
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        prefix = tmp_path / doc
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(prefix)], check=True, timeout=120)
        images = sorted(tmp_path.glob(f"{doc}-*.png"))
        assert len(images) == count, doc
        with Image.open(images[-1]) as im:
            lo, hi = im.convert("L").getextrema()
        assert lo < 100 < hi, doc  # ink on paper, not a blank page


def test_continuation_page_subtitle_clears_the_signer_labels(tmp_path):
    from tests.test_ledger_import import GOOD, workbook

    people = "、".join(f"工作人员{i:02d}" for i in range(9))
    ledger = workbook(tmp_path / "多人.xlsx", [GOOD],
                      attempts=[["370402-2020-0001", 1, "2020-03-01", "入户", people, "宣讲政策", "无效"]])
    out = tmp_path / "记录.pdf"
    r = run_cli("forms", "persuasion-record", ledger, "-o", out)
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 2
        second = pdf.pages[1]
        assert overlapping_words(second) == []
        lines = second.extract_text_lines()
        title = next(line for line in lines if "（续）" in line["text"])
        subtitle = next(line for line in lines if "签字页" in line["text"])
        labels = [w for w in second.extract_words() if "签字" in w["text"] and w["top"] > subtitle["top"]]
        assert labels and title["bottom"] <= subtitle["top"]
        assert subtitle["bottom"] + 2 < min(w["top"] for w in labels)
        assert "kcdocs" not in second.extract_text().lower()
