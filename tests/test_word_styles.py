"""Every Word document kcdocs writes looks like a Chinese office made it, and LibreOffice lays it
out with the same structure as its PDF version.

Each kind is made by the real CLI from the samples. Its package parts are read back (fonts
declared with their Windows fallbacks and East Asian theme fonts, not python-docx's Japanese
ones; properties naming the unit, made now; A4 with the GB/T 9704 margins and the 22-line
grid; Chinese file names). One soffice call renders one document of each kind to PDF; the
PDF is read back with pdfplumber (title, headings, table headers, signature block, ID numbers
on one line, no overlapping words, page count) and its first page drawn to PNG.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"
LEDGER, CONFIG = SAMPLES / "ledger.xlsx", SAMPLES / "kcdocs.toml"
CONFIG_UNIT = tomllib.loads(CONFIG.read_text("utf-8"))["notices"]["unit"]
REPORT_UNIT = "枣庄市教育和体育局"
REPORT_SIGNATURE = ("以上情况属实", "填报人", "联系电话", "审核人", "主要负责人（签字）", "单位盖章", "签字日期")
REPORT_HEADS = ("台账编号", "姓名", "学校", "处置类型", "状态", "核对", "期末未销号")
FACT_HEADS = ("台账编号", "学生姓名", "身份证号", "监护人")
# an ID as printed: 台账编号, a full or a masked 公民身份号码
ID = re.compile(r"\d{6}-\d{4}-\d{4}|\d{17}[\dX]|\d{6}\*{8}\d{3}[\dX]")

# kind: (CLI arguments before -o/--docx, the file looked at, title, author, labels, most pages)
KINDS = {
    "enrollment": (["notices", "enrollment", SAMPLES / "enrollment_roster.xlsx", "--date", "2020-08-01",
                    "--config", CONFIG], "001_陆海泽_入学通知书.docx", "义务教育入学通知书", None,
                   ("陆新（父母或法定监护人）", "感谢您的支持和配合", "2020年8月1日"), 1),
    "return": (["notices", "return", SAMPLES / "return_roster.csv", "--date", "2020-05-10", "--config", CONFIG],
               "001_曹强子_复学通知书.docx", "义务教育复学通知书", None, ("曹新（父母或法定监护人）", "2020年5月10日"), 1),
    "weekly": (["report", "weekly", LEDGER, "--week", "2020-W20", "--date", "2020-05-19", "--unit", REPORT_UNIT],
               "2020年第20周周报.docx", "控辍保学工作周报（2020年第20周（5月11日—5月17日））", REPORT_UNIT,
               ("控辍保学工作周报", "一、总体情况", "二、按处置类型", "工作开展情况", "个案名单", "期末未销号个案",
                *REPORT_HEADS, *REPORT_SIGNATURE), 6),
    "monthly": (["report", "monthly", LEDGER, "--month", "2020-05", "--date", "2020-06-05", "--unit", REPORT_UNIT],
                "2020年5月月报.docx", "控辍保学工作月报（2020年5月）", REPORT_UNIT,
                ("控辍保学工作月报", "一、总体情况", "二、按处置类型", "三、清零进度", "工作开展情况", "期末未销号个案",
                 *REPORT_HEADS, *REPORT_SIGNATURE), 6),
    "persuasion-record": (["forms", "persuasion-record", LEDGER], "001_李明_劝返复学工作记录表_第1次.docx",
                          "劝返复学工作记录表", CONFIG_UNIT,
                          (*FACT_HEADS, "劝返内容", "下一步措施", "以上记录属实", "工作人员签字", "监护人签字"), 1),
    "application-w7": (["forms", "application", LEDGER], "001_蒋雪_休学申请书.docx", "休学申请书", CONFIG_UNIT,
                       ("特此申请", "申请人（监护人）签字"), 1),
    "application-p1": (["forms", "application", LEDGER], "003_韩梅_引导至中等职业学校接受教育申请书.docx",
                       "引导至中等职业学校接受教育申请书", CONFIG_UNIT, ("申请人（监护人）签字", "学生本人签字"), 1),
    "education-plan": (["forms", "education-plan", LEDGER], "001_韩梅_个性化教育方案.docx", "个性化教育方案", CONFIG_UNIT,
                       (*FACT_HEADS[:3], "一、在学帮包责任人及职责", "帮包责任人签字"), 1),
    "criticism-record": (["forms", "criticism-record", LEDGER], "001_朱丽_批评教育记录.docx", "批评教育记录",
                         CONFIG_UNIT, (*FACT_HEADS, "批评教育内容", "工作人员签字", "监护人签字"), 1),
    "correction-order": (["forms", "correction-order", LEDGER, "--date", "2020-06-01"],
                         "001_朱丽_责令限期改正通知书.docx", "责令限期改正通知书", CONFIG_UNIT,
                         ("特此通知", CONFIG_UNIT, "2020年6月1日", "受送达人（监护人）签收", "送达人签字"), 1),
    "judicial-request": (["forms", "judicial-request", LEDGER, "--date", "2020-06-20"],
                         "001_朱丽_关于提请依法发放司法文书的函.docx", "关于提请依法发放司法文书的函", CONFIG_UNIT,
                         ("人民法院", "附表：历次劝返情况", "次数", "劝返内容", "特此函告", CONFIG_UNIT, "经办人签字",
                          "单位负责人签字"), 2),
    "overdue-reminder": (["forms", "overdue-reminder", LEDGER, "--date", "2020-06-01"],
                         "001_孙浩_逾期未报到催报通知书.docx", "逾期未报到催报通知书", CONFIG_UNIT,
                         ("特此催告", CONFIG_UNIT, "受送达人（监护人）签收"), 1),
}
FORMS = {k for k, v in KINDS.items() if v[0][0] == "forms"}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """kind -> the .docx the CLI wrote (every CLI call once: both applications come from one)."""
    root = tmp_path_factory.mktemp("word")
    runs: dict[tuple, Path] = {}
    files = {}
    for kind, (args, name, *_rest) in KINDS.items():
        key = tuple(map(str, args))
        if key not in runs:
            out = root / f"{kind}_word"
            extra = ["--config", CONFIG] if args[0] == "forms" else []
            r = run_cli(*args, *extra, "-o", root / f"{kind}.pdf", "--docx", out)
            assert r.returncode == 0, r.stderr
            runs[key] = out
        files[kind] = runs[key] / name
        assert files[kind].is_file(), sorted(p.name for p in runs[key].iterdir())
    return files


@pytest.fixture(scope="module")
def rendered(made, tmp_path_factory) -> dict:
    """kind -> the PDF LibreOffice made of it (all in one soffice call, a private profile)."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    root = tmp_path_factory.mktemp("lo")
    subprocess.run(["timeout", "120", "soffice", f"-env:UserInstallation={(root / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(root / "pdf"), *map(str, made.values())],
                   check=True, capture_output=True, timeout=150, cwd=root)
    pdfs = {kind: root / "pdf" / (path.stem + ".pdf") for kind, path in made.items()}
    if shutil.which("pdftoppm"):
        for kind, pdf in pdfs.items():
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(root / kind)],
                           check=True, timeout=60)
    return pdfs


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))} | {
            "_names": "\n".join(z.namelist())}


def _docx_text(path: Path) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("kind", list(KINDS))
def test_package_parts_are_a_chinese_offices(made, kind):
    _args, _name, title, author, _labels, _pages = KINDS[kind]
    parts = _parts(made[kind])
    everything = "".join(parts.values())
    assert "python-docx" not in everything and "Macintosh" not in everything and "Normal.dotm" not in everything
    assert "thumbnail" not in parts["_names"] and "stylesWithEffects" not in parts["_names"]
    # fonts: Chinese, declared with the Windows fallback, no Japanese theme or table fonts
    fonts = parts["word/fontTable.xml"]
    assert not re.search("ＭＳ|明朝|ゴシック|Mincho|Gothic|맑은|新細明體", fonts + parts["word/theme/theme1.xml"])
    for name, alt in (("仿宋", "FangSong"), ("宋体", "SimSun"), ("黑体", "SimHei")):
        assert re.search(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>.*?<w:charset w:val="86"/>', fonts), name
    declared = set(re.findall(r'<w:font w:name="([^"]+)"', fonts))
    used = {f for part in ("word/document.xml", "word/styles.xml") for f in
            re.findall(r'<w:rFonts\b[^>]*w:eastAsia="([^"]+)"', parts[part])}
    assert used <= declared and used & {"仿宋", "仿宋_GB2312"}, (used, declared)
    for name in used - {"仿宋", "宋体", "黑体", "楷体"}:  # 仿宋_GB2312, 方正小标宋简体: a face Windows has
        assert re.search(f'<w:font w:name="{name}"><w:altName w:val="(仿宋|宋体|楷体|黑体)"/>', fonts), name
    theme = parts["word/theme/theme1.xml"]
    assert re.search(r'<a:majorFont>.*?<a:ea typeface="黑体"/>.*?</a:majorFont>', theme, re.S)
    assert re.search(r'<a:minorFont>.*?<a:ea typeface="宋体"/>.*?</a:minorFont>', theme, re.S)
    assert 'script="Jpan"' not in theme and 'w:eastAsia="zh-CN"' in parts["word/settings.xml"]
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", parts["word/styles.xml"], re.S).group(0)
    assert re.search(r'w:eastAsia="仿宋(_GB2312)?"', defaults) and 'w:eastAsia="zh-CN"' in defaults
    assert "Theme=" not in parts["word/styles.xml"]  # no style left on the (Latin) theme fonts

    # properties: the document's title, the unit (or kcdocs), made now
    core = parts["docProps/core.xml"]
    prop = {k: (re.search(f"<{k}(?: [^>]*)?>([^<]*)</{k}>", core) or [None, ""])[1]
            for k in ("dc:title", "dc:creator", "cp:lastModifiedBy", "dcterms:created", "dcterms:modified")}
    if author is None:  # a notice: the issuing unit printed at its foot
        author = [p for p in _docx_text(made[kind]).split("\n") if p.strip()][-2]
    assert prop["dc:title"] == title and prop["dc:creator"] == author and prop["cp:lastModifiedBy"] == author
    now = dt.datetime.now(dt.timezone.utc)
    for key in ("dcterms:created", "dcterms:modified"):
        stamp = dt.datetime.fromisoformat(prop[key].replace("Z", "+00:00"))
        assert abs((now - stamp).total_seconds()) < 600, prop[key]
    assert "<Application>kcdocs</Application>" in parts["docProps/app.xml"]

    # page: A4, GB/T 9704 margins (top 37, bottom 35, left 28, right 26 mm), 22 lines a page
    sect = re.findall(r"<w:sectPr\b.*?</w:sectPr>", parts["word/document.xml"], re.S)[-1]
    assert re.search(r'<w:pgSz w:w="1190[56]" w:h="1683[789]"/>', sect)
    margins = {k: int(v) / 1440 * 25.4 for k, v in re.findall(r'w:(top|bottom|left|right)="(\d+)"', sect)}
    assert {k: round(v) for k, v in margins.items()} == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    pitch = int(re.search(r'<w:docGrid w:type="lines" w:linePitch="(\d+)"/>', sect).group(1))
    assert 225 / (pitch / 1440 * 25.4) == pytest.approx(22, abs=0.05)


def test_file_names_are_chinese(made):
    for path in made.values():
        for name in (p.name for p in path.parent.iterdir()):
            assert name.endswith(".docx") and re.search(r"[\u4e00-\u9fff]", name), name
            assert not re.search(r"\d{4}[MW]\d{2}|_W\d|_M\d", name), name
    assert made["monthly"].name == "2020年5月月报.docx" and made["weekly"].name == "2020年第20周周报.docx"


def test_report_id_columns_are_wide_enough(made):
    """In the XML: the 台账编号 and ID columns hold their longest value on one line."""
    from kcdocs.render.docx import CELL_PAD_MM, text_width

    for kind in ("weekly", "monthly"):
        for table in Document(made[kind]).tables:
            head = [c.text for c in table.rows[0].cells]
            for col, label in enumerate(head):
                if label in ("台账编号", "身份证号（已遮蔽）"):
                    width = table.columns[col].width / 36000  # EMU -> mm
                    longest = max(text_width(r.cells[col].text, 9) for r in table.rows[1:])
                    assert width >= longest + 2 * CELL_PAD_MM, (kind, label, width, longest)


def _overlaps(page) -> list:
    words = [w for w in page.extract_words() if w["text"].strip()]
    bad = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.8 and min(a["bottom"], b["bottom"]) - max(
                    a["top"], b["top"]) > 0.8:
                bad.append((a["text"], b["text"]))
    return bad


@pytest.mark.parametrize("kind", list(KINDS))
def test_libreoffice_shows_the_same_structure(made, rendered, kind):
    _args, _name, _title, _author, labels, most_pages = KINDS[kind]
    pdf = rendered[kind]
    docx_text = _docx_text(made[kind])
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        assert 1 <= len(pages) <= most_pages, len(pages)
        texts = [re.sub(r"\s+", "", p.extract_text() or "") for p in pages]
        whole = "".join(texts)
        for page in pages:
            assert _overlaps(page) == [], f"overlapping words on page {page.page_number}"
        # every ID printed whole, on one line (a wrapped one matches nowhere)
        found = Counter()
        for page in pages:
            for m in page.search(ID.pattern, regex=True, return_chars=True):
                tops = [c["top"] for c in m["chars"]]
                assert max(tops) - min(tops) < 1, m["text"]
                found[m["text"]] += 1
        expected = Counter(ID.findall(docx_text))
        assert expected or kind in ("enrollment", "return", "overdue-reminder")  # these name no ID
        assert all(found[i] >= n for i, n in expected.items()), (expected - found)
    # the title, headings, table headers and signature labels
    title = [p for p in docx_text.split("\n") if p.strip()][0]
    assert title.replace(" ", "") in texts[0]
    for label in labels:
        assert label in whole, label
    paragraphs = [re.sub(r"\s+", "", p.text) for p in Document(made[kind]).paragraphs]
    for text in paragraphs:
        assert text in whole, text
    last = texts[-1]
    if kind in ("weekly", "monthly"):  # the signature block with the last rows of the last table
        assert all(label in last for label in REPORT_SIGNATURE) and re.search(r"\d{6}-\d{4}-\d{4}", last)
    if kind in FORMS:  # the signature labels and the signers' names on one page, the last
        signatures = Document(made[kind]).tables[-1]
        for cell in signatures.rows[0].cells + signatures.rows[2].cells:
            assert re.sub(r"\s+", "", cell.text) in last, cell.text
    if shutil.which("pdftoppm"):
        assert (pdf.parent.parent / f"{kind}-1.png").stat().st_size > 2000
