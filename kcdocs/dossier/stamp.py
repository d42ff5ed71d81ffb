"""Page labels (``370402-2020-0007 第3页 共12页``) stamped on evidence pages.

Contract: ``Labels(out, prefix, shared).form(n, total)`` composes a label as a Form
XObject of ``out`` from pieces Typst typeset once (the case's "<台账编号> 第", the digits,
"页 共", "页"), so a label costs no typesetting; ``stamp(pdf, page, form)`` draws it at
the bottom right of ``page`` as the reader sees it (``/Rotate`` honoured). The page's
own content streams are not touched: a ``q`` stream is put before them and the label
after a matching ``Q``, so nothing the evidence sets (transforms, colours) can leak into
the label and the label changes nothing underneath it.
"""

from __future__ import annotations

MM = 72 / 25.4
MARGIN_RIGHT = 4 * MM
MARGIN_BOTTOM = 2.5 * MM
MAX_SHARE = 0.6  # the label takes at most this share of a narrow page's width
LABEL_HEIGHT = 6 * MM
LABEL_PAD = 2 * MM
LABEL_OPACITY = 0.85  # of the white ground under the text: the evidence stays visible through it
SHARED_PIECES = 12  # 0–9, "页 共", "页": the first pages of a compiled batch


def page_form(pdf, page):
    """A page (of another PDF) as a Form XObject of ``pdf``: its content, its resources copied,
    its media box as BBox. Much quicker than pikepdf's ``as_form_xobject`` for the tiny pages of
    label pieces, and nothing is added to the page's own PDF (a new object there makes qpdf
    resolve the whole file)."""
    import pikepdf

    contents = page.obj.Contents
    parts = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
    form = pikepdf.Stream(pdf, b"\n".join(p.read_bytes() for p in parts))
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = [float(v) for v in page.mediabox]
    form.Resources = pdf.copy_foreign(page.obj.Resources)
    return form


class Labels:
    """Page labels of one dossier, composed from typeset pieces (pages of the compiled batch)."""

    def __init__(self, out, prefix, shared: list):
        """``prefix`` (the case's "<台账编号> 第") and ``shared`` (digits, "页 共", "页") are pages
        of the compiled front matter; they become Form XObjects of ``out``."""
        import pikepdf

        self.out = out
        forms = [page_form(out, page) for page in (prefix, *shared)]
        self.names = [f"/P{n}" for n in range(len(forms))]
        self.widths = [float(f.BBox[2]) - float(f.BBox[0]) for f in forms]
        self.height = float(forms[1].BBox[3]) - float(forms[1].BBox[1])
        gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=LABEL_OPACITY)
        self.resources = out.make_indirect(pikepdf.Dictionary(
            XObject=pikepdf.Dictionary(dict(zip(self.names, forms))), ExtGState=pikepdf.Dictionary(G0=gs)))

    def _pieces(self, n: int, total: int) -> list[int]:
        return [0, *(1 + int(d) for d in str(n)), 11, *(1 + int(d) for d in str(total)), 12]

    def form(self, n: int, total: int):
        """The label "<台账编号> 第n页 共total页" as a Form XObject of the dossier."""
        import pikepdf

        pieces = self._pieces(n, total)
        width = sum(self.widths[i] for i in pieces) + 2 * LABEL_PAD
        ops = [f"q /G0 gs 1 g 0 0 {width:.3f} {LABEL_HEIGHT:.3f} re f Q",
               f"q 0.47 G 0.4 w 0.2 0.2 {width - 0.4:.3f} {LABEL_HEIGHT - 0.4:.3f} re S Q"]
        x, y = LABEL_PAD, (LABEL_HEIGHT - self.height) / 2
        for i in pieces:
            ops.append(f"q 1 0 0 1 {x:.3f} {y:.3f} cm {self.names[i]} Do Q")
            x += self.widths[i]
        stream = pikepdf.Stream(self.out, "\n".join(ops).encode("ascii"))
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        stream.BBox = [0, 0, width, LABEL_HEIGHT]
        stream.Resources = self.resources
        return stream


def _rotation(page) -> int:
    """/Rotate as 0/90/180/270; anything else (``/Rotate /Ninety``, 45) counts as 0, as readers show it."""
    from kcdocs.evidence_io.topdf import _rotation as valid_rotation

    return valid_rotation(page) or 0


def _box(page) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)


def placement(page, width: float, height: float) -> tuple[float, ...]:
    """The ``cm`` matrix that puts a ``width`` × ``height`` label at the visual bottom right."""
    x0, y0, w, h = _box(page)
    rotate = _rotation(page)
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
