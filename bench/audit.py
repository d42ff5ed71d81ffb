"""Benchmark for `kcdocs audit`: a district's ledger and its scanned evidence, end to end.

Generates synthetic ledgers of 1,000 cases with 6,000 evidence files (text PDFs made with
typst and 200 dpi A4 JPEG "scans" of ~150 KB), and 2x and 4x that, cached under the system
temp folder (the 4x tree is generated once; the smaller trees hard-link its files). Runs the
real command line (`python -m kcdocs audit`) in a subprocess and prints, for each size, the
number of files, wall seconds, files per second and the peak RSS of the whole process tree
(the audit and its worker processes), sampled with psutil every 20 ms.

    .venv/bin/python bench/audit.py [--scales 1 2 4] [--runs 1] [--profile]
    .venv/bin/python bench/audit.py --near-duplicates   # the measurement behind the hash threshold
    .venv/bin/python bench/audit.py --scales 1 --unnamed  # a third of the files unnamed: OCR identifies them

Target (issue 3): 1x in <= 20 s, peak RSS <= 500 MB, time linear in the number of files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

CASES_1X = 1000
FILES_PER_CASE = 6
VERSION = "v2"  # bump when the generated data changes
CACHE = Path(tempfile.gettempdir()) / f"kcdocs-bench-audit-{VERSION}"
AS_OF = date(2020, 6, 15)
SEED = 20200615
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
A4_200DPI = (1654, 2339)
DISTRICTS = {"370402": "市中区", "370403": "薛城区", "370404": "峄城区", "370405": "台儿庄区",
             "370406": "山亭区", "370481": "滕州市"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国文博宇浩然子轩梓涵一诺欣怡雨泽思远佳琪俊熙晨阳"
REASON = "父母外出务工，随祖父母生活，学习跟不上产生厌学情绪，长期不到校。"
PLAN = "班主任每周家访一次，申请助学金，安排学科教师结对辅导。"
CASE_HEADERS = ["台账编号", "姓名", "性别", "身份证号", "学籍号", "出生日期", "区市", "乡镇街道", "村居社区", "学校",
                "年级", "监护人", "联系电话", "重点群体", "类型", "辍学日期", "原因分析", "处置类型", "状态", "劝返方案",
                "复学通知书日期", "复学日期", "核销原因", "关爱联系人", "辍学情形", "安置日期", "强制措施", "责任人", "备注"]
ATTEMPT_HEADERS = ["台账编号", "序号", "日期", "方式", "参与人员", "内容", "结果"]
FORM_LINES = ["时间：", "地点：", "参加人员：", "劝返内容：", "家长意见：", "结果：", "工作人员签字：", "监护人签字："]

# Six files per case: (file name, "pdf" | "jpg", title on the page, pages). Names and titles
# are those of the built-in checklists, so that identification does real work.
FILES = {
    "R0": [("劝返记录_第1次.pdf", "pdf", "劝返工作记录", 1), ("劝返记录_第2次.jpg", "jpg", "劝返工作记录", 1),
           ("复学通知书回执.jpg", "jpg", "复学通知书", 1), ("一人一案劝返方案.pdf", "pdf", "一人一案劝返方案", 2),
           ("家访照片.jpg", "jpg", "家访照片", 1), ("情况说明.pdf", "pdf", "情况说明", 1)],
    "P1": [("劝返记录.pdf", "pdf", "劝返工作记录", 3), ("入读中职申请书.jpg", "jpg", "入读中职申请书", 1),
           ("个性化教育方案.pdf", "pdf", "个性化教育方案", 2), ("接收证明.jpg", "jpg", "中职学校接收证明", 1),
           ("监护人同意书.jpg", "jpg", "监护人同意书", 1), ("安置情况.pdf", "pdf", "安置情况说明", 1)],
    "P2": [("劝返记录1.jpg", "jpg", "劝返工作记录", 1), ("劝返记录2.jpg", "jpg", "劝返工作记录", 1),
           ("司法文书_督促令.pdf", "pdf", "司法文书", 1), ("责令改正通知书.pdf", "pdf", "责令改正通知书", 1),
           ("现场照片.jpg", "jpg", "现场照片", 1), ("执法记录.pdf", "pdf", "执法记录", 2)],
    "W4": [("火化证明.jpg", "jpg", "火化证明", 1), ("户口注销证明.pdf", "pdf", "户口注销证明", 1),
           ("死亡医学证明.jpg", "jpg", "死亡医学证明", 1), ("核销审批表.pdf", "pdf", "核销审批表", 1),
           ("家访照片.jpg", "jpg", "家访照片", 1), ("情况说明.pdf", "pdf", "情况说明", 1)],
    "W7": [("休学申请书.jpg", "jpg", "休学申请书", 1), ("诊断证明书.pdf", "pdf", "诊断证明书", 1),
           ("休学审批意见.jpg", "jpg", "休学审批意见", 1), ("病历.pdf", "pdf", "门诊病历", 2),
           ("检查报告.jpg", "jpg", "检查报告", 1), ("情况说明.pdf", "pdf", "情况说明", 1)],
}
DISPOSITIONS = ["R0", "R0", "P1", "P2", "W4", "W7"]


# --- synthetic cases -------------------------------------------------------------------------
def check_char(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def make_cases(n: int) -> list[dict]:
    """n fictional cases, the same first cases for every n (one seed)."""
    rng = random.Random(SEED)
    codes = list(DISTRICTS)
    serial = {code: 0 for code in codes}
    cases = []
    for k in range(n):
        code = codes[k % len(codes)]
        serial[code] += 1
        disp = DISPOSITIONS[k % len(DISPOSITIONS)]
        born = date(2005, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        sex = rng.choice("男女")
        body = f"{code}{born:%Y%m%d}{rng.randrange(500) * 2 + (1 if sex == '男' else 0):03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        cases.append(dict(id=f"{code}-2020-{serial[code]:05d}", name=name, sex=sex, idn=body + check_char(body),
                          born=born, disp=disp, district=DISTRICTS[code], k=k))
    return cases


def ledger_rows(c: dict) -> tuple[list, list[list]]:
    disp = c["disp"]
    v = {h: None for h in CASE_HEADERS}
    v.update({"台账编号": c["id"], "姓名": c["name"], "性别": c["sex"], "身份证号": c["idn"],
              "出生日期": c["born"].isoformat(), "区市": c["district"], "乡镇街道": "示例街道", "村居社区": "示例村",
              "学校": f"{c['district']}示例中学", "年级": "初二", "监护人": c["name"][0] + "某某",
              "联系电话": f"138{c['k']:08d}", "类型": "辍学", "辍学日期": "2019-09-01", "原因分析": REASON,
              "处置类型": disp, "责任人": "张伟"})
    attempts = []
    if disp == "R0":
        v.update({"状态": "已复学", "劝返方案": PLAN, "复学通知书日期": "2020-03-02", "复学日期": "2020-03-09",
                  "关爱联系人": "王丽"})
        attempts = [(1, "2019-10-08", "无效"), (2, "2020-02-20", "有效")]
    elif disp == "P1":
        v.update({"状态": "已安置", "辍学情形": "连续辍学一年以上", "安置日期": "2020-05-10",
                  "辍学日期": "2018-09-01", "备注": "录音保存在区教体局控辍保学档案室"})
        attempts = [(1, "2019-10-08", "无效"), (2, "2019-12-15", "无效"), (3, "2020-03-20", "无效")]
    elif disp == "P2":
        v.update({"状态": "强制程序中", "强制措施": "司法文书"})
        attempts = [(1, "2019-10-12", "无效"), (2, "2019-11-20", "无效")]
    else:
        v.update({"状态": "已核销", "核销原因": "2020年1月因病去世。" if disp == "W4" else "患重病住院治疗，申请休学一年。"})
    rows = [[c["id"], seq, d, "入户", "张伟、刘芳", "宣讲义务教育法，动员返校。", result] for seq, d, result in attempts]
    return [v[h] for h in CASE_HEADERS], rows


def write_ledger(path: Path, cases: list[dict]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学生台账")
    at = wb.create_sheet("劝返记录")
    ws.append(CASE_HEADERS)
    at.append(ATTEMPT_HEADERS)
    for c in cases:
        row, attempts = ledger_rows(c)
        ws.append(row)
        for a in attempts:
            at.append(a)
    wb.save(path)


# --- evidence files --------------------------------------------------------------------------
_forms: dict[str, object] = {}
_fonts: list = []


def _font(size: int):
    from PIL import ImageFont

    if not _fonts:
        _fonts.extend([ImageFont.truetype(FONT, 64), ImageFont.truetype(FONT, 34)])
    return _fonts[0] if size == 64 else _fonts[1]


def _form(title: str):
    """The printed, blank form of a document at 200 dpi (one per title, per process)."""
    from PIL import Image, ImageDraw

    if title not in _forms:
        img = Image.new("RGB", A4_200DPI, (247, 246, 240))
        draw = ImageDraw.Draw(img)
        width = draw.textlength(title, font=_font(64))
        draw.text(((A4_200DPI[0] - width) / 2, 170), title, fill=(25, 25, 25), font=_font(64))
        for i, label in enumerate(FORM_LINES):
            y = 380 + i * 190
            draw.rectangle([(140, y), (1514, y + 190)], outline=(70, 70, 70), width=3)
            draw.text((165, y + 20), label, fill=(30, 30, 30), font=_font(34))
        _forms[title] = img
    return _forms[title]


def scan_jpeg(title: str, seed: int) -> bytes:
    """A filled-in form: handwriting-like text and strokes unique to ``seed``, 200 dpi."""
    from PIL import ImageDraw

    rng = random.Random(seed)
    img = _form(title).copy()
    draw = ImageDraw.Draw(img)
    ink = (25, 35, 100)
    for i in range(len(FORM_LINES)):
        y = 380 + i * 190
        text = "".join(rng.choice(SURNAMES + GIVEN) for _ in range(rng.randrange(6, 22)))
        draw.text((420 + rng.randrange(40), y + 30 + rng.randrange(30)), text, fill=ink, font=_font(34))
        x = 420
        points = [(x := x + rng.randrange(15, 40), y + 110 + rng.randrange(-25, 25)) for _ in range(rng.randrange(8, 30))]
        draw.line(points, fill=ink, width=4)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=45, dpi=(200, 200))
    return buf.getvalue()


def text_pdfs(docs: list[tuple[str, int, int]]) -> list[bytes]:
    """One text PDF per (title, pages, seed): compiled as one typst document, then split."""
    import pikepdf
    import typst

    src = ['#set document(date: none)', '#set page(paper: "a4", margin: 2cm)',
           '#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 11pt, lang: "zh")']
    first = []
    for title, pages, seed in docs:
        rng = random.Random(seed)
        first.append(sum(p for _, p, _ in docs[:len(first)]))
        for p in range(pages):
            if len(src) > 3:
                src.append("#pagebreak()")
            src.append(f"#align(center, text(size: 18pt, weight: \"bold\", {json.dumps(title, ensure_ascii=False)}))")
            for label in FORM_LINES[:6]:
                words = "".join(rng.choice(SURNAMES + GIVEN) for _ in range(rng.randrange(8, 40)))
                src.append(f"#par({json.dumps(label + words, ensure_ascii=False)})")
            src.append(f"#par({json.dumps(f'编号：BENCH-{seed}-{p + 1}')})")
    whole = pikepdf.open(io.BytesIO(typst.compile("\n".join(src).encode("utf-8"), format="pdf")))
    out = []
    for (title, pages, seed), start in zip(docs, first):
        part = pikepdf.new()
        part.pages.extend(whole.pages[start:start + pages])
        buf = io.BytesIO()
        part.save(buf)
        out.append(buf.getvalue())
    return out


def write_case_folders(root: str, cases: list[dict], files_of=FILES.__getitem__) -> int:
    """Write the evidence folders of ``cases`` (a chunk; runs in a worker process);
    ``files_of(disposition)`` lists each case's files (name, kind, title, pages)."""
    root = Path(root)
    pdfs, targets = [], []
    for c in cases:
        folder = root / f"{c['id']} {c['name']}"
        folder.mkdir(parents=True, exist_ok=True)
        for n, (name, kind, title, pages) in enumerate(files_of(c["disp"])):
            seed = c["k"] * 10 + n
            if kind == "jpg":
                (folder / name).write_bytes(scan_jpeg(title, seed))
            else:
                pdfs.append((title, pages, seed))
                targets.append(folder / name)
    for target, data in zip(targets, text_pdfs(pdfs)):
        target.write_bytes(data)
    return len(cases)


def prepare(scale: int, jobs: int) -> tuple[Path, Path]:
    """(ledger, evidence root) for ``scale`` x 1,000 cases, generated once and cached."""
    top = max(scale, 4)
    pool = CACHE / f"pool-{top}x"
    cases = make_cases(CASES_1X * top)
    if not (pool / "done").exists():
        shutil.rmtree(pool, ignore_errors=True)
        (pool / "evidence").mkdir(parents=True)
        print(f"generating {len(cases) * FILES_PER_CASE} evidence files in {pool} (once) ...", flush=True)
        started = time.perf_counter()
        chunks = [cases[i:i + 100] for i in range(0, len(cases), 100)]
        with ProcessPoolExecutor(jobs) as ex:
            done = 0
            for n in ex.map(write_case_folders, [str(pool / "evidence")] * len(chunks), chunks):
                done += n
                print(f"  {done}/{len(cases)} cases", end="\r", flush=True)
        print(f"  generated in {time.perf_counter() - started:.0f} s" + " " * 20)
        (pool / "done").write_text("ok")
    target = CACHE / f"{scale}x"
    if not (target / "done").exists():
        shutil.rmtree(target, ignore_errors=True)
        evidence = target / "evidence"
        evidence.mkdir(parents=True)
        for c in cases[:CASES_1X * scale]:
            name = f"{c['id']} {c['name']}"
            shutil.copytree(pool / "evidence" / name, evidence / name, copy_function=os.link)
        write_ledger(target / "ledger.xlsx", cases[:CASES_1X * scale])
        (target / "done").write_text("ok")
    return target / "ledger.xlsx", target / "evidence"


def prepare_unnamed(scale: int, jobs: int) -> tuple[Path, Path]:
    """The ``scale`` tree with a third of its files unnamed: in each case folder the first two
    JPEG scans are linked as ``IMG_<n>.jpg`` (phone and scanner-app names), so that only OCR can
    tell what they are."""
    ledger, evidence = prepare(scale, jobs)
    target = CACHE / f"{scale}x-unnamed"
    if not (target / "done").exists():
        shutil.rmtree(target, ignore_errors=True)
        serial = 0
        for folder in sorted(evidence.iterdir()):
            dest = target / "evidence" / folder.name
            dest.mkdir(parents=True)
            jpegs = [f for f in sorted(folder.iterdir()) if f.suffix == ".jpg"][:2]
            for f in sorted(folder.iterdir()):
                serial += f in jpegs
                os.link(f, dest / (f"IMG_{serial:05d}.jpg" if f in jpegs else f.name))
        (target / "done").write_text("ok")
    return ledger, target / "evidence"


# --- near-duplicate threshold ----------------------------------------------------------------
def _variants(data: bytes) -> dict[str, bytes]:
    """The same scan saved again in the ways people do: other JPEG quality, size, grayscale,
    PNG, a phone-sized copy, the JPEG wrapped in an image-only PDF."""
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    img.load()
    out = {}

    def save(name, im, fmt="JPEG", **kw):
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        out[name] = buf.getvalue()

    for q in (95, 75, 30):
        save(f"q{q}", img, quality=q)
    for f in (0.75, 0.5, 0.25):
        save(f"x{f}", img.resize((round(img.width * f), round(img.height * f)), Image.Resampling.LANCZOS),
             quality=70)
    save("grey", img.convert("L"), quality=80)
    save("png", img.convert("L").resize((img.width // 2, img.height // 2)), "PNG")
    save("pdf", img, "PDF", resolution=200)  # Pillow embeds the picture as one DCT image
    return out


def _scanned(data: bytes, seed: int) -> bytes:
    """Another scan of a paper: slightly shifted, another exposure, scanner noise."""
    from PIL import Image, ImageChops, ImageEnhance

    rng = random.Random(seed)
    img = Image.open(io.BytesIO(data)).convert("RGB")
    img = ImageChops.offset(img, rng.randrange(-12, 13), rng.randrange(-12, 13))
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.93, 1.05))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randrange(40, 80))
    return buf.getvalue()


def _photo(seed: int) -> bytes:
    """A photograph stand-in (e.g. 家访照片): smooth random shapes and colours, 1600×1200."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    img = Image.new("RGB", (1600, 1200), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randrange(1600), rng.randrange(1200)
        r = rng.randrange(40, 400)
        draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=tuple(rng.randrange(256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(6))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _small_form(lines: list[str]) -> bytes:
    """A small photographed form like those of samples/evidence (420×594): only a date, a name
    or a number differs between two of them."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (420, 594), (250, 249, 244))
    draw = ImageDraw.Draw(img)
    draw.text((130, 40), "劝返工作记录", fill=(20, 20, 20), font=ImageFont.truetype(FONT, 22))
    for n, line in enumerate(lines):
        draw.text((40, 100 + 24 * n), line, fill=(40, 40, 40), font=ImageFont.truetype(FONT, 13))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=55)
    return buf.getvalue()


def measure_near_duplicates(forms: int = 30) -> None:
    """Both stages of the audit's look-alike test on re-saved copies of one scan versus different
    documents of the same printed form (different handwriting), and different photographs."""
    from kcdocs.audit import imagehash as ih

    started = time.perf_counter()
    docs = []  # (group, bytes)
    for seed in range(forms):
        docs.append((["劝返工作记录", "入读中职申请书", "火化证明"][seed % 3], scan_jpeg(
            ["劝返工作记录", "入读中职申请书", "火化证明"][seed % 3], 900_000 + seed)))
    for seed in range(12):
        d = date(2020, 3, 1) + timedelta(days=seed * 7)
        docs.append(("small", _small_form([f"时间：{d.isoformat()}", "地点：学生家中", "参加人员：张伟、刘芳",
                                           "劝返内容：宣讲义务教育法，动员返校。", "结果：无效",
                                           f"编号：示例-{seed:03d}"])))
    for seed in range(10):
        docs.append(("photo", _photo(seed)))
    hashes = [ih.dhash_bytes(d) for _, d in docs]
    pictures = [ih.fine_picture(d) for _, d in docs]
    copies_bits, copies_fine = {}, {}
    for n, (group, data) in enumerate(docs):
        for name, copy in _variants(data).items():
            pdf = name == "pdf"
            if pdf:
                import pypdfium2 as pdfium

                doc = pdfium.PdfDocument(copy)
                h = ih.dhash_pdf_page(doc[0])
                doc.close()
            else:
                h = ih.dhash_bytes(copy)
            copies_bits.setdefault(name, []).append(ih.distance(hashes[n], h))
            copies_fine.setdefault(name, []).append(ih.changed_pixels(pictures[n], ih.fine_picture(copy, pdf)))
    print(f"stage 1: dHash of {ih.HASH_BITS} bits, candidates at <= {ih.NEAR_DISTANCE} bits; stage 2: changed "
          f"pixels (> {ih.FINE_LEVEL} grey levels at <= {ih.FINE_WIDTH} px wide) < {ih.FINE_PIXELS}")
    print("re-saved copies of the same scan or photo (versus the original): bits max / mean, changed pixels max, "
          "found")
    for name in copies_bits:
        bits, fine = copies_bits[name], copies_fine[name]
        found = sum(1 for b, f in zip(bits, fine) if b <= ih.NEAR_DISTANCE and f is not None and f < ih.FINE_PIXELS)
        print(f"  {name:6} {max(bits):3} / {sum(bits) / len(bits):5.1f}   {max(fine):6}   {found}/{len(bits)}")
    every_bits = [v for values in copies_bits.values() for v in values]
    every_fine = [v for values in copies_fine.values() for v in values]
    print(f"  all {len(every_bits)} copies: bits max {max(every_bits)}, changed pixels max {max(every_fine)}")
    for label, group in (("different documents, same A4 printed form (200 dpi)", None),
                         ("different documents, same small form (420 px, only a date and a number differ)", "small"),
                         ("different photographs", "photo")):
        bits, fine = [], []
        for i in range(len(docs)):
            for j in range(i + 1, len(docs)):
                if docs[i][0] != docs[j][0] or (group is None) == (docs[i][0] in ("small", "photo")) and group:
                    continue
                if group is None and docs[i][0] in ("small", "photo"):
                    continue
                if group is not None and docs[i][0] != group:
                    continue
                bits.append(ih.distance(hashes[i], hashes[j]))
                fine.append(ih.changed_pixels(pictures[i], pictures[j]))
        bits.sort()
        fine.sort()
        both = sum(1 for b, f in zip(bits, fine) if b <= ih.NEAR_DISTANCE and f < ih.FINE_PIXELS)
        print(f"{label}: {len(bits)} pairs; bits min {bits[0]}, median {bits[len(bits) // 2]}; "
              f"changed pixels min {fine[0]}, median {fine[len(fine) // 2]}; reported {both}")
    print(f"({time.perf_counter() - started:.0f} s)")


# --- measurement -----------------------------------------------------------------------------
EXTRA_ARGS: list[str] = []  # more audit options for every run (e.g. --no-scan)

def run_audit(ledger: Path, evidence: Path, out: Path, profile: Path | None = None
              ) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS of the process tree in MB, exit code, CPU seconds of the tree) of one audit."""
    import resource

    import psutil

    cold = "--no-cache" in subprocess.run([sys.executable, "-m", "kcdocs", "audit", "--help"],
                                          capture_output=True, text=True).stdout
    before = resource.getrusage(resource.RUSAGE_CHILDREN)

    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "kcdocs", "audit", str(ledger), str(evidence), "-o", str(out), "--as-of", AS_OF.isoformat()]
    if cold:
        cmd.append("--no-cache")  # a cold run: every file read and examined
    cmd += EXTRA_ARGS
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [parent, *parent.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.02)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the audit and its worker processes
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):
        print(err, file=sys.stderr)
    return wall, peak / 2**20, proc.returncode, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=1, help="runs per size (the best is reported)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for generating data")
    parser.add_argument("--profile", action="store_true", help="also write a cProfile of the 1x run")
    parser.add_argument("--no-scan", action="store_true",
                        help="audit with --no-scan (identification by names and titles only)")
    parser.add_argument("--unnamed", action="store_true",
                        help="a third of the files renamed IMG_<n>.jpg: identified by OCR (first audit target <= 150 s)")
    parser.add_argument("--near-duplicates", action="store_true",
                        help="only measure the image hash distances behind the near-duplicate threshold")
    args = parser.parse_args()
    if args.no_scan:
        EXTRA_ARGS.append("--no-scan")
    if args.near_duplicates:
        measure_near_duplicates()
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in args.scales:
        ledger, evidence = (prepare_unnamed if args.unnamed else prepare)(scale, args.jobs)
        files = sum(len(names) for _, _, names in os.walk(evidence))
        best = None
        for _ in range(args.runs):
            load = os.getloadavg()
            wall, rss, code, cpu = run_audit(ledger, evidence, CACHE / f"out-{scale}x")
            if best is None or wall < best[0]:
                best = (wall, rss, code, load, cpu)
        wall, rss, code, load, cpu = best
        rows.append((scale, files, wall, rss, code, load))
        print(f"{scale}x: {files} files, {wall:.1f} s, {files / wall:.0f} files/s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MB, "
              f"exit {code}, load average before run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        if args.profile and scale == args.scales[0]:
            prof = CACHE / f"audit-{scale}x.prof"
            run_audit(ledger, evidence, CACHE / f"out-{scale}x-prof", profile=prof)
            print(f"profile written to {prof} (python -m pstats {prof})")
    if len(rows) > 1:
        base = rows[0][2] / rows[0][1]
        for scale, files, wall, *_ in rows[1:]:
            print(f"{scale}x / {rows[0][0]}x seconds per file: {wall / files / base:.2f}")
    print(f"targets: 1x <= 20 s, peak RSS <= 500 MB; machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
