"""Editable Word versions of documents, from docxtpl templates (no conversion to PDF)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Sequence

from kcdocs.fileio import atomic_dir_files
from kcdocs.resources import templates_dir

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


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
    with atomic_dir_files(out_dir) as staging:
        for seq, (record, row) in enumerate(zip(records, rows), start=1):
            doc = DocxTemplate(io.BytesIO(template_bytes))
            doc.render(dict(record, **common), autoescape=True)
            doc.save(staging / f"{seq:0{width}d}_{safe_filename(row.student_name)}_{title}.docx")
    return len(records)
