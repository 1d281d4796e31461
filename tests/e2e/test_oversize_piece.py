"""A file over the limit, chosen beside a good one, in Chromium: the browser keeps it back and
says so; the good one is saved, and the page that comes back still names the one not sent."""

import pytest
from playwright.sync_api import expect

from applications.models import Document
from tests.factories import ApplicationFactory, DoctorFactory
from tests.files import pdf_bytes

from .test_agrement_review import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_file_too_big_is_named_again_after_the_others_are_saved(page, live_server):
    doctor = DoctorFactory()
    draft = ApplicationFactory(doctor=doctor, levels=["externe"])
    sign_in(page, live_server, doctor.user)
    page.goto(f"{live_server.url}/dossiers/{draft.pk}/etape/pieces/")
    page.set_input_files(
        "#id_cv", {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    big = pdf_bytes() + b"0" * (11 * 1024 * 1024)
    page.set_input_files(
        "#id_insurance", {"name": "assurance.pdf", "mimeType": "application/pdf", "buffer": big}
    )
    expect(page.locator(".msu-size-error:visible")).to_contain_text("pèse 11,0 Mo")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(
        page.get_by_text("1 pièce enregistrée ; les autres fichiers ont été refusés")
    ).to_be_visible()
    expect(page.get_by_text("Le fichier choisi (11,0 Mo) n'a pas été envoyé").first).to_be_visible()
    assert list(Document.objects.filter(application=draft).values_list("piece", flat=True)) == [
        "cv"
    ]
