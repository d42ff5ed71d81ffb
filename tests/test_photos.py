"""Scan-back of phone photos of kcdocs' own signed forms, and the safety rule that a box or a
page that is not well located is never a confident decision. Material: a real persuasion record
printed by kcdocs from samples/ledger.xlsx, rendered at 200 dpi, signed and damaged
(kcdocs.scan.synth), photographed by tools/make_photos (perspective, light, 12 MP / WeChat)."""

from __future__ import annotations

import numpy as np
import pytest

from kcdocs.marks.layout import page_layout
from kcdocs.scan import synth
from kcdocs.scan.defs import REVIEW_BELOW
from kcdocs.scan.pipeline import UNSURE_CEILING, _boxes, box_confidence, inspect_page
from kcdocs.scan.qr import find_qr
from kcdocs.scan.register import register
from kcdocs.scan.source import PageImage, page_images
from tests.conftest import REPO
from tests.test_forms import _forms

DPI = 200


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    """(payload, clean 200 dpi RGB) of the first page of a persuasion record with ≥ 2 boxes."""
    pdf = _forms(tmp_path_factory.mktemp("photos"), "persuasion-record")
    for page in page_images(pdf):
        hit = find_qr(page.gray)
        if hit.payload.boxes >= 2:
            return hit.payload, page.rgb.copy()
    raise AssertionError("no persuasion record with two signature boxes")


def _signed(payload, rgb, seed=1):
    rng = np.random.default_rng(seed)
    rgb = rgb.copy()
    truth = [i % 2 == 0 for i in range(payload.boxes)]
    for box, sign in zip(page_layout(payload).signatures, truth):
        if sign:
            synth.sign(rgb, box, DPI, rng)
    return rgb, truth


def test_unsure_confidence_is_strictly_below_review():
    assert UNSURE_CEILING < REVIEW_BELOW
    for ink in (0.0, 0.5, 0.99, 1.0):
        assert box_confidence(ink, False, True) < REVIEW_BELOW
        assert box_confidence(ink, True, False) < REVIEW_BELOW
        assert box_confidence(ink, False, False) < REVIEW_BELOW
    assert box_confidence(1.0, True, True) == 1.0


def test_box_without_its_printed_border_goes_to_review(form):
    payload, rgb = form
    rgb, truth = _signed(payload, rgb)
    box = page_layout(payload).signatures[0]
    x0, y0 = synth.px(box.x, DPI), synth.px(box.y, DPI)
    x1, y1 = synth.px(box.x + box.w, DPI), synth.px(box.y + box.h, DPI)
    band = synth.px(3.0, DPI)  # wipe the border rules (and 3 mm either side) of box 0
    inner = rgb[y0 + band:y1 - band, x0 + band:x1 - band].copy()
    rgb[y0 - band:y1 + band, x0 - band:x1 + band] = 255
    rgb[y0 + band:y1 - band, x0 + band:x1 - band] = inner
    result = inspect_page(PageImage(0, rgb, DPI, embedded=True))
    assert result.status == "ok"
    assert result.boxes[0].confidence < REVIEW_BELOW, result.boxes[0]
    assert result.boxes[0].thumb  # the review list shows the box
    for truth_signed, mark in zip(truth[1:], result.boxes[1:]):
        assert mark.signed == truth_signed and mark.confidence >= REVIEW_BELOW


def test_high_registration_residual_is_never_confident(form):
    payload, rgb = form
    rgb, _ = _signed(payload, rgb)
    gray = PageImage(0, rgb, DPI, embedded=True).gray
    hit = find_qr(gray)
    marks = _boxes(gray, register(hit, page_layout(payload)), page_layout(payload), residual_ok=False)
    assert marks and all(m.confidence < REVIEW_BELOW for m in marks)
