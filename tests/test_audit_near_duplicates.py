"""L.duplicate_evidence for the same image with other bytes: a photo or scan re-saved at another
JPEG quality or size (or wrapped in a PDF) and filed under another case is a `duplicate`; two
different documents written on the same printed form are not; identical bytes are reported once,
as before."""

from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import pytest

from kcdocs.audit import AuditOptions, audit
from kcdocs.audit.imagehash import HASH_BITS, distance, near_pairs
from kcdocs.idnumber import check_char

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
AS_OF = date(2020, 6, 15)
RULE = "L.duplicate_evidence"
LOOKS = "看起来完全一样"


def form(seed: int, size=(1654, 2339), filled: bool = True):
    """A 200 dpi A4 劝返工作记录 form; ``seed`` decides the handwriting filled in."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    k = w / 1654
    img = Image.new("RGB", size, (247, 246, 240))
    draw = ImageDraw.Draw(img)
    draw.text((int(500 * k), int(170 * k)), "劝返工作记录", fill=(25, 25, 25),
              font=ImageFont.truetype(FONT, int(64 * k)))
    small = ImageFont.truetype(FONT, int(34 * k))
    rng = random.Random(seed)
    for i, label in enumerate(["时间：", "地点：", "参加人员：", "劝返内容：", "结果：", "监护人签字："]):
        y = int((380 + i * 220) * k)
        draw.rectangle([(int(140 * k), y), (int(1514 * k), y + int(220 * k))], outline=(70, 70, 70), width=3)
        draw.text((int(165 * k), y + int(20 * k)), label, fill=(30, 30, 30), font=small)
        if filled:
            words = "".join(rng.choice("王李张刘陈杨宣讲义务教育法动员返校家中无效") for _ in range(rng.randrange(6, 16)))
            draw.text((int((420 + rng.randrange(40)) * k), y + int(40 * k)), words, fill=(25, 35, 100), font=small)
            x = int(420 * k)
            points = [(x := x + int(rng.randrange(15, 40) * k), y + int((130 + rng.randrange(-25, 25)) * k))
                      for _ in range(rng.randrange(8, 25))]
            draw.line(points, fill=(25, 35, 100), width=4)
    return img


def jpeg(img, quality=75) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def ledger(path: Path, n: int) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "学生台账"
    ws.append(["台账编号", "姓名", "性别", "身份证号", "原因分析", "处置类型", "状态", "劝返方案", "复学通知书日期",
               "辍学日期"])
    for k in range(1, n + 1):
        body = f"37040220070312{k * 2 + 1:03d}"
        ws.append([f"370402-2020-{k:04d}", f"学生{k}", "男", body + check_char(body),
                   "父母外出务工，随祖父母生活，学习跟不上产生厌学情绪。", "R0", "劝返中",
                   "班主任每周家访一次，申请助学金。", "2020-04-01", "2020-03-10"])
    wb.save(path)
    return path


def run(tmp_path: Path, folders: dict[int, dict[str, bytes]]):
    root = tmp_path / "evidence"
    for k, files in folders.items():
        for name, data in files.items():
            target = root / f"370402-2020-{k:04d} 学生{k}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    result = audit(AuditOptions(ledger=ledger(tmp_path / "台账.xlsx", max(folders)), evidence_root=root,
                                output=tmp_path / "out", as_of=AS_OF, jobs=1))
    return {c.case.case_id: [f for f in c.findings if f.rule == RULE] for c in result.cases}


def case(k: int) -> str:
    return f"370402-2020-{k:04d}"


def test_reencoded_and_resized_copy_under_another_case_is_found(tmp_path):
    original = form(1)
    copy = original.resize((1100, 1555))  # smaller, and saved at a much lower quality
    found = run(tmp_path, {1: {"劝返记录.jpg": jpeg(original, 90)},
                           2: {"入户劝返记录.jpg": jpeg(copy, 35)},
                           3: {"劝返记录.jpg": jpeg(form(3), 90)}})
    assert found[case(3)] == []
    for k, mine, other in ((1, "劝返记录.jpg", "入户劝返记录.jpg"), (2, "入户劝返记录.jpg", "劝返记录.jpg")):
        [finding] = found[case(k)]
        assert finding.kind == "duplicate"
        assert LOOKS in finding.message and case(3 - k) in finding.message
        assert finding.files == [f"{case(k)} 学生{k}/{mine}"]
        [same] = finding.detail["same_as"]
        assert same["case_id"] == case(3 - k) and same["other_file"].endswith(other)
        assert same["match"] == "image" and 0 <= same["distance"] <= HASH_BITS


def test_scan_wrapped_in_a_pdf_and_greyscale_png_are_found(tmp_path):
    original = form(5)
    pdf = io.BytesIO()
    original.save(pdf, "PDF", resolution=200)  # an image-only PDF, as a scanner writes it
    png = io.BytesIO()
    original.convert("L").resize((827, 1170)).save(png, "PNG")
    found = run(tmp_path, {1: {"劝返记录.jpg": jpeg(original)}, 2: {"扫描件.pdf": pdf.getvalue()},
                           3: {"劝返记录.png": png.getvalue()}})
    for k in (1, 2, 3):
        [finding] = found[case(k)]
        others = {s["case_id"] for s in finding.detail["same_as"]}
        assert others == {case(j) for j in (1, 2, 3) if j != k}


def test_same_printed_form_with_different_handwriting_is_not_reported(tmp_path):
    found = run(tmp_path, {1: {"劝返记录.jpg": jpeg(form(11), 60)},
                           2: {"劝返记录.jpg": jpeg(form(12), 60)},
                           3: {"劝返记录.jpg": jpeg(form(13).resize((1240, 1754)), 45)}})
    assert found == {case(1): [], case(2): [], case(3): []}


def test_small_forms_that_differ_only_in_a_date_are_not_reported(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    def small(day: str) -> bytes:
        img = Image.new("RGB", (420, 594), (250, 249, 244))
        draw = ImageDraw.Draw(img)
        draw.text((130, 40), "劝返工作记录", fill=(20, 20, 20), font=ImageFont.truetype(FONT, 22))
        for n, line in enumerate([f"时间：{day}", "地点：学生家中", "参加人员：张伟、刘芳", "结果：无效"]):
            draw.text((40, 100 + 24 * n), line, fill=(40, 40, 40), font=ImageFont.truetype(FONT, 13))
        return jpeg(img, 55)

    found = run(tmp_path, {1: {"劝返记录.jpg": small("2020-04-02")}, 2: {"劝返记录.jpg": small("2020-04-09")}})
    assert found == {case(1): [], case(2): []}


def test_identical_bytes_still_reported_once_as_before(tmp_path):
    data = jpeg(form(21))
    found = run(tmp_path, {1: {"劝返记录.jpg": data}, 2: {"入户劝返记录.jpg": data}})
    for k in (1, 2):
        [finding] = found[case(k)]
        assert finding.kind == "duplicate" and "完全相同" in finding.message and LOOKS not in finding.message
        [same] = finding.detail["same_as"]
        assert same["case_id"] == case(3 - k) and "match" not in same


def test_identical_bytes_and_a_look_alike_together(tmp_path):
    data = jpeg(form(31), 85)
    copy = jpeg(form(31), 40)
    found = run(tmp_path, {1: {"劝返记录.jpg": data}, 2: {"劝返记录.jpg": data}, 3: {"劝返记录.jpg": copy}})
    [first] = found[case(1)]
    assert "完全相同" in first.message and LOOKS in first.message
    kinds = sorted((s["case_id"], s.get("match", "bytes")) for s in first.detail["same_as"])
    assert kinds == [(case(2), "bytes"), (case(3), "image")]
    [third] = found[case(3)]
    assert "完全相同" not in third.message and {s["case_id"] for s in third.detail["same_as"]} == {case(1), case(2)}


@pytest.mark.parametrize("n", [2, 40, 300])
def test_near_pairs_agrees_with_a_plain_comparison(n):
    rng = random.Random(n)
    base = [rng.getrandbits(HASH_BITS) for _ in range(max(1, n // 4))]
    hashes = []
    for _ in range(n):
        value = rng.choice(base)
        for _ in range(rng.randrange(0, 20)):
            value ^= 1 << rng.randrange(HASH_BITS)
        hashes.append(f"{value:0{HASH_BITS // 4}x}")
    expected = {(i, j, distance(hashes[i], hashes[j])) for i in range(n) for j in range(i + 1, n)
                if distance(hashes[i], hashes[j]) <= 12}
    assert set(near_pairs(hashes, 12)) == expected
    assert expected or n == 2
    rows = sorted(rng.sample(range(n), n // 3 + 1))  # the pairs touching some (new) hashes
    assert set(near_pairs(hashes, 12, rows=rows)) == {p for p in expected if p[0] in rows or p[1] in rows}


def test_cache_remembers_pairs_and_compares_only_new_hashes(tmp_path, monkeypatch):
    from kcdocs.audit import cache as audit_cache
    from kcdocs.audit import imagehash

    rng = random.Random(7)
    base = [rng.getrandbits(HASH_BITS) for _ in range(30)]
    hashes = list(dict.fromkeys(f"{b ^ (1 << rng.randrange(HASH_BITS)):0{HASH_BITS // 4}x}" for b in base * 4))
    every = set(near_pairs(hashes, imagehash.NEAR_DISTANCE))
    old, new = hashes[:80], hashes[80:]
    memo = audit_cache.InventoryCache(tmp_path / "c.json")
    assert set(memo.near_pairs(old)) == {p for p in every if p[1] < 80}
    memo.save()
    memo = audit_cache.InventoryCache(tmp_path / "c.json")
    compared = []
    real = imagehash.near_pairs
    monkeypatch.setattr(imagehash, "near_pairs", lambda h, rows=None: compared.append(rows) or real(h, rows=rows))
    shuffled = new + old[::-1]  # another order, some hashes new: only these are compared
    got = {tuple(sorted((shuffled[i], shuffled[j]))) + (d,) for i, j, d in memo.near_pairs(shuffled)}
    assert got == {tuple(sorted((hashes[i], hashes[j]))) + (d,) for i, j, d in every}
    assert compared == [list(range(len(new)))]
    assert memo.near_pairs(shuffled) and compared == [list(range(len(new)))]  # nothing new: nothing compared
    calls = []
    assert memo.same_picture("b" * 64, "a" * 64, lambda: calls.append(1) or True) is True
    assert memo.same_picture("a" * 64, "b" * 64, lambda: calls.append(1) or False) is True and calls == [1]


def test_blank_pages_under_two_cases_are_not_look_alikes(tmp_path):
    from PIL import Image

    white = Image.new("RGB", (1654, 2339), (250, 250, 250))
    pdf = io.BytesIO()
    white.save(pdf, "PDF", resolution=200)
    found = run(tmp_path, {1: {"照片.jpg": jpeg(white, 90)}, 2: {"照片.jpg": jpeg(white.resize((800, 1131)), 50)},
                           3: {"扫描件.pdf": pdf.getvalue()}})
    assert found == {case(1): [], case(2): [], case(3): []}
