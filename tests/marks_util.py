"""Read back what a printed page says: rasterise with pdfium, decode QR codes with zxing-cpp."""

from __future__ import annotations

from pathlib import Path

from kcdocs.marks.payload import PagePayload


def page_images(pdf: Path, dpi: int = 200):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            yield page.render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def decode_pages(pdf: Path, dpi: int = 200) -> list[PagePayload | None]:
    import numpy as np
    import zxingcpp

    out = []
    for image in page_images(pdf, dpi):
        found = [b for b in zxingcpp.read_barcodes(np.asarray(image), formats=zxingcpp.BarcodeFormat.QRCode)
                 if b.text.startswith("KCD")]
        out.append(PagePayload.decode(found[0].text) if len(found) == 1 else None)
    return out
