"""QR code images as SVG for Typst.

zxing-cpp's writer (C++) encodes: ~0.25 ms per code where segno needed ~3 ms. The SVG is
written here from the module image, one filled rectangle per horizontal run of dark modules
(~0.1 ms; zxing's own ``to_svg`` takes ~0.2 ms, which matters at thousands of pages).
SVG (not modules drawn in Typst, which took gigabytes) keeps Typst's memory small. The
image is the symbol with zxing's 4-module quiet zone, one unit per module.
``attach_svgs`` is called on template data right before compiling, in whichever process compiles.
"""

from __future__ import annotations

import re

QR_KEY = "qr_text"
SVG_KEY = "qr_svg"


_DARK = re.compile(rb"[\x00-\x7f]+")  # a run of dark pixels (0 dark, 255 light)


class _Runs(dict):
    """Path data of a run of dark modules in an image ``width`` modules wide, keyed by
    ``start * 256 + length`` (``start``: index of its first pixel). The same runs recur on
    every page, so each string is formatted once."""

    def __init__(self, width: int):
        super().__init__()
        self.width = width

    def __missing__(self, key: int) -> str:
        start, length = divmod(key, 256)
        y, x = divmod(start, self.width)
        text = self[key] = f"M{x} {y}h{length}v1h-{length}Z"
        return text


_RUNS: dict[int, _Runs] = {}


def pixels_svg(pixels: bytes, width: int, height: int) -> str:
    """An SVG of an image of one byte per module, row by row (0 dark, 255 light), one unit per
    module: one filled rectangle per horizontal run of dark modules. Every row must start and
    end light (the quiet zone sees to it), so that no run wraps onto the next row."""
    if width not in _RUNS:
        _RUNS[width] = _Runs(width)
    run = _RUNS[width].__getitem__
    spans = map(re.Match.span, _DARK.finditer(pixels))
    path = "".join([run(start * 256 + end - start) for start, end in spans])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><path d="{path}"/></svg>')


def qr_svg(text: str) -> str:
    """An SVG of ``text`` as a QR code (error correction M, 4-module quiet zone)."""
    import zxingcpp

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(scale=1)
    height, width = image.shape
    return pixels_svg(bytes(image), width, height)


def attach_svgs(node: object) -> None:
    """Wherever a dict has ``qr_text``, add ``qr_svg`` (in place, recursively)."""
    if isinstance(node, dict):
        if QR_KEY in node and SVG_KEY not in node:
            node[SVG_KEY] = qr_svg(node[QR_KEY])
        for value in node.values():
            if isinstance(value, (dict, list)):
                attach_svgs(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)):
                attach_svgs(item)
