"""Stage ambulatoire hors MG: the specialty chosen from the list, its coordinating professor
recorded by the faculty and e-mailed on submission and decision. MSU associé: the approved MSU
named in the dossier, the eligibility line, the register and the teams."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from applications import selectors, services
from applications.forms.doctor import EnvironmentForm
from applications.models import Application, Doctor, Event, PracticeSite, SpecialtyCoordinator
from applications.workflow import Status
from notifications.models import Notification
from stages import services as stage_services
from tests.factories import ApplicationFactory, DoctorFactory, PracticeSiteFactory
from tests.stages_helpers import add_agrements, make_msu, semester, team
from tests.workflow_helpers import advance, make_staff, submitted_application

pytestmark = pytest.mark.django_db


def specialist(faculty, specialty="pediatrie"):
    return DoctorFactory(
        faculty=faculty,
        specialty=Doctor.Specialty.OTHER,
        specialty_other=specialty,
        training_completed_on=datetime.date(2019, 3, 1),
    )


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --- The coordinating professor ------------------------------------------------------------


def test_the_faculty_admin_records_the_coordinator_of_a_specialty(client):
    staff = make_staff()
    url = reverse("applications:specialty_coordinators", args=[staff.faculty.pk])
    client.force_login(staff.admin)
    data = {"specialty": "pediatrie", "name": "Pr Jeanne Exemple", "email": "pedia@example.org"}
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Pédiatrie" in page and "Pr Jeanne Exemple" in page
    # Replacing, then a half-filled line (refused, nothing changed), then removing.
    client.post(url, {**data, "name": "Pr Paul Modèle", "email": "pedia2@example.org"})
    assert SpecialtyCoordinator.objects.get().email == "pedia2@example.org"
    response = client.post(url, {"specialty": "pediatrie", "name": "Pr Sans Adresse"})
    assert response.status_code == 400
    assert "Indiquez le nom et l&#x27;adresse" in response.content.decode()
    assert SpecialtyCoordinator.objects.get().name == "Pr Paul Modèle"
    response = client.post(url, {"specialty": "pediatrie", "name": "", "email": ""}, follow=True)
    assert "Professeur coordonnateur retiré." in response.content.decode()
    assert not SpecialtyCoordinator.objects.exists()
    # Nobody to remove: said so, not « retiré ».
    response = client.post(url, {"specialty": "pediatrie", "name": "", "email": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Aucun professeur coordonnateur n&#x27;est enregistré pour cette spécialité" in page
    assert "Professeur coordonnateur retiré." not in page
    # Only the admin of that faculty.
    for user in (staff.secretariat, make_staff().admin):
        client.force_login(user)
        assert client.post(url, data).status_code == 404
    assert not SpecialtyCoordinator.objects.exists()


def test_the_coordinator_is_emailed_when_the_dossier_is_submitted_and_decided(
    django_capture_on_commit_callbacks,
):
    staff = make_staff()
    SpecialtyCoordinator.objects.create(
        faculty=staff.faculty,
        specialty="pediatrie",
        name="Pr Jeanne Exemple",
        email="p@example.org",
    )
    doctor = specialist(staff.faculty)
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(staff, levels=("hors_mg",), doctor=doctor)
    (email,) = to("p@example.org")
    assert "Demande d'agrément MSU" in email.subject and "Pédiatrie" in email.subject
    assert "Bonjour Pr Jeanne Exemple" in email.body
    assert application.reference in email.body
    informed = Event.objects.get(application=application, action="coordinator_informed")
    assert "Pr Jeanne Exemple" in informed.comment
    # No inbox for a recipient without an account.
    notification = Notification.objects.get(kind="coordinator_submission")
    assert notification.user is None and notification.email == "p@example.org"

    application = advance(application, staff, Status.IN_COMMISSION)
    with django_capture_on_commit_callbacks(execute=True):
        advance(application, staff, Status.DECIDED)
    submitted, decided = to("p@example.org")
    assert "Agrément accordé" in decided.subject
    assert "agrément valable du" in decided.body
    assert Event.objects.filter(application=application, action="coordinator_decision").exists()


def test_the_timeline_says_in_french_that_the_coordinator_was_informed(client):
    staff = make_staff()
    SpecialtyCoordinator.objects.create(
        faculty=staff.faculty, specialty="psychiatrie", name="Pr Luc Fictif", email="l@example.org"
    )
    application = submitted_application(
        staff, levels=("hors_mg",), doctor=specialist(staff.faculty, "psychiatrie")
    )
    client.force_login(application.doctor.user)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    timeline = page.split('id="historique"', 1)[1].split("</ol>", 1)[0]
    assert "Professeur coordonnateur de la spécialité informé de la demande" in timeline
    assert "coordinator_informed" not in page


def test_nobody_is_emailed_without_a_coordinator_or_a_stage_hors_mg(
    django_capture_on_commit_callbacks,
):
    staff = make_staff()
    SpecialtyCoordinator.objects.create(
        faculty=staff.faculty,
        specialty="pediatrie",
        name="Pr Jeanne Exemple",
        email="p@example.org",
    )
    other_faculty = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        # Another specialty, another faculty, an externe stage only: nobody to inform.
        submitted_application(staff, levels=("hors_mg",), doctor=specialist(staff.faculty, "orl"))
        submitted_application(
            other_faculty, levels=("hors_mg",), doctor=specialist(other_faculty.faculty)
        )
        submitted_application(staff, levels=("externe",), doctor=specialist(staff.faculty))
    assert to("p@example.org") == []
    assert not Event.objects.filter(action="coordinator_informed").exists()


def test_a_resubmission_does_not_email_the_coordinator_again(django_capture_on_commit_callbacks):
    staff = make_staff()
    SpecialtyCoordinator.objects.create(
        faculty=staff.faculty,
        specialty="pediatrie",
        name="Pr Jeanne Exemple",
        email="p@example.org",
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application(
            staff, levels=("hors_mg",), doctor=specialist(staff.faculty)
        )
        application = advance(application, staff, Status.INCOMPLETE)
        services.submit(application, application.doctor.user)
    assert len(to("p@example.org")) == 1


def test_the_stage_hors_mg_requires_the_specialty_and_the_prior_training():
    staff = make_staff()
    untrained = specialist(staff.faculty)
    untrained.training_completed_on = None
    untrained.save()
    application = ApplicationFactory(doctor=untrained, levels=["hors_mg"])
    problems = " ".join(selectors.completeness_problems(application))
    assert "formation pédagogique initiale (2 jours, organisme agréé)" in problems
    vague = specialist(staff.faculty, specialty="")
    problems = " ".join(
        selectors.completeness_problems(ApplicationFactory(doctor=vague, levels=["hors_mg"]))
    )
    assert "Choisissez votre spécialité dans la liste" in problems


# --- MSU associé ---------------------------------------------------------------------------

TILLEULS = {"name": "Maison de santé des Tilleuls", "address": "12 rue des Tilleuls"}


@pytest.fixture
def structure():
    """An MSU approved for niveau 1 at the Maison de santé des Tilleuls."""
    staff = make_staff()
    msu = DoctorFactory(faculty=staff.faculty, rpps="10101010101")
    PracticeSiteFactory(doctor=msu, kind=PracticeSite.Kind.MSP, **TILLEULS)
    add_agrements(msu, ["niveau_1"], datetime.date(2024, 1, 1), datetime.date(2028, 12, 31))
    return staff, msu


def environment(application, **data):
    values = {
        "practice_description": "Collaboratrice deux jours par semaine.",
        "max_students": 1,
        "associate_role": "collaborator",
        "associate_rpps": "101 0101 0101",
        **data,
    }
    return EnvironmentForm(values, instance=application)


def associate_line(application, level):
    (result,) = selectors.eligibility_of(application, levels=[level])
    return next(c for c in result.checks if c.label.startswith("MSU associé"))


def test_an_associe_of_the_approved_msu_of_the_same_structure_is_eligible(structure):
    staff, msu = structure
    doctor = DoctorFactory(faculty=staff.faculty)
    PracticeSiteFactory(doctor=doctor, kind=PracticeSite.Kind.MSP, **TILLEULS)
    application = ApplicationFactory(doctor=doctor, levels=["niveau_1"], site=False)
    form = environment(application)
    assert form.is_valid(), form.errors
    form.save()
    application.refresh_from_db()
    assert (application.associate_role, application.associate_msu) == ("collaborator", msu)
    assert associate_line(application, "niveau_1").ok
    # Not approved for SASPAS: that level is refused with the reason.
    saspas = associate_line(application, "saspas")
    assert not saspas.ok and "pas d'agrément en cours pour ce niveau" in saspas.reason


def test_an_associe_elsewhere_or_of_an_unknown_doctor_is_refused(structure):
    staff, msu = structure
    doctor = DoctorFactory(faculty=staff.faculty)
    PracticeSiteFactory(doctor=doctor, address="3 avenue de Lodève")
    application = ApplicationFactory(doctor=doctor, levels=["niveau_1"], site=False)
    unknown = environment(application, associate_rpps="99999999999")
    assert not unknown.is_valid()
    assert "Aucun médecin du portail ne porte ce numéro RPPS" in str(unknown.errors)
    environment(application).save()
    application.refresh_from_db()
    line = associate_line(application, "niveau_1")
    assert not line.ok and "Aucun de vos lieux d'exercice" in line.reason
    problems = " ".join(selectors.completeness_problems(application))
    assert "Aucun de vos lieux d'exercice" in problems
    # The MSU's agrément ended: the associé line fails too.
    msu.agrements.update(valid_until=datetime.date(2025, 1, 1))
    PracticeSiteFactory(doctor=doctor, is_main=False, **TILLEULS)
    line = associate_line(application, "niveau_1")
    assert not line.ok and "pas d'agrément en cours pour ce niveau" in line.reason


def test_not_an_associe_clears_the_named_msu(structure):
    staff, msu = structure
    application = ApplicationFactory(doctor=DoctorFactory(faculty=staff.faculty))
    environment(application).save()
    environment(application, associate_role="", associate_rpps="").save()
    application.refresh_from_db()
    assert application.associate_msu is None
    (result,) = selectors.eligibility_of(application, levels=["niveau_1"])
    assert not any(c.label.startswith("MSU associé") for c in result.checks)


def test_an_approved_associe_shows_in_the_register_and_on_teams(client, structure):
    staff, msu = structure
    associe = make_msu(staff.faculty, levels=["niveau_1"])
    Application.objects.filter(pk=associe.agrements.get().application_id).update(
        associate_role="replacement", associate_msu=msu
    )
    client.force_login(staff.secretariat)
    register = client.get(reverse("reports:agrements")).content.decode()
    row = register.split(associe.user.last_name, 1)[1].split("</tr>", 1)[0]
    said = "MSU associée" if associe.civility == Doctor.Civility.DR_MME else "MSU associé"
    assert f"{said} de Dr {msu.user.first_name}" in row and row.count("MSU associ") == 1
    # A docteure is « associée » (the register said « MSU associé » of every one).
    Doctor.objects.filter(pk=associe.pk).update(civility=Doctor.Civility.DR_MME)
    register = client.get(reverse("reports:agrements")).content.decode()
    row = register.split(associe.user.last_name, 1)[1].split("</tr>", 1)[0]
    assert f"MSU associée de Dr {msu.user.first_name}" in row
    period = semester(staff.faculty, staff.admin)
    offer = stage_services.create_offer(
        period, staff.admin, "niveau_1", "MSP des Tilleuls", team(msu, associe), capacity=1
    )
    client.force_login(staff.admin)
    page = client.get(reverse("stages:offer", args=[offer.pk])).content.decode()
    team_html = page.split(f"Dr {associe}", 1)[1].split("</li>", 1)[0]
    assert "MSU associé" in team_html and f"de Dr {msu.user.first_name}" in team_html
    assert "MSU associé" not in page.split(f"Dr {msu}", 1)[1].split("</li>", 1)[0]
