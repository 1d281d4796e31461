"""A doctor signs up, confirms the address from the mail outbox, fills every step, uploads the
pieces and submits — in Chromium, against the live server."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from applications.models import Application
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(name)}


def upload_every_piece(page):
    for piece in ["cv", "no_conviction", "insurance", "training"]:
        page.set_input_files(f"#id_{piece}", pdf_file(f"{piece}.pdf"))
    # A file within the limit: no error shows, not even the red icon of an empty one.
    expect(page.locator(".msu-size-error:visible")).to_have_count(0)
    page.get_by_role("button", name="Enregistrer et continuer").click()


def tick_every_commitment(page):
    for name in ["commit_training", "commit_charter", "commit_insurer", "certify_accuracy"]:
        page.click(f"label[for=id_{name}]")  # a user clicks the DSFR label, not the hidden box
    page.get_by_role("button", name="Enregistrer et continuer").click()


def test_doctor_signs_up_fills_every_step_and_submits(page, live_server):
    call_command("load_reference", verbosity=0)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").first.click()

    page.fill("#id_first_name", "Jeanne")
    page.fill("#id_last_name", "Essai")
    page.fill("#id_email", "jeanne.essai@example.org")
    page.fill("#id_password1", "un-mot-de-passe-solide-42")
    page.fill("#id_password2", "un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Confirmez votre adresse électronique").wait_for()

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/compte/inscription/confirmer/\S+/", mail.outbox[0].body)
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.get_by_text("Votre adresse est confirmée").wait_for()

    page.fill("#id_username", "jeanne.essai@example.org")
    page.fill("#id_password", "un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Commencer une demande d'agrément").click()

    # 1. Profile — first with a malformed RPPS: the error is shown, the rest is kept.
    page.get_by_text("Étape 1 sur 6").wait_for()
    page.select_option("#id_civility", "MME")
    page.fill("#id_rpps", "1234")
    page.select_option("#id_specialty", "general_practice")
    page.fill("#id_degree_date", "2010-06-01")
    page.click("label[for=id_registered_with_ordre]")
    page.fill("#id_installation_date", "2014-09-01")
    page.select_option("#id_exercise_mode", "liberal")
    page.select_option("#id_faculty", label="Faculté de médecine Montpellier-Nîmes")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # The error shows under the field and in the summary at the top, which takes the focus.
    page.locator(".fr-error-text").get_by_text(
        "compte exactement 11 chiffres (vous en avez saisi 4)"
    ).wait_for()
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    expect(
        page.locator("#resume-erreurs").get_by_role("link", name=re.compile("RPPS"))
    ).to_be_visible()
    assert page.input_value("#id_installation_date") == "2014-09-01"
    page.fill("#id_rpps", "10001234565")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 2. Practice site and teaching environment.
    page.get_by_text("Étape 2 sur 6").wait_for()
    page.select_option("#id_sites-0-kind", "msp")
    page.fill("#id_sites-0-address", "3 avenue des Essais")
    page.fill("#id_sites-0-postal_code", "30000")
    page.fill("#id_sites-0-commune", "Nîmes")
    page.select_option("#id_sites-0-zonage", "zip")
    page.fill("#id_practice_description", "Maison de santé pluriprofessionnelle, 5 médecins.")
    page.click("label[for=id_student_room]")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 3. Levels, with the eligibility shown for each.
    page.get_by_text("Étape 3 sur 6").wait_for()
    page.click("label[for=niveau-externe]")
    page.click("label[for=niveau-niveau_1]")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 4. Pieces.
    page.get_by_text("Étape 4 sur 6").wait_for()
    upload_every_piece(page)

    # 5. Commitments.
    page.get_by_text("Étape 5 sur 6").wait_for()
    tick_every_commitment(page)

    # 6. Review and submit.
    page.get_by_text("Votre dossier est complet.").wait_for()
    assert page.locator("#eligibilite-externe").get_by_text("Éligible").is_visible()
    assert page.locator("#eligibilite-niveau_1").get_by_text("Éligible").is_visible()
    page.get_by_role("button", name="Transmettre mon dossier").click()
    page.get_by_text("Votre dossier a été transmis").wait_for()
    assert page.locator("#etat-dossier").inner_text().strip().lower() == "transmis"

    application = Application.objects.get(doctor__user__email="jeanne.essai@example.org")
    assert application.status == "submitted"
    assert sorted(application.levels) == ["externe", "niveau_1"]
    assert application.documents.count() == 4
    assert mail.outbox[-1].subject.startswith("Accusé de réception")

    # The piece opens from the dossier page, through the checked view.
    with page.expect_popup() as popup:
        page.get_by_role("link", name="cv.pdf").click()
    assert popup.value.url.endswith(f"/pieces/{application.documents.get(piece='cv').pk}/")


def test_demo_doctor_completes_the_demo_draft_and_submits(page, live_server):
    call_command("load_demo", verbosity=0)
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("#id_username", "medecin@example.org")
    page.fill("#id_password", "demo-msu-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Reprendre le brouillon").click()

    # The demo draft lacks its pieces: resuming lands there.
    page.get_by_text("Étape 4 sur 6").wait_for()
    upload_every_piece(page)
    page.get_by_text("Étape 5 sur 6").wait_for()
    tick_every_commitment(page)
    page.get_by_role("button", name="Transmettre mon dossier").click()
    page.get_by_text("Votre dossier a été transmis").wait_for()
    assert Application.objects.get(doctor__user__email="medecin@example.org").status == (
        "submitted"
    )
