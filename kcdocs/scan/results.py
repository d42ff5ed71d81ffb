"""What the page pipeline finds, as plain data (no image libraries needed to read it back).

``PageResult.as_dict`` / ``from_dict`` round-trip through JSON: the audit cache stores them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kcdocs.marks.payload import PagePayload


@dataclass
class SealResult:
    status: str  # found | absent | not_checkable
    confidence: float
    circularity: float | None = None
    diameter_mm: float | None = None


@dataclass
class BoxMark:
    index: int  # 0-based box on the page, in layout order
    signed: bool
    fraction: float
    confidence: float
    bbox: tuple[int, int, int, int]  # x0, y0, x1, y1 in the page image's px (for thumbnails)
    thumb: str | None = None  # PNG data URI of the box, kept for uncertain decisions only


@dataclass
class PageResult:
    index: int  # 0-based page of the file
    status: str  # ok | no_qr | bad_qr | too_coarse
    qr_text: str | None = None
    error: str | None = None  # Chinese, when status is not ok
    rotation: float | None = None  # degrees the page is turned in the image
    residual_mm: float | None = None
    colour: bool | None = None
    boxes: list[BoxMark] = field(default_factory=list)
    seal: SealResult | None = None

    @property
    def payload(self) -> PagePayload | None:
        return PagePayload.decode(self.qr_text) if self.status == "ok" and self.qr_text else None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "PageResult":
        data = dict(data)
        data["boxes"] = [BoxMark(**dict(b, bbox=tuple(b["bbox"]))) for b in data.get("boxes", [])]
        data["seal"] = SealResult(**data["seal"]) if data.get("seal") else None
        return cls(**data)


@dataclass
class FileScan:
    pages: list[PageResult] = field(default_factory=list)
    error: str | None = None
