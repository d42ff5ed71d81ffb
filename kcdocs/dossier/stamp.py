"""Page labels (``370402-2020-0007 第3页 共12页``) stamped on evidence pages.

Contract: ``stamp(pdf, page, form)`` draws the Form XObject ``form`` (a label typeset by
Typst) at the bottom right of ``page`` as the reader sees it (``/Rotate`` honoured). The
page's own content streams are not touched: a ``q`` stream is put before them and the
label after a matching ``Q``, so nothing the evidence sets (transforms, colours) can leak
into the label and the label changes nothing underneath it.
"""

from __future__ import annotations

MM = 72 / 25.4
MARGIN_RIGHT = 4 * MM
MARGIN_BOTTOM = 2.5 * MM
MAX_SHARE = 0.6  # the label takes at most this share of a narrow page's width


def _box(page) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)


def placement(page, width: float, height: float) -> tuple[float, ...]:
    """The ``cm`` matrix that puts a ``width`` × ``height`` label at the visual bottom right."""
    x0, y0, w, h = _box(page)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    vis_w = w if rotate in (0, 180) else h
    scale = min(1.0, vis_w * MAX_SHARE / width)
    s = scale
    vx, vy = vis_w - (MARGIN_RIGHT + width) * s, MARGIN_BOTTOM * s
    if rotate == 90:
        return 0, s, -s, 0, x0 + w - vy, y0 + vx
    if rotate == 180:
        return -s, 0, 0, -s, x0 + w - vx, y0 + h - vy
    if rotate == 270:
        return 0, -s, s, 0, x0 + vy, y0 + h - vx
    return s, 0, 0, s, x0 + vx, y0 + vy


def stamp(pdf, page, form) -> None:
    """Overlay ``form`` (a Form XObject of ``pdf``) on ``page`` (a pikepdf.Page of ``pdf``)."""
    import pikepdf

    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="KcLabel")
    matrix = " ".join(f"{v:.4f}" for v in placement(page, x1 - x0, y1 - y0))
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, f"\nQ\nq {matrix} cm {name} Do Q\n".encode("ascii")))
