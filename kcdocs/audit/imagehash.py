"""Images that look identical: the same photo or scan saved again (another JPEG quality, another
size, grayscale, PNG, wrapped in a PDF) under two cases, without being the same bytes.

Two stages, so that the cost stays a few milliseconds per image:

1. **Candidates** — every image gets a perceptual hash in the inventory: a difference hash
   (dHash) with a dead zone. The picture is reduced to a 17×16 grayscale thumbnail by area
   averaging; each cell gives two bits, "clearly brighter than its right-hand neighbour" and
   "clearly darker" (by more than :data:`MARGIN` grey levels). Plain dHash bits of blank paper
   (two equal white cells) flip at random when a scan is re-saved; with the dead zone they stay
   0. JPEGs are decoded at 1/8 scale straight from their DCT coefficients (Pillow ``draft``).
   Hashes at most :data:`NEAR_DISTANCE` bits apart are candidates (:func:`near_pairs`).
2. **Verification** — a 16×16 hash cannot tell two copies of one printed form apart when only
   a date or a name differs. Each candidate pair is compared again on finer pictures (up to
   :data:`FINE_WIDTH` pixels wide, decoded only for candidates): the pair looks identical when
   fewer than :data:`FINE_PIXELS` pixels differ by more than :data:`FINE_LEVEL` grey levels —
   re-saving spreads small differences everywhere, one other digit written makes a few strong
   ones.

Everything here depends only on a file's bytes, so hashes and pictures can be cached by SHA-256.
The thresholds were measured with ``bench/audit.py --near-duplicates``: see docs/audit.md 「性能」.
"""

from __future__ import annotations

import io
import warnings

HASH_W, HASH_H = 16, 16  # cells per row, rows
HASH_BITS = 2 * HASH_W * HASH_H  # 512
MARGIN = 4  # grey levels (of 255) between neighbouring cells that count as an edge
# Candidates: hashes at most this many of the 512 bits apart.
NEAR_DISTANCE = 10
FINE_WIDTH = 400  # pixels: the finer pictures compared for candidates
FINE_LEVEL = 48  # grey levels: a pixel that differs more than this has changed
FINE_PIXELS = 8  # changed pixels below which two pictures look identical
MIN_EDGES = 8  # hashes with fewer set bits are of blank pictures and never compared
ASPECT_TOLERANCE = 0.03  # relative: a copy keeps its width-to-height ratio
_DRAFT = (HASH_W * 8, HASH_H * 8)  # decode JPEGs at the smallest scale that is still ≥ this
_FINE_DRAFT = (FINE_WIDTH * 2, FINE_WIDTH * 2)  # area-average at least 2:1 into the compared size
_CHUNK = 256  # rows of the distance matrix computed at once (bounds memory: _CHUNK × n × 2 bytes)


def _grey(img, draft):
    """The picture as an 8-bit grayscale image, upright, transparency on white."""
    from PIL import Image, ImageOps

    if img.format == "JPEG":
        img.draft("L", draft)
    try:
        img = ImageOps.exif_transpose(img)  # a photo re-saved without its rotation tag
    except Exception:
        pass
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        back = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(back, img.convert("RGBA"))
    return img.convert("L")


def dhash_image(img) -> str:
    """The hex dHash of a PIL image (any mode, any size)."""
    from PIL import Image

    small = _grey(img, _DRAFT).resize((HASH_W + 1, HASH_H), Image.Resampling.BOX)
    px = small.tobytes()
    stride = HASH_W + 1
    value = 0
    for row in range(HASH_H):
        base = row * stride
        for col in range(HASH_W):
            step = px[base + col] - px[base + col + 1]
            value = (value << 2) | ((step > MARGIN) << 1) | (step < -MARGIN)
    return f"{value:0{HASH_BITS // 4}x}"


def _open(data: bytes, draft, use):
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as img:
                return use(img) if draft is None else use(_grey(img, draft))
    except Exception:
        return None


def dhash_bytes(data: bytes) -> str | None:
    """The dHash of an image file's bytes, or None when it cannot be decoded."""
    return _open(data, None, dhash_image)


def _page_image(page, draft, use):
    """``use`` applied to an image-only PDF page: to its one embedded picture when the page is a
    single image (so that a JPEG and the same JPEG wrapped in a PDF match), else to the page
    rendered small."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    images = [o for o in page.get_objects(max_depth=1) if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    if len(images) == 1:
        image = images[0]
        try:
            if image.get_filters() == ["DCTDecode"]:
                found = _open(bytes(image.get_data(decode_simple=False)), draft, use)
                if found is not None:
                    return found
            return use(_grey(image.get_bitmap(render=False).to_pil(), draft))
        except (pdfium.PdfiumError, OSError, ValueError):
            pass
    width = page.get_width() or 1
    bitmap = page.render(scale=min(1.0, 2 * draft[0] / width), grayscale=True)
    try:
        return use(_grey(bitmap.to_pil(), draft))
    finally:
        bitmap.close()


def dhash_pdf_page(page) -> str | None:
    """The dHash of an image-only PDF page (a scan saved as PDF)."""
    return _page_image(page, _DRAFT, lambda img: dhash_image(img))


def fine_picture(data: bytes, pdf: bool = False):
    """The picture of an image file (or of an image-only PDF's first page) for :func:`same_picture`;
    None when it cannot be decoded."""
    def keep(img):
        # Kept at the decoded size (about 1 MB for an A4 scan): reducing it now and again in
        # changed_pixels would shift strokes by a pixel and make copies look different.
        img.load()
        return img

    if not pdf:
        return _open(data, _FINE_DRAFT, keep)
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception:
        return None
    try:
        return _page_image(doc[0], _FINE_DRAFT, keep)
    except Exception:
        return None
    finally:
        doc.close()


def changed_pixels(a, b) -> int | None:
    """Pixels that differ by more than :data:`FINE_LEVEL` grey levels once both pictures are
    reduced to the same size (at most :data:`FINE_WIDTH` pixels wide, never wider than the
    smaller one); None when the width-to-height ratios differ (not the same picture)."""
    from PIL import Image, ImageChops, ImageFilter

    ratio_a, ratio_b = a.width / a.height, b.width / b.height
    if abs(ratio_a - ratio_b) > ASPECT_TOLERANCE * ratio_a:
        return None
    width = min(FINE_WIDTH, a.width, b.width)
    size = (width, max(1, round(width / ratio_a)))
    blur = ImageFilter.BoxBlur(1)  # absorbs the half-pixel shifts of resampling
    small_a = a.resize(size, Image.Resampling.BOX).filter(blur)
    small_b = b.resize(size, Image.Resampling.BOX).filter(blur)
    histogram = ImageChops.difference(small_a, small_b).histogram()
    return sum(histogram[FINE_LEVEL + 1:])


def same_picture(a, b) -> bool:
    changed = changed_pixels(a, b)
    return changed is not None and changed < FINE_PIXELS


def informative(h: str | None) -> bool:
    """False for a blank or nearly blank picture (an empty page, a white photo): two of them
    look alike without saying anything about the evidence."""
    return h is not None and int(h, 16).bit_count() >= MIN_EDGES


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near_pairs(hashes: list[str], limit: int = NEAR_DISTANCE, rows: list[int] | None = None
               ) -> list[tuple[int, int, int]]:
    """(i, j, distance) for every pair i < j of ``hashes`` at most ``limit`` bits apart; with
    ``rows``, only the pairs with at least one of these indexes (the others are known).

    Pairs are compared with numpy in chunks: XOR-and-popcount of eight 64-bit words (about
    0.7 s for all pairs of 6,000 images on one core).
    """
    import numpy as np

    n = len(hashes)
    if n < 2:
        return []
    chosen = list(range(n)) if rows is None else sorted(rows)
    in_rows = np.zeros(n, dtype=bool)
    in_rows[chosen] = True
    words = HASH_BITS // 64
    packed = np.array([[int(h[k * 16:(k + 1) * 16], 16) for k in range(words)] for h in hashes], dtype=np.uint64)
    popcount = getattr(np, "bitwise_count", None) or _popcount
    out = []
    for start in range(0, len(chosen), _CHUNK):
        ids = chosen[start:start + _CHUNK]
        block = packed[ids]
        dist = np.zeros((len(ids), n), dtype=np.uint16)
        for k in range(words):
            dist += popcount(block[:, k, None] ^ packed[None, :, k]).astype(np.uint16)
        found_rows, cols = np.nonzero(dist <= limit)
        for r, c in zip(found_rows.tolist(), cols.tolist()):
            i = ids[r]
            if c > i or (c < i and not in_rows[c]):  # each pair once
                out.append((min(i, c), max(i, c), int(dist[r, c])))
    return sorted(out)


def _popcount(x):
    """Bit count of uint64 values for numpy < 2.0."""
    import numpy as np

    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)
