"""The text inside every QR code kcdocs prints.

``KCD1|PR|370402-2020-0007|3|1/2|5|9f2c1a``: format version, form code, subject (case id or
report id), sequence (attempt number; 0 when none), page i/n, number of signature boxes on the
page, and a checksum (first 6 hex digits of SHA-256 over everything before it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

FORMAT_VERSION = 1
PREFIX = "KCD"
FORM_CODES = {
    "persuasion-record": "PR",
    "application": "AP",
    "education-plan": "EP",
    "receipt": "RC",
    "weekly-report": "WR",
    "monthly-report": "MR",
}
FORMS_BY_CODE = {v: k for k, v in FORM_CODES.items()}
_SUBJECT = re.compile(r"^[^|\s]{1,40}$")


class PayloadError(ValueError):
    """Not a kcdocs QR payload, or a damaged one."""


def checksum(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:6]


@dataclass(frozen=True)
class PagePayload:
    form: str  # a key of FORM_CODES
    subject: str  # case id (台账编号) or report id
    seq: int = 0
    page: int = 1
    pages: int = 1
    boxes: int = 0
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.form not in FORM_CODES:
            raise PayloadError(f"unknown form {self.form!r}")
        if not _SUBJECT.match(self.subject):
            raise PayloadError(f"subject {self.subject!r} cannot be encoded")
        if not (1 <= self.page <= self.pages) or self.seq < 0 or self.boxes < 0:
            raise PayloadError("page, sequence or box count out of range")

    def encode(self) -> str:
        body = (f"{PREFIX}{self.version}|{FORM_CODES[self.form]}|{self.subject}|{self.seq}|"
                f"{self.page}/{self.pages}|{self.boxes}")
        return f"{body}|{checksum(body)}"

    @classmethod
    def decode(cls, text: str) -> "PagePayload":
        parts = text.strip().split("|")
        if len(parts) != 7 or not parts[0].startswith(PREFIX):
            raise PayloadError("不是 kcdocs 打印的二维码")
        body, check = "|".join(parts[:6]), parts[6]
        if checksum(body) != check:
            raise PayloadError("二维码内容校验失败（可能被涂改或识读错误）")
        version, code, subject, seq, page, boxes = parts[:6]
        try:
            number = int(version[len(PREFIX):])
            page_no, pages = (int(x) for x in page.split("/"))
            form = FORMS_BY_CODE[code]
            return cls(form, subject, int(seq), page_no, pages, int(boxes), number)
        except (KeyError, ValueError) as exc:
            raise PayloadError(f"二维码内容格式错误：{text}") from exc
