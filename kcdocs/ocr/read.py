"""What an unnamed scanned page is: its title read by OCR, and what its body says.

``read_file(path, pages, words, keywords) -> dict`` (JSON-able, cached by the file's SHA-256):
for each wanted page, the page is scaled to ``OCR_WIDTH`` pixels wide (the red channel of a
colour picture: red seals over a title vanish) and only bands of it are read:

1. the top ``TITLE_BAND`` of the page: each line, and each row of boxes joined, against the
   checklist names and aliases (:class:`~kcdocs.ocr.titles.TitleMatcher`);
2. nothing matched and the band does not read as upright text: the bottom band turned 180°
   (a page scanned upside down);
3. only a generic title (证明, 情况说明), or no title read but the band's text has the keywords of
   one document (a seal over an unreadable title): the body band, for the keywords of
   ``keywords.yaml`` — such a page is always reviewed;
4. a title found: the body band too, for the names, ID numbers and dates on the document.

A page's ``confidence`` is the match score times the recognition score of the line;
:data:`CONFIDENT` and above is decided, below goes to review.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

from kcdocs.ocr.content import facts
from kcdocs.ocr.engine import Line, engine
from kcdocs.ocr.titles import TitleMatcher, generic, near_generic, normalise

OCR_WIDTH = 960
TITLE_BAND = 0.30
BODY_BAND = (0.20, 0.72)
TITLE_MIN_HEIGHT = 0.55  # lines lower than this share of the tallest line in the band are not titles
CONFIDENT = 0.70
TITLE_DET_SCALE = 0.8  # text is found on a copy this size of the band and read at full size (docs/ocr.md)
BODY_DET_SCALE = 0.5  # the body's text is found at half size: detection is most of the cost (docs/ocr.md)
KEYWORD_SCORE = 0.6  # a document known by body keywords only: always reviewed
KEYWORD_MIN_HITS = 2
UPRIGHT_LINES, UPRIGHT_CHARS, UPRIGHT_SCORE = 2, 4, 0.90  # an upright page is not read turned 180°
TEXT_CHARS = 600  # recognised text kept per page


def page_views(path: Path, pages: list[int]) -> list[tuple[int, np.ndarray]]:
    """(0-based page, picture OCR_WIDTH wide: red channel or gray) for ``pages`` of the file."""
    if path.suffix.lower() == ".pdf":
        return _pdf_views(path, pages)
    return [(0, _image_view(path.read_bytes()))] if 0 in pages else []


def _image_view(data: bytes) -> np.ndarray:
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as img:
            if img.format == "JPEG":
                img.draft("RGB" if img.mode in ("RGB", "YCbCr", "CMYK") else img.mode, (OCR_WIDTH, OCR_WIDTH))
            orientation = img.getexif().get(0x0112, 1)
            channel = _channel(img)
    return _scaled(_upright(channel, orientation))


# EXIF orientation → the turn that shows the picture upright (as Pillow's ImageOps.exif_transpose)
_UPRIGHT = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1], 5: lambda a: a.T,
            6: lambda a: np.rot90(a, 3), 7: lambda a: a.T[::-1, ::-1], 8: lambda a: np.rot90(a, 1)}


def _upright(gray: np.ndarray, orientation: int) -> np.ndarray:
    """EXIF orientation applied to one channel (a third of the work of turning the colour picture)."""
    turn = _UPRIGHT.get(orientation)
    return np.ascontiguousarray(turn(gray) if turn else gray)


def _channel(img) -> np.ndarray:
    """The red channel of a colour picture (red seals over a title vanish), else the gray picture."""
    if img.mode == "RGB":
        return np.asarray(img.getchannel(0))
    if img.mode in ("RGBA", "YCbCr", "CMYK", "P", "RGBX", "LAB", "HSV"):
        return np.asarray(img.convert("RGB").getchannel(0))
    if img.mode == "L":
        return np.asarray(img)
    return np.asarray(img.convert("L"))


def _scaled(gray: np.ndarray) -> np.ndarray:
    import cv2

    h, w = gray.shape
    if w == OCR_WIDTH:
        return np.ascontiguousarray(gray)
    size = (OCR_WIDTH, max(1, int(round(h * OCR_WIDTH / w))))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA if w > OCR_WIDTH else cv2.INTER_LINEAR)


def _pdf_views(path: Path, pages: list[int]) -> list[tuple[int, np.ndarray]]:
    import pypdfium2 as pdfium

    out = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in pages:
            if index >= len(pdf):
                continue
            page = pdf[index]
            try:
                bitmap = page.render(scale=OCR_WIDTH / page.get_width())
                out.append((index, _scaled(_channel(bitmap.to_pil()))))
            finally:
                page.close()
    finally:
        pdf.close()
    return out


def _rows(lines: list[Line]) -> list[Line]:
    """Boxes on one row joined left to right (a title set with wide letter spacing)."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: l.box[1]):
        x, y, w, h = line.box
        for row in rows:
            rx, ry, rw, rh = row[0].box
            if min(y + h, ry + rh) - max(y, ry) > 0.5 * min(h, rh):
                row.append(line)
                break
        else:
            rows.append([line])
    joined = []
    for row in rows:
        if len(row) < 2:
            continue
        row.sort(key=lambda l: l.box[0])
        x0, y0 = min(l.box[0] for l in row), min(l.box[1] for l in row)
        x1, y1 = max(l.box[0] + l.box[2] for l in row), max(l.box[1] + l.box[3] for l in row)
        score = float(np.mean([l.score for l in row]))
        joined.append(Line("".join(l.text for l in row), score, (x0, y0, x1 - x0, y1 - y0), max(l.height for l in row)))
    return joined


def _title(lines: list[Line], matcher: TitleMatcher) -> tuple[dict | None, bool]:
    """(best title match among the tall lines, whether a generic title was seen)."""
    if not lines:
        return None, False
    tallest = max(l.height for l in lines)
    candidates = [l for l in lines if l.height >= TITLE_MIN_HEIGHT * tallest] + _rows(lines)
    best, seen_generic = None, False
    for line in sorted(candidates, key=lambda l: -l.height):
        if generic(line.text):
            seen_generic = True
            continue
        found = matcher.match(line.text)
        if found is None:
            seen_generic = seen_generic or near_generic(line.text)  # its body's keywords decide, reviewed
            continue
        confidence = round(found.score * line.score, 3)
        if best is None or confidence > best["confidence"]:
            best = {"document": found.document, "confidence": confidence, "how": found.how, "line": line.text}
    return best, seen_generic


def _keywords(text: str, keywords: dict[str, list[str]]) -> dict | None:
    """The one document whose body keywords occur (at least KEYWORD_MIN_HITS of them)."""
    body = normalise(text)
    hits = {doc: sum(1 for k in words if normalise(k) in body) for doc, words in keywords.items()}
    ranked = sorted(((n, doc) for doc, n in hits.items() if n >= KEYWORD_MIN_HITS), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return {"document": ranked[0][1], "confidence": KEYWORD_SCORE, "how": "keywords", "line": ""}


def _band(view: np.ndarray, top: float, bottom: float) -> np.ndarray:
    h = view.shape[0]
    return view[int(h * top):max(int(h * top) + 1, int(h * bottom))]


def _upright_text(lines: list[Line]) -> bool:
    """The band reads as upright text: UPRIGHT_LINES lines of UPRIGHT_CHARS or more characters
    recognised with UPRIGHT_SCORE (text upside down reads as garbage with low scores: on 600
    generated pages, no upside-down page had even one such line — docs/ocr.md)."""
    sure = [l for l in lines if len(l.text.strip()) >= UPRIGHT_CHARS and l.score >= UPRIGHT_SCORE]
    return len(sure) >= UPRIGHT_LINES


def read_page(view: np.ndarray, matcher: TitleMatcher, keywords: dict[str, list[str]]) -> dict:
    ocr = engine()
    lines = ocr.read(_band(view, 0.0, TITLE_BAND), det_scale=TITLE_DET_SCALE)
    title, seen_generic = _title(lines, matcher)
    flipped = False
    if title is None and not seen_generic and not _upright_text(lines):
        turned = _band(view, 1.0 - TITLE_BAND, 1.0)[::-1, ::-1]
        flipped_lines = ocr.read(np.ascontiguousarray(turned), det_scale=TITLE_DET_SCALE)
        title, seen_generic = _title(flipped_lines, matcher)
        if title is not None or seen_generic:
            lines, flipped = flipped_lines, True
    text = "\n".join(l.text for l in lines)
    # a title unreadable (a seal over it) while the text below it names a document: by keywords, reviewed
    by_keywords = seen_generic or (title is None and _keywords(text, keywords) is not None)
    if title is not None or by_keywords:
        body = view[::-1, ::-1] if flipped else view
        top = int(view.shape[0] * BODY_BAND[0])
        body_lines = ocr.read(np.ascontiguousarray(_band(body, *BODY_BAND)), det_scale=BODY_DET_SCALE,
                              read_from=int(view.shape[0] * TITLE_BAND) - top)  # the overlap was read above
        text += "\n" + "\n".join(l.text for l in body_lines)
    if title is None and by_keywords:
        title = _keywords(text, keywords)
    out = dict(title or {"document": None, "confidence": 0.0, "how": None, "line": ""})
    out.update(flipped=flipped, generic=seen_generic, facts=facts(text), text=text[:TEXT_CHARS])
    return out


def read_file(path: str | Path, pages: list[int], words: list[tuple[str, str]],
              keywords: dict[str, list[str]]) -> dict:
    """OCR of ``pages`` (0-based) of one file; never raises (``error`` says what went wrong)."""
    matcher = TitleMatcher(words)
    try:
        views = page_views(Path(path), pages)
        return {"pages": [dict(read_page(view, matcher, keywords), page=index + 1) for index, view in views]}
    except Exception as exc:  # a hostile file, or the models unavailable: the file stays unidentified
        return {"pages": [], "error": f"{type(exc).__name__}: {exc}"[:200]}
