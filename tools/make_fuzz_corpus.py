"""A small corpus of hostile and odd evidence files, all made here (no downloads, no blobs).

``python -m tools.make_fuzz_corpus FOLDER`` writes the files into FOLDER (a case folder of the
sample ledger's W4 case, so that each file, if wrongly accepted, would satisfy 火化证明);
``make_corpus(folder) -> dict[name, expected]`` is what tests use. ``expected`` is
"readable" (must become evidence or be described, never crash), "unreadable" (must be an
unreadable finding) or "either" (a verdict is fine as long as audit and dossier agree).
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from pathlib import Path

CASE_FOLDER = "370405-2020-0001 王芳"


def _jpeg(size=(240, 320), mode="RGB", colour=(200, 120, 60), **save) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new(mode, size, colour if mode == "RGB" else 128)
    ImageDraw.Draw(img).rectangle((20, 20, size[0] - 20, 60), fill=(0, 0, 0) if mode == "RGB" else 0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", **save)
    return buf.getvalue()


def _save(img, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _exif_orientation(value: int) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = value
    exif[0x011A] = exif[0x011B] = 72.0  # phones write 72 dpi whatever the picture
    return _jpeg((300, 200), exif=exif.tobytes())


def _icc_after_sof() -> bytes:
    """A JPEG whose APP2 ICC profile comes after the frame header (img2pdf refuses it)."""
    data = _jpeg()
    sof = data.index(b"\xff\xc0")
    length = struct.unpack(">H", data[sof + 2:sof + 4])[0]
    profile = b"ICC_PROFILE\x00\x01\x01" + b"\x00" * 128
    app2 = b"\xff\xe2" + struct.pack(">H", len(profile) + 2) + profile
    end = sof + 2 + length
    return data[:end] + app2 + data[end:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _png_chunk(b"IEND", b""))


def _png_bad_idat() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"not zlib at all" * 8)
            + _png_chunk(b"IEND", b""))


def _tiff_bad() -> bytes:
    from PIL import Image

    data = bytearray(_save(Image.new("RGB", (64, 64), (10, 200, 10)), "TIFF", compression="tiff_lzw"))
    data[200:600] = b"\xff" * 400  # pixel data garbled
    return bytes(data)


def _pdf(objects: list[bytes], root: int | None = 1, xref: bool = True, trailer_extra: bytes = b"") -> bytes:
    """A PDF from raw object bodies (object n is objects[n-1])."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    else:
        out += b"xref\n0 3\nthis is not an xref table at all\n"
    trailer = b"/Size %d" % (len(objects) + 1) + (b" /Root %d 0 R" % root if root else b"") + trailer_extra
    out += b"trailer\n<<" + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _page_pdf(page_extra: bytes = b"", media: bytes = b"[0 0 595 842]", content: bytes = b"BT /F1 24 Tf 72 700 Td (kcdocs fuzz) Tj ET") -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox " + media + b" /Resources << /Font << /F1 4 0 R >> >> "
                 b"/Contents 5 0 R " + page_extra + b">>",
                 font, stream])


def _page_tree_loop() -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"])


def _no_root() -> bytes:
    data = _page_pdf()
    return data.replace(b" /Root 1 0 R", b"")


def _xref_garbage() -> bytes:
    data = bytearray(_page_pdf())
    at = data.index(b"xref")
    data[at:at + 60] = b"xref\n0 9\ngarbage garbage garbage garbage garbage garbage gar"
    return bytes(data)


def _bad_stream() -> bytes:
    """A page whose content stream claims Flate but is not: qpdf --check complains on copy."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length 20 /Filter /FlateDecode >>\nstream\nthis is not deflate!\nendstream"])


def _huge_image_pdf(side: int = 40000) -> bytes:
    """An image-only page whose picture is side × side pixels (1 bit each, all zero)."""
    comp = zlib.compressobj(9)
    row = b"\0" * (side // 8)
    body = b"".join(comp.compress(row * 1000) for _ in range(side // 1000)) + comp.flush()
    image = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(body)) + body + \
            b"\nendstream"
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
                 b"/Contents 5 0 R >>",
                 image, b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"])


def _encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_page_pdf())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _docx(title: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, 0)
    document.add_paragraph("兹证明王芳已于2020年3月1日火化。")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _ofd() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buf.getvalue()


def _images() -> dict[str, tuple[bytes, str]]:
    from PIL import Image

    rgb = Image.new("RGB", (200, 260), (30, 90, 200))
    lab = Image.new("LAB", (80, 80), (50, 10, 10))
    frames = [Image.new("L", (120, 160), v) for v in (40, 120, 200)]
    tif = io.BytesIO()
    frames[0].save(tif, "TIFF", save_all=True, append_images=frames[1:])
    out = {
        "火化证明_jp2伪装.jpg": (_save(rgb, "JPEG2000"), "unreadable"),
        "火化证明_16位.png": (_save(Image.new("I;16", (120, 90), 30000), "PNG"), "readable"),
        "火化证明_Lab.tif": (_save(lab, "TIFF"), "readable"),
        "火化证明_CMYK.jpg": (_save(Image.new("CMYK", (120, 90), (0, 80, 80, 10)), "JPEG"), "readable"),
        "火化证明_透明.png": (_save(Image.new("RGBA", (120, 90), (200, 0, 0, 100)), "PNG"), "readable"),
        "火化证明_方向5.jpg": (_exif_orientation(5), "readable"),
        "火化证明_方向6手机.jpg": (_exif_orientation(6), "readable"),
        "火化证明_ICC在SOF后.jpg": (_icc_after_sof(), "readable"),
        "火化证明_炸弹.png": (_png_header_only(60000, 60000), "unreadable"),
        "火化证明_超大像素.png": (_png_header_only(11000, 10500), "unreadable"),
        "火化证明_坏PNG.png": (_png_bad_idat(), "unreadable"),
        "火化证明_坏TIFF.tif": (_tiff_bad(), "either"),
        "火化证明_截断.jpg": (_jpeg()[:-300], "unreadable"),
        "火化证明_多页.tif": (tif.getvalue(), "readable"),
        "火化证明_低dpi.png": (_save(Image.new("L", (3000, 40), 255), "PNG", dpi=(10, 10)), "readable"),
        "火化证明_一像素.png": (_save(Image.new("L", (2, 2), 0), "PNG", dpi=(600, 600)), "readable"),
        "火化证明.webp": (_save(rgb, "WEBP"), "readable"),
        "火化证明_JPEG伪装.docx": (_jpeg(), "unreadable"),
        "火化证明_PNG伪装.pdf": (_save(rgb, "PNG"), "unreadable"),
        "火化证明_PDF伪装.jpg": (_page_pdf(), "unreadable"),
        "火化证明_空.jpg": (b"", "unreadable"),
    }
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        out["火化证明.heic"] = (_save(rgb, "HEIF"), "readable")
    except Exception:  # no HEIF encoder here: the reader is still tested by the others
        pass
    return out


def _pdfs() -> dict[str, tuple[bytes, str]]:
    return {
        "火化证明_无Root.pdf": (_no_root(), "either"),
        "火化证明_xref乱码.pdf": (_xref_garbage(), "either"),
        "火化证明_页树循环.pdf": (_page_tree_loop(), "unreadable"),
        "火化证明_Rotate错.pdf": (_page_pdf(b"/Rotate /Ninety "), "readable"),
        "火化证明_巨幅页面.pdf": (_page_pdf(media=b"[0 0 14400 14400]"), "readable"),
        "火化证明_UserUnit.pdf": (_page_pdf(b"/UserUnit 75000 ", media=b"[0 0 14400 14400]"), "either"),
        "火化证明_坏内容流.pdf": (_bad_stream(), "either"),
        "火化证明_巨图.pdf": (_huge_image_pdf(), "unreadable"),
        "火化证明_加密.pdf": (_encrypted(), "unreadable"),
        "火化证明_截断.pdf": (_page_pdf()[:200], "either"),
        "火化证明_零页.pdf": (_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
                          "unreadable"),
        "火化证明_文字.docx": (_docx("火化证明"), "readable"),
        "火化证明.ofd": (_ofd(), "unreadable"),
        ("劝返记录" * 20 + ".pdf"): (_page_pdf(), "readable"),  # 244 bytes in UTF-8
    }


def _special(folder: Path, expected: dict[str, str]) -> None:
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "火化证明_管道.pdf")
        expected["火化证明_管道.pdf"] = "unreadable"
    try:
        os.symlink("火化证明_环b.jpg", folder / "火化证明_环a.jpg")
        os.symlink("火化证明_环a.jpg", folder / "火化证明_环b.jpg")
        os.symlink("不存在的文件.jpg", folder / "火化证明_断链.jpg")
        expected.update({"火化证明_环a.jpg": "unreadable", "火化证明_环b.jpg": "unreadable",
                         "火化证明_断链.jpg": "unreadable"})
    except OSError:  # no symlinks (Windows without the right)
        pass
    if sys.platform != "win32" and sys.platform != "darwin":  # GBK bytes as a name (Linux file systems)
        raw = os.fsencode(folder) + b"/" + "火化证明_GBK名".encode("gbk") + b".jpg"
        with open(raw, "wb") as fh:
            fh.write(_jpeg())
        expected["火化证明_GBK名.jpg"] = "readable"


def make_corpus(folder: Path) -> dict[str, str]:
    """Write every oddity into ``folder``; returns file name (as shown) -> expected verdict."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (data, verdict) in {**_images(), **_pdfs()}.items():
        (folder / name).write_bytes(data)
        expected[name] = verdict
    _special(folder, expected)
    return expected


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python -m tools.make_fuzz_corpus 文件夹", file=sys.stderr)
        return 2
    made = make_corpus(Path(argv[0]))
    print(f"已生成 {len(made)} 个文件：{argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
