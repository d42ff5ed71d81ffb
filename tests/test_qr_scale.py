"""The page's scale and position from the QR code: exact on a clean render at any resolution
(the quiet zone kcdocs prints, zxing's outer corners refined to a fraction of a pixel from the
finder patterns' edges), so that signature boxes are predicted where they are printed and the
border search only corrects what the paper and the scanner did."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest

from kcdocs.marks.layout import page_layout
from kcdocs.scan import synth
from kcdocs.scan.qr import find_qr
from kcdocs.scan.register import register, snap_box
from tests.test_forms import _forms


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    return pdfium.PdfDocument(str(_forms(tmp_path_factory.mktemp("qr_scale"), "persuasion-record")))


def _gray(pdf, dpi):
    return np.asarray(pdf[0].render(scale=dpi / 72).to_pil().convert("L"))


def _far_box_offset_mm(gray, reg, layout) -> float:
    """How far the border search moves the signature box farthest from the QR (mm)."""
    box = max(layout.signatures, key=lambda b: abs(b.x - layout.qr.x) + abs(b.y - layout.qr.y))
    snapped, found = snap_box(gray, reg, box)
    assert found
    return max(abs(snapped.x - box.x), abs(snapped.y - box.y), abs(snapped.x + snapped.w - box.x - box.w),
               abs(snapped.y + snapped.h - box.y - box.h))


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_scale_from_the_qr_is_exact_on_a_clean_render(pdf, dpi):
    gray = _gray(pdf, dpi)
    hit = find_qr(gray)
    assert hit.outer is not None  # the finder edges were measured
    reg = register(hit, page_layout(hit.payload))
    assert abs(reg.px_per_mm / (dpi / 25.4) - 1) < 0.002, reg.px_per_mm
    assert _far_box_offset_mm(gray, reg, page_layout(hit.payload)) < 0.4


def test_scale_holds_on_a_turned_noisy_scan(pdf):
    rgb = np.asarray(pdf[0].render(scale=200 / 72).to_pil().convert("RGB")).copy()
    rng = np.random.default_rng(3)
    page = synth.damage(rgb, rng, angle=2.0, scale=0.97)
    gray = np.asarray(page.mean(axis=2), np.uint8) if page.ndim == 3 else page
    hit = find_qr(gray)
    reg = register(hit, page_layout(hit.payload))
    assert abs(reg.px_per_mm / (0.97 * 200 / 25.4) - 1) < 0.004, reg.px_per_mm
    assert abs(reg.rotation_deg - 2.0) < 0.3 or abs(reg.rotation_deg + 2.0) < 0.3, reg.rotation_deg
