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


# phone photos --------------------------------------------------------------------------------

SHOTS = [(0, "12mp", 6), (8, "wechat", 1), (14, "12mp", 1), (14, "wechat", 1), (22, "12mp", 1), (30, "wechat", 1)]


@pytest.fixture(scope="module")
def photos(form, tmp_path_factory):
    from tools.make_photos import photo

    payload, rgb = form
    tmp = tmp_path_factory.mktemp("shots")
    out = []
    for n, (tilt, size, orientation) in enumerate(SHOTS):
        shot = photo(rgb, payload, tilt=tilt, size=size, seed=10 + n, exif_orientation=orientation)
        path = tmp / f"IMG_{n:04d}.jpg"
        path.write_bytes(shot.data)
        out.append((path, shot))
    return out


def test_photos_are_phone_like(photos):
    from PIL import Image

    for path, shot in photos:
        with Image.open(path) as img:
            assert max(img.size) == (4000 if shot.size == "12mp" else 1280)
            assert (img.getexif().get(0x0112) == 6) == (shot.size == "12mp" and shot.tilt == 0)
            corner = np.asarray(img.convert("L"))[:20, :20]
            assert corner.mean() < 150  # the table around the sheet, not paper


def test_photos_never_a_wrong_confident_decision_and_nothing_skipped(photos, form):
    payload, _ = form
    decided = 0
    for path, shot in photos:
        pages = list(page_images(path))
        assert len(pages) == 1
        result = inspect_page(pages[0])
        assert result.status == "ok", (path.name, shot.tilt, shot.size, result.error)
        assert result.payload == payload
        assert len(result.boxes) == len(shot.signed)  # every box decided or in review
        for truth, mark in zip(shot.signed, result.boxes):
            if mark.confidence >= REVIEW_BELOW:
                decided += 1
                assert mark.signed == truth, (path.name, shot.tilt, shot.size, mark)
            else:
                assert mark.thumb
    assert decided >= len(photos) * len(photos[0][1].signed) // 2


def test_rectified_frame_that_disagrees_with_the_qr_decides_nothing(photos):
    from dataclasses import replace

    from kcdocs.scan.photo import NOT_VALIDATED, rectify, validate

    path, _ = photos[2]
    page = next(iter(page_images(path)))
    flat, _m = rectify(page.gray)
    hit = find_qr(flat)
    layout = page_layout(hit.payload)
    reg = register(hit, layout)
    assert validate(reg, layout) is None
    assert validate(replace(reg, a=reg.a * 1.05), layout) == NOT_VALIDATED  # scale 5 % off
    assert validate(replace(reg, b=reg.b + 8 * 200 / 25.4), layout) == NOT_VALIDATED  # 8 mm off


def test_flatbed_scan_is_not_taken_for_a_photo(form):
    from kcdocs.scan.photo import looks_like_photo

    payload, rgb = form
    rng = np.random.default_rng(3)
    scan = synth.damage(rgb, rng, angle=2.0, scale=0.97)
    gray = PageImage(0, scan, DPI, embedded=True).gray
    hit = find_qr(gray)
    residual = register(hit, page_layout(payload)).residual_mm
    assert not looks_like_photo(gray, residual)


def test_page_refused_by_validation_puts_every_box_to_review(photos, monkeypatch):
    import kcdocs.scan.pipeline as pipeline
    from kcdocs.scan.photo import NOT_VALIDATED

    monkeypatch.setattr(pipeline, "validate", lambda reg, layout: NOT_VALIDATED)
    path, shot = photos[2]
    result = inspect_page(next(iter(page_images(path))))
    assert result.error == NOT_VALIDATED
    assert len(result.boxes) == len(shot.signed)
    assert all(m.confidence < REVIEW_BELOW and m.thumb for m in result.boxes)


def test_photo_filed_by_ingest_and_checked_by_audit(photos, form, tmp_path):
    """The real CLI: a 12 MP photo and a WeChat copy, each filed by its QR into its own evidence
    folder, and the audit counts its signed boxes or puts the page to review — never skipped."""
    import json

    from tests.conftest import run_cli

    payload, _ = form
    for n, (path, shot) in enumerate(photos[2:4]):
        evidence = tmp_path / f"ev{n}"
        evidence.mkdir()
        done = run_cli("ingest", path, "--into", evidence)
        assert done.returncode == 0 and "归档" in done.stdout, done.stdout + done.stderr
        (filed,) = [p.relative_to(evidence).as_posix() for p in evidence.rglob("劝返记录_*.pdf")]
        assert filed.startswith(payload.subject), filed
        out = tmp_path / f"out{n}"
        done = run_cli("audit", REPO / "samples" / "ledger.xlsx", evidence, "-o", out, "--as-of", "2020-06-15",
                       "--case", payload.subject)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout + done.stderr
        (case,) = [json.loads(line.rstrip(",")) for line in (out / "findings.json").read_text("utf-8").splitlines()
                   if line.lstrip().startswith('{"case_id"')]
        (evidence_entry,) = [e for e in case["evidence"] if e["file"] == filed]
        assert evidence_entry["by"] == "qr"
        unsure = [r for r in case["review"] if r["file"] == filed]
        if not unsure:  # every box decided: the signed ones are counted, none skipped
            assert evidence_entry["signatures"] == sum(shot.signed), (shot.signed, evidence_entry)


def test_refused_photo_review_says_why(photos, form, tmp_path, monkeypatch):
    """A photo whose rectified frame disagrees with its QR: the audit's review notes name the cause
    (not a bare "low confidence") for every signer of the page, and nothing is called unsigned."""
    import json

    import kcdocs.scan.pipeline as pipeline
    from kcdocs.audit import AuditOptions, audit
    from kcdocs.ingest import IngestOptions, ingest
    from kcdocs.scan.photo import NOT_VALIDATED

    monkeypatch.setattr(pipeline, "validate", lambda reg, layout: NOT_VALIDATED)
    payload, _ = form
    path, shot = photos[2]
    evidence = tmp_path / "ev"
    evidence.mkdir()
    ingest(IngestOptions(scans=[path], into=evidence))
    out = tmp_path / "out"
    audit(AuditOptions(ledger=REPO / "samples" / "ledger.xlsx", evidence_root=evidence, output=out,
                       as_of="2020-06-15", cases=[payload.subject], jobs=1, use_cache=False, keep_history=False))
    (case,) = json.loads((out / "findings.json").read_text("utf-8"))["cases"]
    why = [r["reason"] for r in case["review"] if "二维码校验" in r["reason"]]
    staff = [n for n in ("张伟", "刘芳") if any(n in r["reason"] for r in case["review"])]
    assert staff and len(why) >= len(staff), case["review"]
    assert all(w.endswith("的签字") and "请人工核对工作人员" in w for w in why), why
    assert not any(f.get("kind") == "unsigned" for f in case["findings"]), case["findings"]
