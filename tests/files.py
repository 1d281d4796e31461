"""Real small files for upload tests, made on the fly (no binary fixtures in the repo)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.minimal_pdf import pdf_bytes


def image_bytes(fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 0, 145)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_upload(name="cv.pdf"):
    return upload(name, pdf_bytes())


# The start of a Windows executable: what a renamed .exe carries.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def pdf_of_size(total):
    """A valid PDF of exactly `total` bytes: a one-page PDF and an incremental update adding an
    unreferenced stream of padding."""
    base = pdf_bytes()
    first_xref = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])

    def build(n):
        body = b"6 0 obj\n<< /Length %d >>\nstream\n" % n + b"0" * n + b"\nendstream\nendobj\n"
        xref = len(base) + len(body)
        tail = b"xref\n0 1\n0000000000 65535 f \n6 1\n%010d 00000 n \n" % len(
            base
        ) + b"trailer\n<< /Size 7 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
            first_xref,
            xref,
        )
        return base + body + tail

    n = total - len(build(0))
    data = build(n)
    while len(data) != total:  # the digits of the lengths moved: adjust once or twice
        n += total - len(data)
        data = build(n)
    return data


def csv_upload(text, name="etudiants.csv"):
    return upload(name, text.encode("utf-8"), content_type="text/csv")
