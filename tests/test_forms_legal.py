"""The P2 legal path's forms come back: printed from the sample ledger by the real CLI, signed,
scanned at 200 dpi into one shuffled PDF, filed by ``kcdocs ingest`` into a copy of the sample
evidence under their Chinese names, and identified by QR in ``kcdocs audit`` as the checklist
documents they are — 秦勇's 执法记录及文书资料 item is no longer missing, and the signed boxes
are measured as signed (no "unsigned" finding)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from kcdocs.marks.layout import page_layout
from kcdocs.scan import synth
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import page_images
from tests.conftest import REPO

LEDGER = REPO / "samples" / "ledger.xlsx"
DPI = 200
P2_CASES = {"370404-2020-0003": "朱丽", "370405-2020-0003": "秦勇"}
FORMS = {  # form -> (filed name, checklist document)
    "criticism-record": ("批评教育记录", "批评教育记录"),
    "correction-order": ("责令限期改正通知书", "责令改正通知书"),
    "judicial-request": ("提请发放司法文书的函", "提请发放司法文书的函"),
    "overdue-reminder": ("逾期未报到催报通知书", "逾期未报到催报通知书"),
}
LEGAL = ("criticism-record", "correction-order", "judicial-request")  # P2's documents
ENFORCEMENT = "P2.enforcement_records"


def _kcdocs(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv" / "bin" / "kcdocs"), *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=REPO)


def _print(tmp: Path) -> list[Path]:
    pdfs = []
    for form in FORMS:
        pdf = tmp / f"{form}.pdf"
        done = _kcdocs("forms", form, LEDGER, "-o", pdf, "--date", "2020-06-01", "--config",
                       REPO / "samples" / "kcdocs.toml")
        assert done.returncode == 0, done.stderr
        pdfs.append(pdf)
    return pdfs


def _rendered(pdf: Path):
    """The printed pages as the scanner sees paper: RGB pixels at 200 dpi."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for page in doc:
            yield np.array(page.render(scale=DPI / 72).to_pil().convert("RGB"))
    finally:
        doc.close()


def _scan(pdfs: list[Path], out: Path) -> dict[tuple[str, str], int]:
    """Every page rendered at 200 dpi, signed in each box but the criticism record's unnamed second
    staff box, slightly turned and noisy, shuffled into one PDF; returns boxes signed per (form, case)."""
    import img2pdf

    rng = np.random.default_rng(16)
    signed, jpegs = {}, []
    for pdf in pdfs:
        for rgb in _rendered(pdf):
            payload = find_qr(np.ascontiguousarray(rgb.mean(axis=2).astype(np.uint8))).payload
            count = 0
            for i, box in enumerate(page_layout(payload).signatures):
                if payload.form == "criticism-record" and i == 1:
                    continue  # left blank: the count must be the measured one, not the box count
                synth.sign(rgb, box, DPI, rng)
                count += 1
            signed[(payload.form, payload.subject)] = count
            jpegs.append(synth.jpeg(synth.damage(rgb, rng, angle=rng.uniform(-2, 2)), 75))
    order = rng.permutation(len(jpegs))
    out.write_bytes(img2pdf.convert([jpegs[i] for i in order], layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))
    return signed


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("legal")
    signed = _scan(_print(tmp), tmp / "扫描仪输出.pdf")
    evidence = tmp / "evidence"
    shutil.copytree(REPO / "samples" / "evidence", evidence)
    ingested = _kcdocs("ingest", tmp / "扫描仪输出.pdf", "--into", evidence)
    audited = _kcdocs("audit", LEDGER, evidence, "-o", tmp / "audit", "--as-of", "2020-06-15", "--no-cache",
                      "--jobs", "1")
    cases = {}
    if (tmp / "audit" / "findings.json").exists():
        cases = {c["case_id"]: c for c in json.loads((tmp / "audit" / "findings.json").read_text("utf-8"))["cases"]}
    return signed, evidence, ingested, audited, cases


def _folder(evidence: Path, case: str) -> Path:
    (folder,) = [p for p in evidence.iterdir() if p.is_dir() and p.name.startswith(case)]
    return folder


def test_every_page_was_printed_signed_and_scanned(loop):
    signed = loop[0]
    assert {(f, c) for f, c in signed if f in LEGAL} == {(f, c) for f in LEGAL for c in P2_CASES}
    assert len([k for k in signed if k[0] == "overdue-reminder"]) >= 1  # the sample has overdue children


def test_ingest_files_each_form_in_its_case_folder_under_its_chinese_name(loop):
    signed, evidence, ingested, _, _ = loop
    assert ingested.returncode == 0, ingested.stdout + ingested.stderr  # every page filed, none to identify
    assert not (evidence / "_待识别").exists()
    for (form, case) in signed:
        folder = _folder(evidence, case)
        filed = folder / f"{FORMS[form][0]}.pdf"
        assert filed.exists(), sorted(p.name for p in folder.iterdir())
        (page,) = list(page_images(filed))
        hit = find_qr(page.gray)
        assert (hit.payload.form, hit.payload.subject) == (form, case)
    p2 = _folder(evidence, "370405-2020-0003")
    assert p2.name == "370405-2020-0003 秦勇"  # the existing case folder, not a new one


def test_audit_identifies_the_forms_by_qr_as_checklist_documents(loop):
    signed, _, _, audited, cases = loop
    assert audited.returncode in (0, 1), audited.stderr
    for (form, case), count in signed.items():
        name, document = FORMS[form]
        (ev,) = [e for e in cases[case]["evidence"] if e["file"].endswith(f"/{name}.pdf")]
        assert (ev["by"], ev["document"]) == ("qr", document), ev
        assert ev["signatures"] == count, ev  # every signed box measured as signed, the blank one not
        if form in LEGAL:
            assert ev["rule"] == ENFORCEMENT, ev
        assert ev["file"] not in cases[case]["unidentified"]


def test_p2_enforcement_item_is_satisfied_and_nothing_reported_unsigned(loop):
    cases = loop[4]
    for case in P2_CASES:
        findings = cases[case]["findings"]
        assert ENFORCEMENT not in {f["rule"] for f in findings}, findings
        legal_files = {e["file"] for e in cases[case]["evidence"] if e["by"] == "qr"}
        assert len(legal_files) == len(LEGAL)
        for finding in findings:
            assert finding["kind"] != "unsigned" or not legal_files & set(finding["files"]), finding
    # 秦勇 stays incomplete for what the evidence really lacks (强制措施 empty, one 劝返记录 for two attempts)
    qin = {f["rule"] for f in cases["370405-2020-0003"]["findings"]}
    assert {"P2.measure", "P2.persuasion_records"} <= qin


def test_roster_hint_names_the_receipt_as_printed(tmp_path):
    """The roster's 台账编号 help (a comment in the blank roster) calls the tear-off receipt what the
    printed notice calls it: 送达回证."""
    import openpyxl
    import pdfplumber

    from tests.conftest import GOOD_ROWS, HEADER, write_xlsx

    roster = write_xlsx(tmp_path / "名册.xlsx", [HEADER + ["台账编号"], GOOD_ROWS[0] + ["370402-2020-0007"]],
                        text_columns=(1,))
    done = _kcdocs("notices", "return", roster, "-o", tmp_path / "通知书.pdf", "--receipt", "--date", "2020-08-01")
    assert done.returncode in (0, 1), done.stderr
    with pdfplumber.open(tmp_path / "通知书.pdf") as pdf:
        printed = "".join(pdf.pages[0].extract_text().split())
    assert "送达回证" in printed and "送达回执" not in printed
    done = _kcdocs("template", "roster", "-o", tmp_path / "名册模板.xlsx")
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(tmp_path / "名册模板.xlsx").active
    (cell,) = [c for c in sheet[1] if c.value == "台账编号"]
    assert "送达回证" in cell.comment.text and "送达回执" not in cell.comment.text, cell.comment.text
