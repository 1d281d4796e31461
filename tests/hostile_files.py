"""Hostile files, built on the fly by the tests (none is committed)."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from applications.minimal_pdf import pdf_bytes

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def huge_png(width, height):
    """A black-and-white PNG declaring width × height pixels, all white: a few hundred KB on
    disk (30000 × 30000 is about 110 KB), gigabytes once decoded. Built row by row."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte, then 1-bit pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def many_pages_pdf(count, declared=None):
    """A PDF whose page tree lists `count` pages (the same page object, so the file stays
    small) and declares `declared` of them in /Count (a liar when they differ)."""
    declared = count if declared is None else declared
    content = b"BT /F1 12 Tf 72 720 Td (PIECE-MANY) Tj ET"
    kids = b" ".join([b"3 0 R"] * count)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % declared,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (6, xref))
    return out.getvalue()


def _js(script):
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def active_pdf(text="PIECE-ACTIVE"):
    """A one-page PDF with everything a viewer might run: document JavaScript, an OpenAction,
    page and annotation additional actions, a web link, a Launch action and an embedded file."""
    from pypdf import PdfReader

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(text))))
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [
                            TextStringObject("init"),
                            writer._add_object(_js("app.alert('hostile-script-1');")),
                        ]
                    )
                }
            )
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _js("app.alert('hostile-script-2');")
    )
    writer.add_attachment("hostile-payload.txt", b"hostile embedded file")  # joins /Names
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _js("app.alert('hostile-script-3');")}
    )
    writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://hostile.example.org/x"))
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(100)] * 2),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("hostile-program.exe"),
                }
            ),
        }
    )
    writer.add_annotation(0, launch)
    # A comment (kept) carrying an action of its own (removed).
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(300), NumberObject(300)] * 2),
            NameObject("/Contents"): TextStringObject("Une note"),
            NameObject("/AA"): DictionaryObject(
                {NameObject("/E"): _js("app.alert('hostile-script-4');")}
            ),
        }
    )
    writer.add_annotation(0, note)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE_MARKERS = [
    b"hostile-script",
    b"hostile.example.org",
    b"hostile-program",
    b"hostile-payload",
    b"hostile embedded",
    b"/JavaScript",
    b"/OpenAction",
    b"/Launch",
    b"/EmbeddedFile",
    b"/URI",
]


def active_markers(data):
    """The markers of active content still in a PDF written by pypdf (no object streams)."""
    return [marker for marker in ACTIVE_MARKERS if marker in data]


def jpeg_with_location(size=(64, 32), orientation=6):
    """A JPEG whose EXIF holds a GPS position, a camera name and an orientation (6: the camera
    was turned, the viewer must rotate it by 90°)."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "Hostile Camera Model"  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 36.0, 39.0)  # Montpellier, roughly
    gps[3] = "E"
    gps[4] = (3.0, 52.0, 38.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_with_metadata(size=(40, 30)):
    from PIL import PngImagePlugin

    image = Image.new("RGB", size, (0, 0, 145))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Hostile Author Name")
    exif = Image.Exif()
    exif[0x0110] = "Hostile Camera Model"
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info, exif=exif)
    return buffer.getvalue()
