"""Every step of the doctor's dossier form, and resuming a draft."""

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.models import Application, Doctor, Event
from tests.factories import ApplicationFactory, DoctorFactory

pytestmark = pytest.mark.django_db


def step_url(application, slug):
    return reverse("applications:step", args=[application.pk, slug])


@pytest.fixture
def new_doctor(client, reference):
    """A doctor who has just confirmed their address: empty profile, no dossier."""
    doctor = DoctorFactory(
        civility="",
        rpps="",
        specialty="",
        degree_date=None,
        installation_date=None,
        exercise_mode="",
        faculty=None,
        training_completed_on=None,
        registered_with_ordre=False,
    )
    client.force_login(doctor.user)
    return doctor


def start(client):
    response = client.post(reverse("applications:start"))
    assert response.status_code == 302
    return Application.objects.latest("pk")


def faculty_id():
    from accounts.models import Organisation

    return Organisation.objects.get(name="Faculté de médecine Montpellier-Nîmes").pk


PROFILE = {
    "civility": "MME",
    "last_name": "Morel",
    "first_name": "Élise",
    "rpps": "100 012 345 65",
    "specialty": "general_practice",
    "degree_date": "2010-06-01",
    "registered_with_ordre": "on",
    "installation_date": "2012-01-01",
    "exercise_mode": "liberal",
    "training_completed_on": "",
    "phone": "",
}

SITES = {
    "sites-TOTAL_FORMS": "1",
    "sites-INITIAL_FORMS": "0",
    "sites-MIN_NUM_FORMS": "0",
    "sites-MAX_NUM_FORMS": "5",
    "sites-0-kind": "msp",
    "sites-0-name": "MSP des Tests",
    "sites-0-address": "2 rue Neuve",
    "sites-0-postal_code": "30000",
    "sites-0-commune": "Nîmes",
    "sites-0-zonage": "zip",
}

ENVIRONMENT = {
    "practice_description": "Maison de santé, 6 médecins.",
    "patient_mix": "Familiale",
    "coordination": "Infirmières, kinés",
    "supervision_time": "30 min par jour",
    "student_room": "on",
    "student_computer": "on",
    "max_students": "2",
    "co_msus": "",
}


def test_new_dossier_starts_at_the_profile_and_records_its_creation(client, new_doctor):
    application = start(client)
    assert application.status == "draft"
    assert Event.objects.filter(application=application, action="create").count() == 1
    response = client.get(reverse("applications:resume", args=[application.pk]))
    assert response.url == step_url(application, "profil")
    page = client.get(response.url).content.decode()
    title = page.split('class="fr-stepper__title">')[1].split("</h1>")[0]
    assert "Votre profil" in title and "Étape 1 sur 6" in title


def test_starting_twice_reuses_the_open_draft(client, new_doctor):
    first = start(client)
    second = start(client)
    assert first.pk == second.pk


def test_profile_step_saves_doctor_and_names_and_moves_on(client, new_doctor):
    application = start(client)
    data = {**PROFILE, "faculty": faculty_id()}
    response = client.post(step_url(application, "profil"), data)
    assert response.status_code == 302
    assert response.url == step_url(application, "exercice")
    doctor = Doctor.objects.get(pk=new_doctor.pk)
    assert doctor.rpps == "10001234565"
    assert doctor.user.last_name == "Morel"
    application.refresh_from_db()
    assert application.faculty_id == faculty_id()  # the dossier follows the profile's faculty


def test_profile_step_errors_are_shown_in_french_and_input_kept(client, new_doctor):
    application = start(client)
    data = {**PROFILE, "faculty": faculty_id(), "rpps": "12345", "installation_date": "2009-01-01"}
    response = client.post(step_url(application, "profil"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le numéro RPPS compte exactement 11 chiffres (vous en avez saisi 5)." in page
    assert "La date d&#x27;installation ne peut pas précéder celle du diplôme." in page
    assert 'value="Morel"' in page  # what was typed is still there
    assert "fr-input--error" in page
    assert Doctor.objects.get(pk=new_doctor.pk).rpps == ""


def test_save_draft_stays_on_the_step(client, new_doctor):
    application = start(client)
    data = {**PROFILE, "faculty": faculty_id(), "save_draft": "1"}
    response = client.post(step_url(application, "profil"), data, follow=True)
    assert response.redirect_chain[-1][0] == step_url(application, "profil")
    assert "Brouillon enregistré." in response.content.decode()
    assert Doctor.objects.get(pk=new_doctor.pk).rpps == "10001234565"


def test_going_back_a_step_keeps_what_was_typed_on_this_one(client, new_doctor):
    application = start(client)
    # Half the step typed, then « Étape précédente »: saved as a draft, back on the profile.
    half = {
        **SITES,
        "practice_description": "Cabinet de groupe, 3 médecins.",
        "max_students": "1",  # as the page shows it
        "previous": "1",
    }
    response = client.post(step_url(application, "exercice"), half, follow=True)
    assert response.redirect_chain[-1][0] == step_url(application, "profil")
    application.refresh_from_db()
    assert application.practice_description == "Cabinet de groupe, 3 médecins."
    assert new_doctor.sites.get().commune == "Nîmes"
    page = client.get(step_url(application, "exercice")).content.decode()
    assert "Cabinet de groupe, 3 médecins." in page


def test_going_back_with_a_malformed_value_shows_it_and_saves_nothing(client, new_doctor):
    application = start(client)
    bad = {**SITES, **ENVIRONMENT, "sites-0-postal_code": "3000", "previous": "1"}
    response = client.post(step_url(application, "exercice"), bad)
    assert response.status_code == 400
    assert 'value="3000"' in response.content.decode()
    assert not new_doctor.sites.exists()
    application.refresh_from_db()
    assert application.practice_description == ""


def test_the_main_action_comes_first_in_the_pages_order_and_is_shown_last(client, new_doctor):
    # Enter in a field presses the first button of the form: it must continue, not go back.
    application = start(client)
    page = client.get(step_url(application, "exercice")).content.decode()
    buttons = page.split("fr-btns-group--inline-reverse", 1)[1].split("</ul>", 1)[0]
    names = [part.split('"', 1)[0] for part in buttons.split('name="')[1:]]
    assert names == ["next", "save_draft", "previous"]


def test_failed_luhn_is_a_warning_not_a_block(client, new_doctor):
    application = start(client)
    data = {**PROFILE, "faculty": faculty_id(), "rpps": "10001234566"}
    response = client.post(step_url(application, "profil"), data, follow=True)
    assert response.redirect_chain[-1][0] == step_url(application, "exercice")
    assert "ne passe pas le contrôle de clé" in response.content.decode()


def test_environment_step_saves_sites_and_teaching_environment(client, new_doctor):
    application = start(client)
    response = client.post(step_url(application, "exercice"), {**SITES, **ENVIRONMENT})
    assert response.status_code == 302
    site = new_doctor.sites.get()
    assert (site.commune, site.zonage, site.is_main) == ("Nîmes", "zip", True)
    application.refresh_from_db()
    assert application.max_students == 2 and application.student_room


def test_environment_step_needs_one_site_and_a_valid_postal_code(client, new_doctor):
    application = start(client)
    empty_site = {
        **SITES,
        "sites-0-kind": "",
        "sites-0-address": "",
        "sites-0-postal_code": "",
        "sites-0-commune": "",
        "sites-0-name": "",
        "sites-0-zonage": "none",
    }
    response = client.post(step_url(application, "exercice"), {**empty_site, **ENVIRONMENT})
    assert response.status_code == 400
    assert "Indiquez au moins un lieu d&#x27;exercice." in response.content.decode()
    bad_code = {**SITES, "sites-0-postal_code": "3400"}
    response = client.post(step_url(application, "exercice"), {**bad_code, **ENVIRONMENT})
    assert "Le code postal compte 5 chiffres." in response.content.decode()
    assert not new_doctor.sites.exists()
    # The summary at the top counts and links the sites' errors too, not the form's alone.
    half = {**SITES, "sites-0-address": "", "sites-0-postal_code": "3400"}
    page = client.post(
        step_url(application, "exercice"), {**half, **ENVIRONMENT, "practice_description": ""}
    ).content.decode()
    summary = page.split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0]
    assert "Le formulaire contient 3 erreurs à corriger." in summary
    assert 'href="#id_sites-0-address">Lieu 1 — Adresse : ' in summary
    assert 'href="#id_sites-0-postal_code">Lieu 1 — Code postal : ' in summary
    assert "<title>Erreur : " in page
    # With the sites' errors alone, the summary is there all the same.
    page = client.post(step_url(application, "exercice"), {**half, **ENVIRONMENT}).content.decode()
    assert "Le formulaire contient 2 erreurs à corriger." in page


def test_levels_step_shows_eligibility_and_saves_choice(client, doctor, draft):
    client.force_login(doctor.user)
    page = client.get(step_url(draft, "niveaux")).content.decode()
    assert "Ce niveau concerne les spécialités autres que la médecine générale" in page
    response = client.post(step_url(draft, "niveaux"), {"levels": ["externe", "saspas"]})
    assert response.status_code == 302
    assert sorted(draft.levels) == ["externe", "saspas"]


def test_levels_step_requires_one_level(client, doctor, draft):
    client.force_login(doctor.user)
    response = client.post(step_url(draft, "niveaux"), {})
    assert response.status_code == 400
    assert "Choisissez au moins un niveau de stage." in response.content.decode()
    assert draft.levels == ["niveau_1"]


def test_pieces_required_depend_on_levels_and_kind(client, doctor, draft):
    client.force_login(doctor.user)
    client.post(step_url(draft, "niveaux"), {"levels": ["externe"]})
    page = client.get(step_url(draft, "pieces")).content.decode()
    assert "Curriculum vitae" in page
    assert "Attestation de formation pédagogique" not in page
    client.post(step_url(draft, "niveaux"), {"levels": ["externe", "niveau_1"]})
    page = client.get(step_url(draft, "pieces")).content.decode()
    assert "Attestation de formation pédagogique" in page
    assert "10 Mo" in page  # the limit is said before the upload


def test_commitments_step_requires_the_mandatory_ones(client, doctor, draft):
    client.force_login(doctor.user)
    response = client.post(step_url(draft, "engagements"), {"commit_charter": "on"})
    assert response.status_code == 400
    assert "Cet engagement est obligatoire pour transmettre le dossier." in (
        response.content.decode()
    )
    summary = response.content.decode().split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0]
    assert " : Cet engagement est obligatoire" in summary and ". :" not in summary
    response = client.post(
        step_url(draft, "engagements"),
        {
            "commit_charter": "on",
            "commit_insurer": "on",
            "certify_accuracy": "on",
        },
    )
    assert response.url == step_url(draft, "recapitulatif")
    draft.refresh_from_db()
    assert draft.commit_charter and draft.certify_accuracy


def test_review_lists_what_is_missing(client, doctor, draft):
    client.force_login(doctor.user)
    page = client.get(step_url(draft, "recapitulatif")).content.decode()
    assert "Avant de transmettre, complétez" in page
    assert "Pièces : ajoutez « Curriculum vitae »." in page


def test_unknown_step_is_404(client, doctor, draft):
    client.force_login(doctor.user)
    assert client.get(step_url(draft, "nimporte")).status_code == 404


def test_resuming_a_draft_lands_on_the_first_unfinished_step_with_data_kept(client, new_doctor):
    application = start(client)
    client.post(step_url(application, "profil"), {**PROFILE, "faculty": faculty_id()})
    client.post(step_url(application, "exercice"), {**SITES, **ENVIRONMENT})
    client.logout()

    client.force_login(new_doctor.user)
    home = client.get(reverse("home")).content.decode()
    assert "Reprendre le brouillon" in home
    response = client.get(reverse("applications:resume", args=[application.pk]))
    assert response.url == step_url(application, "niveaux")
    profile_page = client.get(step_url(application, "profil")).content.decode()
    assert 'value="10001234565"' in profile_page
    environment_page = client.get(step_url(application, "exercice")).content.decode()
    assert "Maison de santé, 6 médecins." in environment_page
    assert 'value="Nîmes"' in environment_page


@pytest.mark.parametrize(
    ("change", "landing"),
    [
        ({"doctor": {"rpps": ""}}, "profil"),
        ({"doctor": {"civility": ""}}, "profil"),  # the review asks for it too
        ({"application": {"practice_description": ""}}, "exercice"),
        ({"levels": []}, "niveaux"),
        ({}, "pieces"),
        ({"pieces": True, "application": {"commit_charter": False}}, "engagements"),
        ({"pieces": True}, "recapitulatif"),
    ],
)
def test_resume_lands_on_the_first_unfinished_step(client, doctor, draft, change, landing):
    from tests.files import pdf_upload

    Doctor.objects.filter(pk=doctor.pk).update(**change.get("doctor", {}))
    Application.objects.filter(pk=draft.pk).update(**change.get("application", {}))
    if "levels" in change:
        draft.requested_levels.all().delete()
    client.force_login(doctor.user)
    if change.get("pieces"):
        pieces = ["cv", "no_conviction", "insurance", "training"]
        client.post(step_url(draft, "pieces"), {p: pdf_upload(f"{p}.pdf") for p in pieces})
    response = client.get(reverse("applications:resume", args=[draft.pk]))
    assert response.url == step_url(draft, landing)


def test_renewal_asks_for_the_activity_report(client, doctor):
    renewal = ApplicationFactory(doctor=doctor, kind=Application.Kind.RENEWAL)
    client.force_login(doctor.user)
    page = client.get(step_url(renewal, "pieces")).content.decode()
    assert "Rapport d&#x27;activité pédagogique de la période écoulée" in page
    problems = selectors.completeness_problems(renewal)
    assert "Pièces : ajoutez « Rapport d'activité pédagogique de la période écoulée »." in problems


def test_resuming_a_submitted_dossier_opens_it_read_only(client, doctor, draft):
    services.withdraw(draft, doctor.user)
    client.force_login(doctor.user)
    response = client.get(reverse("applications:resume", args=[draft.pk]))
    assert response.url == reverse("applications:detail", args=[draft.pk])


def test_profile_upp_must_belong_to_the_chosen_faculty(client, new_doctor):
    from accounts.models import Organisation

    application = start(client)
    montpellier = Organisation.objects.get(pk=faculty_id())
    beziers = Organisation.objects.get(kind=Organisation.Kind.UPP, name="UPP Béziers")
    other_faculty = Organisation.objects.filter(kind=Organisation.Kind.FACULTY).exclude(
        pk=montpellier.pk
    )[0]
    response = client.post(
        step_url(application, "profil"), {**PROFILE, "faculty": other_faculty.pk, "upp": beziers.pk}
    )
    assert response.status_code == 400
    assert "Cette UPP dépend d&#x27;une autre faculté" in response.content.decode()
    assert Doctor.objects.get(pk=new_doctor.pk).upp is None

    response = client.post(
        step_url(application, "profil"), {**PROFILE, "faculty": montpellier.pk, "upp": beziers.pk}
    )
    assert response.status_code == 302
    assert Doctor.objects.get(pk=new_doctor.pk).upp == beziers


def test_a_required_fields_star_stays_apart_from_its_label_even_after_an_acronym(
    client, new_doctor
):
    # « Numéro RPPS * », not « Numéro RPPS* »: the space before the star was lost after the
    # <abbr> of an acronym (whitespace between two tags is dropped).
    application = start(client)
    page = client.get(step_url(application, "profil")).content.decode()
    assert '>RPPS</abbr>&nbsp;<span aria-hidden="true">*</span>' in page
