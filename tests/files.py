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
