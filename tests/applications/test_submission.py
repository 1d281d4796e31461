"""Submission guards, the receipt e-mail, the Event, read-only after submission, withdrawal."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, Doctor, Document, Event
from applications.services import WorkflowError
from tests.factories import ApplicationFactory, DoctorFactory
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def add_pieces(client, application, pieces=("cv", "no_conviction", "insurance", "training")):
    url = reverse("applications:step", args=[application.pk, "pieces"])
    response = client.post(url, {piece: pdf_upload(f"{piece}.pdf") for piece in pieces})
    assert response.status_code == 302


@pytest.fixture
def complete(client, doctor, draft):
    client.force_login(doctor.user)
    add_pieces(client, draft)
    return draft


def submit(client, application):
    return client.post(reverse("applications:submit", args=[application.pk]), follow=True)


def test_complete_dossier_is_submitted_with_event_and_receipt(
    client, complete, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, complete)
    complete.refresh_from_db()
    assert complete.status == "submitted"
    assert complete.submitted_at is not None
    event = Event.objects.get(application=complete, action="submit")
    assert (event.from_status, event.to_status, event.actor) == (
        "draft",
        "submitted",
        complete.doctor.user,
    )
    assert "Votre dossier a été transmis" in response.content.decode()
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [complete.doctor.user.email]
    assert complete.reference in receipt.subject
    assert "Niveau 1 — stage chez le praticien" in receipt.body
    assert f"/dossiers/{complete.pk}/" in receipt.body
    assert receipt.alternatives[0][1] == "text/html"


def test_missing_piece_blocks_submission_and_says_which(client, doctor, draft):
    client.force_login(doctor.user)
    add_pieces(client, draft, pieces=("cv", "no_conviction", "insurance"))
    response = submit(client, draft)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert (
        "Pièces : ajoutez « Attestation de formation pédagogique ou engagement signé à la "
        "suivre »." in response.content.decode()
    )
    assert not Event.objects.filter(application=draft, action="submit").exists()
    assert mail.outbox == []


def test_ineligible_level_blocks_submission_but_the_other_levels_can_go(client, doctor):
    # Installed a year ago: enough for externes, not for internes (3 years).
    doctor.installation_date = timezone.localdate() - datetime.timedelta(days=400)
    doctor.save()
    application = ApplicationFactory(doctor=doctor, levels=["externe", "niveau_1"])
    client.force_login(doctor.user)
    add_pieces(client, application)
    response = submit(client, application)
    application.refresh_from_db()
    assert application.status == "draft"
    page = response.content.decode()
    assert "« Niveau 1 — stage chez le praticien (phase socle) » non éligible :" in page
    assert "Niveau « Niveau 1" not in page
    assert "Retirez ce niveau" in page

    client.post(
        reverse("applications:step", args=[application.pk, "niveaux"]), {"levels": ["externe"]}
    )
    submit(client, application)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.levels == ["externe"]


def test_unchecked_commitments_block_submission(doctor, draft):
    draft.certify_accuracy = False
    draft.save()
    with pytest.raises(WorkflowError) as error:
        services.submit(draft, doctor.user)
    assert "Engagements : cochez les engagements obligatoires." in error.value.messages


def test_a_submitted_dossier_cannot_be_submitted_again(client, complete):
    submit(client, complete)
    response = submit(client, complete)
    assert "ne peut pas être transmis de nouveau" in response.content.decode()
    assert Event.objects.filter(application=complete, action="submit").count() == 1


def test_another_doctor_cannot_submit_my_dossier(client, complete):
    other = DoctorFactory()
    client.force_login(other.user)
    response = client.post(reverse("applications:submit", args=[complete.pk]))
    assert response.status_code == 404
    complete.refresh_from_db()
    assert complete.status == "draft"


def test_submitted_dossier_is_read_only_for_the_doctor(client, complete):
    submit(client, complete)
    for slug in ["profil", "exercice", "niveaux", "pieces", "engagements"]:
        url = reverse("applications:step", args=[complete.pk, slug])
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("applications:detail", args=[complete.pk])
    before = complete.doctor.rpps
    response = client.post(
        reverse("applications:step", args=[complete.pk, "profil"]),
        {"rpps": "10001234565", "first_name": "X", "last_name": "Y"},
    )
    assert response.url == reverse("applications:detail", args=[complete.pk])
    client.post(
        reverse("applications:step", args=[complete.pk, "niveaux"]), {"levels": ["externe"]}
    )
    client.post(
        reverse("applications:step", args=[complete.pk, "pieces"]), {"cv": pdf_upload("autre.pdf")}
    )
    document = Document.objects.get(application=complete, piece="cv")
    client.post(
        reverse("applications:document_delete", args=[complete.pk, document.pk]), {"confirme": "1"}
    )
    complete.refresh_from_db()
    assert complete.levels == ["niveau_1"]
    assert Document.objects.get(application=complete, piece="cv").original_name == "cv.pdf"
    assert Doctor.objects.get(pk=complete.doctor_id).rpps == before
    with pytest.raises(WorkflowError):
        services.set_levels(complete, complete.doctor.user, ["externe"])


def test_doctor_home_shows_status_in_plain_french_and_next_step(client, complete):
    submit(client, complete)
    page = client.get(reverse("home")).content.decode()
    row = page.split('id="mes-dossiers"')[1].split("</table>")[0]
    assert complete.reference in row
    assert ">Transmis<" in row
    assert "Le secrétariat du DUMG vérifie que votre dossier est complet." in row
    assert "Consulter" in row and "Reprendre le brouillon" not in row


def test_withdraw_before_decision(client, complete):
    url = reverse("applications:withdraw", args=[complete.pk])
    # A draft never sent is not « no longer instructed »: it never was.
    page = client.get(url).content.decode()
    assert "Ce brouillon n'a pas été transmis" in page and "ne sera plus instruit" not in page
    submit(client, complete)
    assert "ne sera plus instruit" in client.get(url).content.decode()
    response = client.post(url, {"comment": "Déménagement"})
    assert response.status_code == 400  # confirmation box not ticked: nothing changes
    assert Application.objects.get(pk=complete.pk).status == "submitted"
    client.post(url, {"comment": "Déménagement", "confirm": "on"})
    complete.refresh_from_db()
    assert complete.status == "withdrawn"
    event = Event.objects.get(application=complete, action="withdraw")
    assert event.comment == "Déménagement"
    page = client.get(reverse("applications:detail", args=[complete.pk])).content.decode()
    assert "Retirer ce dossier" not in page


def test_withdrawn_dossier_cannot_be_withdrawn_or_submitted_again(doctor, draft):
    services.withdraw(draft, doctor.user)
    with pytest.raises(WorkflowError):
        services.withdraw(draft, doctor.user)
    with pytest.raises(WorkflowError):
        services.submit(draft, doctor.user)


def test_events_cannot_be_changed():
    event = Event(action="x")
    event.pk = 1
    with pytest.raises(ValueError):
        event.save()
