"""Hostile uploads (built by tests.hostile_files, never committed): refused with a French
message and a 400, storing nothing; accepted ones stored cleaned (no scripts, actions,
embedded files, EXIF) and downloaded under the extension of what they really are."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from applications.documents.dossier_pdf import build_dossier_pdf
from applications.minimal_pdf import pdf_bytes
from applications.models import Document, Message
from applications.uploads import check_upload, download_name
from tests.files import image_bytes, pdf_upload, upload
from tests.hostile_files import (
    active_markers,
    active_pdf,
    huge_png,
    jpeg_with_location,
    many_pages_pdf,
    png_with_metadata,
)
from tests.workflow_helpers import make_staff, submitted_application

pytestmark = pytest.mark.django_db


def pieces_url(application):
    return reverse("applications:step", args=[application.pk, "pieces"])


def the_document(application):
    return Document.objects.get(application=application)


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def text(response):
    return re.sub(r"\s+", " ", response.content.decode()).replace("&#x27;", "'")


@pytest.fixture
def logged(client, doctor, draft):
    client.force_login(doctor.user)
    return client


# --- Images: pixels -------------------------------------------------------------------------


def test_a_decompression_bomb_png_gives_400_a_french_message_and_stores_nothing(
    logged, draft, _private_storage
):
    bomb = huge_png(30000, 30000)
    assert len(bomb) < 200_000  # a small file on the wire…
    response = logged.post(pieces_url(draft), {"cv": upload("cv.png", bomb, "image/png")})
    assert response.status_code == 400
    page = text(response)
    assert "Le fichier « cv.png » est refusé" in page
    assert "30000 × 30000 pixels, plus que les 50 millions de pixels acceptés" in page
    assert not Document.objects.exists()
    assert stored_files(_private_storage) == []


def test_a_13000_pixels_square_png_is_over_the_cap_and_refused():
    with pytest.raises(Exception) as error:
        check_upload(upload("scan.png", huge_png(13000, 13000), "image/png"))
    assert error.value.code == "refused"
    assert "13000 × 13000 pixels" in error.value.message % error.value.params


def test_the_pixel_cap_is_a_setting_reached_exactly(settings):
    settings.UPLOAD_MAX_PIXELS = 40 * 30
    assert check_upload(upload("ok.png", image_bytes("PNG"), "image/png")).label == "PNG"
    settings.UPLOAD_MAX_PIXELS = 40 * 30 - 1
    with pytest.raises(Exception) as error:
        check_upload(upload("ko.png", image_bytes("PNG"), "image/png"))
    assert "40 × 30 pixels" in error.value.message % error.value.params


# --- PDFs: pages ----------------------------------------------------------------------------


def test_a_pdf_of_100_pages_is_accepted_and_one_of_101_refused():
    assert check_upload(upload("cent.pdf", many_pages_pdf(100))).pages == 100
    with pytest.raises(Exception) as error:
        check_upload(upload("cent-un.pdf", many_pages_pdf(101)))
    message = error.value.message % error.value.params
    assert "le PDF compte 101 pages, la limite est de 100 par pièce" in message


def test_a_60000_page_pdf_gives_400_and_stores_nothing(logged, draft, _private_storage):
    response = logged.post(pieces_url(draft), {"cv": upload("cv.pdf", many_pages_pdf(60000))})
    assert response.status_code == 400
    assert "le PDF compte 60000 pages" in text(response)
    assert not Document.objects.exists() and stored_files(_private_storage) == []


def test_a_page_tree_lying_about_its_count_is_counted(settings):
    settings.UPLOAD_MAX_PDF_PAGES = 10
    with pytest.raises(Exception) as error:
        check_upload(upload("menteur.pdf", many_pages_pdf(11, declared=1)))
    assert "11 pages, la limite est de 10" in error.value.message % error.value.params


def test_a_pdf_locked_by_a_password_is_refused_one_locked_against_editing_only_is_kept():
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("PIECE-LOCKED"))))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(Exception) as error:
        check_upload(upload("assurance.pdf", locked.getvalue()))
    assert "protégé par un mot de passe" in error.value.message % error.value.params

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("PIECE-OWNER"))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    owner_only = io.BytesIO()
    writer.write(owner_only)
    checked = check_upload(upload("assurance.pdf", owner_only.getvalue()))
    reader = PdfReader(io.BytesIO(checked.content))
    assert not reader.is_encrypted and "PIECE-OWNER" in reader.pages[0].extract_text()


# --- PDFs: active content -------------------------------------------------------------------


def test_scripts_actions_links_and_embedded_files_are_removed_before_storing(logged, draft):
    hostile = active_pdf("PIECE-ACTIVE")
    assert len(active_markers(hostile)) >= 5 and b"/AA" in hostile  # the control
    response = logged.post(pieces_url(draft), {"cv": upload("cv.pdf", hostile)})
    assert response.status_code == 302
    document = Document.objects.get(application=draft)
    with document.file.open("rb") as stored:
        data = stored.read()
    assert active_markers(data) == [] and b"/AA" not in data
    assert document.size == len(data)
    reader = PdfReader(io.BytesIO(data))
    assert "PIECE-ACTIVE" in reader.pages[0].extract_text()  # the page itself is kept
    subtypes = [a.get_object()["/Subtype"] for a in reader.pages[0].get("/Annots", [])]
    assert subtypes == ["/Text"]  # the comment stays, the links are gone


def test_the_dossier_pdf_carries_no_active_content_even_from_a_piece_stored_before_the_checks():
    staff = make_staff()
    application = submitted_application(staff)
    uploaded = upload("cv.pdf", active_pdf("PIECE-CHECKED"))
    document = application.documents.get(piece="cv")
    # A piece stored as sent, as before the upload checks existed.
    document.file.storage.delete(document.file.name)
    document.file.storage.save(document.file.name, io.BytesIO(active_pdf("PIECE-OLD")))
    other = application.documents.exclude(piece="cv").first()
    checked = check_upload(uploaded)
    other.file.storage.delete(other.file.name)
    other.file.storage.save(other.file.name, io.BytesIO(checked.content))

    built = build_dossier_pdf(application)
    assert built.omitted == []
    assert active_markers(built.content) == [] and b"/AA" not in built.content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(built.content)).pages]
    assert any("PIECE-OLD" in page for page in pages)
    assert any("PIECE-CHECKED" in page for page in pages)


# --- Images: metadata -----------------------------------------------------------------------


def test_exif_and_gps_are_stripped_from_a_jpeg_with_its_orientation_applied(logged, draft):
    photo = jpeg_with_location(size=(64, 32), orientation=6)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the control: a position
    response = logged.post(pieces_url(draft), {"cv": upload("photo.jpg", photo, "image/jpeg")})
    assert response.status_code == 302
    with the_document(draft).file.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert dict(image.getexif()) == {} and image.getexif().get_ifd(0x8825) == {}
    assert b"Hostile Camera" not in data
    assert image.size == (32, 64)  # turned as the camera meant, not left for a viewer to do


def test_png_text_and_exif_chunks_are_stripped():
    original = png_with_metadata()
    assert b"Hostile" in original
    checked = check_upload(upload("scan.png", original, "image/png"))
    assert b"Hostile" not in checked.content
    image = Image.open(io.BytesIO(checked.content))
    assert image.size == (40, 30) and dict(image.getexif()) == {}


# --- Download names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content_type, expected",
    [
        ("attestation.exe", "application/pdf", "attestation.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.jpeg"),
        ("scan.pdf", "image/png", "scan.png"),
        ("sans extension", "application/pdf", "sans extension.pdf"),
        ("..\\..\\chemin\\cv.pdf.exe", "application/pdf", "cv.pdf.pdf"),
    ],
)
def test_download_names_take_the_detected_extension(name, content_type, expected):
    assert download_name(name, content_type) == expected


def test_a_pdf_sent_as_exe_downloads_as_pdf(logged, draft):
    logged.post(pieces_url(draft), {"cv": upload("attestation.exe", pdf_bytes())})
    document = the_document(draft)
    assert document.original_name == "attestation.exe"  # what the doctor sent, as a record
    url = reverse("applications:document", args=[draft.pk, document.pk]) + "?download"
    response = logged.get(url)
    assert response.status_code == 200
    assert 'filename="attestation.pdf"' in response["Content-Disposition"]


# --- Message attachments --------------------------------------------------------------------


@pytest.fixture
def thread(client):
    staff = make_staff()
    application = submitted_application(staff)
    client.force_login(application.doctor.user)
    return application, reverse("applications:post_message", args=[application.pk])


def test_a_bomb_as_message_attachment_gives_400_and_stores_nothing(
    client, thread, _private_storage
):
    application, url = thread
    before = stored_files(_private_storage)
    response = client.post(
        url,
        {
            "body": "Ma photo.",
            "attachment": upload("photo.png", huge_png(30000, 30000), "image/png"),
        },
    )
    assert response.status_code == 400
    assert "30000 × 30000 pixels" in text(response)
    assert "Ma photo." in text(response)  # what was typed is kept
    assert not Message.objects.exists()
    assert stored_files(_private_storage) == before


def test_message_attachments_of_a_dossier_have_a_quota(client, thread, settings, _private_storage):
    application, url = thread
    first = pdf_upload("premiere.pdf")
    size = check_upload(first).size
    settings.MESSAGE_ATTACHMENTS_QUOTA_BYTES = size * 2
    for name in ("premiere.pdf", "deuxieme.pdf"):
        assert client.post(url, {"body": name, "attachment": pdf_upload(name)}).status_code == 302
    before = stored_files(_private_storage)
    response = client.post(url, {"body": "La troisième.", "attachment": pdf_upload("trois.pdf")})
    assert response.status_code == 400
    page = text(response)
    assert "limitées à" in page and "au total" in page
    assert Message.objects.filter(application=application).count() == 2
    assert stored_files(_private_storage) == before
    # A message without attachment still goes.
    assert client.post(url, {"body": "Sans pièce jointe."}).status_code == 302


def test_an_attachment_sent_as_exe_downloads_as_pdf(client, thread):
    application, url = thread
    client.post(url, {"body": "Voici.", "attachment": upload("lettre.exe", pdf_bytes())})
    message = Message.objects.get()
    response = client.get(
        reverse("applications:message_attachment", args=[application.pk, message.pk])
    )
    assert 'filename="lettre.pdf"' in response["Content-Disposition"]


def test_the_pieces_step_states_the_limits_from_the_settings(logged, draft, settings):
    settings.UPLOAD_MAX_PDF_PAGES = 40
    page = text(logged.get(pieces_url(draft)))
    assert "Un PDF compte au plus 40 pages et une image au plus 50 millions de pixels" in page
