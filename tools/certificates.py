"""Fictional external certificates (死亡医学证明, 火化证明, 接收证明 …) as scans and phone photos.

Used by tests, benchmarks and the samples: a title in one of several CJK fonts, a body with the
child's name, ID number and dates (some filled in by hand), a red seal (sometimes over the
title), then the damage of a real folder: 100–200 dpi, JPEG quality 40–60, grayscale, fading,
perspective and shadows of a phone photo, upside-down pages. Deterministic for a seed.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from kcdocs.scan.synth import jpeg

A4_MM = (210, 297)

# (title as printed, checklist document it is, body template); None: not a checklist document
KINDS = [
    ("居民死亡医学证明（推断）书", "死亡医学证明", "死者{name}，性别{sex}，公民身份号码{id}，于{d1}因病经抢救无效死亡。死亡日期：{d1}。"),
    ("死亡医学证明", "死亡医学证明", "姓名：{name}  性别：{sex}  身份证号：{id}  死亡日期：{d1}  死亡原因：疾病。"),
    ("火化证明", "火化证明", "兹有{name}（身份证号{id}）遗体于{d1}在本馆火化。火化日期：{d1}。特此证明。"),
    ("遗体火化证明", "火化证明", "逝者姓名：{name}，{sex}，身份证号{id}，火化日期{d1}，骨灰已由家属领回。"),
    ("户口注销证明", "户口注销证明", "兹证明{name}（公民身份号码{id}）户口已于{d1}因死亡注销。"),
    ("中职学校接收证明", "中职学校接收证明", "兹证明{name}（身份证号{id}）已于{d1}被我校接收，入读中等职业教育。"),
    ("入学接收证明", "中职学校接收证明", "学生{name}，身份证号{id}，经审核同意接收该生入读我校，报到日期{d1}。"),
    ("非正常死亡证明", "非正常死亡证明", "死者{name}，身份证号{id}，于{d1}因溺水意外死亡。"),
    ("疾病诊断证明书", "医疗机构检查证明", "患者{name}，{sex}，身份证号{id}，经检查诊断为重度疾病，建议休学治疗。日期：{d1}"),
    ("重复户籍注销证明", "重复户籍注销证明", "{name}（身份证号{id}）存在重复户口，已于{d1}注销重复户籍。"),
    ("残疾人教育专家委员会鉴定证明", "残疾人教育专家委员会鉴定证明", "经专家委员会评估，{name}（身份证号{id}）鉴定为重度残疾，不具备到校就读能力。{d1}"),
    ("失踪失联情况说明", "失踪失联情况说明", "{name}（身份证号{id}）自{d1}起下落不明，经派出所报警查找，仍失联。"),
    # generic titles whose body tells what they are (identified by keywords, always reviewed)
    ("情况说明", "失踪失联情况说明", "学生{name}（身份证号{id}）自{d1}离家后失踪，下落不明，家长已报警，至今联系不上。"),
    ("证明", "火化证明", "兹有{name}（身份证号{id}）遗体于{d1}在我殡仪馆火化，骨灰已领回。特此证明。"),
    # not checklist documents: must never be taken for one
    ("学生成绩单", None, "姓名：{name}  学号：2020{sex}01  语文 86  数学 92  英语 78  日期：{d1}"),
    ("收款收据", None, "今收到{name}交来书本费壹佰元整。收款日期：{d1}"),
    ("证明", None, "兹证明{name}同学系我校学生，表现良好。特此证明。{d1}"),
    ("情况说明", None, "关于{name}同学请假的情况说明：该生因家中有事请假三天，现已返校。{d1}"),
    ("家长会通知", None, "各位家长：定于{d1}召开家长会，请准时参加。"),
    ("体检表", None, "姓名{name} 性别{sex} 身高 150 体重 40 视力 5.0 检查日期{d1}"),
]
UNITS = ["滕州市人民医院", "枣庄市殡仪馆", "薛城区公安分局", "市中区职业中等专业学校", "山亭区民政局", "峄城区卫生院"]


@dataclass
class Person:
    name: str
    sex: str
    id_number: str
    day: date


@lru_cache(maxsize=1)
def fonts() -> list[tuple[str, int]]:
    """(file, index) of the Simplified-Chinese-capable fonts on this machine, several families."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh-cn", "file", "family"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    found, families = [], set()
    for line in sorted(out.splitlines()):
        path, _, family = line.partition(":")
        family = family.strip().split(",")[0]
        key = family.replace(" Mono", "").replace(" Sharp", "").rsplit(" ", 1)[0]
        if path.endswith((".ttc", ".ttf", ".otf")) and key not in families and ("TC" not in family and "HK" not in family
                                                                          and "TW" not in family and "JP" not in family
                                                                          and "KR" not in family):
            families.add(key)
            found.append((path, _ttc_index(path, family)))
    return found


def _ttc_index(path: str, family: str) -> int:
    if not path.endswith(".ttc"):
        return 0
    from PIL import ImageFont

    for index in range(12):
        try:
            if ImageFont.truetype(path, 12, index=index).getname()[0] == family:
                return index
        except OSError:
            break
    return 0


def _font(spec: tuple[str, int], size: int):
    from PIL import ImageFont

    return ImageFont.truetype(spec[0], size, index=spec[1])


def render(title: str, body: str, unit: str, rng: np.random.Generator, dpi: int = 200,
           seal_over_title: bool = False, handwriting: bool = True) -> np.ndarray:
    """A certificate page (RGB, A4 at ``dpi``)."""
    from PIL import Image, ImageDraw

    px = lambda mm: int(round(mm * dpi / 25.4))  # noqa: E731
    w, h = px(A4_MM[0]), px(A4_MM[1])
    img = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    families = fonts()
    title_font = _font(families[int(rng.integers(len(families)))], px(rng.uniform(7.5, 10)))
    body_spec = families[int(rng.integers(len(families)))]
    body_font = _font(body_spec, px(4.6))
    top = px(rng.uniform(22, 40))
    spaced = rng.random() < 0.3 and len(title) <= 8
    text = "  ".join(title) if spaced else title
    tw = draw.textlength(text, font=title_font)
    draw.text(((w - tw) / 2, top), text, font=title_font, fill=(0, 0, 0))
    if rng.random() < 0.5:
        draw.text((px(25), top + px(16)), f"编号：{int(rng.integers(10**6, 10**7))}", font=body_font, fill=(40, 40, 40))
    y = top + px(28)
    for line in _wrap(body, draw, body_font, w - px(50)):
        draw.text((px(25), y), line, font=body_font, fill=(20, 20, 20))
        y += px(9)
    draw.text((w - px(95), h - px(70)), unit, font=body_font, fill=(20, 20, 20))
    arr = np.array(img)
    if handwriting:
        _scribble(arr, (w - px(90), h - px(60), px(60), px(12)), rng)
    seal_centre = (w / 2 + px(rng.uniform(-20, 20)), top + px(5)) if seal_over_title else (w - px(65), h - px(68))
    _seal(arr, seal_centre, px(rng.uniform(38, 42)) / 2, unit, dpi)
    return arr


def _wrap(text: str, draw, font, width: int) -> list[str]:
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + ([line] if line else [])


def _scribble(arr: np.ndarray, box, rng: np.random.Generator) -> None:
    """Handwriting-like strokes (a signature) in box (x, y, w, h)."""
    import cv2

    x0, y0, bw, bh = box
    t = np.linspace(0, 2 * math.pi * rng.uniform(2, 4), 120)
    xs = x0 + bw * (t / t[-1]) + bw * 0.05 * np.sin(3 * t)
    ys = y0 + bh / 2 + bh * 0.35 * np.sin(t * rng.uniform(1.5, 3))
    cv2.polylines(arr, [np.stack([xs, ys], 1).astype(np.int32)], False, (25, 25, 70), 2, cv2.LINE_AA)


def _seal(arr: np.ndarray, centre, radius: float, unit: str, dpi: int, colour=(220, 40, 45)) -> None:
    import cv2
    from PIL import Image, ImageDraw

    cx, cy, r = int(centre[0]), int(centre[1]), int(radius)
    layer = np.full_like(arr, 255)
    cv2.circle(layer, (cx, cy), r, colour, max(2, int(dpi / 25.4 * 1.1)), cv2.LINE_AA)
    star = [(cx + r * 0.28 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - r * 0.28 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    cv2.fillPoly(layer, [np.array(star, np.int32)], colour)
    pil = Image.fromarray(layer)
    draw = ImageDraw.Draw(pil)
    font = _font(fonts()[0], max(8, int(r * 0.28)))
    for k, char in enumerate(unit):
        a = math.radians(200 + k * (140 / max(1, len(unit) - 1)))
        draw.text((cx + r * 0.72 * math.cos(a) - r * 0.12, cy + r * 0.72 * math.sin(a) - r * 0.14), char,
                  font=font, fill=colour)
    layer = np.asarray(pil)
    np.minimum(arr, layer, out=arr)  # ink multiplies like a stamp over print


def degrade(rgb: np.ndarray, rng: np.random.Generator, *, grayscale: bool = False, quality: int = 50,
            fade: float = 0.0, photo: bool = False, upside_down: bool = False, dpi: int = 200) -> bytes:
    """A JPEG of the page as a scanner or a phone would give it."""
    import cv2

    out = rgb.astype(np.float32)
    if fade:
        out = 255 - (255 - out) * (1 - fade)
    h, w = out.shape[:2]
    if photo:
        d = 0.06 * min(w, h)
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = src + rng.uniform(-d, d, (4, 2)).astype(np.float32)
        matrix = cv2.getPerspectiveTransform(src, dst)
        out = cv2.warpPerspective(out, matrix, (w, h), borderValue=(120, 110, 100))
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        angle = rng.uniform(0, 2 * math.pi)
        ramp = (xx * math.cos(angle) + yy * math.sin(angle)) / max(w, h)
        light = 0.62 + 0.38 * (ramp - ramp.min()) / max(1e-6, ramp.max() - ramp.min())
        out = out * light[:, :, None]
    else:
        angle = rng.uniform(-1.5, 1.5)
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(out, matrix, (w, h), borderValue=(255, 255, 255))
    out = cv2.GaussianBlur(out, (3, 3), 0.7)
    out = np.clip(out + rng.normal(0, 5, out.shape), 0, 255).astype(np.uint8)
    if upside_down:
        out = np.ascontiguousarray(out[::-1, ::-1])
    return jpeg(out, quality=quality, grayscale=grayscale, dpi=dpi)


def sample(n: int, rng: np.random.Generator, person: Person, hard: bool = False) -> tuple[bytes, str | None, str]:
    """Test page number ``n``: (JPEG, expected document or None, printed title)."""
    title, document, body = KINDS[n % len(KINDS)]
    dpi = int(rng.choice([100, 120, 150, 200] if hard else [150, 200]))
    d1 = f"{person.day.year}年{person.day.month}月{person.day.day}日"
    page = render(title, body.format(name=person.name, sex=person.sex, id=person.id_number, d1=d1),
                  UNITS[n % len(UNITS)], rng, dpi=dpi, seal_over_title=hard and rng.random() < 0.5)
    data = degrade(page, rng, grayscale=rng.random() < 0.3, quality=int(rng.integers(40, 61)),
                   fade=rng.uniform(0.2, 0.45) if hard and rng.random() < 0.5 else 0.0,
                   photo=hard and rng.random() < 0.4, upside_down=rng.random() < 0.15, dpi=dpi)
    return data, document, title
