"""Scan-back pipeline on synthetic scans: kcdocs pages rendered, signed (or not) and sealed
(or not), then damaged as a scanner would (±3°, 0.95–1.0 scale, blur, noise, JPEG q60, one
page upside down, colour and grayscale). Every box decision is compared with the truth."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from kcdocs.marks.layout import page_layout
from kcdocs.marks.payload import PagePayload
from kcdocs.reports import ReportOptions, make_report
from kcdocs.scan import synth
from kcdocs.scan.defs import REVIEW_BELOW
from kcdocs.scan.pipeline import inspect_page
from kcdocs.scan.source import PageImage, page_images
from tests.conftest import REPO
from tests.test_forms import _forms

LEDGER = REPO / "samples" / "ledger.xlsx"
DPI = 200


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[tuple[PagePayload, np.ndarray]]:
    """Clean 200 dpi pages of persuasion records, applications and a monthly report."""
    tmp = tmp_path_factory.mktemp("printed")
    pdfs = [_forms(tmp, "persuasion-record"), _forms(tmp, "application")]
    report = tmp / "monthly.pdf"
    make_report(ReportOptions(kind="monthly", ledger=LEDGER, period="2020-05", output=report))
    pdfs.append(report)
    out = []
    for pdf in pdfs:
        for page in page_images(pdf):
            from kcdocs.scan.qr import find_qr

            hit = find_qr(page.gray)
            out.append((hit.payload, page.rgb.copy()))
    return out


def scan_of(rgb, rng, *, signed, sealed, upside_down=False, grayscale=False, payload=None) -> PageImage:
    rgb = rgb.copy()
    layout = page_layout(payload)
    for box, sign in zip(layout.signatures, signed):
        if sign:
            synth.sign(rgb, box, DPI, rng)
    if sealed and layout.seals:
        area = layout.seals[0]
        synth.seal(rgb, (area.x + area.w / 2 + rng.uniform(-4, 4), area.y + area.h / 2 + rng.uniform(-4, 4)), DPI)
    damaged = synth.damage(rgb, rng, angle=rng.uniform(-3, 3), scale=rng.uniform(0.95, 1.0),
                           upside_down=upside_down)
    data = synth.jpeg(damaged, 60, grayscale=grayscale)
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    arr = np.asarray(img.convert("L") if grayscale else img.convert("RGB"))
    return PageImage(0, arr, DPI, embedded=True)


def test_every_box_decided_right_on_damaged_scans(printed):
    rng = np.random.default_rng(5)
    wrong, boxes, reviewed = [], 0, 0
    for n, (payload, rgb) in enumerate(printed):
        signed = [bool(rng.integers(0, 2)) for _ in range(payload.boxes)]
        page = scan_of(rgb, rng, signed=signed, sealed=False, upside_down=(n == 3), grayscale=(n % 4 == 1),
                       payload=payload)
        result = inspect_page(page)
        assert result.status == "ok" and result.payload == payload, (n, result.error)
        for truth, mark in zip(signed, result.boxes):
            boxes += 1
            reviewed += mark.confidence < REVIEW_BELOW
            if mark.signed != truth:
                wrong.append((payload.encode(), mark))
    assert boxes >= 40
    assert not wrong, wrong
    assert reviewed <= boxes * 0.05


def test_upside_down_page_is_read_as_turned(printed):
    payload, rgb = printed[0]
    page = scan_of(rgb, np.random.default_rng(1), signed=[True] * payload.boxes, sealed=False, upside_down=True,
                   payload=payload)
    result = inspect_page(page)
    assert abs(abs(result.rotation) - 180) <= 4
    assert all(m.signed for m in result.boxes) and result.residual_mm < 1.5


def test_seals_found_in_colour_not_checkable_in_grayscale(printed):
    reports = [(p, rgb) for p, rgb in printed if page_layout(p).seals]
    assert reports, "the monthly report's last page has a seal area"
    payload, rgb = reports[-1]
    rng = np.random.default_rng(7)
    sealed = inspect_page(scan_of(rgb, rng, signed=[True], sealed=True, payload=payload)).seal
    bare = inspect_page(scan_of(rgb, rng, signed=[True], sealed=False, payload=payload)).seal
    gray = inspect_page(scan_of(rgb, rng, signed=[True], sealed=True, grayscale=True, payload=payload)).seal
    assert sealed.status == "found" and sealed.confidence >= REVIEW_BELOW and sealed.circularity > 0.9
    assert bare.status == "absent"
    assert gray.status == "not_checkable"


def test_stained_qr_and_forged_payload(printed):
    payload, rgb = printed[0]
    stained = rgb.copy()
    synth.stain(stained, page_layout(payload).qr, DPI)
    result = inspect_page(PageImage(0, stained, DPI, embedded=True))
    assert result.status == "no_qr" and "二维码" in result.error
    forged_text = payload.encode().replace(f"|{payload.seq}|", f"|{payload.seq + 1}|")
    import zxingcpp

    code = np.asarray(zxingcpp.create_barcode(forged_text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
                      .to_image(scale=10))
    page = np.full((600, 600), 255, np.uint8)
    page[100:100 + code.shape[0], 100:100 + code.shape[1]] = code
    result = inspect_page(PageImage(0, page, DPI, embedded=True))
    assert result.status == "bad_qr" and "校验" in result.error


def test_image_only_pdf_gives_its_embedded_picture(tmp_path, printed):
    import img2pdf

    payload, rgb = printed[0]
    data = synth.jpeg(rgb, 80)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(img2pdf.convert(data, layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))))
    (page,) = list(page_images(pdf))
    assert page.embedded and abs(page.dpi - DPI) < 1 and page.rgb.shape[:2] == rgb.shape[:2]
