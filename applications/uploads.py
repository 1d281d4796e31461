"""Checks on uploaded pieces: type recognised by content (not by name), size, emptiness.

Three formats only (PDF, JPEG, PNG): magic numbers are enough to recognise them and Pillow,
already there for WeasyPrint, confirms that an image really decodes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclass(frozen=True)
class DetectedType:
    content_type: str
    extension: str
    label: str


PDF = DetectedType("application/pdf", ".pdf", "PDF")
JPEG = DetectedType("image/jpeg", ".jpg", "JPEG")
PNG = DetectedType("image/png", ".png", "PNG")


def human_size(n_bytes):
    megabytes = n_bytes / (1024 * 1024)
    return formats.number_format(round(megabytes, 1), 1) + " " + _("Mo")


def limit_text():
    return f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} " + _("Mo")


def sniff(head):
    """The accepted type these first bytes announce, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    # Readers tolerate junk before the header; we do not: a file that merely carries
    # "%PDF-" somewhere (an executable, an HTML page) is not taken for a PDF.
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def check_upload(uploaded):
    """Return the detected type of a Django UploadedFile, or raise a French ValidationError."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(
            _("Le fichier « %(name)s » est vide."), params={"name": uploaded.name}, code="empty"
        )
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » pèse %(size)s : la limite est de %(limit)s par pièce. "
                "Réduisez-le (numérisation en 150 ppp, noir et blanc) puis renvoyez-le."
            ),
            params={"name": uploaded.name, "size": human_size(size), "limit": limit_text()},
            code="too_big",
        )
    uploaded.seek(0)
    head = uploaded.read(2048)
    uploaded.seek(0)
    detected = sniff(head)
    if detected is None:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n'est ni un PDF, ni une image JPEG ou PNG : son contenu "
                "a été vérifié, pas seulement son nom. Enregistrez-le en PDF puis renvoyez-le."
            ),
            params={"name": uploaded.name},
            code="bad_type",
        )
    if detected is not PDF:
        try:
            with Image.open(uploaded) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(
                _("L'image « %(name)s » est illisible ou tronquée. Renvoyez-la ou envoyez un PDF."),
                params={"name": uploaded.name},
                code="bad_image",
            ) from exc
        finally:
            uploaded.seek(0)
    return detected
