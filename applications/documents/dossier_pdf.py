"""The dossier as one PDF: a summary (identity, practice, levels and eligibility, commitments,
visit report, timeline) with a table of contents, then every uploaded piece in the order of
the pieces step, each page numbered "Page n / N" and bookmarked.

How it is put together, cheaply:
1. the pieces are read and their pages copied into a pypdf writer (an image becomes one A4
   page through Pillow); a piece that cannot be read is left out with a French reason;
2. the summary is rendered by WeasyPrint knowing where each piece starts, which depends on the
   summary's own length: rendered once on a guess, again only when the guess was wrong;
3. the footers of the appended pages are written straight into them (a few PDF operators in a
   standard font): no rendering and no parsing of the pieces' own content.
"""

import io
import logging
import textwrap
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from ..commitments import COMMITMENT_LABELS
from ..models import Application, Document
from ..sanitize import scrub_pdf_writer
from ..selectors.candidature import eligibility_of
from .render import BuiltPdf, render_pdf

logger = logging.getLogger(__name__)

A4 = (595.28, 841.89)  # points
MM = 72 / 25.4
# Room kept around an image placed on its page: 15 mm each side, 20 mm at the bottom for the
# page footer.
IMAGE_BOX = (A4[0] - 30 * MM, A4[1] - 35 * MM)
IMAGE_DPI = 150  # enough for a scan read on screen or printed; keeps the file small
# A first guess of the summary's length; a wrong guess costs one more render.
SUMMARY_PAGES_GUESS = 3

EXIF_ORIENTATION = 0x0112

PIECE_ORDER = {piece.value: index for index, piece in enumerate(Document.Piece)}


class Unreadable(Exception):
    """A piece that cannot go into the dossier, with the French reason shown in its place."""


@dataclass
class PieceFile:
    label: str
    original_name: str
    pages: list = field(default_factory=list)  # pypdf pages, from the piece's own reader
    reason: str = ""
    start: int = 0  # first page in the final file (1-based), once known

    @property
    def included(self):
        return not self.reason

    @property
    def page_count(self):
        return len(self.pages)


def build_dossier_pdf(application, with_visit_report=True) -> BuiltPdf:
    """The whole dossier in one PDF. Pieces that cannot be read are listed in its contents as
    not included, with the reason, and returned in `omitted`; they never stop the build.

    The doctor's copy leaves out the visit report, which the doctor's pages do not show."""
    with override("fr"):
        return _build(application, with_visit_report)


def _build(application, with_visit_report=True):
    application = Application.objects.select_related(
        "doctor__user", "doctor__faculty", "doctor__upp", "faculty"
    ).get(pk=application.pk)
    documents = sorted(
        application.documents.all(),
        key=lambda d: (PIECE_ORDER.get(d.piece, len(PIECE_ORDER)), d.uploaded_at, d.pk),
    )
    pieces = [_load(document) for document in documents]
    writer = _assemble(pieces)
    # No script, action or embedded file of a piece reaches staff (pieces stored before the
    # upload checks cleaned them included); done before the summary, whose links are ours.
    scrub_pdf_writer(writer)
    appended = len(writer.pages)

    context = _summary_context(application, with_visit_report)
    summary_pages = SUMMARY_PAGES_GUESS
    for _attempt in range(3):
        _number(pieces, summary_pages)
        summary = render_pdf(
            "pdf/dossier.html",
            {**context, "pieces": pieces, "total_pages": summary_pages + appended},
        )
        if len(summary.pages) == summary_pages:
            break
        summary_pages = len(summary.pages)
    else:  # the length never settled (a line on the edge): the pieces follow what we have
        logger.warning("Dossier %s: summary length unsettled", application.reference)
        _number(pieces, summary_pages)

    total = summary_pages + appended
    summary_reader = PdfReader(io.BytesIO(summary.write_pdf()))
    for index, page in enumerate(summary_reader.pages):
        writer.insert_page(page, index)
    _stamp(writer, application, pieces, first=summary_pages, total=total)
    _outline(writer, summary, pieces)
    writer.add_metadata(
        {
            "/Title": _("Dossier %(reference)s") % {"reference": application.reference},
            "/Author": application.faculty.name
            if application.faculty_id
            else settings.INSTITUTION_NAME,
        }
    )
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    omitted = [(piece.label, piece.reason) for piece in pieces if not piece.included]
    return BuiltPdf(out.getvalue(), len(writer.pages), omitted)


# --- The pieces ------------------------------------------------------------------------------


def _load(document):
    piece = PieceFile(label=str(document.get_piece_display()), original_name=document.original_name)
    try:
        piece.pages = _pages_of(document)
    except Unreadable as reason:
        piece.reason = str(reason)
        logger.warning(
            "Dossier %s: piece %s left out of the PDF (%s)",
            document.application_id,
            document.piece,
            piece.reason,
        )
    return piece


def _read(document):
    try:
        with document.file.open("rb") as stored:
            data = stored.read()
    except FileNotFoundError as error:
        raise Unreadable(_("fichier introuvable")) from error
    except Exception as error:  # a storage backend's own errors (S3, permissions…)
        raise Unreadable(_("fichier illisible")) from error
    if not data:
        raise Unreadable(_("fichier vide"))
    return data


def _pages_of(document):
    data = _read(document)
    if document.content_type == "application/pdf" or data.startswith(b"%PDF-"):
        return _pdf_pages(data)
    return _image_pages(data)


def _pdf_pages(data):
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # protected against editing only: still readable
            except DependencyError as error:  # AES needs the optional cryptography package
                raise Unreadable(_("PDF chiffré, protection non prise en charge")) from error
            except Exception:
                opened = 0
            if not opened:
                raise Unreadable(_("PDF protégé par un mot de passe"))
        pages = list(reader.pages)
        for page in pages:
            page.mediabox  # noqa: B018 — a page without a usable size is a broken page
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable(_("fichier PDF illisible ou endommagé")) from error
    if not pages:
        raise Unreadable(_("PDF sans aucune page"))
    return pages


def _image_pages(data):
    """One A4 page with the image centred, fitted to the page and never enlarged."""
    try:
        image = Image.open(io.BytesIO(data))
        turned = image.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8)
        dpi = _dpi(image)
        width, height = (image.size[1], image.size[0]) if turned else image.size
        scale = min(1, IMAGE_BOX[0] * dpi / 72 / width, IMAGE_BOX[1] * dpi / 72 / height)
        fitted = (width * 72 / dpi * scale, height * 72 / dpi * scale)  # points on the page
        wanted = (  # pixels at IMAGE_DPI
            max(1, round(fitted[0] * IMAGE_DPI / 72)),
            max(1, round(fitted[1] * IMAGE_DPI / 72)),
        )
        # A big JPEG is decoded straight at a reduced size (cheap), then reduced to `wanted`.
        image.draft(None, (wanted[1], wanted[0]) if turned else wanted)
        image = _flatten(ImageOps.exif_transpose(image))
        if image.size[0] > wanted[0] or image.size[1] > wanted[1]:
            image.thumbnail(wanted)
        buffer = io.BytesIO()
        # Pillow makes the page the image's size at this resolution: the fitted size.
        image.save(buffer, "PDF", resolution=72 * image.size[0] / fitted[0], quality=85)
        page = PdfReader(buffer).pages[0]
    except Image.DecompressionBombError as error:
        raise Unreadable(_("image trop grande")) from error
    except Exception as error:
        raise Unreadable(_("image illisible ou format non pris en charge")) from error
    # Frame it in an A4 page, centred in the room left above the footer.
    box_w, box_h = float(page.mediabox.width), float(page.mediabox.height)
    left = (A4[0] - box_w) / 2
    bottom = 20 * MM + (IMAGE_BOX[1] - box_h) / 2
    page.mediabox.lower_left = (-left, -bottom)
    page.mediabox.upper_right = (A4[0] - left, A4[1] - bottom)
    page.cropbox = page.mediabox
    return [page]


def _dpi(image):
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    # Many cameras and phones write 72 dpi for photos meant for a screen: read them as 96.
    return value if value >= 96 else 96


def _flatten(image):
    """RGB or greyscale, transparency laid on white (Pillow's PDF writer wants no alpha)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("1", "I;16", "I", "F"):
        return image.convert("L")
    return image.convert("RGB")


def _assemble(pieces):
    """A writer holding every readable piece's pages, in order. A piece whose pages cannot be
    copied (a broken object deep in the file) is left out and the others copied again."""
    while True:
        writer = PdfWriter()
        for piece in pieces:
            if not piece.included:
                continue
            try:
                for page in piece.pages:
                    writer.add_page(page)
            except Exception as error:
                logger.warning("Piece %s cannot be copied into the dossier: %s", piece.label, error)
                piece.reason = _("fichier PDF illisible ou endommagé")
                piece.pages = []
                break
        else:
            return writer


def _number(pieces, summary_pages):
    start = summary_pages + 1
    for piece in pieces:
        if piece.included:
            piece.start = start
            start += len(piece.pages)


def _stamp(writer, application, pieces, first, total):
    """'Dossier … — piece' and 'Page n / N' at the foot of every appended page.

    Written straight into each page as one more content stream in a standard PDF font: no
    rendering, no parsing of the piece's own content (which is only wrapped in q … Q)."""
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    veil = writer._add_object(
        DictionaryObject(
            {NameObject("/Type"): NameObject("/ExtGState"), NameObject("/ca"): FloatObject(0.85)}
        )
    )
    save_state = writer._add_object(_stream(b"q\n"))
    index = first
    for piece in pieces:
        for offset in range(piece.page_count):
            page = writer.pages[index]
            index += 1
            try:
                _stamp_page(
                    writer,
                    page,
                    font,
                    veil,
                    save_state,
                    _("Dossier %(reference)s — %(piece)s")
                    % {"reference": application.reference, "piece": piece.label},
                    _("Page %(page)d / %(total)d") % {"page": piece.start + offset, "total": total},
                )
            except Exception as error:  # the page stays, unnumbered, rather than no dossier
                logger.warning(
                    "Page %d of dossier %s not numbered: %s", index, application.reference, error
                )


STAMP_SIZE = 7.5  # points
# Helvetica's advance widths (per 1000 em) of what "Page 12 / 34" is made of.
HELVETICA_WIDTHS = {"P": 667, "a": 556, "g": 556, "e": 556, " ": 278, "/": 278}
HELVETICA_AVERAGE = 540  # enough to size the veil behind a French sentence


def _stream(data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _literal(text):
    """A PDF string in WinAnsiEncoding (cp1252 for what matters here: French letters, « », —)."""
    encoded = text.encode("cp1252", "replace").decode("latin-1")
    return "(" + encoded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _stamp_page(writer, page, font, veil, save_state, left_text, right_text):
    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.cropbox  # what a viewer shows (the media box unless cropped)
    x0, y0, width = float(box.left), float(box.bottom), float(box.width)
    margin = min(18 * MM, width / 10)
    right_width = sum(HELVETICA_WIDTHS.get(c, 556) for c in right_text) * STAMP_SIZE / 1000
    room = width - 2 * margin - right_width - 4 * MM
    chars = int(room * 1000 / STAMP_SIZE / HELVETICA_AVERAGE)
    # A long piece name (« Attestation d'absence de condamnation … ») takes two lines rather
    # than lose its end; a longer one still ends in « … » on the second.
    lines = textwrap.wrap(left_text, max(chars, 1)) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), max(chars, 2), placeholder="…")]
    baseline = y0 + 8 * MM
    leading = STAMP_SIZE * 1.25
    top = baseline + leading * (len(lines) - 1)
    background = (
        f"/MSUStampVeil gs 1 1 1 rg {x0 + margin - 1.5 * MM:.2f} {baseline - 1.6 * MM:.2f} "
        f"{width - 2 * margin + 3 * MM:.2f} {top - baseline + STAMP_SIZE + 1.6 * MM:.2f} re f "
        "0.33 0.33 0.33 rg "
    )
    text = "BT /MSUStamp {size} Tf {x:.2f} {y:.2f} Td {literal} Tj ET "
    ops = b"Q\nq " + background.encode()
    placed = [(x0 + margin, top - leading * n, line) for n, line in enumerate(lines)]
    placed.append((x0 + width - margin - right_width, baseline, right_text))
    for x, y, words in placed:
        ops += text.format(size=STAMP_SIZE, x=x, y=y, literal=_literal(words)).encode("latin-1")
    stamp = writer._add_object(_stream(ops + b"Q\n"))

    resources = page.get("/Resources")
    if resources is None:
        resources = page[NameObject("/Resources")] = DictionaryObject()
    resources = resources.get_object()
    for kind, name, value in [
        ("/Font", "/MSUStamp", font),
        ("/ExtGState", "/MSUStampVeil", veil),
    ]:
        entries = resources.get(kind)
        if entries is None:
            entries = resources[NameObject(kind)] = DictionaryObject()
        entries.get_object()[NameObject(name)] = value

    contents = page.get("/Contents")
    streams = []
    if contents is not None:
        resolved = contents.get_object()
        if isinstance(resolved, ArrayObject):
            streams = list(resolved)
        elif isinstance(contents, IndirectObject):
            streams = [contents]
        else:
            streams = [writer._add_object(resolved)]
    # The piece's own drawing is wrapped in q … Q so that whatever state it leaves, the
    # footer is drawn in plain page coordinates.
    page[NameObject("/Contents")] = ArrayObject([save_state, *streams, stamp])


def _outline(writer, summary, pieces):
    top = writer.add_outline_item(title=_("Récapitulatif du dossier"), page_number=0)
    anchors = {}
    for index, page in enumerate(summary.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, index)
    for section_id, title in _sections_titles():
        if section_id in anchors:
            writer.add_outline_item(title=title, page_number=anchors[section_id], parent=top)
    for piece in pieces:
        if piece.included:
            writer.add_outline_item(title=piece.label, page_number=piece.start - 1)


# --- The summary -----------------------------------------------------------------------------


def _sections_titles():
    return [
        ("identite", _("Identité et exercice")),
        ("lieux", _("Lieux d'exercice")),
        ("environnement", _("Environnement pédagogique")),
        ("niveaux", _("Niveaux demandés et éligibilité")),
        ("engagements", _("Engagements")),
        ("visite", _("Rapport de visite du lieu de stage")),
        ("historique", _("Historique du dossier")),
    ]


def _summary_context(application, with_visit_report=True):
    doctor = application.doctor
    visit = _reported_visit(application) if with_visit_report else None
    sections = [
        {"id": section_id, "title": title}
        for section_id, title in _sections_titles()
        if section_id != "visite" or visit
    ]
    commitments = [
        (str(label), getattr(application, name)) for name, label in COMMITMENT_LABELS.items()
    ]
    return {
        "application": application,
        "doctor": doctor,
        "sites": list(doctor.sites.all()),
        "eligibility": eligibility_of(application),
        "commitments": commitments,
        "visit": visit,
        "events": [
            _event_row(e)
            for e in application.events.timeline().filter(internal=False).select_related("actor")
        ],
        "sections": sections,
        "generated_on": timezone.localdate(),
    }


def _reported_visit(application):
    try:
        visit = application.visit
    except ObjectDoesNotExist:
        return None
    return visit if visit.reported_at else None


def _event_row(event):
    who = str(event.actor) if event.actor else _("système")
    return {"at": event.created_at, "who": who, "what": event.what, "comment": event.comment}
