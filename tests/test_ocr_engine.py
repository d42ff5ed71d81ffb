"""OCR identification of unnamed scans: offline models, title matching, and the safety of the
decisions on a generated set of real-looking certificates (several CJK fonts, seals over
titles, 100–200 dpi, JPEG q40–60, grayscale, fading, phone perspective and shadows)."""

from __future__ import annotations

import socket
from datetime import date

import numpy as np
import pytest

from kcdocs.checklists import load_checklists
from kcdocs.ocr import engine as engine_module
from kcdocs.ocr.content import facts
from kcdocs.ocr.documents import _words, keywords
from kcdocs.ocr.read import CONFIDENT, read_file
from kcdocs.ocr.titles import TitleMatcher, generic, normalise
from tools.certificates import KINDS, Person, fonts, render, sample

pytestmark = pytest.mark.skipif(not fonts(), reason="no CJK font to draw certificates with")
PERSON = Person("冯军", "男", "370405200708080178", date(2020, 4, 2))


@pytest.fixture(scope="module")
def words():
    return _words(load_checklists())


def test_models_are_read_with_the_network_unavailable(tmp_path, monkeypatch, words):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(engine_module, "_ENGINE", None)  # load the models afresh, offline
    page = render("居民死亡医学证明（推断）书", "死者冯军，公民身份号码370405200708080178，于2020年4月2日死亡。",
                  "滕州市人民医院", np.random.default_rng(1), dpi=150)
    path = tmp_path / "IMG_0001.jpg"
    from PIL import Image

    Image.fromarray(page).save(path, quality=55)
    result = read_file(path, [0], words, keywords())
    assert "error" not in result
    (page_result,) = result["pages"]
    assert page_result["document"] == "死亡医学证明" and page_result["confidence"] >= CONFIDENT
    assert "370405200708080178" in page_result["facts"]["ids"]


def test_an_altered_model_file_is_refused(tmp_path, monkeypatch):
    for name in (engine_module.DET_MODEL, engine_module.REC_MODEL, engine_module.DICTIONARY):
        (tmp_path / name).write_bytes((engine_module.MODELS / name).read_bytes())
    (tmp_path / engine_module.REC_MODEL).write_bytes(b"not a model")
    monkeypatch.setattr(engine_module, "MODELS", tmp_path)
    monkeypatch.setattr(engine_module, "_ENGINE", None)
    with pytest.raises(engine_module.OcrUnavailable, match="已损坏"):
        engine_module.engine()
    monkeypatch.setattr(engine_module, "_ENGINE", None)


def test_titles_exact_fuzzy_traditional_generic_and_ambiguous(words):
    matcher = TitleMatcher(words)
    assert matcher.match("居民死亡医学证明（推断）书").document == "死亡医学证明"
    assert matcher.match("遺體火化證明").document == "火化证明"  # traditional characters
    fuzzy = matcher.match("中职学校接牧证明")  # one character misread
    assert fuzzy.document == "中职学校接收证明" and fuzzy.how == "fuzzy" and fuzzy.score >= 0.75
    assert matcher.match("火比证") is None  # short names are never matched fuzzily
    assert matcher.match("证明") is None and generic("证 明") and generic("情况说明")
    assert matcher.match("学生成绩单") is None and matcher.match("收款收据") is None
    assert normalise("Ｘ 證明：") == "x证明"


def test_facts_find_valid_ids_names_and_labelled_dates():
    found = facts("死者姓名：冯军，性别男，身份证号370405200708080178，死亡日期：2020年4月2日。编号370405200708080179")
    assert found["ids"] == ["370405200708080178"]  # a wrong check digit is no ID number at all
    assert found["names"][0] == "冯军"
    assert found["dates"][0][0] == "2020-04-02" and "死亡日期" in found["dates"][0][1]


def test_generated_certificates_are_never_wrongly_decided(tmp_path, words):
    """Every page is decided right, left to review, or left unidentified — never a confident
    wrong document type; documents that are not on any checklist are never identified."""
    rng = np.random.default_rng(2026)
    kw, counts = keywords(), {"right": 0, "review": 0, "none": 0}
    for n in range(len(KINDS)):
        data, expected, title = sample(n, rng, PERSON, hard=n % 2 == 1)
        path = tmp_path / f"IMG_{n:04d}.jpg"
        path.write_bytes(data)
        (page,) = read_file(path, [0], words, kw)["pages"]
        got, confidence = page["document"], page["confidence"]
        if expected is None:
            assert got is None, f"{title}: not a checklist document, read as {got}"
        elif got is not None and confidence >= CONFIDENT:
            assert got == expected, f"{title}: confidently read as {got}"
            counts["right"] += 1
        else:
            assert got in (None, expected), f"{title}: read as {got}"
            counts["review" if got else "none"] += 1
    assert counts["right"] >= 10, counts  # of the 12 certificates with a specific title


def test_exif_orientation_is_applied_to_the_read_channel_as_pillow_does():
    import io

    from PIL import Image, ImageOps

    from kcdocs.ocr.read import _upright

    colour = np.random.default_rng(3).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    for orientation in range(1, 9):
        img = Image.fromarray(colour)
        exif = img.getexif()
        exif[0x0112] = orientation
        buf = io.BytesIO()
        img.save(buf, "PNG", exif=exif.tobytes())
        expected = np.asarray(ImageOps.exif_transpose(Image.open(buf)))[:, :, 0]
        assert np.array_equal(_upright(colour[:, :, 0], orientation), expected), orientation


def test_a_photo_turned_by_its_exif_orientation_is_read_upright(tmp_path, words):
    from PIL import Image

    page = render("火化证明", "兹证明冯军，公民身份号码370405200708080178，于2020年4月5日火化。",
                  "滕州市殡仪馆", np.random.default_rng(4), dpi=150)
    img = Image.fromarray(page).transpose(Image.Transpose.ROTATE_90)  # the sensor's landscape picture
    exif = img.getexif()
    exif[0x0112] = 6  # "turn 90° clockwise to view"
    img.save(tmp_path / "IMG_0002.jpg", quality=60, exif=exif.tobytes())
    (found,) = read_file(tmp_path / "IMG_0002.jpg", [0], words, keywords())["pages"]
    assert found["document"] == "火化证明" and not found["flipped"]


def test_an_upright_page_without_a_checklist_title_is_not_read_turned(tmp_path, words, monkeypatch):
    """Text that reads upright in the top band means the page is not upside down: its bottom
    band is not read turned 180° (the cost of a second detection); an upside-down page is."""
    from PIL import Image

    from kcdocs.ocr.engine import OcrEngine

    calls = []
    original = OcrEngine.read
    monkeypatch.setattr(OcrEngine, "read", lambda self, gray, **kw: calls.append(gray.shape) or original(self, gray, **kw))
    body = "时间：2020年5月6日上午。地点：滕州市龙阳镇东村村委会。参加人员：王老师、李老师和村干部张伟。内容：到家中看望学生，了解学习和生活情况。"
    page = render("家访照片说明材料", body, "滕州市龙阳镇中学", np.random.default_rng(5), dpi=200)
    Image.fromarray(page).save(tmp_path / "IMG_0003.jpg", quality=60)
    (found,) = read_file(tmp_path / "IMG_0003.jpg", [0], words, keywords())["pages"]
    assert found["document"] is None and len(calls) == 1
    calls.clear()
    Image.fromarray(np.ascontiguousarray(page[::-1, ::-1])).save(tmp_path / "IMG_0004.jpg", quality=60)
    (found,) = read_file(tmp_path / "IMG_0004.jpg", [0], words, keywords())["pages"]
    assert found["document"] is None and len(calls) == 2  # read turned, still nothing on a checklist


def test_a_page_whose_title_is_unreadable_is_known_by_its_keywords_and_reviewed(tmp_path, words):
    """A seal or a stain over the title: what the text under it says (遗体、殡仪馆、火化) suggests
    the document, never confidently."""
    from PIL import Image

    page = render("■■■■", "兹有冯军（公民身份号码370405200708080178）遗体于2020年4月5日在本殡仪馆火化，骨灰已由家属领回。",
                  "滕州市殡仪馆", np.random.default_rng(6), dpi=200)
    Image.fromarray(page).save(tmp_path / "IMG_0005.jpg", quality=60)
    (found,) = read_file(tmp_path / "IMG_0005.jpg", [0], words, keywords())["pages"]
    assert found["document"] == "火化证明" and found["how"] == "keywords", found
    assert found["confidence"] < CONFIDENT
