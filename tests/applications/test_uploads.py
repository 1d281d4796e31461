"""Pieces: recognised by content, 10 MB at most, private, refused files cost nothing else."""

import pytest
from django.urls import reverse

from applications.models import Document
from tests.files import EXE_BYTES, image_bytes, pdf_bytes, pdf_upload, upload

pytestmark = pytest.mark.django_db


def pieces_url(application):
    return reverse("applications:step", args=[application.pk, "pieces"])


@pytest.fixture
def logged(client, doctor, draft):
    client.force_login(doctor.user)
    return client


def test_pdf_jpeg_and_png_are_accepted_and_stored_under_our_own_names(
    logged, draft, _private_storage
):
    response = logged.post(
        pieces_url(draft),
        {
            "cv": pdf_upload("Mon CV final (2).pdf"),
            "no_conviction": upload("casier.jpg", image_bytes("JPEG"), "image/jpeg"),
            "insurance": upload("assurance.png", image_bytes("PNG"), "image/png"),
        },
    )
    assert response.status_code == 302
    documents = {d.piece: d for d in Document.objects.filter(application=draft)}
    assert documents["cv"].content_type == "application/pdf"
    assert documents["cv"].original_name == "Mon CV final (2).pdf"
    assert documents["no_conviction"].content_type == "image/jpeg"
    assert documents["insurance"].content_type == "image/png"
    for document in documents.values():
        assert "Mon CV" not in document.file.name and "casier" not in document.file.name
        assert document.file.name.startswith(f"dossiers/{draft.pk}/")
        assert (_private_storage / document.file.name).exists()


def test_renamed_exe_is_refused_with_a_french_reason_and_the_other_file_is_kept(logged, draft):
    response = logged.post(
        pieces_url(draft),
        {
            "cv": pdf_upload("cv.pdf"),
            "insurance": upload("assurance.pdf", EXE_BYTES),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "n&#x27;est ni un PDF, ni une image JPEG ou PNG" in page
    assert "son contenu a été vérifié, pas seulement son nom" in page
    assert list(Document.objects.filter(application=draft).values_list("piece", flat=True)) == [
        "cv"
    ]
    assert "1 pièce enregistrée ; les autres fichiers ont été refusés" in page


def test_file_over_10_mb_is_refused(logged, draft, settings):
    big = pdf_bytes() + b"0" * (11 * 1024 * 1024)
    response = logged.post(pieces_url(draft), {"cv": upload("cv.pdf", big)})
    assert response.status_code == 400
    assert "pèse 11,0 Mo : la limite est de 10 Mo par pièce" in response.content.decode()
    assert not Document.objects.filter(application=draft).exists()


def test_empty_file_is_refused(logged, draft):
    response = logged.post(pieces_url(draft), {"cv": upload("cv.pdf", b"")})
    assert response.status_code == 400
    page = response.content.decode()
    # Django's own message for an empty upload, or ours: both say the file is empty.
    assert "est vide" in page
    assert not Document.objects.filter(application=draft).exists()


def test_truncated_image_is_refused(logged, draft):
    data = image_bytes("PNG")[:40]
    response = logged.post(pieces_url(draft), {"cv": upload("cv.png", data, "image/png")})
    assert response.status_code == 400
    assert "est illisible ou tronquée" in response.content.decode()


def test_a_new_file_replaces_the_previous_one(
    logged, draft, _private_storage, django_capture_on_commit_callbacks
):
    logged.post(pieces_url(draft), {"cv": pdf_upload("v1.pdf")})
    first = Document.objects.get(application=draft, piece="cv")
    assert (_private_storage / first.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        logged.post(pieces_url(draft), {"cv": pdf_upload("v2.pdf")})
    second = Document.objects.get(application=draft, piece="cv")
    assert second.original_name == "v2.pdf"
    assert not (_private_storage / first.file.name).exists()


def test_owner_downloads_the_piece_through_the_checked_view(logged, draft):
    logged.post(pieces_url(draft), {"cv": pdf_upload("cv.pdf")})
    document = Document.objects.get(application=draft)
    response = logged.get(reverse("applications:document", args=[draft.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_pieces_have_no_public_url(logged, draft, client):
    logged.post(pieces_url(draft), {"cv": pdf_upload("cv.pdf")})
    document = Document.objects.get(application=draft)
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 — the private storage has no base URL to build one
    for prefix in ["/media/", "/static/", "/private/", "/"]:
        assert client.get(prefix + document.file.name).status_code == 404
    client.logout()
    url = reverse("applications:document", args=[draft.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_file_kept_back_by_the_browser_is_named_on_the_page_that_comes_back(logged, draft):
    """The browser keeps a file over the limit out of the upload (static/js/pieces.js) and
    names it in a hidden field: the other pieces are saved, and the page says which one was not
    sent, where the banner « les autres fichiers ont été refusés » had nothing beside it."""
    response = logged.post(
        pieces_url(draft), {"cv": upload("cv.pdf", pdf_bytes()), "insurance__trop_lourd": "11,0"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 pièce enregistrée ; les autres fichiers ont été refusés" in page
    assert "Le fichier choisi (11,0 Mo) n&#x27;a pas été envoyé : la limite est de 10 Mo" in page
    assert list(Document.objects.filter(application=draft).values_list("piece", flat=True)) == [
        "cv"
    ]
    # Anything else in that field is ignored.
    response = logged.post(pieces_url(draft), {"insurance__trop_lourd": "<b>x</b>"})
    assert "n&#x27;a pas été envoyé" not in response.content.decode()
