"""Checks on uploaded pieces: type recognised by content (not by name), size, emptiness,
pixels and pages (`sanitize`), the antivirus when configured (`antivirus`).

Three formats only (PDF, JPEG, PNG): magic numbers are enough to recognise them and Pillow,
already there for WeasyPrint, confirms that an image really decodes. What is stored is the
cleaned copy `check_upload` returns (`Checked.content`), never the bytes as sent.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from . import antivirus, sanitize

ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


@dataclass(frozen=True)
class DetectedType:
    content_type: str
    extension: str
    label: str


PDF = DetectedType("application/pdf", ".pdf", "PDF")
JPEG = DetectedType("image/jpeg", ".jpg", "JPEG")
PNG = DetectedType("image/png", ".png", "PNG")
BY_CONTENT_TYPE = {kind.content_type: kind for kind in (PDF, JPEG, PNG)}


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, with the cleaned bytes to store."""

    detected: DetectedType
    content: bytes
    pages: int = 1

    @property
    def content_type(self):
        return self.detected.content_type

    @property
    def extension(self):
        return self.detected.extension

    @property
    def label(self):
        return self.detected.label

    @property
    def size(self):
        return len(self.content)

    def file(self):
        from django.core.files.base import ContentFile

        return ContentFile(self.content)


def download_name(original_name, content_type):
    """The uploader's name with the extension of what the file really is: a PDF sent as
    `x.exe` is offered as `x.pdf`, so that the computer opening it picks a PDF reader."""
    detected = BY_CONTENT_TYPE.get(content_type)
    stem = PurePosixPath((original_name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    if detected is None:
        return stem or "fichier"
    if detected is JPEG and original_name.lower().endswith(".jpeg"):
        return f"{stem}.jpeg"
    return f"{stem or 'fichier'}{detected.extension}"


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
    """Check a Django UploadedFile and return it cleaned (`Checked`), or raise a French
    ValidationError; nothing is stored here."""
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
    data = uploaded.read()
    uploaded.seek(0)
    if antivirus.enabled():  # first, before any of our code parses the file
        _scan(uploaded.name, data)
    detected = sniff(data[:2048])
    if detected is None:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n'est ni un PDF, ni une image JPEG ou PNG : son contenu "
                "a été vérifié, pas seulement son nom. Enregistrez-le en PDF puis renvoyez-le."
            ),
            params={"name": uploaded.name},
            code="bad_type",
        )
    try:
        if detected is PDF:
            content, pages = sanitize.clean_pdf(data, settings.UPLOAD_MAX_PDF_PAGES)
            return Checked(detected, content, pages)
        return Checked(
            detected, sanitize.clean_image(data, detected.label, settings.UPLOAD_MAX_PIXELS)
        )
    except sanitize.UnreadableImage as reason:
        raise ValidationError(
            _("L'image « %(name)s » est illisible ou tronquée. Renvoyez-la ou envoyez un PDF."),
            params={"name": uploaded.name},
            code="bad_image",
        ) from reason
    except sanitize.Refused as reason:
        raise ValidationError(
            _("Le fichier « %(name)s » est refusé : %(reason)s."),
            params={"name": uploaded.name, "reason": str(reason)},
            code="refused",
        ) from reason


def _scan(name, data):
    try:
        verdict = antivirus.scan(data)
    except antivirus.ScanUnavailable as error:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » n'a pas pu être vérifié par l'antivirus, indisponible "
                "pour le moment : il n'a pas été enregistré. Réessayez dans quelques minutes ; "
                "si cela persiste, prévenez le secrétariat de la faculté."
            ),
            params={"name": name},
            code="scan_unavailable",
        ) from error
    if verdict.infected:
        raise ValidationError(
            _(
                "Le fichier « %(name)s » est refusé : l'antivirus y a détecté un programme "
                "malveillant (%(signature)s). Il n'a pas été enregistré."
            ),
            params={"name": name, "signature": verdict.signature},
            code="infected",
        )
