"""Dossiers built from the sample ledger and evidence: page counts, labels, bookmarks, evidence
pages unchanged, unreadable files listed, one failing case not stopping the others."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest

from kcdocs.dossier import DossierOptions, make_dossiers

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EVIDENCE = SAMPLES / "evidence"
AS_OF = date(2020, 6, 15)
LABEL_STRIP_PT = 12 * 72 / 25.4  # the label sits in the bottom 8.5 mm of an evidence page


def build(out: Path, **kw):
    """Without the on-disk cache unless asked: what an earlier test's audit cached must not
    change the results."""
    opts = dict(ledger=SAMPLES / "ledger.xlsx", evidence_root=EVIDENCE, output=out, as_of=AS_OF, jobs=1,
                use_cache=False)
    opts.update(kw)
    return make_dossiers(DossierOptions(**opts))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dossiers")
    return out, build(out)


def case_folder(case_id: str) -> Path | None:
    return next((p for p in EVIDENCE.iterdir() if p.name.startswith(case_id + " ")), None)


def expected_evidence_pages(case_id: str) -> int:
    """Counted from the folder itself: a readable PDF gives its pages, anything else one page."""
    folder = case_folder(case_id)
    if folder is None:
        return 0
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        pages = 1
        if path.suffix.lower() == ".pdf":
            try:
                pages = len(pdfium.PdfDocument(str(path)))
            except pdfium.PdfiumError:
                pages = 1
        total += pages
    return total


def page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    page = pdf[index]
    text = page.get_textpage().get_text_range()
    return re.sub(r"\s+", "", text)


def render(pdf: pdfium.PdfDocument, index: int, scale: float = 1.5) -> np.ndarray:
    return np.asarray(pdf[index].render(scale=scale).to_pil().convert("L"), dtype=np.int16)


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark."""
    out = []
    with pikepdf.open(path) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        with pdf.open_outline() as ol:
            def walk(items, depth):
                for item in items:
                    out.append((depth, item.title, index[item.destination[0].objgen]))
                    walk(item.children, depth + 1)
            walk(ol.root, 0)
    return out


def test_one_dossier_per_case_with_exact_page_counts(built):
    out, result = built
    assert len(result.dossiers) == 21 and not result.failed
    for info in result.dossiers:
        path = out / info.file
        assert info.file == f"{info.case_id}_{info.name}.pdf"
        assert info.evidence_pages == expected_evidence_pages(info.case_id), info.case_id
        assert info.front_pages >= 3
        assert len(pdfium.PdfDocument(str(path))) == info.pages == info.front_pages + info.evidence_pages


def test_every_page_carries_its_label(built):
    out, result = built
    for info in result.dossiers[:8]:
        pdf = pdfium.PdfDocument(str(out / info.file))
        for i in range(len(pdf)):
            label = f"{info.case_id}第{i + 1}页共{info.pages}页"
            assert label in page_text(pdf, i), (info.case_id, i)


def test_bookmarks_point_at_the_evidence(built):
    out, result = built
    info = next(d for d in result.dossiers if d.case_id == "370402-2020-0003")
    marks = outline(out / info.file)
    titles = [t for d, t, _ in marks if d == 0]
    assert titles[:2] == ["封面", "一、案例基本信息"] and titles[-1] == "六、佐证材料"
    assert next(p for d, t, p in marks if t == "六、佐证材料") == info.front_pages
    folder = case_folder(info.case_id)
    dossier = pdfium.PdfDocument(str(out / info.file))
    files = [(t, p) for d, t, p in marks if d == 2]
    assert len(files) == 7  # three 劝返记录 in one PDF, two images, a PDF, a recording
    for title, page in files:
        name = re.sub(r"（第(\d+)份）$", "", title)
        k = int(re.search(r"（第(\d+)份）$", title).group(1)) - 1 if "份）" in title else 0
        source = folder / name
        if source.suffix == ".pdf":  # the bookmarked page shows the same text as the original page
            original = pdfium.PdfDocument(str(source))
            assert page_text(original, k) in page_text(dossier, page)
        elif source.suffix == ".jpg":  # the page embeds the very bytes of the file (lossless)
            with pikepdf.open(out / info.file) as pdf:
                xobjects = pdf.pages[page].Resources.XObject
                images = [x for _, x in xobjects.items() if x.Subtype == pikepdf.Name.Image]
                assert [bytes(i.read_raw_bytes()) for i in images] == [source.read_bytes()]
        else:
            assert name in page_text(dossier, page) and "录音录像文件" in page_text(dossier, page)
    groups = [t for d, t, _ in marks if d == 1]
    assert groups == ["每次劝返的过程记录（工作人员逐一签字）", "监护人及本人书面申请", "个性化教育方案",
                      "中职学校接收证明", "劝返录音录像留存备查"]  # checklist order


def test_evidence_pages_are_unchanged_away_from_the_label(built):
    out, result = built
    checked = 0
    for info in result.dossiers:
        folder = case_folder(info.case_id)
        if folder is None:
            continue
        dossier = pdfium.PdfDocument(str(out / info.file))
        for _, title, page in outline(out / info.file):
            source = folder / title
            if source.suffix != ".pdf" or not source.is_file():
                continue
            try:
                original = pdfium.PdfDocument(str(source))
            except pdfium.PdfiumError:
                continue  # unreadable: its page is a description (tested below)
            a, b = render(original, 0), render(dossier, page)
            assert a.shape == b.shape
            strip = int(LABEL_STRIP_PT * 1.5)
            assert np.abs(a[:-strip] - b[:-strip]).max() == 0, (info.case_id, title)
            assert np.abs(a[-strip:] - b[-strip:]).max() > 0  # the label is there
            checked += 1
    assert checked >= 5


def test_rotated_and_multi_page_evidence(tmp_path):
    """A page with /Rotate 90 keeps its content; its label lands at the bottom right as seen."""
    root = tmp_path / "ev"
    shutil.copytree(case_folder("370405-2020-0001"), root / "370405-2020-0001 王芳")
    with pikepdf.open(case_folder("370402-2020-0003") / "劝返记录.pdf") as src:
        src.pages[1].Rotate = 90
        src.save(root / "370405-2020-0001 王芳" / "户口注销证明.pdf")
    result = build(tmp_path / "out", evidence_root=root, cases=["370405-2020-0001"])
    info = result.dossiers[0]
    assert info.evidence_pages == 4 and info.pages == info.front_pages + 4
    original = pdfium.PdfDocument(str(root / "370405-2020-0001 王芳" / "户口注销证明.pdf"))
    dossier = pdfium.PdfDocument(str(tmp_path / "out" / info.file))
    start = next(p for _, t, p in outline(tmp_path / "out" / info.file) if t == "户口注销证明.pdf")
    for k in range(3):
        a, b = render(original, k), render(dossier, start + k)
        diff = np.argwhere(np.abs(a - b) > 0)
        assert a.shape == b.shape and len(diff), k
        h, w = a.shape
        assert diff[:, 0].min() > h * 0.9 and diff[:, 1].min() > w * 0.3, k  # only the label, bottom right
        assert f"第{info.front_pages + start - info.front_pages + k + 1}页" in page_text(dossier, start + k)


def test_unreadable_files_are_listed_not_dropped(built):
    out, result = built
    for case_id, name in [("370403-2020-0001", "扫描件001.pdf"), ("370404-2020-0001", "重复户籍注销证明.pdf"),
                          ("370481-2020-0003", "审批表.jpg"), ("370405-2020-0003", "情况说明.docx")]:
        info = next(d for d in result.dossiers if d.case_id == case_id)
        assert info.ok and info.unreadable_files == 1
        dossier = pdfium.PdfDocument(str(out / info.file))
        pages = [i for i in range(info.front_pages, info.pages) if "无法读取的文件" in page_text(dossier, i)]
        assert len(pages) == 1 and name in page_text(dossier, pages[0])
        assert name in "".join(page_text(dossier, i) for i in range(info.front_pages))  # in 佐证材料目录


def test_ids_full_in_dossier_masked_on_request_and_always_in_index(built, tmp_path):
    from openpyxl import load_workbook

    out, result = built
    info = next(d for d in result.dossiers if d.case_id == "370402-2020-0003")
    front = "".join(page_text(pdfium.PdfDocument(str(out / info.file)), i) for i in range(info.front_pages))
    full = re.search(r"身份证号(\d{17}[\dX])", front).group(1)
    masked = build(tmp_path, cases=["370402-2020-0003"], mask_ids=True)
    text = page_text(pdfium.PdfDocument(str(tmp_path / masked.dossiers[0].file)), 1)
    assert full not in text and full[:6] + "********" + full[-4:] in text
    index_text = "".join(page_text(pdfium.PdfDocument(str(out / "index.pdf")), i) for i in range(2))
    cells = " ".join(str(c) for row in load_workbook(out / "index.xlsx").active.iter_rows(values_only=True)
                     for c in row)
    from kcdocs.checklists import load_checklists
    from kcdocs.ledger import load_ledger

    ids = [c.id_number for c in load_ledger(SAMPLES / "ledger.xlsx", load_checklists().disposition_table()).cases
           if c.id_number]
    assert full in ids and not [i for i in ids if i in index_text + cells]
    rows = list(load_workbook(out / "index.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 21 and [(r[1], r[2]) for r in rows] == sorted((r[1], r[2]) for r in rows)


def test_one_failing_case_does_not_stop_the_others(tmp_path, monkeypatch):
    import kcdocs.dossier.assemble as assemble
    from kcdocs.render.typst_engine import TypstRenderer

    real_merge, real_render = assemble._merge_case, TypstRenderer.render

    def merge(front, pages, shared, sections, job):
        if job.plan.case_id == "370402-2020-0001":
            raise OSError("disk full")
        return real_merge(front, pages, shared, sections, job)

    def render(self, template, payload):  # a case whose front matter cannot be typeset
        if any(c.get("case_id") == "370405-2020-0001" for c in payload.get("cases", [])):
            raise RuntimeError("broken template")
        return real_render(self, template, payload)

    monkeypatch.setattr(assemble, "_merge_case", merge)
    monkeypatch.setattr(TypstRenderer, "render", render)
    ids = ["370402-2020-0001", "370402-2020-0002", "370405-2020-0001", "370405-2020-0002"]
    result = build(tmp_path, cases=ids)
    failed = {d.case_id: d.error for d in result.failed}
    assert set(failed) == {"370402-2020-0001", "370405-2020-0001"}
    assert "disk full" in failed["370402-2020-0001"] and "broken template" in failed["370405-2020-0001"]
    made = sorted(p.name for p in tmp_path.glob("*.pdf") if p.name != "index.pdf")
    assert made == ["370402-2020-0002_赵小红.pdf", "370405-2020-0002_冯军.pdf"]
    assert int(result.exit_code) == 1
    assert not list(tmp_path.glob(".*"))  # no half-written files left behind


def test_images_become_the_same_pages_img2pdf_makes(tmp_path):
    """Image pages are taken from img2pdf's own document, not written out and parsed again: they
    must render exactly as img2pdf's PDF of the file does (orientation, border, flattening)."""
    from PIL import Image

    from kcdocs.dossier.evidence import image_document, image_to_pdf

    rotated = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # shot sideways: shown turned by 90°
    Image.new("RGB", (300, 180), (200, 40, 40)).save(rotated, exif=exif.tobytes())
    alpha = tmp_path / "alpha.png"
    Image.new("RGBA", (120, 200), (0, 0, 255, 128)).save(alpha)
    gray = tmp_path / "gray.png"
    Image.new("L", (220, 220), 90).save(gray)
    samples = sorted(EVIDENCE.glob("*/*.jpg"))[:4] + [rotated, alpha, gray]
    for path in samples:
        if path.name == "审批表.jpg":
            continue  # truncated on purpose
        expected = pdfium.PdfDocument(image_to_pdf(path))
        with image_document(path) as doc:
            buf = io.BytesIO()
            doc.save(buf)
        got = pdfium.PdfDocument(buf.getvalue())
        assert len(got) == len(expected) == 1, path.name
        assert got[0].get_size() == expected[0].get_size(), path.name
        assert np.array_equal(render(got, 0, 0.5), render(expected, 0, 0.5)), path.name
    with pikepdf.open(io.BytesIO(image_to_pdf(rotated))) as pdf:
        assert pdf.pages[0].obj.Rotate == 90  # the EXIF turn is applied (and compared above)


def _undated(text: str) -> str:
    return re.sub(r"\d+年\d+月\d+日\s*\d+:\d+", "", text)


def test_worker_process_builds_the_same_dossiers(built, tmp_path):
    """From 16 cases on, front matter is typeset by a worker process while this one merges."""
    out, result = built
    assert len(result.dossiers) >= 16
    parallel = build(tmp_path, jobs=2)
    assert [(d.case_id, d.pages, d.front_pages, d.error) for d in parallel.dossiers] == \
        [(d.case_id, d.pages, d.front_pages, d.error) for d in result.dossiers]
    for a, b in zip(result.dossiers[:6], parallel.dossiers[:6]):
        one, two = pdfium.PdfDocument(str(out / a.file)), pdfium.PdfDocument(str(tmp_path / b.file))
        for i in range(a.pages):  # the same but for the minute each was generated in
            assert _undated(page_text(one, i)) == _undated(page_text(two, i)), (a.case_id, i)


def test_signatures_unchecked_without_the_audit_said_so(tmp_path, monkeypatch):
    from kcdocs.audit.cache import default_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "ev"
    shutil.copytree(case_folder("370402-2020-0003"), root / case_folder("370402-2020-0003").name)
    note = "签字和公章尚未核验"

    def front_text(result, out):
        info = result.dossiers[0]
        pdf = pdfium.PdfDocument(str(out / info.file))
        return "".join(page_text(pdf, i) for i in range(info.front_pages))

    quick = build(tmp_path / "quick", evidence_root=root, cases=["370402-2020-0003"], use_cache=True)
    assert quick.unscanned_files == quick.dossiers[0].unscanned_files == 4  # PDFs and images, not the recording
    assert note in front_text(quick, tmp_path / "quick") and quick.dossiers[0].state == "待复核"
    index = "".join(page_text(pdfium.PdfDocument(str(tmp_path / "quick" / "index.pdf")), 0).split())
    assert note in index

    scanned = build(tmp_path / "scanned", evidence_root=root, cases=["370402-2020-0003"], scan=True,
                    use_cache=True)
    # what the quick run cached did not pass for scanned pages: this run read them
    assert scanned.unscanned_files == 0 and note not in front_text(scanned, tmp_path / "scanned")
    assert default_path(root).exists()  # what was read is kept for the audit and the next dossier
    again = build(tmp_path / "again", evidence_root=root, cases=["370402-2020-0003"], use_cache=True)
    assert again.unscanned_files == 0 and note not in front_text(again, tmp_path / "again")
