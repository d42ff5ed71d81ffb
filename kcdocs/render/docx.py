"""Editable Word versions of documents, from docxtpl templates (no conversion to PDF)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Sequence

from kcdocs.fileio import atomic_dir_files
from kcdocs.resources import templates_dir

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
DOCUMENT = "word/document.xml"
_TAG = re.compile(rb"\{[{%#]")


class BodyTemplate:
    """A docxtpl template whose tags are all in the document body, filled many times quickly.

    docxtpl re-reads the whole file, prepares and compiles its Jinja source and re-serialises
    every part for each document (~25 ms). Here the body's source is prepared by docxtpl and
    compiled once; each document is the template's package with only ``word/document.xml``
    replaced (~2 ms). Templates with tags elsewhere (headers, footers, properties) raise
    ValueError: use docxtpl for those.
    """

    def __init__(self, data: bytes):
        from docxtpl import DocxTemplate
        from jinja2 import Environment

        with zipfile.ZipFile(io.BytesIO(data)) as package:
            self._parts = [(info, package.read(info)) for info in package.infolist()]
        if any(info.filename != DOCUMENT and _TAG.search(blob) for info, blob in self._parts):
            raise ValueError("template tags outside the document body")
        document = next(blob for info, blob in self._parts if info.filename == DOCUMENT).decode("utf-8")
        start, end = document.index("<w:body"), document.rindex("</w:body>") + len("</w:body>")
        self._head, self._tail = document[:start], document[end:]
        self._docxtpl = DocxTemplate(io.BytesIO(data))
        self._docxtpl.render_init()
        source = self._docxtpl.patch_xml(self._docxtpl.get_xml())
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # as docxtpl.render_xml_part
        self._body = Environment(autoescape=True).from_string(source)

    def body_xml(self, context: dict) -> str:
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", self._body.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._docxtpl.resolve_listing(xml)  # tabs, line and page breaks inside values

    def save(self, context: dict, path: Path) -> None:
        document = (self._head + self.body_xml(context) + self._tail).encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for info, blob in self._parts:
                package.writestr(info.filename, document if info.filename == DOCUMENT else blob,
                                 compress_type=zipfile.ZIP_DEFLATED)


def safe_filename(text: str, limit: int = 60) -> str:
    """A file-name-safe version of a person's or a document's name."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "未命名"
    return cleaned[:limit]


def write_notice_docx(kind: str, common: dict, records: Sequence[dict], rows, out_dir: Path) -> int:
    """One .docx per notice, ``<序号>_<学生姓名>_<通知书>.docx``; all appear or none."""
    from docxtpl import DocxTemplate

    from kcdocs.notices.build import NOTICE_TITLES

    template_bytes = (templates_dir() / "notices" / f"{kind}.docx").read_bytes()
    width = max(3, len(str(len(records))))
    title = NOTICE_TITLES[kind]
    try:
        fast: BodyTemplate | None = BodyTemplate(template_bytes)
    except ValueError:
        fast = None
    with atomic_dir_files(out_dir) as staging:
        for seq, (record, row) in enumerate(zip(records, rows), start=1):
            path = staging / f"{seq:0{width}d}_{safe_filename(row.student_name)}_{title}.docx"
            if fast is not None:
                fast.save(dict(record, **common), path)
                continue
            doc = DocxTemplate(io.BytesIO(template_bytes))
            doc.render(dict(record, **common), autoescape=True)
            doc.save(path)
    return len(records)
