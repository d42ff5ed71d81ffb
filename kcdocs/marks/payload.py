"""The text inside every QR code kcdocs prints.

``KCD1|PR|370402-2020-0007|3|1/2|5|9f2c1a``: format version, form code, subject (case id or
report id), sequence (attempt number; 0 when none), page i/n, number of signature boxes on the
page, and a checksum (first 6 hex digits of SHA-256 over everything before it).

A 送达回证 printed from a roster without 台账编号 has the subject ``未编号`` and says whose it
is in two more fields (format 2): ``KCD2|RC|未编号|2|1/1|2|王强|一班!5|c0ffee`` — the child's
name and the roster row (``sheet!row``, or just ``row`` for a one-sheet roster or CSV), with
``%``, ``|``, ``!`` and white space percent-escaped. Format 1 payloads decode as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

FORMAT_VERSION = 1
NAMED_VERSION = 2  # format 2: two more fields, the child's name and the roster row
PREFIX = "KCD"
UNNUMBERED = "未编号"  # subject of a receipt whose roster row has no 台账编号
FLOW_MARK = "W"  # after the form code (``PRW``): printed from Word, the layout is not fixed
FORM_CODES = {
    "persuasion-record": "PR",
    "application": "AP",
    "education-plan": "EP",
    "receipt": "RC",
    "weekly-report": "WR",
    "monthly-report": "MR",
    "criticism-record": "CR",
    "correction-order": "CO",
    "judicial-request": "JR",
    "overdue-reminder": "OR",
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
    name: str = ""  # format 2: the child's name (receipts without a case id)
    sheet: str = ""  # format 2: the roster sheet ('' for a one-sheet roster or CSV)
    row: int = 0  # format 2: the roster row (Excel row number)
    fixed: bool = True  # False: a Word version (code + FLOW_MARK) whose boxes are not at the registry's places

    @property
    def has_case(self) -> bool:
        """Whether the subject is a real case id (not ``未编号``)."""
        return self.subject != UNNUMBERED

    @property
    def origin(self) -> str:
        """The roster row as users read it: ``工作表「一班」第5行`` or ``第5行`` ('' when unknown)."""
        if not self.row:
            return ""
        return (f"工作表「{self.sheet}」" if self.sheet else "") + f"第{self.row}行"

    def __post_init__(self) -> None:
        if self.form not in FORM_CODES:
            raise PayloadError(f"unknown form {self.form!r}")
        if not _SUBJECT.match(self.subject):
            raise PayloadError(f"subject {self.subject!r} cannot be encoded")
        if not (1 <= self.page <= self.pages) or self.seq < 0 or self.boxes < 0:
            raise PayloadError("page, sequence or box count out of range")

    def encode(self) -> str:
        named = bool(self.name or self.row)
        version = max(self.version, NAMED_VERSION) if named else self.version
        body = (f"{PREFIX}{version}|{FORM_CODES[self.form]}{'' if self.fixed else FLOW_MARK}|{self.subject}|{self.seq}|"
                f"{self.page}/{self.pages}|{self.boxes}")
        if named:
            origin = f"{_escape(self.sheet)}!{self.row}" if self.sheet else str(self.row)
            body += f"|{_escape(self.name)}|{origin}"
        return f"{body}|{checksum(body)}"

    @classmethod
    def decode(cls, text: str) -> "PagePayload":
        parts = text.strip().split("|")
        if len(parts) not in (7, 9) or not parts[0].startswith(PREFIX):
            raise PayloadError("不是 kcdocs 打印的二维码")
        body, check = "|".join(parts[:-1]), parts[-1]
        if checksum(body) != check:
            raise PayloadError("二维码内容校验失败（可能被涂改或识读错误）")
        version, code, subject, seq, page, boxes = parts[:6]
        try:
            number = int(version[len(PREFIX):])
            page_no, pages = (int(x) for x in page.split("/"))
            fixed = not code.endswith(FLOW_MARK)
            form = FORMS_BY_CODE[code.removesuffix(FLOW_MARK)]
            extra = {}
            if len(parts) == 9:
                if number < NAMED_VERSION:
                    raise ValueError("extra fields in format 1")
                sheet, _, row = parts[7].rpartition("!")
                extra = {"name": _unescape(parts[6]), "sheet": _unescape(sheet), "row": int(row)}
            return cls(form, subject, int(seq), page_no, pages, int(boxes), number, **extra, fixed=fixed)
        except (KeyError, ValueError) as exc:
            raise PayloadError(f"二维码内容格式错误：{text}") from exc


_ESCAPES = {"%": "%25", "|": "%7C", "!": "%21"}


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isspace():
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def _unescape(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)
