"""The levels step tells a new doctor what they can still do later (the training commitment,
two steps on) apart from what they do not meet."""

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, DoctorFactory

pytestmark = pytest.mark.django_db


def levels_page(client, application):
    client.force_login(application.doctor.user)
    url = reverse("applications:step", args=[application.pk, "niveaux"])
    return client.get(url).content.decode()


def test_a_missing_commitment_reads_as_to_complete_at_the_commitments_step(client):
    doctor = DoctorFactory(training_completed_on=None)
    html = levels_page(client, ApplicationFactory(doctor=doctor, commit_training=False))
    label = html.split('for="niveau-niveau_1"', 1)[1].split("</label>", 1)[0]
    assert "Conditions non remplies" not in label
    assert "Vous remplissez les autres conditions." in label
    assert "à compléter à l'étape « Engagements »" in label


def test_a_level_out_of_reach_still_says_conditions_non_remplies(client):
    doctor = DoctorFactory(training_completed_on=None)
    html = levels_page(client, ApplicationFactory(doctor=doctor, commit_training=False))
    # Docteur junior and hors-MG are not for this general practitioner: really unmet.
    label = html.split('for="niveau-hors_mg"', 1)[1].split("</label>", 1)[0]
    assert "Conditions non remplies" in label


def test_a_doctor_asked_for_complements_rereads_the_message_from_home(client):
    from applications.workflow import Status
    from tests.workflow_helpers import advance, make_staff, submitted_application

    staff = make_staff()
    application = advance(submitted_application(staff), staff, Status.INCOMPLETE)
    client.force_login(application.doctor.user)
    home = client.get(reverse("home")).content.decode()
    assert "« Le CV n&#x27;est pas signé. »" in home
    detail = reverse("applications:detail", args=[application.pk])
    assert f'href="{detail}#complements"' in home
    # Each step's breadcrumb leads back to the dossier's page.
    step = client.get(reverse("applications:step", args=[application.pk, "pieces"]))
    crumbs = step.content.decode().split('id="fil-ariane"', 1)[1].split("</ol>", 1)[0]
    assert (
        f'<a class="fr-breadcrumb__link" href="{detail}">Dossier {application.reference}' in crumbs
    )
