"""What an uploaded file may carry and what it may cost, and its cleaned copy.

- Images: the pixel count is read from the header before anything is decoded (a 30000×30000
  PNG weighs 100 KB and would need 2.7 GB once decoded); the image is then re-encoded with its
  orientation applied, which drops EXIF (GPS position, camera, date) and every other metadata
  chunk.
- PDFs: the page count is read from the page tree (capped per piece: the dossier PDF copies
  every page); the pages are copied into a new document, which leaves the catalogue's
  JavaScript, OpenAction, embedded files and forms behind, and every action still hanging on
  the copied pages (annotation /A and /AA, links, launch, file attachments) is removed.

`scrub_pdf_writer` is also used by the dossier PDF builder, for pieces stored before these
checks existed.
"""

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject


class Refused(Exception):
    """The file cannot be accepted; the message is French and shown on the form."""


class UnreadableImage(Refused):
    """An image Pillow cannot decode (truncated, corrupt, unsupported)."""


# --- Images ----------------------------------------------------------------------------------


def clean_image(data, kind, max_pixels):
    """The image re-encoded without metadata, or Refused. `kind` is "JPEG" or "PNG"."""
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: treat the warning as the error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise Refused(_too_many_pixels(width, height, max_pixels))
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, kind, image.info)
        except Refused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise Refused(_too_many_pixels(*_declared_size(data), max_pixels)) from error
        except Exception as error:  # truncated, corrupt, unsupported mode…
            raise UnreadableImage(_("image illisible")) from error


def _declared_size(data):
    # Pillow refused the image while opening it: read its size from the PNG/JPEG header alone.
    try:
        if data.startswith(b"\x89PNG"):
            return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    except Exception:  # noqa: S110 — fall through to "unknown"
        pass
    return 0, 0


def _too_many_pixels(width, height, max_pixels):
    millions = round(max_pixels / 1_000_000)
    if width and height:
        return _(
            "l'image mesure %(width)d × %(height)d pixels, plus que les %(millions)d millions "
            "de pixels acceptés : réduisez sa définition (une numérisation en 150 ppp suffit)"
        ) % {"width": width, "height": height, "millions": millions}
    return _(
        "l'image dépasse les %(millions)d millions de pixels acceptés : réduisez sa définition"
    ) % {"millions": millions}


def _encode(image, kind, info):
    out = io.BytesIO()
    options = {}
    if info.get("dpi"):
        options["dpi"] = info["dpi"]
    if info.get("icc_profile"):
        options["icc_profile"] = info["icc_profile"]  # colours, not personal data
    if kind == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True, **options)
    else:
        image.save(out, "PNG", optimize=False, **options)
    return out.getvalue()


# --- PDFs ------------------------------------------------------------------------------------

# Annotations that only exist to act (open a link, play, launch, carry a file): dropped.
ACTING_ANNOTATIONS = {
    "/Link",
    "/FileAttachment",
    "/Screen",
    "/Movie",
    "/Sound",
    "/RichMedia",
    "/3D",
}
# Keys that hold actions, scripts or embedded files wherever they appear.
ACTIVE_KEYS = {"/A", "/AA", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/Next"}


def clean_pdf(data, max_pages):
    """(cleaned bytes, page count) or Refused."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # protected against editing only: still readable
            except DependencyError:
                opened = 0
            if not opened:
                raise Refused(
                    _(
                        "le PDF est protégé par un mot de passe : enregistrez-en une copie sans "
                        "mot de passe puis renvoyez-la"
                    )
                )
        declared = _declared_pages(reader)
        if declared > max_pages:
            raise Refused(_too_many_pages(declared, max_pages))
        pages = reader.pages
        if len(pages) > max_pages:  # a page tree whose /Count lies
            raise Refused(_too_many_pages(len(pages), max_pages))
        if len(pages) == 0:
            raise Refused(_("le PDF ne contient aucune page"))
        writer = PdfWriter()
        for page in pages:
            writer.add_page(page)
        scrub_pdf_writer(writer)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue(), len(pages)
    except Refused:
        raise
    except Exception as error:
        raise Refused(_("le PDF est illisible ou endommagé")) from error


def _declared_pages(reader):
    try:
        return int(reader.trailer["/Root"].get_object()["/Pages"].get_object().get("/Count", 0))
    except Exception:
        return 0


def _too_many_pages(count, max_pages):
    return _(
        "le PDF compte %(count)d pages, la limite est de %(limit)d par pièce : envoyez seulement "
        "les pages utiles"
    ) % {"count": count, "limit": max_pages}


def scrub_pdf_writer(writer):
    """Remove scripts, actions and embedded files from everything the writer holds."""
    root = writer._root_object
    for key in ("/OpenAction", "/AA", "/Names", "/AcroForm", "/URI"):
        if key in root:
            del root[key]
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is not None:
            kept = ArrayObject(
                annotation
                for annotation in annotations.get_object()
                if annotation.get_object().get("/Subtype") not in ACTING_ANNOTATIONS
            )
            if kept:
                page[NameObject("/Annots")] = kept
            else:
                del page["/Annots"]
    seen = set()
    for obj in writer._objects:
        if obj is not None:
            _scrub(obj, seen)


def _scrub(obj, seen):
    stack = [obj]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, DictionaryObject):
            for key in [k for k in current if k in ACTIVE_KEYS]:
                del current[key]
            if current.get("/S") in ("/JavaScript", "/Launch", "/URI", "/SubmitForm"):
                current.clear()
            stack.extend(v for v in current.values() if isinstance(v, DictionaryObject | list))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, DictionaryObject | list))
