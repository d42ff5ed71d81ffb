"""The layout registry: for each printed form, where the QR code, every signature box and the
seal area sit on each page, in millimetres from the page's top-left corner.

Templates draw boxes exactly where this module says (the coordinates are passed to Typst as
data), so the scan-back can find them again from the QR's page number and box count alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kcdocs.marks.payload import PagePayload

PAGE_W, PAGE_H = 210.0, 297.0


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    role: str = ""  # staff | guardian | child | helper | principal | server | seal | qr
    label: str = ""  # printed above the box, e.g. 工作人员签字
    name: str = ""  # the signer's printed name under the box
    dated: bool = False  # a 年 月 日 line is printed under the name (the signer writes the date)

    def as_dict(self) -> dict:
        # Spelled out: dataclasses.asdict deep-copies field by field, ~10× slower (thousands of pages).
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "role": self.role, "label": self.label,
                "name": self.name, "dated": self.dated}


@dataclass(frozen=True)
class Grid:
    """Signature boxes in rows and columns; each cell: label, box, printed name."""

    x0: float
    y0: float  # top of the first label line
    cols: int
    rows: int
    box_w: float = 50.0
    box_h: float = 20.0
    pitch_x: float = 60.0
    pitch_y: float = 36.0
    label_h: float = 6.0
    dated: bool = False  # each box has a 年 月 日 line under the signer's name
    bottom: bool = False  # rows left empty are dropped from the top (the text above gets their room)

    @property
    def capacity(self) -> int:
        return self.cols * self.rows

    def for_count(self, n: int) -> "Grid":
        """The grid as printed for ``n`` boxes: a bottom-anchored grid keeps only the rows it
        needs, at the bottom (known from the QR's box count alone)."""
        used = max(1, min(self.rows, -(-n // self.cols)))
        if not self.bottom or used == self.rows:
            return self
        return replace(self, y0=self.y0 + (self.rows - used) * self.pitch_y, rows=used)

    def box(self, index: int) -> tuple[float, float]:
        row, col = divmod(index, self.cols)
        return self.x0 + col * self.pitch_x, self.y0 + row * self.pitch_y + self.label_h


@dataclass(frozen=True)
class Fiducial:
    """A printed ArUco marker (4×4 dictionary, ``id``) for rectifying phone photos: ``size`` mm
    square with its top-left corner at (x, y) mm."""

    id: int
    x: float
    y: float
    size: float

    def corners(self) -> list[tuple[float, float]]:
        """Its four corners (mm) in ArUco's order: top-left, top-right, bottom-right, bottom-left."""
        x, y, s = self.x, self.y, self.size
        return [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]

    def as_dict(self) -> dict:
        return {"id": self.id, "x": self.x, "y": self.y, "w": self.size}


# Three corners of the sheet (the QR holds the fourth, top right): 10 mm, 10 mm from the edges,
# outside the text area (forms' text starts 20 mm from the left, the footer line at 287 mm).
FIDUCIAL_MM = 10.0
FIDUCIALS = (Fiducial(0, 10, 10, FIDUCIAL_MM), Fiducial(1, 10, PAGE_H - 10 - FIDUCIAL_MM, FIDUCIAL_MM),
             Fiducial(2, PAGE_W - 10 - FIDUCIAL_MM, PAGE_H - 10 - FIDUCIAL_MM, FIDUCIAL_MM))


@dataclass(frozen=True)
class Signer:
    role: str
    label: str
    name: str = ""


@dataclass(frozen=True)
class FormLayout:
    form: str
    title: str
    qr: Box
    first: Grid  # signature grid on the first page
    more: Grid | None = None  # grid on continuation pages (None: everything fits on one page)
    seal: Box | None = None  # seal area, on the page that carries the last signature
    content_bottom: float = 203.0  # mm: the first page's text ends above this line (a full first grid)
    fiducials: tuple[Fiducial, ...] = FIDUCIALS  # printed on every page (none on a notice's cut-off receipt)

    def text_bottom(self, boxes: int) -> float:
        """Where the first page's text ends when it carries ``boxes`` signature boxes."""
        return self.content_bottom + self.first.for_count(boxes).y0 - self.first.y0


@dataclass(frozen=True)
class PageLayout:
    form: str
    page: int
    pages: int
    qr: Box
    signatures: list[Box] = field(default_factory=list)
    seals: list[Box] = field(default_factory=list)
    fiducials: tuple[Fiducial, ...] = ()

    def as_dict(self) -> dict:
        return {"form": self.form, "page": self.page, "pages": self.pages, "qr": self.qr.as_dict(),
                "signatures": [b.as_dict() for b in self.signatures], "seals": [b.as_dict() for b in self.seals],
                "fiducials": [f.as_dict() for f in self.fiducials]}


QR_BOX = Box(PAGE_W - 15 - 22, 10, 22, 22, "qr")
FIRST_PAGE_GRID = Grid(20, 210, cols=3, rows=2, bottom=True)  # bottom of a page with content above
CONTINUATION_GRID = Grid(20, 52, cols=3, rows=6)  # a page of signatures only
REPORT_GRID = Grid(20, 232, cols=1, rows=1, box_w=70, box_h=22)
# Letters (applications, orders, the court letter): boxes right under the text, each with its date.
APPLICATION_GRID = Grid(80, 150, cols=2, rows=1, dated=True)
# A unit's letter: the seal area covers the unit's name and the date (GB/T 9704 7.3.5.1).
LETTER_SEAL = Box(128, 196, 40, 40, "seal", "")
RECEIPT_LINE_GRID = Grid(20, 240, cols=2, rows=1, box_w=50, box_h=18, pitch_x=60, dated=True)
BUREAU_GRID = Grid(20, 240, cols=2, rows=1, box_w=45, box_h=18, pitch_x=52)

REGISTRY: dict[str, FormLayout] = {
    "persuasion-record": FormLayout("persuasion-record", "劝返复学工作记录表", QR_BOX, FIRST_PAGE_GRID,
                                    CONTINUATION_GRID),
    "application": FormLayout("application", "书面申请", QR_BOX, APPLICATION_GRID, CONTINUATION_GRID,
                              content_bottom=143),
    "education-plan": FormLayout("education-plan", "个性化教育方案", QR_BOX, FIRST_PAGE_GRID, CONTINUATION_GRID),
    # 送达回证 under a 复学通知书 (templates/notices/notice.typ draws its table around these boxes).
    "receipt": FormLayout("receipt", "送达回证", Box(159, 245, 22, 22, "qr"),
                          Grid(31, 241, cols=3, rows=1, box_w=36, box_h=14, pitch_x=42, dated=True),
                          fiducials=()),
    "weekly-report": FormLayout("weekly-report", "控辍保学周报", QR_BOX, REPORT_GRID,
                                seal=Box(110, 226, 40, 40, "seal", "单位盖章")),
    "monthly-report": FormLayout("monthly-report", "控辍保学月报", QR_BOX, REPORT_GRID,
                                 seal=Box(110, 226, 40, 40, "seal", "单位盖章")),
    # The P2 legal path (强制入学): 批评教育记录, 责令限期改正通知书, 提请发放司法文书的函.
    "criticism-record": FormLayout("criticism-record", "批评教育记录", QR_BOX, FIRST_PAGE_GRID, CONTINUATION_GRID),
    "correction-order": FormLayout("correction-order", "责令限期改正通知书", QR_BOX, RECEIPT_LINE_GRID,
                                   seal=LETTER_SEAL, content_bottom=192),
    "judicial-request": FormLayout("judicial-request", "提请发放司法文书的函", QR_BOX, BUREAU_GRID,
                                   seal=LETTER_SEAL, content_bottom=192),
    "overdue-reminder": FormLayout("overdue-reminder", "逾期未报到催报通知书", QR_BOX, RECEIPT_LINE_GRID,
                                   seal=LETTER_SEAL, content_bottom=192),
}


def get_layout(form: str) -> FormLayout:
    try:
        return REGISTRY[form]
    except KeyError:
        raise KeyError(f"no layout registered for form {form!r}") from None


def _chunks(signers: list[Signer], layout: FormLayout) -> list[list[Signer]]:
    first = signers[: layout.first.capacity]
    rest = signers[layout.first.capacity:]
    if rest and layout.more is None:
        raise ValueError(f"form {layout.form} has room for {layout.first.capacity} signers only")
    pages = [first]
    while rest:
        pages.append(rest[: layout.more.capacity])
        rest = rest[layout.more.capacity:]
    return pages


def paginate(form: str, signers: list[Signer], *, lead_pages: int = 0) -> list[PageLayout]:
    """The pages of one printed form: signers fill the first page's grid, then continuation pages.

    ``lead_pages`` are pages before the signature pages that carry only the QR (a long report);
    the first signature grid is then on the last of them.
    """
    layout = get_layout(form)
    groups = _chunks(signers, layout)
    total = lead_pages + len(groups)
    pages = [PageLayout(form, i + 1, total, layout.qr, fiducials=layout.fiducials) for i in range(lead_pages)]
    for index, group in enumerate(groups):
        grid = layout.first.for_count(len(group)) if index == 0 else layout.more
        boxes = []
        for i, signer in enumerate(group):
            x, y = grid.box(i)
            boxes.append(Box(x, y, grid.box_w, grid.box_h, signer.role, signer.label, signer.name, grid.dated))
        seals = [layout.seal] if layout.seal and index == len(groups) - 1 else []
        pages.append(PageLayout(form, lead_pages + index + 1, total, layout.qr, boxes, seals, layout.fiducials))
    return pages


# Reports print their signature block right after the last table: the top of the block (mm from
# the page's top) is the QR's sequence field on the last page; the registry's boxes are for a block
# whose top is REPORT_BLOCK_TOP.
REPORT_BLOCK_TOP = 212
MOVABLE = {"weekly-report", "monthly-report"}


def moved(page: PageLayout, top: float) -> PageLayout:
    """``page`` with its signature boxes and seal areas moved for a signature block at ``top``."""
    dy = top - REPORT_BLOCK_TOP
    shift = lambda b: replace(b, y=b.y + dy)  # noqa: E731
    return PageLayout(page.form, page.page, page.pages, page.qr, [shift(b) for b in page.signatures],
                      [shift(b) for b in page.seals], page.fiducials)


def page_layout(payload: PagePayload) -> PageLayout:
    """The layout of a scanned page from its QR payload alone (signers' names are not known here).

    Forms with continuation pages start their signatures on page 1; forms without them (reports)
    carry all boxes on one page, their last."""
    layout = get_layout(payload.form)
    grid = layout.first if layout.more is None or payload.page == 1 else layout.more
    grid = grid.for_count(payload.boxes) if grid is layout.first else grid
    boxes = []
    for i in range(payload.boxes):
        x, y = grid.box(i)
        boxes.append(Box(x, y, grid.box_w, grid.box_h))
    seals = [layout.seal] if layout.seal and payload.page == payload.pages else []
    page = PageLayout(payload.form, payload.page, payload.pages, layout.qr, boxes, seals, layout.fiducials)
    if payload.form in MOVABLE and payload.seq and payload.page == payload.pages:
        return moved(page, payload.seq)
    return page
