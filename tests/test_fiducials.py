"""The ArUco markers kcdocs prints at three corners of every form page, and how a phone photo
whose sheet edges are cut off by the frame is rectified from them (kcdocs.scan.fiducials)."""

from __future__ import annotations

import re

import numpy as np
import pypdfium2 as pdfium
import pytest

from kcdocs.marks.layout import FIDUCIALS, page_layout
from kcdocs.scan import pipeline
from kcdocs.scan.defs import REVIEW_BELOW
from kcdocs.scan.fiducials import find_marks
from kcdocs.scan.results import BoxMark
from kcdocs.scan.source import page_images
from tests.conftest import REPO
from tests.test_forms import _forms
from tools.make_photos import photo, rendered_forms


def test_printed_cells_are_opencv_markers():
    import cv2

    typ = (REPO / "templates" / "lib" / "fiducials.typ").read_text("utf-8")
    cells = re.search(r"#let aruco-cells = \(([^)]*)\)", typ).group(1)
    printed = re.findall(r'"([01]{36})"', cells)
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    for mark in FIDUCIALS:
        img = cv2.aruco.generateImageMarker(dictionary, mark.id, 6, borderBits=1)
        assert printed[mark.id] == "".join("1" if v < 128 else "0" for v in img.ravel()), mark


def test_markers_are_printed_where_the_layout_says(tmp_path):
    pdf = pdfium.PdfDocument(str(_forms(tmp_path, "persuasion-record")))
    gray = np.asarray(pdf[0].render(scale=200 / 72).to_pil().convert("L"))
    found = find_marks(gray)
    assert sorted(found) == [m.id for m in FIDUCIALS]
    k = 200 / 25.4
    for mark in FIDUCIALS:
        off_mm = np.abs(found[mark.id] - np.array(mark.corners()) * k).max() / k
        assert off_mm < 0.4, (mark, off_mm)


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    return rendered_forms(REPO / "samples" / "ledger.xlsx", tmp_path_factory.mktemp("fiducials"))


def test_photo_with_cut_edges_is_rectified_from_the_markers(forms, tmp_path, monkeypatch):
    """The sheet fills more than the frame (its outline is not the paper's): without the markers
    the boxes are left to review; with them every box is decided, and decided right."""
    import kcdocs.scan.fiducials as fiducials

    payload, rgb = next((p, r) for p, r in forms if p.boxes >= 2)
    shot = photo(rgb, payload, tilt=12, size="12mp", seed=5, fill=1.05)
    path = tmp_path / "cut.jpg"
    path.write_bytes(shot.data)
    page = next(iter(page_images(path)))
    assert len(find_marks(page.gray)) == 3
    with monkeypatch.context() as m:
        m.setattr(fiducials, "marks_homography", lambda gray, hit=None: None)
        assert any(b.confidence < REVIEW_BELOW for b in pipeline.inspect_page(page).boxes)
    result = pipeline.inspect_page(page)
    assert result.status == "ok" and not result.error
    assert [b.confidence >= REVIEW_BELOW for b in result.boxes] == [True] * len(shot.signed), result.boxes
    assert [b.signed for b in result.boxes] == shot.signed


def test_two_readings_that_disagree_go_to_review():
    signed = BoxMark(0, True, 0.03, 1.0, (0, 0, 1, 1))
    blank = BoxMark(0, False, 0.0, 1.0, (0, 0, 1, 1))
    unsure = BoxMark(0, False, 0.002, 0.3, (0, 0, 1, 1))
    assert pipeline._merged(signed, blank).confidence < REVIEW_BELOW
    assert pipeline._merged(unsure, signed) is signed
    assert pipeline._merged(signed, unsure) is signed
    assert pipeline._merged(unsure, BoxMark(0, True, 0.004, 0.2, (0, 0, 1, 1))) is unsure
