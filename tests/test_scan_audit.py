"""The loop closed: forms printed → signed at random → scanned with damage → ingest → audit.
Exactly the blank staff boxes are reported unsigned (with the signer's name and the attempt),
seals are found on colour scans and left to review on grayscale ones, a forged QR is flagged,
an attempt without its record is named, and a re-audit reuses the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kcdocs.audit import AuditOptions, audit
from kcdocs.ingest import IngestOptions, ingest
from kcdocs.ledger import load_ledger
from kcdocs.scan import synth
from tests.conftest import REPO
from tests.test_ingest import build_batch

LEDGER = REPO / "samples" / "ledger.xlsx"
DPI = 200
SEALED = {"370403-2020-0002": ("户口信息更正证明", "colour"), "370404-2020-0001": ("重复户籍注销证明", "gray"),
          "370404-2020-0002": ("失踪失联情况说明", "none")}


def _certificate(path: Path, rng, *, seal: bool, grayscale: bool) -> None:
    """An external document: a page of text lines, with or without a red seal."""
    page = np.full((2339, 1654, 3), (250, 247, 238), np.uint8)  # paper is never quite white
    for line in range(25):
        y = 300 + line * 60
        page[y:y + 18, 200:200 + int(rng.integers(600, 1250))] = 40
    if seal:
        synth.seal(page, (140, 230), DPI)
    path.write_bytes(synth.jpeg(synth.damage(page, rng, angle=1.5), 60, grayscale=grayscale))


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loop")
    batch = build_batch(tmp, seed=23)
    root = tmp / "evidence"
    ingest(IngestOptions(scans=batch.scans, into=root))
    rng = np.random.default_rng(3)
    for case, (name, how) in SEALED.items():
        folder = root / case
        folder.mkdir(exist_ok=True)
        _certificate(folder / f"{name}.jpg", rng, seal=how != "none", grayscale=how == "gray")
    forged = root / "370402-2020-0001" / "扫描件_补.jpg"
    import zxingcpp

    text = "KCD1|PR|370402-2020-0001|1|1/1|3|000000"
    code = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(scale=8))
    page = np.full((1200, 900), 255, np.uint8)
    page[80:80 + code.shape[0], 600:600 + code.shape[1]] = code
    forged.write_bytes(synth.jpeg(page, 90, grayscale=True))
    out = tmp / "out"
    options = AuditOptions(ledger=LEDGER, evidence_root=root, output=out, cache=tmp / "cache.json", jobs=1)
    result = audit(options)
    return batch, root, out, result, options


def _by_case(out: Path) -> dict:
    return {c["case_id"]: c for c in json.loads((out / "findings.json").read_text("utf-8"))["cases"]}


def test_exactly_the_blank_boxes_are_unsigned(audited):
    batch, root, out, result, _ = audited
    ledger = {c.case_id: c for c in load_ledger(LEDGER).cases}
    expected = set()
    for (case, seq), signed in batch.signed.items():
        if (case, seq) == batch.stained:
            continue
        people = next(a for a in ledger[case].attempts if a.seq == seq).participants
        missing = tuple(name for name, ok in zip(people, signed) if not ok)
        if missing:
            expected.add((case, seq, missing))
    found = set()
    cases = _by_case(out)
    for case, data in cases.items():
        for f in data["findings"]:
            if f["kind"] == "unsigned" and f["rule"].endswith("persuasion_records"):
                for r in f["detail"]["records"]:
                    found.add((case, r["seq"], tuple(r["missing"])))
                assert f["detail"]["missing"] and "工作人员" in f["message"] and "签字" in f["message"]
    assert expected and found == expected
    reviews = [r for c in cases.values() for r in c["review"] if "签名框" in r["reason"]]
    assert not reviews
    evidence = [e for c in cases.values() for e in c["evidence"] if e["file"].endswith(".pdf")]
    assert evidence and all(e["by"] == "qr" for e in evidence)


def test_seals_checked_on_colour_scans_only(audited):
    _, _, out, _, _ = audited
    cases = _by_case(out)
    colour, gray, bare = (cases[c] for c in SEALED)
    assert not [f for f in colour["findings"] if f["kind"] == "unsealed"]
    assert not [f for f in gray["findings"] if f["kind"] == "unsealed"]
    assert any("灰度" in r["reason"] for r in gray["review"])
    (unsealed,) = [f for f in bare["findings"] if f["kind"] == "unsealed"]
    assert unsealed["rule"] == "W3.police_confirmation" and "公章" in unsealed["message"]
    evidence = {e["document"]: e["seals"] for c in (colour, gray, bare) for e in c["evidence"]}
    assert evidence == {"户口信息更正证明": 1, "重复户籍注销证明": 0, "失踪失联情况说明": 0}


def test_forged_qr_is_flagged(audited):
    _, _, out, _, _ = audited
    flagged = [f for f in _by_case(out)["370402-2020-0001"]["findings"] if "校验失败" in f["message"]]
    assert flagged and flagged[0]["files"] == ["370402-2020-0001/扫描件_补.jpg"]


def test_attempt_without_its_record_is_named(audited, tmp_path):
    _, root, _, _, options = audited
    copy = tmp_path / "ev"
    shutil.copytree(root, copy)
    p1 = next(p for p in copy.iterdir() if p.name.startswith("370402-2020-0003"))
    (p1 / "劝返记录_第3次.pdf").unlink()
    out = tmp_path / "o"
    audit(options.model_copy(update={"evidence_root": copy, "output": out, "cache": tmp_path / "c.json"}))
    (finding,) = [f for f in _by_case(out)["370402-2020-0003"]["findings"] if f["rule"] == "P1.persuasion_records"]
    assert finding["kind"] == "missing" and finding["detail"]["missing_seq"] == [3] and "第3次" in finding["message"]


def test_reaudit_reuses_the_cache(audited, monkeypatch):
    _, _, out, first, options = audited
    import sys

    inventory = sys.modules["kcdocs.audit.inventory"]

    def boom(task):
        raise AssertionError(f"re-read {task[1]}")

    monkeypatch.setattr(inventory, "examine_task", boom)
    again = audit(options.model_copy(update={"output": out.parent / "out2"}))
    assert json.loads((out.parent / "out2" / "findings.json").read_text("utf-8"))["cases"] == \
        json.loads((out / "findings.json").read_text("utf-8"))["cases"]
    assert again.incomplete == first.incomplete


def test_faint_box_goes_to_review_with_thumbnail(tmp_path):
    import cv2

    from kcdocs.marks.layout import page_layout
    from kcdocs.scan.qr import find_qr
    from kcdocs.scan.source import page_images
    from tests.test_forms import _forms

    pdf = _forms(tmp_path, "persuasion-record", cases=["370402-2020-0001"])
    (page,) = list(page_images(pdf))
    payload = find_qr(page.gray).payload
    rgb, rng = page.rgb.copy(), np.random.default_rng(9)
    first, faint, guardian = page_layout(payload).signatures
    synth.sign(rgb, first, DPI, rng)
    synth.sign(rgb, guardian, DPI, rng)
    x, y = synth.px(faint.x + 10, DPI), synth.px(faint.y + 10, DPI)
    cv2.line(rgb, (x, y), (x + synth.px(12, DPI), y + 3), (60, 60, 60), 2)  # one short faint stroke
    root = tmp_path / "ev" / "370402-2020-0001"
    root.mkdir(parents=True)
    (root / "劝返记录.jpg").write_bytes(synth.jpeg(synth.damage(rgb, rng, angle=1.0), 60))
    out = tmp_path / "out"
    audit(AuditOptions(ledger=LEDGER, evidence_root=tmp_path / "ev", output=out, cases=["370402-2020-0001"],
                       use_cache=False))
    case = _by_case(out)["370402-2020-0001"]
    (note,) = [r for r in case["review"] if "签名框" in r["reason"]]
    assert note["confidence"] < 0.5 and "刘芳" in note["reason"] and note["rule"] == "R0.persuasion_records"
    assert not [f for f in case["findings"] if f["kind"] == "unsigned"]
    html = (out / "report.html").read_text("utf-8")
    assert 'class="thumb"' in html and "data:image/png;base64," in html
