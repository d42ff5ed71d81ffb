"""OCR in the audit: an unnamed scan identified, a certificate about another child caught, a
date on a document compared with the ledger, a generic title left to review, and the result
reused from the cache on a re-audit (no OCR run again)."""

from __future__ import annotations

import json
import shutil
from datetime import date

import numpy as np
import pytest

from kcdocs.audit import AuditOptions, audit
from kcdocs.ocr import documents as documents_module
from kcdocs.ocr import read as read_module
from tests.conftest import REPO
from tools.certificates import degrade, fonts, render

pytestmark = pytest.mark.skipif(not fonts(), reason="no CJK font to draw certificates with")
LEDGER = REPO / "samples" / "ledger.xlsx"
FENG, WANG, ZHENG = "370405-2020-0002 冯军", "370405-2020-0001 王芳", "370404-2020-0002 郑磊"


def _scan(path, title, body, unit, seed, **kw):
    rng = np.random.default_rng(seed)
    path.write_bytes(degrade(render(title, body, unit, rng, dpi=150), rng, quality=50, dpi=150, **kw))


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ocr")
    root = tmp / "evidence"
    shutil.copytree(REPO / "samples" / "evidence", root)
    _scan(root / FENG / "IMG_0001.jpg", "居民死亡医学证明（推断）书",
          "死者冯军，性别男，公民身份号码370405200708080178，于2020年4月2日因病经抢救无效死亡。死亡日期：2020年4月2日。",
          "滕州市人民医院", 1)
    _scan(root / FENG / "IMG_0002.jpg", "死亡医学证明",
          "姓名：冯军  性别：男  身份证号：370405200708080178  死亡日期：2020年5月30日  死亡原因：疾病。",
          "滕州市人民医院", 2, grayscale=True)
    _scan(root / WANG / "微信图片_20200601.jpg", "火化证明",
          "兹有李强（男）遗体于2020年4月9日在本馆火化。火化日期：2020年4月9日。特此证明。", "枣庄市殡仪馆", 3,
          upside_down=True)
    _scan(root / ZHENG / "扫描件.jpg", "情况说明",
          "学生郑磊自2020年3月离家后失踪，下落不明，家长已报警，至今联系不上。", "薛城区公安分局", 4)
    return tmp, root


def _run(tmp, root, out, **kw):
    audit(AuditOptions(ledger=LEDGER, evidence_root=root, output=tmp / out, cache=tmp / "cache.json", jobs=1,
                       as_of=date(2020, 6, 15), **kw))
    return {c["case_id"]: c for c in json.loads((tmp / out / "findings.json").read_text("utf-8"))["cases"]}


@pytest.fixture(scope="module")
def audited(evidence):
    return _run(*evidence, "out")


def test_an_unnamed_scan_is_identified_by_ocr(audited):
    case = audited["370405-2020-0002"]
    used = [e for e in case["evidence"] if e["file"].endswith("IMG_0001.jpg")]
    assert used and used[0]["by"] == "ocr" and used[0]["rule"] == "W4.death_proof"
    assert not [f for f in case["findings"] if f["rule"] == "W4.death_proof"]


def test_a_certificate_about_another_child_is_a_finding(audited):
    (finding,) = [f for f in audited["370405-2020-0001"]["findings"] if f["rule"] == "C.subject"]
    assert "李强" in finding["message"] and "王芳" in finding["message"] and finding["kind"] == "data"
    assert finding["files"] == [f"{WANG}/微信图片_20200601.jpg"]


def test_a_death_date_after_the_write_off_is_a_finding(audited):
    (finding,) = [f for f in audited["370405-2020-0002"]["findings"] if f["rule"] == "C.evidence_dates"]
    assert "2020-05-30" in finding["message"] and "核销日期" in finding["message"]
    assert finding["files"] == [f"{FENG}/IMG_0002.jpg"]
    assert not [f for f in audited["370405-2020-0002"]["findings"] if f["rule"] == "C.subject"]


def test_a_generic_title_known_by_its_keywords_goes_to_review(audited):
    case = audited["370404-2020-0002"]
    notes = [r for r in case["review"] if r["file"] == f"{ZHENG}/扫描件.jpg"]
    assert notes and any(r["rule"] == "C.subject" and r["confidence"] < 0.7 for r in notes), case["review"]


def test_the_reaudit_takes_ocr_from_the_cache(evidence, audited, monkeypatch):
    monkeypatch.setattr(documents_module, "PARALLEL_MIN_FILES", 10**6)

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR run again on an unchanged file")

    monkeypatch.setattr(read_module, "read_file", no_ocr)
    again = _run(*evidence, "out2")
    for case_id in audited:
        assert again[case_id]["findings"] == audited[case_id]["findings"]


def test_named_files_and_no_scan_audits_are_not_read_by_ocr(evidence, monkeypatch):
    tmp, root = evidence
    seen = []
    real = read_module.read_file
    monkeypatch.setattr(documents_module, "PARALLEL_MIN_FILES", 10**6)  # in this process, to be seen
    monkeypatch.setattr(read_module, "read_file", lambda path, *a: seen.append(path) or real(path, *a))
    (tmp / "cache.json").unlink(missing_ok=True)
    for memo in tmp.glob("cache-ocr.json"):
        memo.unlink()
    _run(tmp, root, "out3")
    assert len(seen) == 5 and not [p for p in seen if "火化证明" in p or p.endswith(".pdf")], seen
    seen.clear()
    _run(tmp, root, "out4", marks=False, use_cache=False)
    assert seen == []
