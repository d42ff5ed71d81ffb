"""The fast Word path (one compiled body, the package copied) gives what docxtpl gives."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate

from kcdocs.render.docx import DOCUMENT, BodyTemplate
from kcdocs.resources import templates_dir

CONTEXT = {"child": "张<小>明 & “李”", "guardian": "张大山\n（父亲）", "school": "实验小学", "school_word": "",
           "province": "山东省", "unit": "枣庄市市中区教育和体育局", "date": "2020年8月1日", "month": "9",
           "day": "1"}


def _texts(path_or_bytes) -> list[str]:
    doc = Document(path_or_bytes if not isinstance(path_or_bytes, bytes) else io.BytesIO(path_or_bytes))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs] + cells


@pytest.mark.parametrize("kind", ["enrollment", "return"])
def test_fast_path_equals_docxtpl(tmp_path, kind):
    data = (templates_dir() / "notices" / f"{kind}.docx").read_bytes()
    slow = DocxTemplate(io.BytesIO(data))
    slow.render(dict(CONTEXT), autoescape=True)
    slow.save(tmp_path / "slow.docx")
    BodyTemplate(data).save(dict(CONTEXT), tmp_path / "fast.docx")
    assert _texts(tmp_path / "fast.docx") == _texts(tmp_path / "slow.docx")
    text = "\n".join(_texts(tmp_path / "fast.docx"))
    assert "张<小>明 & “李”" in text and "张大山\n（父亲）" in text  # escaped, line break kept
    with zipfile.ZipFile(tmp_path / "fast.docx") as fast, zipfile.ZipFile(io.BytesIO(data)) as template:
        assert fast.namelist() == template.namelist()
        for name in template.namelist():  # only the document part changes
            if name != DOCUMENT:
                assert fast.read(name) == template.read(name), name
        assert b"{{" not in fast.read(DOCUMENT)


def test_tags_outside_the_body_are_refused(tmp_path):
    data = (templates_dir() / "notices" / "enrollment.docx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "docProps/core.xml":
                blob = blob.replace(b"</cp:coreProperties>", b"<dc:title>{{ child }}</dc:title></cp:coreProperties>")
            dst.writestr(info, blob)
    with pytest.raises(ValueError):
        BodyTemplate(buf.getvalue())
